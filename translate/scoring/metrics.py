"""Corpus metrics through sacrebleu's API, so numbers equal the ``sacrebleu`` CLI's.

sacrebleu is imported lazily: building the CLI must not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glossary.errors import ConfigError

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric


def _bleu() -> Metric:
    from sacrebleu.metrics import BLEU
    return BLEU()


def _chrf() -> Metric:
    from sacrebleu.metrics import CHRF
    return CHRF(word_order=2)   # chrF++


def _ter() -> Metric:
    from sacrebleu.metrics import TER
    return TER()


#: Metric name → factory. ``chrf`` is chrF++ (word n-gram order 2), as the field reports it.
METRICS: dict[str, Callable[[], Metric]] = {"bleu": _bleu, "chrf": _chrf, "ter": _ter}


def make_metric(name: str) -> Metric:
    try:
        return METRICS[name]()
    except KeyError:
        raise ConfigError(f"unknown metric '{name}' (valid: {', '.join(METRICS)})") from None


@dataclass(frozen=True)
class MetricScore:
    """One corpus score with sacrebleu's signature and verbose details."""

    name: str
    score: float
    signature: str
    verbose: str = ""

    def format(self, width: int = 1) -> str:
        text = f"{self.name}|{self.signature} = {self.score:.{width}f}"
        return f"{text} {self.verbose}".rstrip()

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        return {"score": round(self.score, width), "signature": self.signature,
                "name": self.name, "verbose": self.verbose, "exact": self.score}


#: Segments whose statistics are extracted at once. sacrebleu's ``corpus_score`` first
#: builds the n-gram tables of every reference, ~22 KB a line for chrF++ (10⁶ lines took
#: 12 GB); summing the statistics chunk by chunk gives the same corpus score in bounded
#: memory — every metric here scores the sum of its segment statistics.
STATS_CHUNK = 2_000


def corpus_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                  names: Sequence[str] = ("bleu", "chrf", "ter"),
                  chunk: int = STATS_CHUNK) -> dict[str, MetricScore]:
    """Score *hypotheses* against one or more reference streams (sacrebleu's numbers)."""
    results: dict[str, MetricScore] = {}
    for name in names:
        metric = make_metric(name)
        if not hypotheses:
            score = metric.corpus_score([], [[] for _ in references])
        else:
            total: list[Any] = []
            for start in range(0, len(hypotheses), chunk):
                stats = metric._extract_corpus_statistics(
                    list(hypotheses[start:start + chunk]),
                    [list(r[start:start + chunk]) for r in references])
                part = [sum(column) for column in zip(*stats, strict=True)]
                total = [a + b for a, b in zip(total, part, strict=True)] if total else part
            score = metric._compute_score_from_stats(total)
        verbose = getattr(score, "_verbose", "") or ""
        results[name] = MetricScore(score.name, float(score.score),
                                    str(metric.get_signature()), verbose)
    return results
