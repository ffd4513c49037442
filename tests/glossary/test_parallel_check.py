"""A large input checked on several processes gives the single-process report."""

from __future__ import annotations

import json
from pathlib import Path

from glossary.checks import Segment, check_segments
from glossary.checks.parallel import PARALLEL_MIN_SEGMENTS, auto_jobs
from glossary.formats import load_glossary
from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

SEED = FIXTURES / "seed_check"


def _large_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The damaged seed fixture repeated past the parallel threshold (its planted
    issues, and the file-wide consistency and tone-style checks, on 2,000+ lines)."""
    source = (SEED / "source.en").read_text(encoding="utf-8").splitlines()
    damaged = (SEED / "damaged.vi").read_text(encoding="utf-8").splitlines()
    times = PARALLEL_MIN_SEGMENTS // len(source) + 1
    src, hyp = tmp_path / "big.en", tmp_path / "big.vi"
    src.write_text("\n".join(source * times) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(damaged * times) + "\n", encoding="utf-8")
    return src, hyp


def test_parallel_report_equals_the_single_process_one(tmp_path: Path) -> None:
    src, hyp = _large_pair(tmp_path)
    pairs = zip(src.read_text(encoding="utf-8").splitlines(),
                hyp.read_text(encoding="utf-8").splitlines(), strict=True)
    segments = [Segment("big.vi", n + 1, s, t) for n, (s, t) in enumerate(pairs)]
    glossary = load_glossary(SEED_GLOSSARY)
    one = check_segments(segments, glossary, jobs=1)
    two = check_segments(segments, glossary, jobs=2)
    assert len(one.issues) > len(segments) // 2     # the planted issues, every repeat
    assert two.issues == one.issues
    assert two.analyses == one.analyses and two.summary() == one.summary()


def test_check_cli_jobs_give_the_same_json(tmp_path: Path) -> None:
    src, hyp = _large_pair(tmp_path)
    reports = []
    for jobs in ("1", "2"):
        result = run_cli("check", src, hyp, "-g", SEED_GLOSSARY, "--format", "json",
                         "--jobs", jobs)
        assert result.returncode == 1, result.stderr     # findings
        reports.append(json.loads(result.stdout))
    assert reports[0] == reports[1]


def test_auto_jobs_stays_single_for_small_inputs() -> None:
    assert auto_jobs(PARALLEL_MIN_SEGMENTS - 1) == 1
    assert auto_jobs(10 ** 6) >= 1
