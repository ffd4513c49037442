"""The toolkit's version, used in every reproducibility signature."""

__version__ = "0.1.0"
