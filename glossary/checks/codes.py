"""Code and number checks: document codes byte-exact, numbers with the same value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from glossary.amounts import amount_problem, months_missing, source_amounts
from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.codes import (
    added_numbers,
    contains_code,
    find_code_fragments,
    find_codes,
    source_numbers,
    stray_code_parts,
    target_numbers,
)


def _closest(code: str, target: str) -> str:
    """The token of *target* that most looks like an altered *code* (same leading digits)."""
    digits = re.match(r"\d+", code)
    if digits is None:
        return ""
    found = re.search(rf"(?<![\w/]){digits.group()}[^\s,;()\"“”]*", target)
    return found.group().rstrip(".:") if found else ""


@segment_check("code_mismatch",
               "a document code from the source is absent or altered, or one is added")
def code_mismatch(analysis: SegmentAnalysis) -> Iterator[Issue]:
    missing = list(_missing_codes(analysis))
    yield from missing
    yield from _added_codes(analysis, [i.found for i in missing if i.found])


def _added_codes(analysis: SegmentAnalysis, altered: list[str]) -> Iterator[Issue]:
    """Codes in the translation that the source does not have (as many times); an
    altered code already reported as the *found* of a missing one is not reported again."""
    seg = analysis.segment
    in_source = [c.text for c in find_codes(analysis.source)]
    available = in_source + altered
    codes = find_codes(analysis.target)
    in_target = [c.text for c in codes]
    for code in codes:
        if code.text in available:
            available.remove(code.text)
            continue
        if code.text in in_source:
            message = (f"code '{code.text}' is {_times(in_target.count(code.text))} in the "
                       f"translation, {_times(in_source.count(code.text))} in the source")
        else:
            message = f"code '{code.text}' in the translation is not in the source"
        yield Issue("code_mismatch", Severity.ERROR, seg.file, seg.line, message,
                    found=code.text, span=(code.start, code.end))
    for fragment in find_code_fragments(analysis.target):
        if (fragment.text in analysis.source or fragment.text in altered
                or any(c.start < fragment.end and fragment.start < c.end for c in codes)):
            continue
        yield Issue("code_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"code-like '{fragment.text}' in the translation is not in the source "
                    "(an invented code fragment)",
                    found=fragment.text, span=(fragment.start, fragment.end))
    inside_altered = [(m.start(), m.end()) for found in altered
                      for m in re.finditer(re.escape(found), analysis.target)]
    for part in stray_code_parts(analysis.source, analysis.target):
        if any(a <= part.start and part.end <= b for a, b in inside_altered):
            continue
        yield Issue("code_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"'{part.text}' of a source code stands alone in the translation, outside "
                    "any code (an invented code fragment)",
                    found=part.text, span=(part.start, part.end))


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _missing_codes(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    raw_target = seg.target
    for code in find_codes(analysis.source):
        if contains_code(raw_target, code.text):
            continue
        if contains_code(analysis.target, code.text):
            message = (f"code '{code.text}' matches only after NFC normalisation; the "
                       "translation's bytes differ (decomposed Unicode)")
            found = code.text
        else:
            found = _closest(code.text, analysis.target)
            message = f"code '{code.text}' is not in the translation byte-exact"
            if found:
                message += f"; found '{found}'"
        yield Issue("code_mismatch", Severity.ERROR, seg.file, seg.line, message,
                    source_term=code.text, expected=code.text, found=found,
                    source_span=(code.start, code.end))


@segment_check("number_mismatch",
               "a number from the source is missing or changed, or the translation adds one")
def number_mismatch(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    missing = list(_missing_numbers(analysis))
    added = added_numbers(analysis.source, analysis.target)
    for issue, extra in zip(missing, added, strict=False):     # a changed number: one issue
        yield replace(issue, message=f"{issue.message}; found '{extra.text}'", found=extra.text,
                      span=(extra.start, extra.end))
    yield from missing[len(added):]
    for extra in added[len(missing):]:
        yield Issue("number_mismatch", Severity.WARNING, seg.file, seg.line,
                    f"number '{extra.text}' in the translation is not in the source",
                    found=extra.text, span=(extra.start, extra.end))
    if missing:
        return      # an amount whose number is gone is already reported
    for amount in source_amounts(analysis.source):
        lost = amount_problem(amount, analysis.target)
        if lost is not None:
            yield Issue("number_mismatch", Severity.ERROR, seg.file, seg.line,
                        f"amount '{amount.text}' lost {lost} in the translation",
                        source_term=amount.text, expected=amount.text,
                        source_span=(amount.start, amount.end))


@segment_check("date_mismatch", "a date's month from the source is missing in the translation")
def date_mismatch(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    for date in months_missing(analysis.source, analysis.target):
        yield Issue("date_mismatch", Severity.ERROR, seg.file, seg.line,
                    f"the month of '{date.text}' is not in the translation "
                    "(tháng …, or d/m/yyyy)",
                    source_term=date.text, expected=date.text,
                    source_span=(date.start, date.end))


def _missing_numbers(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    available = [u.readings for u in target_numbers(analysis.target)]
    for number in source_numbers(analysis.source):
        readings = number.readings
        for k, other in enumerate(available):
            if readings & other:
                del available[k]
                break
        else:
            yield Issue("number_mismatch", Severity.WARNING, seg.file, seg.line,
                        f"number '{number.text}' from the source is not in the translation",
                        source_term=number.text, expected=number.text,
                        source_span=(number.start, number.end))
