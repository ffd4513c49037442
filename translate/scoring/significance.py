"""Paired significance tests and confidence intervals, as sacrebleu computes them.

Corpus metrics go through sacrebleu's own ``PairedTest`` (paired bootstrap
resampling or approximate randomization, the first system being the baseline,
seed 12345) and its bootstrap confidence intervals, so the numbers equal
``sacrebleu -i base sys --paired-bs``. Term success rate gets the same two tests
and the same interval, computed here on per-segment term counts: no metric tool
has them, and terminology evaluations (WMT's terminology tasks) need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from translate.scoring.metrics import make_metric

#: sacrebleu's default seed (its SACREBLEU_SEED), used for the term-rate tests too.
SEED = 12345
TESTS = {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}


@dataclass(frozen=True)
class PairedResult:
    """One system against the baseline on one metric."""

    metric: str
    system: str
    baseline: float
    score: float
    p_value: float | None
    #: Bootstrap mean and 95% half-interval of the system (paired bootstrap only).
    mean: float | None = None
    ci: float | None = None
    signature: str = ""

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "system": self.system, "baseline": self.baseline,
                "score": self.score, "p_value": self.p_value, "mean": self.mean,
                "ci": self.ci, "signature": self.signature}


def paired_test(systems: Sequence[tuple[str, Sequence[str]]],
                references: Sequence[Sequence[str]], names: Sequence[str], kind: str,
                n_samples: int) -> list[PairedResult]:
    """Every system after the first against the first, on each corpus metric."""
    from sacrebleu.significance import PairedTest

    metrics = {name: make_metric(name) for name in names}
    test = PairedTest([(name, list(lines)) for name, lines in systems], metrics,
                      [list(r) for r in references], test_type=kind, n_samples=n_samples)
    signatures, scores = test()
    results = []
    for key, values in scores.items():
        if key == "System":
            continue
        base = values[0]
        for (name, _), value in zip(systems[1:], values[1:], strict=True):
            if isinstance(base, str) or isinstance(value, str):
                continue
            results.append(PairedResult(
                key, name, float(base.score), float(value.score), _float(value.p_value),
                _float(value.mean), _float(value.ci), str(signatures[key])))
    return results


def _float(value: Any) -> float | None:
    """A plain float (sacrebleu returns NumPy scalars), or None."""
    return None if value is None else float(value)


def confidence_intervals(lines: Sequence[str], references: Sequence[Sequence[str]],
                         names: Sequence[str], n_samples: int) -> dict[str, tuple[float, float]]:
    """Bootstrap mean and 95% half-interval of each corpus metric (sacrebleu's)."""
    out = {}
    for name in names:
        score = make_metric(name).corpus_score(list(lines), [list(r) for r in references],
                                               n_bootstrap=n_samples)
        out[name] = (float(score._mean), float(score._ci))
    return out


def _rates(counts: np.ndarray, idxs: np.ndarray) -> np.ndarray:
    """Success rate (0–100) of each resample of per-segment (matched, total) counts."""
    sums = counts[idxs].sum(axis=1)
    return 100.0 * sums[:, 0] / np.maximum(sums[:, 1], 1)


def _estimate_ci(samples: np.ndarray) -> tuple[float, float]:
    from sacrebleu.significance import estimate_ci

    mean, ci = estimate_ci(samples)
    return float(mean), float(ci)


def rate_confidence(counts: Sequence[tuple[int, int]], n_samples: int) -> tuple[float, float]:
    """Bootstrap mean and 95% half-interval of a success rate over segments."""
    data = np.array(counts, dtype=np.float64).reshape(-1, 2)
    rng = np.random.default_rng(SEED)
    idxs = rng.choice(len(data), size=(n_samples, len(data)), replace=True)
    return _estimate_ci(_rates(data, idxs))


def paired_rate_test(baseline: Sequence[tuple[int, int]], system: Sequence[tuple[int, int]],
                     kind: str, n_samples: int) -> tuple[float, float | None, float | None]:
    """p-value of the difference in success rate (and, for ``bs``, the system's bootstrap
    mean and half-interval), with sacrebleu's statistics — the absolute difference, the
    (c + 1) / (n + 1) estimate, resampled or randomised by segment — except that a sample
    as extreme as the real difference counts (>=, where sacrebleu has >), so that two
    identical systems get p = 1, not a "significant" p = 1 / (n + 1)."""
    base = np.array(baseline, dtype=np.float64).reshape(-1, 2)
    sys_ = np.array(system, dtype=np.float64).reshape(-1, 2)
    every = np.arange(len(base))[None, :]
    real = abs(_rates(sys_, every)[0] - _rates(base, every)[0])
    rng = np.random.default_rng(SEED)
    if kind == "bs":
        idxs = rng.choice(len(base), size=(n_samples, len(base)), replace=True)
        sys_rates = _rates(sys_, idxs)
        diffs = np.abs(sys_rates - _rates(base, idxs))
        stats = diffs - diffs.mean()
        mean, ci = _estimate_ci(sys_rates)
        return float((np.sum(stats >= real) + 1) / (n_samples + 1)), mean, ci
    swaps = rng.random((n_samples, len(base))) < 0.5
    a_ok = np.where(swaps, sys_[:, 0], base[:, 0]).sum(axis=1)
    b_ok = np.where(swaps, base[:, 0], sys_[:, 0]).sum(axis=1)
    total = max(base[:, 1].sum(), 1.0)
    stats = np.abs(100.0 * (a_ok - b_ok) / total)
    return float((np.sum(stats >= real) + 1) / (n_samples + 1)), None, None
