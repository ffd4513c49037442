"""Translation side of the toolkit: models, decoding, documents, scoring and the CLI.

Note: translate-toolkit also installs a top-level package named ``translate``;
the two cannot share one Python environment.
"""

from translate.version import __version__

__all__ = ["__version__"]
