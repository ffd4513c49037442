"""Alignment checks: untranslated segments and lines that belong to a neighbour.

Aligned files pair line *i* with line *i*; one dropped or doubled line shifts
every pair after it, and each shifted pair then looks like a bad translation.
These checks name the cause instead: a translation whose numbers are those of
the next or previous source line, or whose length cannot be a translation of
its own source, is reported as misaligned.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check, set_check

_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGITS = re.compile(r"\d+")
#: Vietnamese runs about 1.2–1.6× the characters of its English source; outside
#: these bounds (for sources of at least MIN_CHARS) a line cannot be a translation.
RATIO_BOUNDS = (0.45, 3.5)
MIN_CHARS = 40


@segment_check("untranslated", "a segment is empty or left in English")
def untranslated(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    if not _WORD.search(analysis.source):
        return
    if not analysis.target.strip():
        yield Issue("untranslated", Severity.WARNING, seg.file, seg.line,
                    "the translation is empty")
    elif (" ".join(analysis.target.split()).casefold()
          == " ".join(analysis.source.split()).casefold()
          and len(_WORD.findall(analysis.source)) >= 3):
        yield Issue("untranslated", Severity.WARNING, seg.file, seg.line,
                    "the translation is the source text, untranslated")


def _numbers(text: str) -> Counter[str]:
    return Counter(m.group().lstrip("0") or "0" for m in _DIGITS.finditer(text))


@set_check("misaligned", "a line of an aligned file holds its neighbour's translation")
def misaligned(analyses: list[SegmentAnalysis]) -> Iterator[Issue]:
    by_file: dict[str, list[SegmentAnalysis]] = {}
    for analysis in analyses:
        if analysis.segment.source_file is not None:     # aligned line files only
            by_file.setdefault(analysis.segment.file, []).append(analysis)
    for rows in by_file.values():
        rows.sort(key=lambda a: a.segment.line)
        for k, row in enumerate(rows):
            issue = _shifted(row, rows[k - 1] if k else None,
                             rows[k + 1] if k + 1 < len(rows) else None)
            if issue is not None:
                yield issue


def _shifted(row: SegmentAnalysis, before: SegmentAnalysis | None,
             after: SegmentAnalysis | None) -> Issue | None:
    seg = row.segment
    own, got = _numbers(row.source), _numbers(row.target)
    if got and got != own:
        for neighbour in (after, before):
            if neighbour is not None and _numbers(neighbour.source) == got:
                return Issue("misaligned", Severity.ERROR, seg.file, seg.line,
                             "the translation's numbers are those of source line "
                             f"{neighbour.segment.source_line}: a line is missing or extra "
                             "above this one")
    source_len, target_len = len(row.source.strip()), len(row.target.strip())
    if source_len >= MIN_CHARS and target_len and not (
            RATIO_BOUNDS[0] <= target_len / source_len <= RATIO_BOUNDS[1]):
        return Issue("misaligned", Severity.WARNING, seg.file, seg.line,
                     f"the translation has {target_len} characters for a source of "
                     f"{source_len}: it cannot translate this line (shifted lines?)")
    return None
