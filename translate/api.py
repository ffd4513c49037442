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
from translate.backends import make_translator
from translate.cache import TranslationCache
from translate.documents.run import MAX_SOURCE_TOKENS
from translate.documents.segment import join_pieces, split_long, split_sentences
from translate.models import resolve_model
from translate.pipeline import Hypothesis, Options, TranslationPipeline


class Engine:
    """A loaded model, a glossary and decoding options, reusable across calls."""

    def __init__(self, *, model: str | None = None,
                 glossary: str | Path | Sequence[str | Path] | Glossary | None = None,
                 backend: str = "auto", beam: int = 4, constraints: bool = True,
                 cache: str | Path | None = None, threads: int = 0,
                 verify_model: bool = True) -> None:
        if isinstance(glossary, Glossary):
            self.glossary = glossary
        elif glossary is None:
            self.glossary = Glossary(())
        else:
            paths = [glossary] if isinstance(glossary, str | Path) else list(glossary)
            self.glossary = load_glossaries(paths)
        self.model = resolve_model(model, check=verify_model)
        translator = make_translator(backend, self.model.location, self.model.revision, threads)
        store = TranslationCache(Path(cache)) if cache is not None else None
        self.pipeline = TranslationPipeline(translator, self.glossary,
                                            model_id=self.model.model_id,
                                            options=Options(beam, constraints), cache=store)

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
        translator = self.pipeline.translator
        limit = min(MAX_SOURCE_TOKENS, translator.max_source_tokens)
        pieces = [p for s in split_sentences(text)
                  for p in split_long(s, translator.source_length, limit)]
        return join_pieces(text, pieces, [h.text for h in self.pipeline.translate(pieces)])


def translate_texts(texts: Sequence[str], *, glossary: str | Path | Glossary | None = None,
                    model: str | None = None, beam: int = 4) -> list[Hypothesis]:
    """One-shot convenience: load the model, translate *texts* (sentences), verify."""
    return Engine(model=model, glossary=glossary, beam=beam).translate(texts)
