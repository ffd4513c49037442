"""Translation backends, one module each, behind :class:`~translate.backends.base.Translator`."""

from __future__ import annotations

from collections.abc import Callable

from glossary.errors import ConfigError
from translate.backends.base import Output, Translator


def _transformers(location: str, revision: str | None, threads: int) -> Translator:
    from translate.backends.transformers_backend import TransformersTranslator

    return TransformersTranslator(location, revision, threads)


def _ctranslate2(compute_type: str) -> Callable[[str, str | None, int], Translator]:
    def factory(location: str, revision: str | None, threads: int) -> Translator:
        from translate.backends.ctranslate2_backend import CTranslate2Translator

        return CTranslate2Translator(location, revision, threads, compute_type)
    return factory


#: Backend name → factory(location, revision, threads). ``ctranslate2`` is int8.
BACKENDS: dict[str, Callable[[str, str | None, int], Translator]] = {
    "transformers": _transformers,
    "ctranslate2": _ctranslate2("int8"),
    "ctranslate2-int8_float32": _ctranslate2("int8_float32"),
    "ctranslate2-float32": _ctranslate2("float32"),
}


def make_translator(name: str, location: str, revision: str | None = None,
                    threads: int = 0) -> Translator:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown backend '{name}' (valid: {', '.join(BACKENDS)})") from None
    return factory(location, revision, threads)


__all__ = ["BACKENDS", "Output", "Translator", "make_translator"]
