"""Paired bootstrap resampling between a baseline and a system (sacrebleu's test)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.scoring.metrics import make_metric


@dataclass(frozen=True)
class PairedResult:
    metric: str
    baseline: float
    system: float
    p_value: float | None
    signature: str

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "baseline": self.baseline, "system": self.system,
                "p_value": self.p_value, "signature": self.signature}


def paired_bootstrap(baseline: Sequence[str], system: Sequence[str],
                     references: Sequence[Sequence[str]], names: Sequence[str],
                     n_samples: int = 1000) -> list[PairedResult]:
    """Compare *system* with *baseline* on each metric; sacrebleu's seed (12345) applies."""
    from sacrebleu.significance import PairedTest

    metrics = {name: make_metric(name) for name in names}
    test = PairedTest([("baseline", list(baseline)), ("system", list(system))], metrics,
                      [list(r) for r in references], test_type="bs", n_samples=n_samples)
    signatures, scores = test()
    results = []
    for key, values in scores.items():
        if key == "System":
            continue
        base, sys_ = values[0], values[1]
        if isinstance(base, str) or isinstance(sys_, str):
            continue
        results.append(PairedResult(key, float(base.score), float(sys_.score),
                                    sys_.p_value, str(signatures[key])))
    return results
