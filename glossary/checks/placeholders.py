"""Placeholder checks: format-string placeholders, inline tags, URLs and e-mails, both ways."""

from __future__ import annotations

from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.placeholders import (
    compare_placeholders,
    crossed_tag,
    find_placeholders,
    format_syntaxes,
    stray_directive_char,
    syntaxes_for_flags,
    unpaired_delimiter,
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
    declared = format_syntaxes(seg.flags)
    kind = '/'.join(f for f in seg.flags if f.endswith('-format'))
    if not declared and _has_brace_placeholder(analysis.source, syntaxes):
        # undeclared, but "{name}" in the source makes it a brace-format string: a brace
        # the translation adds ("{elcome, {name}!") breaks str.format all the same
        declared, kind = ("brace",), "brace-format"
    yield from _markup(analysis)
    at = stray_directive_char(analysis.target, declared)
    if at is not None and stray_directive_char(analysis.source, declared) is None:
        yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"stray '{analysis.target[at]}' at column {at + 1} of a {kind} string: "
                    "the program would fail to format it",
                    found=analysis.target[at], span=(at, at + 1))


def _markup(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    crossed = crossed_tag(analysis.target)
    if crossed is not None and crossed_tag(analysis.source) is None:
        yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"'{crossed.text}' at column {crossed.start + 1} closes another element "
                    "than the last one opened: the tags cross, the source's nest",
                    found=crossed.text, span=(crossed.start, crossed.end))
    mark = unpaired_delimiter(analysis.source, analysis.target)
    if mark is not None:
        at = analysis.target.rfind(mark)
        yield Issue("placeholder_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"'{mark}' is left open in the translation; the source's are paired",
                    found=mark, span=(at, at + len(mark)) if at >= 0 else None)


def _has_brace_placeholder(text: str, syntaxes: tuple[str, ...]) -> bool:
    return "brace" in syntaxes and any(p.syntax == "brace"
                                       for p in find_placeholders(text, syntaxes))


def _span(text: str, part: str) -> tuple[int, int] | None:
    at = text.rfind(part)
    return (at, at + len(part)) if at >= 0 else None
