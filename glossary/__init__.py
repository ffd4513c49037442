"""Glossary core: terms, loaders, normalisation, matching and consistency checks.

Knows nothing about translation models, so editors and CI can use it alone.
"""

from glossary.errors import GlossaryError, InputError, ParseError, ToolkitError
from glossary.formats import load_glossary, save_glossary
from glossary.matching import Match, TermMatcher
from glossary.model import Entry, Glossary, Term, build_glossary

__all__ = ["Entry", "Glossary", "GlossaryError", "InputError", "Match", "ParseError", "Term",
           "TermMatcher", "ToolkitError", "build_glossary", "load_glossary", "save_glossary"]
__version__ = "0.1.0"
