"""The toolkit's version, used in every reproducibility signature (one source:
:mod:`glossary.version`, which the core install has too)."""

from glossary.version import __version__

__all__ = ["__version__"]
