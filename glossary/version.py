"""The toolkit's version: the one source for the package metadata (pyproject reads it)
and every reproducibility signature. Bump it with each change users can see, and say
what changed in CHANGELOG.md."""

__version__ = "0.3.0"
