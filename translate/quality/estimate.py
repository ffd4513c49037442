"""The quality estimate of a translation: a score 0–100, a label, flags and weak words.

The score is a logistic combination of :mod:`translate.quality.signals`, fitted
per model (``python -m translate.quality.calibrate``) so that it reads as the
probability that the segment can be handed to a reader as it is. Rules then cap
the label: a loop, an invented code, a translation that is not Vietnamese or
stops early is never ``good``, whatever the model thinks of it. The label is a
triage for post-editing (``good``: read it; ``review``: fix it; ``bad``:
retranslate it), not a grade of the whole text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from glossary.errors import ConfigError
from translate.backends.base import Translator
from translate.quality.signals import FEATURES, NORMAL_RATIO, Signals, signals

CALIBRATIONS = Path(__file__).resolve().parent / "calibrations"


class Label(IntEnum):
    """Quality labels, ordered: ``--min-quality review`` accepts review and good."""

    BAD = 0
    REVIEW = 1
    GOOD = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Label:
        try:
            return cls[name.upper()]
        except KeyError:
            valid = ", ".join(str(label) for label in cls)
            raise ConfigError(f"unknown quality label '{name}' (valid: {valid})") from None


@dataclass(frozen=True)
class Quality:
    """The estimate of one segment."""

    score: int
    label: Label
    flags: tuple[str, ...] = ()
    weak_words: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "label": str(self.label), "flags": list(self.flags),
                "weak_words": list(self.weak_words)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quality:
        return cls(int(data["score"]), Label.parse(data["label"]), tuple(data["flags"]),
                   tuple(data["weak_words"]))

    @classmethod
    def combined(cls, parts: Sequence[Quality]) -> Quality | None:
        """One estimate for a text translated in pieces: its worst piece's score and
        label, every piece's flags and weak words."""
        if not parts:
            return None
        worst = min(parts, key=lambda q: (q.label, q.score))
        return cls(worst.score, worst.label,
                   tuple(dict.fromkeys(f for q in parts for f in q.flags)),
                   tuple(w for q in parts for w in q.weak_words))


@dataclass(frozen=True)
class Head:
    """Standardised logistic weights over :data:`FEATURES` and the label thresholds."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    good: int = 0
    bad: int = 0
    measured: dict[str, Any] = field(default_factory=dict)

    def probability(self, vector: Sequence[float]) -> float:
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in
                            zip(self.weights, vector, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {"mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias,
                "thresholds": {"good": self.good, "bad": self.bad}, "measured": self.measured}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Head:
        head = cls(tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(map(float, data["weights"])), float(data["bias"]),
                   int(data["thresholds"]["good"]), int(data["thresholds"]["bad"]),
                   dict(data.get("measured", {})))
        if not len(head.mean) == len(head.scale) == len(head.weights) == len(FEATURES):
            raise ValueError(f"expected {len(FEATURES)} weights")
        return head


@dataclass(frozen=True)
class Calibration:
    """The two heads of one model's estimate.

    *own* judges the model's own translations (translate, serve): a model finds its
    own output far more likely than a human's, whatever its quality, so its own
    output is judged against its own outputs. *external* judges any other
    translation (``check --quality``): human references, other systems.
    """

    model: str
    own: Head
    external: Head

    def to_json(self) -> str:
        return json.dumps({"model": self.model, "features": list(FEATURES),
                           "heads": {"own": self.own.to_dict(),
                                     "external": self.external.to_dict()}},
                          indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> Calibration:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["features"] != list(FEATURES):
                raise ValueError(f"features {data['features']} are not {list(FEATURES)}")
            heads = data["heads"]
            return cls(str(data["model"]), Head.from_dict(heads["own"]),
                       Head.from_dict(heads["external"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: not a quality calibration: {exc}") from None


def find_calibration(model_id: str) -> tuple[Calibration, bool]:
    """The calibration fitted for *model_id* (``name@weights-hash``), or the default
    model's with False: the score then reads less exactly, and the CLI says so."""
    name = model_id.split("@")[0]
    path = CALIBRATIONS / f"{name}.json"
    if path.is_file():
        calibration = Calibration.load(path)
        return calibration, calibration.model == model_id
    return Calibration.load(CALIBRATIONS / "en-vi-demo.json"), False


def rule_flags(sig: Signals, source: str, target: str) -> tuple[list[str], Label]:
    """Flags the rules raise, and the best label they still allow."""
    flags: list[str] = []
    cap = Label.GOOD
    stripped = target.strip()
    if source.strip() and not stripped:
        return ["empty"], Label.BAD
    if stripped == source.strip() and any(ch.isalpha() for ch in source):
        return ["untranslated"], Label.BAD
    rules = ((sig.loop >= 1, "loop", Label.REVIEW if sig.loop < 3 else Label.BAD),
             (sig.invented_codes > 0, "invented_code", Label.REVIEW),
             (sig.foreign_new >= 0.3, "not_vietnamese", Label.BAD),
             (0.08 <= sig.foreign_new < 0.3, "foreign_words", Label.REVIEW),
             (sig.english_left >= 0.15, "english_left",
              Label.BAD if sig.english_left >= 0.4 else Label.REVIEW),
             (not 0.45 <= sig.length_ratio / NORMAL_RATIO <= 2.2, "length", Label.REVIEW),
             (sig.truncated, "truncated", Label.REVIEW))
    for raised, flag, allowed in rules:
        if raised:
            flags.append(flag)
            cap = min(cap, allowed)
    return flags, cap


class QualityEstimator:
    """Scores translations with a loaded model (one forced-decoding pass per batch)."""

    def __init__(self, translator: Translator, model_id: str,
                 calibration: Calibration | None = None) -> None:
        self.translator = translator
        if calibration is None:
            self.calibration, self.calibrated = find_calibration(model_id)
        else:
            self.calibration, self.calibrated = calibration, True

    def estimate(self, sources: Sequence[str], targets: Sequence[str], *, own: bool = False,
                 protected: Sequence[Sequence[str]] | None = None) -> list[Quality]:
        """One :class:`Quality` per (source, target) pair; an empty source is ``good``.

        *own*: the targets are this model's translations; *protected*: per pair, the
        forced strings (glossary terms, codes) whose pieces the model did not choose.
        """
        todo = [k for k, s in enumerate(sources) if s.strip()]
        out = [Quality(100, Label.GOOD)] * len(sources)
        if not todo:
            return out
        scored = [_as_decoded(targets[k]) if own else targets[k] for k in todo]
        scores = self.translator.score([sources[k] for k in todo], scored)
        head = self.calibration.own if own else self.calibration.external
        for k, token_scores in zip(todo, scores, strict=True):
            sig = signals(sources[k], targets[k], token_scores,
                          protected[k] if protected else ())
            out[k] = judge(head, sources[k], targets[k], sig)
        return out


def _as_decoded(text: str) -> str:
    """The pipeline capitalises a sentence's first letter after decoding, and the model
    writes sentence starts in lower case: its own output is scored as it decoded it (one
    pass; a sentence that starts with a name is then judged a little low, never high)."""
    return text[0].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text


def judge(head: Head, source: str, target: str, sig: Signals) -> Quality:
    """The label the head's score gives, capped by the rules."""
    flags, cap = rule_flags(sig, source, target)
    score = round(100 * head.probability(sig.vector()))
    label = (Label.GOOD if score >= head.good
             else Label.BAD if score < head.bad else Label.REVIEW)
    if label > cap:
        label = cap
        score = min(score, head.good - 1)
    if cap == Label.BAD:
        score = min(score, head.bad - 1)
    return Quality(max(0, score), label, tuple(flags), sig.weak_words)
