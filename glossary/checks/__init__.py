"""Terminology consistency checks (``termtrans check``).

Importing this package registers the built-in checks: ``missing_term``,
``forbidden_variant``, ``code_mismatch``, ``number_mismatch``,
``placeholder_mismatch``, ``duplicated_term``, ``inconsistent``, ``normalisation``,
``tone_style``, ``untranslated``, ``misaligned``, ``date_mismatch``, ``repetition``,
``no_words`` and ``missing_name``.
"""

from glossary.checks import (
    alignment,
    codes,
    consistency,
    fluency,
    names,
    normalisation,
    placeholders,
    terms,
)
from glossary.checks.analysis import SegmentAnalysis, TermHit, analyse
from glossary.checks.base import REGISTRY, Check, Issue, Segment, Severity, resolve_checks
from glossary.checks.runner import Report, check_segments

__all__ = [
    "REGISTRY", "Check", "Issue", "Report", "Segment", "SegmentAnalysis", "Severity", "TermHit",
    "alignment", "analyse", "check_segments", "codes", "consistency", "fluency", "names",
    "normalisation",
    "placeholders", "resolve_checks", "terms",
]
