"""Where the toolkit keeps and finds things, from the environment: one module for all.

* ``TERMTRANS_HOME`` — the user's directory for the translation cache and CTranslate2
  conversions; default ``$XDG_CACHE_HOME/termtrans`` (``~/.cache/termtrans``).
* ``TERMTRANS_MODELS_LOCK`` — the ``models.lock`` to use; default ``./models.lock`` if
  there is one, else the checkout's (editable install) or the wheel's copy.
* ``TERMTRANS_DEBUG`` — print tracebacks with errors (``termtrans --debug``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository checkout this package runs from, when it does (an editable install).
CHECKOUT_ROOT = Path(__file__).resolve().parents[1]
#: Where the wheel carries models.lock and models/ (see setup.py).
SHIPPED_ROOT = Path(__file__).resolve().parent / "_shipped"


def home() -> Path:
    """The user's termtrans directory (cache, conversions)."""
    explicit = os.environ.get("TERMTRANS_HOME")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "termtrans"


def cache_path() -> Path:
    """The translation cache that ``termtrans translate`` and ``termtrans serve`` share."""
    return home() / "translations.sqlite"


def conversions_root() -> Path:
    """Where CTranslate2 conversions of models are cached."""
    return home() / "ctranslate2"


def shipped_root() -> Path:
    """The checkout's models.lock and models/ (editable install), else the wheel's copy."""
    return CHECKOUT_ROOT if (CHECKOUT_ROOT / "models.lock").is_file() else SHIPPED_ROOT


def lock_path(explicit: Path | None = None) -> Path:
    """The models.lock to use: explicit, $TERMTRANS_MODELS_LOCK, ./models.lock, the shipped one."""
    if explicit is not None:
        return explicit
    env = os.environ.get("TERMTRANS_MODELS_LOCK")
    if env:
        return Path(env)
    local = Path("models.lock")
    return local if local.is_file() else shipped_root() / "models.lock"


def debugging() -> bool:
    """Whether tracebacks are wanted: ``termtrans --debug …`` or TERMTRANS_DEBUG=1."""
    return os.environ.get("TERMTRANS_DEBUG", "") not in ("", "0")
