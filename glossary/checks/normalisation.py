"""Normalisation traps: decomposed Unicode, look-alike letters, mixed tone styles.

These are reported, never fixed silently: the checker compares after NFC and
tone folding, but the user's file is what gets published.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check, set_check
from glossary.normalize import (
    ToneStyle,
    ToneStyleCount,
    count_tone_styles,
    find_suspicious,
    is_nfc,
)


def _text_issues(text: str, file: str, line: int, side: str) -> Iterator[Issue]:
    if not is_nfc(text):
        decomposed = sum(1 for ch in text if unicodedata.combining(ch))
        yield Issue("normalisation", Severity.WARNING, file, line,
                    f"{side} is not NFC ({decomposed} combining mark(s)); it was compared "
                    "after NFC normalisation — re-save it as NFC")
    for sus in find_suspicious(text):
        severity = Severity.WARNING if sus.reason.startswith("invisible") else Severity.ERROR
        fix = f"; use '{sus.suggestion}'" if sus.suggestion else ""
        yield Issue("normalisation", severity, file, line,
                    f"{side} column {sus.index + 1}: {sus.codepoint} '{sus.char}' "
                    f"({sus.reason}){fix}",
                    found=sus.char, expected=sus.suggestion,
                    span=(sus.index, sus.index + 1) if side == "translation" else None,
                    source_span=(sus.index, sus.index + 1) if side == "source" else None)


@segment_check("normalisation", "not NFC, look-alike or invisible characters, mixed tone styles")
def normalisation(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    yield from _text_issues(seg.target, seg.file, seg.line, "translation")
    yield from _text_issues(seg.source, seg.source_file or seg.file,
                            seg.source_line or seg.line, "source")


@set_check("tone_style", "a file mixes old (hoà) and new (hòa) tone-mark placement",
           kind="normalisation")
def tone_style(analyses: list[SegmentAnalysis]) -> Iterator[Issue]:
    by_file: dict[str, list[SegmentAnalysis]] = defaultdict(list)
    for analysis in analyses:
        by_file[analysis.segment.file].append(analysis)
    for group in by_file.values():
        each = [count_tone_styles([a.target]) for a in group]
        overall = ToneStyleCount.total(each)
        if not overall.mixed:
            continue
        dominant = overall.dominant or ToneStyle.NEW
        for analysis, counts in zip(group, each, strict=True):
            minority = counts.old_examples if dominant is ToneStyle.NEW else counts.new_examples
            if not minority:
                continue
            other = "old-style (hoà)" if dominant is ToneStyle.NEW else "new-style (hòa)"
            seg = analysis.segment
            yield Issue("normalisation", Severity.INFO, seg.file, seg.line,
                        f"{other} tone placement in {', '.join(minority)}; the file "
                        f"mostly uses the {dominant.value} style "
                        f"({overall.old} old vs {overall.new} new)",
                        found=", ".join(minority))
