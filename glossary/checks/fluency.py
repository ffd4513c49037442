"""Output-shape checks: stutters ("dân dân dân dân") and translations with no words.

Small MT models loop: a word or a short phrase comes out again and again. A
term check cannot see it (the term is there), a reader sees nothing else. A
repeat counts only back to back (whitespace between the copies, no punctuation)
and only beyond what the source has; Vietnamese reduplication ("luôn luôn",
"từ từ") is two copies of one syllable, so a single syllable is reported from
three copies on, a longer phrase or a non-Vietnamese word from two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.vietnamese import is_syllable

_WORD = re.compile(r"\w+")
MAX_NGRAM = 4


@dataclass(frozen=True)
class Stutter:
    """*count* back-to-back copies of *phrase* between character offsets *start*–*end*."""

    start: int
    end: int
    phrase: str
    count: int
    #: Whether every copy is written alike ("bar Bar Code" is a word and a name).
    same_case: bool = True


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Word sequences of *text* with only whitespace between neighbours."""
    runs: list[list[re.Match[str]]] = []
    last_end = -1
    for m in _WORD.finditer(text):
        if runs and text[last_end:m.start()].isspace():
            runs[-1].append(m)
        else:
            runs.append([m])
        last_end = m.end()
    return runs


def find_stutters(text: str, min_count: int = 2) -> list[Stutter]:
    """Back-to-back repeats of a 1–4-word phrase, case-insensitive, the longest span
    claimed first."""
    found: list[Stutter] = []
    for run in _runs(text):
        keys = [m.group().casefold() for m in run]
        i = 0
        while i < len(keys):
            best: tuple[int, int] | None = None      # (n, count)
            for n in range(1, MAX_NGRAM + 1):
                count = 1
                while keys[i + count * n:i + (count + 1) * n] == keys[i:i + n] \
                        and i + (count + 1) * n <= len(keys):
                    count += 1
                if count >= min_count and (best is None or count * n > best[0] * best[1]):
                    best = (n, count)
            if best is None:
                i += 1
                continue
            n, count = best
            first, last = run[i], run[i + n * count - 1]
            copies = {tuple(m.group() for m in run[i + k * n:i + (k + 1) * n])
                      for k in range(count)}
            found.append(Stutter(first.start(), last.end(),
                                 " ".join(m.group() for m in run[i:i + n]), count,
                                 len(copies) == 1))
            i += n * count
    return found


_ITEM = re.compile(r"[^,;]+")


def find_list_loops(text: str, min_count: int = 3) -> list[Stutter]:
    """A 1–4-word phrase repeated as items of a comma or semicolon list ("các nhánh, các
    nhánh, các nhánh"): a loop that :func:`find_stutters` cannot see through the commas.
    The items around the copies count when they end (before) or start (after) with the
    phrase. Two copies may be rhetoric ("từng bước, từng bước"), so only *min_count* (3)
    or more are returned."""
    items = [(m.start(), m.end(), [w.group() for w in _WORD.finditer(m.group())])
             for m in _ITEM.finditer(text)]
    keys = [" ".join(w).casefold() for _, _, w in items]
    found: list[Stutter] = []
    i = 1
    while i < len(items):
        size = len(items[i][2])
        j = i
        while j + 1 < len(items) and keys[j + 1] == keys[i]:
            j += 1
        before = [w.casefold() for w in items[i - 1][2][-size:]] if size else []
        lead = i - 1 if " ".join(before) == keys[i] else i
        after = ([w.casefold() for w in items[j + 1][2][:size]]
                 if size and j + 1 < len(items) else [])
        tail = j + 1 if " ".join(after) == keys[i] else j
        count = tail - lead + 1
        if 1 <= size <= MAX_NGRAM and count >= min_count:
            first = list(_WORD.finditer(text, items[lead][0], items[lead][1]))[-size]
            words = list(_WORD.finditer(text, items[tail][0], items[tail][1]))
            last = words[size - 1] if tail > j else words[-1]
            found.append(Stutter(first.start(), last.end(), " ".join(items[i][2]), count))
        i = j + 1
    return found


def loops(text: str) -> list[Stutter]:
    """Back-to-back repeats and list loops of *text*, in order."""
    return sorted(find_stutters(text) + find_list_loops(text), key=lambda s: s.start)


def _severity(stutter: Stutter) -> Severity | None:
    words = stutter.phrase.split()
    if stutter.count >= 3:
        return Severity.ERROR
    if len(words) > 1 or (stutter.same_case and not is_syllable(words[0])):
        return Severity.WARNING
    return None


def _term_tail(analysis: SegmentAnalysis, stutter: Stutter) -> bool:
    """Whether the stutter repeats the tail (two or more words) of a glossary term it
    touches: that is the ``duplicated_term`` check's finding, reported once."""
    phrase = stutter.phrase.casefold()
    size = len(phrase.split())
    return any(hit.found is not None and hit.found.start < stutter.end
               and stutter.start < hit.found.end + len(stutter.phrase) + 1
               and size >= min(2, len(hit.found.text.split()))
               and hit.found.text.casefold().endswith(phrase) for hit in analysis.hits)


@segment_check("repetition", "a word or phrase repeated back to back more often than in the "
                             "source (a model stutter)")
def repetition(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    in_source = max((s.count for s in loops(analysis.source)), default=1)
    for stutter in loops(analysis.target):
        severity = _severity(stutter)
        if severity is None or stutter.count <= in_source or _term_tail(analysis, stutter):
            continue
        yield Issue("repetition", severity, seg.file, seg.line,
                    f"'{stutter.phrase}' repeated {stutter.count} times in a row",
                    found=analysis.target[stutter.start:stutter.end],
                    span=(stutter.start, stutter.end))
    if not _no_words(analysis):
        yield from _separator_runs(analysis)


_SEPARATOR_RUN = re.compile(r"([-_=*~.·—–])\1{3,}")


def _separator_runs(analysis: SegmentAnalysis) -> Iterator[Issue]:
    """'Tiếng Bi------': a run of one separator the source does not have."""
    seg = analysis.segment
    for m in _SEPARATOR_RUN.finditer(analysis.target):
        if m.group() not in analysis.source:
            yield Issue("repetition", Severity.ERROR, seg.file, seg.line,
                        f"a run of {len(m.group())} '{m.group(1)}' that the source does not "
                        "have (a cell or word replaced by separators)",
                        found=m.group(), span=m.span())


def _no_words(analysis: SegmentAnalysis) -> bool:
    target = analysis.target.strip()
    return bool(target) and not any(ch.isalnum() for ch in target) \
        and any(ch.isalpha() for ch in analysis.source)


@segment_check("no_words", "the translation has no letters or digits although the source has "
                           "(a table cell or line replaced by separators)")
def no_words(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    target = analysis.target.strip()
    if _no_words(analysis):
        yield Issue("no_words", Severity.ERROR, seg.file, seg.line,
                    f"the translation '{target[:40]}' has no words; the source has",
                    found=target, span=(0, len(analysis.target)))
