"""Optional heavy dependencies, imported when first needed with an actionable message.

``termtrans check``, ``score`` and ``glossary`` need none of them, so a CI job
that gates terminology installs ``termtrans`` alone; translating needs the
``translate`` extra (CTranslate2 and sentencepiece: the default model ships
converted); the transformers backend, converting other models and training need
the ``torch`` extra (transformers and PyTorch).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from glossary.errors import MissingDependencyError

INSTALL_HINT = "pip install 'termtrans[translate]'"
TORCH_HINT = ("pip install 'termtrans[torch]' (for PyTorch's CPU build add "
              "--extra-index-url https://download.pytorch.org/whl/cpu)")


SERVE_HINT = "pip install 'termtrans[serve]'"


def require(module: str, purpose: str = "translating", hint: str = INSTALL_HINT) -> ModuleType:
    """Import *module* or raise MissingDependencyError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or module
        raise MissingDependencyError(f"{purpose} needs {missing}, which is not installed: "
                                     f"{hint}") from None
