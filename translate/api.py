"""The Python API: translate texts under a glossary in one call.

    >>> from translate import Engine
    >>> engine = Engine(glossary="seeds/glossary.tsv")          # doctest: +SKIP
    >>> (hyp,) = engine.translate(["Prestigious people met."])  # doctest: +SKIP
    >>> hyp.text, hyp.ok                                        # doctest: +SKIP

An :class:`Engine` resolves and loads the model once (as ``termtrans
translate`` does per run) and keeps it for every later call, so a service or a
notebook pays the load once. Each result is a
:class:`~translate.pipeline.Hypothesis`: the text, the targets that were
required of it and the verification issues (``ok`` when there are none).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from glossary.formats import load_glossaries
from glossary.model import Glossary
from translate.build import EngineConfig, build_pipeline, load_model
from translate.cache import TranslationCache
from translate.documents.segment import Segmenter
from translate.pipeline import DEFAULT_BEAM, Hypothesis


class Engine:
    """A loaded model, a glossary and decoding options, reusable across calls."""

    def __init__(self, *, model: str | None = None,
                 glossary: str | Path | Sequence[str | Path] | Glossary | None = None,
                 backend: str = "auto", beam: int = DEFAULT_BEAM, constraints: bool = True,
                 cache: str | Path | None = None, threads: int = 0,
                 verify_model: bool = True) -> None:
        if isinstance(glossary, Glossary):
            self.glossary = glossary
        elif glossary is None:
            self.glossary = Glossary(())
        else:
            paths = [glossary] if isinstance(glossary, str | Path) else list(glossary)
            self.glossary = load_glossaries(paths)
        self.config = EngineConfig(model=model, backend=backend, beam=beam,
                                   constraints=constraints, threads=threads,
                                   verify_model=verify_model)
        loaded = load_model(self.config)
        self.model = loaded.resolved
        store = TranslationCache(Path(cache)) if cache is not None else None
        self.pipeline = build_pipeline(self.config, self.glossary, model=loaded, cache=store)

    @property
    def signature(self) -> str:
        """The reproducibility signature of this engine's output (as the CLI prints)."""
        return self.pipeline.signature

    def translate(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """Translate sentences (one hypothesis each, same order, verified)."""
        return self.pipeline.translate(list(sentences))

    def translate_text(self, text: str) -> str:
        """Translate a paragraph: split into sentences (and below the model's input
        limit), translate, join. Use :meth:`translate` to see verification issues."""
        segmenter = Segmenter.for_model(self.pipeline.translator, self.pipeline.matcher)
        return segmenter.translate(text, lambda pieces: [h.text for h in self.translate(pieces)])


def translate_texts(texts: Sequence[str], *, glossary: str | Path | Glossary | None = None,
                    model: str | None = None, beam: int = DEFAULT_BEAM) -> list[Hypothesis]:
    """One-shot convenience: load the model, translate *texts* (sentences), verify."""
    return Engine(model=model, glossary=glossary, beam=beam).translate(texts)
