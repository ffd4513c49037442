"""Consistency across a file set: one source term, one rendering."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from glossary.checks.analysis import SegmentAnalysis, TermHit
from glossary.checks.base import Issue, Severity, set_check
from glossary.matching import Found
from glossary.model import vi_key


@set_check("inconsistent", "one source term is rendered by different allowed variants")
def inconsistent(analyses: list[SegmentAnalysis]) -> Iterator[Issue]:
    uses: dict[str, list[tuple[SegmentAnalysis, TermHit, Found]]] = defaultdict(list)
    for analysis in analyses:
        for hit in analysis.hits:
            if hit.found is not None:
                uses[hit.match.term.target].append((analysis, hit, hit.found))
    for occurrences in uses.values():
        forms = Counter(vi_key(found.form) for _, _, found in occurrences)
        if len(forms) < 2:
            continue
        preferred = vi_key(occurrences[0][1].match.term.target)
        majority = max(forms, key=lambda k: (forms[k], k == preferred))
        shown = {vi_key(found.form): found.form for _, _, found in occurrences}
        summary = ", ".join(f"'{shown[k]}' {n}×" for k, n in forms.most_common())
        for analysis, hit, found in occurrences:
            if vi_key(found.form) == majority:
                continue
            seg = analysis.segment
            yield Issue("inconsistent", Severity.WARNING, seg.file, seg.line,
                        f"'{hit.match.text}' rendered '{found.text}' here but "
                        f"'{shown[majority]}' elsewhere (file set: {summary})",
                        source_term=hit.match.text, expected=shown[majority],
                        found=found.text, span=(found.start, found.end),
                        source_span=(hit.match.start, hit.match.end))
