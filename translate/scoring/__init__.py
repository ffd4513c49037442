"""Scoring translations against references (``termtrans score``).

BLEU, chrF++ and TER come from sacrebleu (numbers equal its CLI on the same
NFC-normalised files); term success and code exact-match come from the
glossary checker's analysis, so ``check`` and ``score`` agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary.errors import AlignmentError, ConfigError
from glossary.model import Glossary
from glossary.normalize import ToneStyle, convert_tone_style, count_tone_styles, is_nfc, nfc
from glossary.textio import read_lines
from translate.scoring.metrics import METRICS, MetricScore, corpus_scores
from translate.scoring.significance import PairedResult, paired_bootstrap
from translate.scoring.terms import RateScore, term_scores
from translate.version import __version__


@dataclass(frozen=True)
class Threshold:
    """A CI gate: ``key`` (bleu, chrf, ter, terms) must be >= (or <= for TER) ``limit``."""

    key: str
    limit: float

    @property
    def higher_is_better(self) -> bool:
        return self.key != "ter"

    @property
    def flag(self) -> str:
        return {"bleu": "--min-bleu", "chrf": "--min-chrf", "ter": "--max-ter",
                "terms": "--min-term-success", "codes": "--min-code-match"}[self.key]


@dataclass
class ScoreReport:
    metrics: dict[str, MetricScore]
    terms: RateScore | None = None
    codes: RateScore | None = None
    paired: list[PairedResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    segments: int = 0

    def value(self, key: str) -> float | None:
        if key in self.metrics:
            return self.metrics[key].score
        rate = {"terms": self.terms, "codes": self.codes}.get(key)
        return rate.success_rate if rate is not None else None

    def failures(self, thresholds: Sequence[Threshold], width: int = 1) -> list[str]:
        """One message per failed threshold, naming the flag, the limit and the value."""
        failed = []
        for t in thresholds:
            value = self.value(t.key)
            if value is None:
                failed.append(f"{t.flag} {t.limit:g}: no {t.key} score was computed "
                              "(terms need --src and --glossary)")
                continue
            ok = value >= t.limit if t.higher_is_better else value <= t.limit
            if not ok:
                failed.append(f"{t.flag} {t.limit:g} failed: {t.key} = {value:.{width}f}")
        return failed

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        data: dict[str, Any] = {name: m.to_dict(width) for name, m in self.metrics.items()}
        if self.terms is not None:
            data["terms"] = self.terms.to_dict(width)
        if self.codes is not None:
            data["codes"] = self.codes.to_dict(width)
        if self.paired:
            data["paired_bs"] = [p.to_dict() for p in self.paired]
        data["segments"] = self.segments
        data["warnings"] = list(self.warnings)
        data["version"] = __version__
        return data


def _read_aligned(path: str | Path, expected: int | None, label: str,
                  first: str | Path | None) -> list[str]:
    lines = read_lines(path)
    if expected is not None and len(lines) != expected:
        raise AlignmentError(path, min(len(lines), expected) + 1,
                             f"{label} has {len(lines)} line(s) but {first} has {expected}")
    return lines


def _prepare(lines: list[str], path: str | Path, normalize: bool, tone: ToneStyle | None,
             warnings: list[str]) -> list[str]:
    bad = sum(1 for line in lines if not is_nfc(line))
    if bad:
        action = "normalised to NFC before scoring" if normalize else "scored as is (--no-nfc)"
        warnings.append(f"{path}: {bad} line(s) not in NFC; {action}")
    if normalize:
        lines = [nfc(line) for line in lines]
    if tone is not None:
        lines = [convert_tone_style(line, tone) for line in lines]
    return lines


def score_files(hyp: str | Path, refs: Sequence[str | Path], *, src: str | Path | None = None,
                glossary: Glossary | None = None, metrics: Sequence[str] = tuple(METRICS),
                normalize: bool = True, tone_style: ToneStyle | None = None,
                baseline: str | Path | None = None, bootstrap_samples: int = 1000
                ) -> ScoreReport:
    """Score one hypothesis file; optionally term metrics and a paired bootstrap test."""
    if not refs:
        raise ConfigError("at least one reference file is needed (--ref)")
    if glossary is not None and src is None:
        raise ConfigError("term metrics need the source file too (--src)")
    warnings: list[str] = []
    hyp_lines = _prepare(_read_aligned(hyp, None, "hypothesis", None), hyp, normalize,
                         tone_style, warnings)
    n = len(hyp_lines)
    ref_streams = [_prepare(_read_aligned(r, n, "reference", hyp), r, normalize, tone_style,
                            warnings) for r in refs]
    if tone_style is None:
        hyp_style = count_tone_styles(hyp_lines).dominant
        ref_style = count_tone_styles(ref_streams[0]).dominant
        if hyp_style and ref_style and hyp_style != ref_style:
            warnings.append(f"hypothesis mostly uses {hyp_style.value}-style tone marks and the "
                            f"reference {ref_style.value}-style (hoà vs hòa): this costs BLEU; "
                            "--tone-style new scores both in one style")
    report = ScoreReport(corpus_scores(hyp_lines, ref_streams, metrics), warnings=warnings,
                         segments=n)
    if glossary is not None and src is not None:
        src_lines = _read_aligned(src, n, "source", hyp)
        report.terms, report.codes = term_scores(src_lines, hyp_lines, glossary, normalize)
    if baseline is not None:
        base_lines = _prepare(_read_aligned(baseline, n, "baseline", hyp), baseline, normalize,
                              tone_style, warnings)
        report.paired = paired_bootstrap(base_lines, hyp_lines, ref_streams, metrics,
                                         bootstrap_samples)
    return report


__all__ = ["METRICS", "MetricScore", "PairedResult", "RateScore", "ScoreReport", "Threshold",
           "score_files"]
