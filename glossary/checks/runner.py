"""Run the registered checks over a set of segments and summarise the result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from glossary.checks.analysis import SegmentAnalysis, analyse
from glossary.checks.base import Check, Issue, Segment, Severity, resolve_checks
from glossary.checks.parallel import PARALLEL_MIN_SEGMENTS, analyse_and_check, parallel_ok
from glossary.matching import TermMatcher
from glossary.model import Glossary

#: Analyses and segment-check issues of segments computed elsewhere, in segment order.
ChunkRunner = Callable[[list[Segment], Glossary, list[Check]],
                       tuple[list[SegmentAnalysis], list[Issue]]]


@dataclass(frozen=True)
class Report:
    """Issues of a file set, the analyses they came from, and counts for a summary."""

    issues: tuple[Issue, ...]
    analyses: tuple[SegmentAnalysis, ...]
    files: tuple[str, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    glossary_hash: str = ""

    @property
    def terms_checked(self) -> int:
        return sum(len(a.hits) for a in self.analyses)

    @property
    def terms_ok(self) -> int:
        return sum(1 for a in self.analyses for h in a.hits if h.ok)

    @property
    def term_success_rate(self) -> float | None:
        """Share (0–100) of source term occurrences rendered with an allowed target."""
        total = self.terms_checked
        return 100.0 * self.terms_ok / total if total else None

    def worst(self) -> Severity | None:
        return max((i.severity for i in self.issues), default=None)

    def summary(self) -> dict[str, Any]:
        by_kind = Counter(i.kind for i in self.issues)
        by_severity = Counter(str(i.severity) for i in self.issues)
        return {
            "files": len(self.files),
            "segments": len(self.analyses),
            "segments_with_issues": len({(i.file, i.line) for i in self.issues}),
            "terms_checked": self.terms_checked,
            "terms_ok": self.terms_ok,
            "term_success_rate": self.term_success_rate,
            "issues": len(self.issues),
            "by_kind": dict(sorted(by_kind.items())),
            "by_severity": dict(sorted(by_severity.items())),
            "skipped": dict(self.skipped),
            "glossary": self.glossary_hash,
        }

    def with_sources(self) -> list[tuple[Issue, str]]:
        """Each issue with the source text of its segment (for baseline fingerprints)."""
        sources = {(a.segment.file, a.segment.line): a.segment.source for a in self.analyses}
        return [(i, sources.get((i.file, i.line), "")) for i in self.issues]

    def to_dict(self) -> dict[str, Any]:
        return {"issues": [i.to_dict() for i in self.issues], "summary": self.summary()}


def check_segments(segments: Iterable[Segment], glossary: Glossary, *,
                   checks: Sequence[Check] | None = None,
                   matcher: TermMatcher | None = None,
                   files: Sequence[str] = (),
                   skipped: dict[str, int] | None = None,
                   severities: dict[str, Severity] | None = None,
                   jobs: int = 1, runner: ChunkRunner | None = None,
                   extra: Sequence[Issue] = ()) -> Report:
    """Analyse every segment once, then run each segment and set check over them.

    *severities* overrides the severity of issue kinds (``number_mismatch`` →
    error for a gate that treats numbers as critical); kinds a segment waives
    (:attr:`Segment.waived`) are dropped for that segment. *jobs* > 1 analyses
    and checks segments on that many processes (:mod:`glossary.checks.parallel`;
    same report), when the input is large enough to gain and every check is
    a registered one. *runner* analyses and segment-checks elsewhere (a cluster:
    ``termtrans check --engine ray``); set checks always run here, over every analysis.
    *extra* issues were found outside the registered checks (the quality estimate of
    ``check --quality``): waivers and severity overrides apply to them too.
    """
    checks = list(checks) if checks is not None else resolve_checks()
    segments = list(segments)
    if runner is not None and parallel_ok(checks):
        analyses, issues = runner(segments, glossary, checks)
    elif jobs > 1 and len(segments) >= PARALLEL_MIN_SEGMENTS and parallel_ok(checks):
        analyses, issues = analyse_and_check(segments, glossary, checks, jobs)
    else:
        matcher = matcher or TermMatcher(glossary)
        analyses = [analyse(seg, matcher) for seg in segments]
        issues = []
        for analysis in analyses:
            for check in checks:
                if check.segment_fn is not None:
                    issues.extend(check.segment_fn(analysis))
    for check in checks:
        if check.set_fn is not None:
            issues.extend(check.set_fn(analyses))
    issues.extend(extra)
    waived = {(a.segment.file, a.segment.line): set(a.segment.waived)
              for a in analyses if a.segment.waived}
    issues = [replace(i, severity=(severities or {}).get(i.kind, i.severity)) for i in issues
              if i.kind not in waived.get((i.file, i.line), ())]
    issues.sort(key=lambda i: (i.file, i.line, -i.severity, i.kind))
    seen_files = list(dict.fromkeys([*files, *(a.segment.file for a in analyses)]))
    return Report(tuple(issues), tuple(analyses), tuple(seen_files), dict(skipped or {}),
                  glossary.short_hash)
