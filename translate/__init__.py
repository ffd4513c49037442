"""Translation side of the toolkit: models, decoding, documents, scoring and the CLI.

The Python API is :class:`Engine` and :func:`translate_texts` (imported lazily:
importing this package loads no model and no machine-learning library).

Note: translate-toolkit also installs a top-level package named ``translate``;
the two cannot share one Python environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from translate.version import __version__

if TYPE_CHECKING:
    from translate.api import Engine, translate_texts

__all__ = ["Engine", "__version__", "translate_texts"]


def __getattr__(name: str) -> Any:
    if name in ("Engine", "translate_texts"):
        from translate import api

        return getattr(api, name)
    raise AttributeError(f"module 'translate' has no attribute {name!r}")
