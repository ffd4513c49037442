"""Term checks: a glossary term in the source must be rendered as the glossary says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Issue, Severity, segment_check
from glossary.model import vi_key


@segment_check("missing_term", "a source term has no allowed rendering in the translation")
def missing_term(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    # counted per concept: rows that share a target are one concept
    total = Counter(vi_key(h.match.term.target) for h in analysis.hits)
    rendered = Counter(vi_key(h.match.term.target) for h in analysis.hits if h.ok)
    for hit in analysis.hits:
        if hit.ok or hit.forbidden is not None:
            continue
        term = hit.match.term
        key = vi_key(term.target)
        accepted = " / ".join(f"'{f}'" for f in term.allowed)
        if rendered[key]:
            severity = Severity.WARNING
            message = (f"'{hit.match.text}' occurs {total[key]}× in the source but "
                       f"{accepted} only {rendered[key]}× in the translation")
        else:
            severity = Severity.ERROR
            message = f"source has '{hit.match.text}' but the translation has none of {accepted}"
        yield Issue("missing_term", severity, seg.file, seg.line, message,
                    source_term=hit.match.text, expected=term.target,
                    source_span=(hit.match.start, hit.match.end))


@segment_check("forbidden_variant", "a listed wrong rendering of a source term is used")
def forbidden_variant(analysis: SegmentAnalysis) -> Iterator[Issue]:
    seg = analysis.segment
    for hit in analysis.hits:
        if hit.forbidden is None:
            continue
        term = hit.match.term
        yield Issue("forbidden_variant", Severity.ERROR, seg.file, seg.line,
                    f"'{hit.match.text}' rendered with forbidden '{hit.forbidden.text}'; "
                    f"use '{term.target}'",
                    source_term=hit.match.text, expected=term.target, found=hit.forbidden.text,
                    span=(hit.forbidden.start, hit.forbidden.end),
                    source_span=(hit.match.start, hit.match.end))


@segment_check("duplicated_term",
               "an enforced term is followed by a repeat of its own words")
def duplicated_term(analysis: SegmentAnalysis) -> Iterator[Issue]:
    """'người có uy tín có uy tín': a decoder that was forced through a term sometimes
    generates the term's tail again after it. Reported when the words right after a
    rendered term repeat its last two or more words (or the whole term)."""
    seg = analysis.segment
    rendered = [(h.found.start, h.found.end) for h in analysis.hits if h.found is not None]
    for hit in analysis.hits:
        if hit.found is None:
            continue
        words = analysis.target[hit.found.start:hit.found.end].split()
        # a bounded look-ahead: the repeat, if any, is right after the term
        following = analysis.target[hit.found.end:hit.found.end + 4 * len(hit.found.text) + 8]\
            .split()
        for size in range(len(words), 0, -1):
            if size < min(2, len(words)):
                break
            tail = words[-size:]
            nxt = [w.strip(".,;:!?\"'()“”") for w in following[:size]]
            if [w.casefold() for w in nxt] == [w.casefold() for w in tail]:
                rest = analysis.target[hit.found.end:]
                at = hit.found.end + len(rest) - len(rest.lstrip())
                repeat = analysis.target[at:at + len(" ".join(tail))]
                if any(s <= at < e for s, e in rendered):
                    break         # the rendering of another mention of the source term
                yield Issue("duplicated_term", Severity.ERROR, seg.file, seg.line,
                            f"'{repeat}' is repeated right after the term "
                            f"'{analysis.target[hit.found.start:hit.found.end]}'",
                            source_term=hit.match.text, expected=hit.match.term.target,
                            found=repeat, span=(at, at + len(repeat)))
                break
