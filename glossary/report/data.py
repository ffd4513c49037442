"""The data an editors' report is built from.

A :class:`~glossary.checks.Report` holds issues and per-segment analyses; an
editor needs them regrouped: a summary, one row per glossary entry (how often
it occurs, how often it was rendered right, which variants were used where),
one row per file, and the segments with the term and issue spans already cut
into runs of text. Cutting spans here, in Python, keeps the page's script free
of offset arithmetic (Python counts code points, JavaScript UTF-16 units) and
lets the page build every run with ``textContent``, never ``innerHTML``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from glossary.checks.base import Issue
from glossary.checks.runner import Report
from glossary.model import Glossary, vi_key

# Mark classes, weakest first: where spans overlap the stronger one shows.
MARKS = ("weak", "term", "variant", "issue")
QUALITY_LABELS = ("good", "review", "bad")


@dataclass(frozen=True)
class Run:
    """A piece of a sentence; *mark* is "" (plain), "term", "variant" or "issue"."""

    text: str
    mark: str = ""
    note: str = ""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    mark: str
    note: str


@dataclass(frozen=True)
class IssueRow:
    kind: str
    severity: str
    message: str


@dataclass(frozen=True)
class SegmentRow:
    id: int
    file: str
    line: int
    source: tuple[Run, ...]
    target: tuple[Run, ...]
    issues: tuple[IssueRow, ...]
    terms: tuple[int, ...]          # TermRow ids of the glossary entries matched here
    severity: int                   # worst issue severity, 0 when clean
    #: The quality estimate (score, label, flags), when the report has one.
    quality: tuple[int, str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Variant:
    """One rendering of a glossary entry and the segments that used it."""

    form: str
    count: int
    segments: tuple[int, ...]


@dataclass(frozen=True)
class TermRow:
    id: int
    target: str
    sources: tuple[str, ...]
    occurrences: int
    correct: int
    variants: tuple[Variant, ...]
    forbidden: tuple[Variant, ...]
    missing_segments: tuple[int, ...]   # no allowed and no forbidden rendering
    issues: int

    @property
    def success(self) -> float | None:
        return 100.0 * self.correct / self.occurrences if self.occurrences else None


@dataclass(frozen=True)
class FileRow:
    name: str
    segments: int
    terms: int
    issues: int


@dataclass(frozen=True)
class ReportData:
    title: str
    summary: dict[str, Any]
    kinds: tuple[tuple[str, int], ...]
    terms: tuple[TermRow, ...]
    files: tuple[FileRow, ...]
    segments: tuple[SegmentRow, ...]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def quality_counts(self) -> dict[str, int] | None:
        """Segments per quality label, when the segments carry an estimate."""
        labels = [s.quality[1] for s in self.segments if s.quality is not None]
        return {label: labels.count(label) for label in QUALITY_LABELS} if labels else None


def cut_runs(text: str, spans: Sequence[Span]) -> tuple[Run, ...]:
    """Split *text* into runs; where spans overlap, the stronger mark (see MARKS) wins."""
    if not text:
        return ()
    best: list[Span | None] = [None] * len(text)
    rank = {m: i for i, m in enumerate(MARKS)}
    for span in spans:
        start, end = max(0, span.start), min(len(text), span.end)
        for k in range(start, end):
            current = best[k]
            if current is None or rank[span.mark] >= rank[current.mark]:
                best[k] = span
    runs: list[Run] = []
    start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or best[k] is not best[start]:
            owner = best[start]
            runs.append(Run(text[start:k], owner.mark if owner else "",
                            owner.note if owner else ""))
            start = k
    return tuple(runs)


def build_report_data(report: Report, glossary: Glossary, *, title: str = "Terminology report",
                      meta: dict[str, str] | None = None,
                      quality: Mapping[tuple[str, int], Mapping[str, Any]] | None = None
                      ) -> ReportData:
    """Regroup a checker report by term, by file and by segment for the HTML page.

    *quality* maps (file, line) to a segment's quality estimate (``score``, ``label``,
    ``flags``, ``weak_words``): the page then sorts post-edit first and marks weak words.
    """
    term_ids = {term.target: k for k, term in enumerate(glossary.terms)}
    by_segment: dict[tuple[str, int], list[Issue]] = defaultdict(list)
    for issue in report.issues:
        by_segment[(issue.file, issue.line)].append(issue)

    occurrences: Counter[int] = Counter()
    correct: Counter[int] = Counter()
    variants: dict[int, dict[str, list[int]]] = defaultdict(dict)
    forbidden: dict[int, dict[str, list[int]]] = defaultdict(dict)
    missing: dict[int, list[int]] = defaultdict(list)
    term_issues: Counter[int] = Counter()
    rows: list[SegmentRow] = []
    placed: set[tuple[str, int]] = set()
    for seg_id, analysis in enumerate(report.analyses):
        seg = analysis.segment
        key = (seg.file, seg.line)
        issues = by_segment.get(key, []) if key not in placed else []
        placed.add(key)
        src_spans: list[Span] = []
        tgt_spans: list[Span] = []
        matched: list[int] = []
        for hit in analysis.hits:
            term = hit.match.term
            tid = term_ids.setdefault(term.target, len(term_ids))
            matched.append(tid)
            occurrences[tid] += 1
            preferred = vi_key(hit.found.form) == vi_key(term.target) if hit.found else False
            src_spans.append(Span(hit.match.start, hit.match.end,
                                  "term" if hit.found else "issue", f"→ {term.target}"))
            if hit.found is not None:
                correct[tid] += 1
                variants[tid].setdefault(hit.found.form, []).append(seg_id)
                tgt_spans.append(Span(hit.found.start, hit.found.end,
                                      "term" if preferred else "variant",
                                      f"{hit.match.text} → {hit.found.form}"))
            elif hit.forbidden is not None:
                forbidden[tid].setdefault(hit.forbidden.form, []).append(seg_id)
            else:
                missing[tid].append(seg_id)
        for issue in issues:
            for hit in analysis.hits:
                if issue.source_span == (hit.match.start, hit.match.end):
                    term_issues[term_ids[hit.match.term.target]] += 1
                    break
            if issue.span:
                tgt_spans.append(Span(*issue.span, "issue", issue.message))
            if issue.source_span:
                src_spans.append(Span(*issue.source_span, "issue", issue.message))
        estimate = (quality or {}).get(key)
        if estimate is not None:
            tgt_spans += _weak_spans(analysis.target, estimate.get("weak_words", ()))
        rows.append(SegmentRow(
            seg_id, seg.file, seg.line, cut_runs(analysis.source, src_spans),
            cut_runs(analysis.target, tgt_spans),
            tuple(IssueRow(i.kind, str(i.severity), i.message) for i in issues),
            tuple(dict.fromkeys(matched)), max((int(i.severity) for i in issues), default=0),
            None if estimate is None else (int(estimate["score"]), str(estimate["label"]),
                                           tuple(estimate.get("flags", ())))))
    for key, issues in by_segment.items():   # issues whose segment was not analysed
        if key not in placed:
            rows.append(SegmentRow(len(rows), key[0], key[1], (), (),
                                   tuple(IssueRow(i.kind, str(i.severity), i.message)
                                         for i in issues), (),
                                   max(int(i.severity) for i in issues)))

    terms = []
    by_target = {term.target: term for term in glossary.terms}
    for target, tid in term_ids.items():
        entry = by_target.get(target)
        sources = entry.sources if entry else ()
        terms.append(TermRow(
            tid, target, sources, occurrences[tid], correct[tid],
            _variants(variants[tid]), _variants(forbidden[tid]), tuple(missing[tid]),
            term_issues[tid]))

    terms.sort(key=lambda t: (t.occurrences == 0, -t.issues,
                              -(t.occurrences - t.correct), -len(t.variants), -t.occurrences))
    files = []
    for name in dict.fromkeys([*report.files, *(r.file for r in rows)]):
        mine = [r for r in rows if r.file == name]
        files.append(FileRow(name, len(mine), sum(len(r.terms) for r in mine),
                             sum(len(r.issues) for r in mine)))
    summary = report.summary()
    kinds = tuple(sorted(Counter(i.kind for i in report.issues).items(),
                         key=lambda kv: (-kv[1], kv[0])))
    return ReportData(title, summary, kinds, tuple(terms), tuple(files), tuple(rows),
                      dict(meta or {}))


def _weak_spans(target: str, weak: Sequence[str]) -> list[Span]:
    """Each weak word at its next occurrence in *target* (whole words, left to right)."""
    spans: list[Span] = []
    at = 0
    for word in weak:
        found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", target[at:])
        if found is None:
            continue
        start = at + found.start()
        spans.append(Span(start, start + len(word), "weak",
                          "weak word: the model found it unlikely here"))
        at = start + len(word)
    return spans


def _variants(found: dict[str, list[int]]) -> tuple[Variant, ...]:
    ordered = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(Variant(form, len(segs), tuple(segs)) for form, segs in ordered)
