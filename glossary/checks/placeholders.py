"""Placeholder checks: format-string placeholders, inline tags, URLs and e-mails, both ways."""

from __future__ import annotations

from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.placeholders import (
    compare_placeholders,
    find_placeholders,
    syntaxes_for_flags,
    unbalanced_braces,
)


@segment_check("placeholder_mismatch",
               "a placeholder, tag, URL or e-mail address is dropped, altered or added")
def placeholder_mismatch(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    syntaxes = syntaxes_for_flags(seg.flags)
    diff = compare_placeholders(analysis.source, analysis.target, syntaxes)
    for text in diff.missing:
        yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"'{text}' from the source is not in the translation byte-exact",
                    source_term=text, expected=text, source_span=_span(analysis.source, text))
    for text in diff.added:
        yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"'{text}' in the translation is not in the source (as often)",
                    found=text, span=_span(analysis.target, text))
    if "python-brace-format" in seg.flags:
        at = unbalanced_braces(analysis.target, find_placeholders(analysis.target, syntaxes))
        if at is not None and unbalanced_braces(
                analysis.source, find_placeholders(analysis.source, syntaxes)) is None:
            yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                        f"unbalanced '{analysis.target[at]}' at column {at + 1}: "
                        "str.format() would raise", found=analysis.target[at], span=(at, at + 1))


def _span(text: str, part: str) -> tuple[int, int] | None:
    at = text.rfind(part)
    return (at, at + len(part)) if at >= 0 else None
