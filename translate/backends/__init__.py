"""Translation backends, one module each, behind :class:`~translate.backends.base.Translator`."""

from __future__ import annotations

from collections.abc import Callable

from glossary.errors import ConfigError
from translate.backends.base import Output, Translator


def _transformers(location: str, revision: str | None, threads: int) -> Translator:
    from translate.backends.transformers_backend import TransformersTranslator

    return TransformersTranslator(location, revision, threads)


#: Backend name → factory(location, revision, threads).
BACKENDS: dict[str, Callable[[str, str | None, int], Translator]] = {
    "transformers": _transformers,
}


def make_translator(name: str, location: str, revision: str | None = None,
                    threads: int = 0) -> Translator:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown backend '{name}' (valid: {', '.join(BACKENDS)})") from None
    return factory(location, revision, threads)


__all__ = ["BACKENDS", "Output", "Translator", "make_translator"]
