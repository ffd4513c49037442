"""Terminology metrics: term success rate and code exact-match rate.

Term success rate follows the WMT21/WMT23 terminology tasks' exact-match
accuracy: of the glossary term occurrences found in the source, the share
whose target (or an allowed variant) appears in the hypothesis — here after
NFC and tone-style folding, with each hypothesis span credited once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from glossary.checks.analysis import analyse
from glossary.checks.base import Segment
from glossary.codes import contains_code, find_codes
from glossary.matching import TermMatcher
from glossary.model import Glossary
from translate.version import __version__

MATCH_VERSION = "tokfold1"


@dataclass(frozen=True)
class RateScore:
    """A success rate (0–100) with its counts and signature."""

    name: str
    matched: int
    total: int
    signature: str

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
    matched = total = 0
    codes_ok = codes_total = 0
    for n, (src, hyp) in enumerate(zip(sources, hypotheses, strict=True), start=1):
        analysis = analyse(Segment("<hyp>", n, src, hyp), matcher)
        total += len(analysis.hits)
        matched += sum(1 for h in analysis.hits if h.ok)
        for code in find_codes(analysis.source):
            codes_total += 1
            codes_ok += contains_code(hyp, code.text)
    norm = "nfc" if normalized else "none"
    base = f"glossary:{glossary.short_hash}|match:{MATCH_VERSION}|norm:{norm}|version:{__version__}"
    return (RateScore("Terms", matched, total, base),
            RateScore("Codes", codes_ok, codes_total, f"exact|version:{__version__}"))
