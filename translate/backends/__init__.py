"""Translation backends, one module each, behind :class:`~translate.backends.base.Translator`."""

from __future__ import annotations

from collections.abc import Callable

from glossary.errors import ConfigError
from translate.backends.base import Output, Translator

Factory = Callable[[str, str | None, int, bool], Translator]


def _transformers(location: str, revision: str | None, threads: int,
                  vocabulary_map: bool) -> Translator:
    from translate.backends.transformers_backend import TransformersTranslator

    return TransformersTranslator(location, revision, threads)   # always the full vocabulary


def _ctranslate2(compute_type: str) -> Factory:
    def factory(location: str, revision: str | None, threads: int,
                vocabulary_map: bool) -> Translator:
        from translate.backends.ctranslate2_backend import CTranslate2Translator

        return CTranslate2Translator(location, revision, threads, compute_type,
                                     vocabulary_map=vocabulary_map)
    return factory


#: Backend name → factory(location, revision, threads, vocabulary_map). ``ctranslate2`` is int8.
BACKENDS: dict[str, Factory] = {
    "transformers": _transformers,
    "ctranslate2": _ctranslate2("int8"),
    "ctranslate2-int8_float32": _ctranslate2("int8_float32"),
    "ctranslate2-float32": _ctranslate2("float32"),
}


def pick_backend(location: str) -> str:
    """``auto``: the fast path when the model is a local directory and CTranslate2 is
    installed, or the model ships its conversion (then a missing CTranslate2 is reported
    with the light ``translate`` extra, not PyTorch's); otherwise transformers."""
    import importlib.util
    from pathlib import Path

    directory = Path(location)
    if not directory.is_dir():
        return "transformers"
    if importlib.util.find_spec("ctranslate2") is not None \
            or any(p.is_dir() for p in directory.glob("ctranslate2-*")):
        return "ctranslate2"
    return "transformers"


def make_translator(name: str, location: str, revision: str | None = None,
                    threads: int = 0, *, vocabulary_map: bool = True) -> Translator:
    """A backend by registry name (or ``auto``); unknown names list the valid ones.

    *vocabulary_map* lets a backend that supports it (CTranslate2) restrict each
    batch's output vocabulary with the model's ``vmap.txt``, when it has one.
    """
    if name == "auto":
        name = pick_backend(location)
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown backend '{name}' (valid: auto, {', '.join(BACKENDS)})"
                          ) from None
    return factory(location, revision, threads, vocabulary_map)


__all__ = ["BACKENDS", "Output", "Translator", "make_translator", "pick_backend"]
