"""Glossary core: terms, loaders, normalisation, matching and consistency checks.

Knows nothing about translation models, so editors and CI can use it alone.

    >>> from glossary import load_glossary, check_pairs
    >>> report = check_pairs(["Prestigious people met."], ["Người có uy tín đã gặp."],
    ...                      load_glossary("seeds/glossary.tsv"))   # doctest: +SKIP
    >>> report.issues, report.term_success_rate                     # doctest: +SKIP
"""

from collections.abc import Sequence

from glossary.checks import Issue, Report, Segment, check_segments
from glossary.errors import GlossaryError, InputError, ParseError, ToolkitError
from glossary.formats import load_glossary, save_glossary
from glossary.matching import Match, TermMatcher
from glossary.model import Entry, Glossary, Term, build_glossary
from glossary.version import __version__


def check_pairs(sources: Sequence[str], translations: Sequence[str], glossary: Glossary, *,
                name: str = "<pairs>") -> Report:
    """Check translations against their sources with every check of ``termtrans check``.

    Line *n* of the report is pair *n* (1-based) under the file name *name*; the
    pairs are checked as one set, so consistency across them is checked too.
    """
    if len(sources) != len(translations):
        raise InputError(name, None, f"{len(sources)} source(s) but {len(translations)} "
                         "translation(s)")
    return check_segments([Segment(name, n, s, t) for n, (s, t) in
                           enumerate(zip(sources, translations, strict=True), start=1)],
                          glossary)


__all__ = ["Entry", "Glossary", "GlossaryError", "InputError", "Issue", "Match", "ParseError",
           "Report", "Term", "TermMatcher", "ToolkitError", "__version__", "build_glossary",
           "check_pairs", "load_glossary", "save_glossary"]
