"""One way to build a translation pipeline.

The command line, the Python API, the server and the Ray actors all describe what
they want as an :class:`EngineConfig` and get their pipeline from
:func:`build_pipeline`, so every default is written once and a new entry point
cannot drift from the others (a beam default set in four places had already
started to).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glossary.errors import ConfigError
from glossary.model import Glossary
from translate.pipeline import DEFAULT_BEAM, BatchStore, Options, TranslationPipeline

if TYPE_CHECKING:
    from translate.backends.base import Translator
    from translate.cache import TranslationCache
    from translate.models import ResolvedModel


@dataclass(frozen=True)
class EngineConfig:
    """Which model, on which backend, decoded how: everything that decides a pipeline's
    output (and so its reproducibility signature) apart from the glossary."""

    #: A model directory, a ``models.lock`` name or a hub id; None: the shipped model.
    model: str | None = None
    backend: str = "auto"
    beam: int = DEFAULT_BEAM
    #: Enforce glossary terms, codes, numbers, amounts and months.
    constraints: bool = True
    #: Sentences per backend call; None: the backend's preference.
    batch_size: int | None = None
    #: CPU threads per model (0: the library's default).
    threads: int = 0
    #: CTranslate2: decode over the candidate pieces of the model's ``vmap.txt``.
    vocabulary_map: bool = True
    #: Check the model's files against ``models.lock`` before using them.
    verify_model: bool = True
    #: Estimate every translation's quality (one forced-decoding pass per batch).
    quality: bool = True
    #: Reuse cached translations only as whole batches (a batch run's byte-identical
    #: reruns); a server, whose batches mix requests, reuses sentence by sentence.
    cache_by_batch: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.beam <= 64:
            raise ConfigError(f"beam {self.beam}: must be between 1 and 64")
        if self.batch_size is not None and self.batch_size < 1:
            raise ConfigError(f"batch size {self.batch_size}: must be at least 1")
        if self.threads < 0:
            raise ConfigError(f"threads {self.threads}: must be 0 (default) or more")

    @property
    def options(self) -> Options:
        """The pipeline's decoding options."""
        return Options(self.beam, self.constraints, self.batch_size,
                       cache_by_batch=self.cache_by_batch, quality=self.quality)


@dataclass(frozen=True)
class LoadedModel:
    """A resolved model and its backend, shared by every pipeline built on it (the
    server keeps one per process and a pipeline per glossary)."""

    resolved: ResolvedModel
    translator: Translator


def load_model(config: EngineConfig, resolved: ResolvedModel | None = None) -> LoadedModel:
    """Resolve ``config.model`` (unless *resolved* says where it already is: a Ray
    actor gets the driver's) and open it with ``config.backend``."""
    from translate.backends import make_translator
    from translate.models import resolve_model

    if resolved is None:
        resolved = resolve_model(config.model, check=config.verify_model)
    translator = make_translator(config.backend, resolved.location, resolved.revision,
                                 config.threads, vocabulary_map=config.vocabulary_map)
    return LoadedModel(resolved, translator)


def build_pipeline(config: EngineConfig, glossary: Glossary | None = None, *,
                   model: LoadedModel | None = None, cache: TranslationCache | None = None,
                   memory: Mapping[str, str] | None = None,
                   batch_store: BatchStore | None = None) -> TranslationPipeline:
    """The pipeline for *config* under *glossary* (on *model* when one is loaded already),
    with an optional cache, translation memory and batch store."""
    loaded = model or load_model(config)
    return TranslationPipeline(loaded.translator, glossary or Glossary(()),
                               model_id=loaded.resolved.model_id, options=config.options,
                               cache=cache, memory=memory, batch_store=batch_store)
