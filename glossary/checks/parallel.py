"""Analyse and check a large input on several processes.

Checking is pure Python and CPU-bound, so threads would not help; a pool of
processes does. Each worker builds its own :class:`TermMatcher` once (the
glossary is sent to it once, at start-up) and takes chunks of segments in
order; it sends back their analyses and segment-check issues, which pickle
small (6,000 paragraph analyses: 8 MB, 0.2 s). The set checks, which compare
segments with each other, run in the calling process over all analyses, so
the report is the same as a single-process run's, issue for issue.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from glossary.checks.analysis import SegmentAnalysis, analyse
from glossary.checks.base import REGISTRY, Check, Issue, Segment
from glossary.matching import TermMatcher
from glossary.model import Glossary

#: Below this many segments one process is faster than starting a pool.
PARALLEL_MIN_SEGMENTS = 2_000
#: Segments per task: large enough that pickling overhead stays small.
CHUNK_SEGMENTS = 500

_matcher: TermMatcher | None = None


def auto_jobs(segments: int) -> int:
    """Processes worth using for *segments*: every CPU for a large input, else one."""
    if segments < PARALLEL_MIN_SEGMENTS:
        return 1
    return max(1, min(os.cpu_count() or 1, 8, segments // CHUNK_SEGMENTS))


def parallel_ok(checks: Sequence[Check]) -> bool:
    """Whether every check can be found by name in a worker (registered checks only)."""
    return all(REGISTRY.get(c.name) is c for c in checks)


def analyse_and_check(segments: Sequence[Segment], glossary: Glossary,
                      checks: Sequence[Check], jobs: int
                      ) -> tuple[list[SegmentAnalysis], list[Issue]]:
    """Analyses of *segments* and their segment-check issues, computed on *jobs* processes."""
    names = segment_check_names(checks)
    chunks = [(list(segments[i:i + CHUNK_SEGMENTS]), names)
              for i in range(0, len(segments), CHUNK_SEGMENTS)]
    # forkserver: safe in a process with threads (a server, a progress bar), and on
    # platforms without it the portable spawn.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    analyses: list[SegmentAnalysis] = []
    issues: list[Issue] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_start, initargs=(glossary,)) as pool:
        for part_analyses, part_issues in pool.map(_work, chunks):
            analyses.extend(part_analyses)
            issues.extend(part_issues)
    return analyses, issues


def _start(glossary: Glossary) -> None:
    global _matcher
    _matcher = TermMatcher(glossary)


def _work(task: tuple[list[Segment], tuple[str, ...]]
          ) -> tuple[list[SegmentAnalysis], list[Issue]]:
    segments, names = task
    assert _matcher is not None, "worker not started"
    return check_chunk(_matcher, segments, names)


def check_chunk(matcher: TermMatcher, segments: Sequence[Segment], names: Sequence[str]
                ) -> tuple[list[SegmentAnalysis], list[Issue]]:
    """Analyses of *segments* and the issues of the segment checks named *names* (by
    registry name, so a worker process or a cluster task can look them up)."""
    checks = [REGISTRY[name] for name in names]
    analyses = [analyse(seg, matcher) for seg in segments]
    issues: list[Issue] = []
    for analysis in analyses:
        for check in checks:
            if check.segment_fn is not None:
                issues.extend(check.segment_fn(analysis))
    return analyses, issues


def segment_check_names(checks: Sequence[Check]) -> tuple[str, ...]:
    """Registry names of the checks that look at one segment at a time."""
    return tuple(c.name for c in checks if c.segment_fn is not None)
