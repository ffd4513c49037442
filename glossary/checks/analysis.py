"""Shared per-segment analysis: which source terms occur, and how each was rendered.

Computed once per segment and handed to every check (and to the scorer's
term-success metric), so all of them agree on what was matched where.
"""

from __future__ import annotations

from dataclasses import dataclass

from glossary.checks.base import Segment
from glossary.matching import Found, Match, TargetText, TermMatcher, concept_mentions
from glossary.model import vi_key
from glossary.normalize import nfc


@dataclass(frozen=True)
class TermHit:
    """A source term occurrence and its rendering in the translation, if any."""

    match: Match
    found: Found | None
    forbidden: Found | None = None

    @property
    def ok(self) -> bool:
        return self.found is not None


@dataclass(frozen=True)
class SegmentAnalysis:
    segment: Segment
    source: str          # NFC source
    target: str          # NFC translation
    hits: tuple[TermHit, ...]


def analyse(segment: Segment, matcher: TermMatcher) -> SegmentAnalysis:
    """Match source terms and assign each occurrence a rendering in the translation.

    Terms with longer targets claim their spans first, so a short target
    nested in a longer one ("dân tộc thiểu số" in "vùng đồng bào dân tộc
    thiểu số") is not credited twice.
    """
    source = nfc(segment.source)
    matches = concept_mentions(source, matcher.find(source))
    target = TargetText(segment.target)
    order = sorted(range(len(matches)),
                   key=lambda k: -max(len(vi_key(f)) for f in matches[k].term.allowed))
    found: dict[int, Found | None] = {}
    for k in order:
        term = matches[k].term
        found[k] = None
        for form in term.allowed:
            hit = target.find(form, term.case_sensitive)
            if hit is not None:
                found[k] = hit
                break
    hits = []
    for k, match in enumerate(matches):
        forbidden = None
        if found[k] is None:
            for form in match.term.forbidden:
                forbidden = target.find(form, match.term.case_sensitive, claim=False)
                if forbidden is not None:
                    break
        hits.append(TermHit(match, found[k], forbidden))
    return SegmentAnalysis(segment, source, target.text, tuple(hits))

