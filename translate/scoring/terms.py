"""Terminology metrics: term success rate and code exact-match rate.

Term success rate follows the WMT21/WMT23 terminology tasks' exact-match
accuracy: of the glossary term occurrences found in the source, the share
whose target (or an allowed variant) appears in the hypothesis — here after
NFC and tone-style folding, with each hypothesis span credited once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glossary.checks.analysis import analyse
from glossary.checks.base import Segment
from glossary.codes import contains_code, find_codes
from glossary.matching import TermMatcher
from glossary.model import Glossary
from translate.signature import Signature
from translate.version import __version__

MATCH_VERSION = "tokfold1"


@dataclass(frozen=True)
class RateScore:
    """A success rate (0–100) with its counts and signature."""

    name: str
    matched: int
    total: int
    signature: str
    #: (matched, total) per segment: what the significance tests resample.
    segments: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def success_rate(self) -> float | None:
        return 100.0 * self.matched / self.total if self.total else None

    def format(self, width: int = 1) -> str:
        rate = "n/a" if self.success_rate is None else f"{self.success_rate:.{width}f}"
        return f"{self.name}|{self.signature} = {rate} ({self.matched}/{self.total})"

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        rate = self.success_rate
        return {"success_rate": None if rate is None else round(rate, width),
                "matched": self.matched, "total": self.total, "signature": self.signature}


def term_scores(sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary,
                normalized: bool = True) -> tuple[RateScore, RateScore]:
    """Term success rate and code exact-match rate of *hypotheses*."""
    matcher = TermMatcher(glossary)
    terms: list[tuple[int, int]] = []
    codes: list[tuple[int, int]] = []
    for n, (src, hyp) in enumerate(zip(sources, hypotheses, strict=True), start=1):
        analysis = analyse(Segment("<hyp>", n, src, hyp), matcher)
        terms.append((sum(1 for h in analysis.hits if h.ok), len(analysis.hits)))
        found = find_codes(analysis.source)
        codes.append((sum(contains_code(hyp, c.text) for c in found), len(found)))
    base = str(Signature.of(glossary=glossary.short_hash, match=MATCH_VERSION,
                            norm="nfc" if normalized else "none", version=__version__))
    return (RateScore("Terms", sum(m for m, _ in terms), sum(t for _, t in terms), base,
                      tuple(terms)),
            RateScore("Codes", sum(m for m, _ in codes), sum(t for _, t in codes),
                      "exact|" + str(Signature.of(version=__version__)), tuple(codes)))
