"""Scoring translations against references (``termtrans score``).

BLEU, chrF++ and TER come from sacrebleu (numbers equal its CLI on the same
NFC-normalised files); term success and code exact-match come from the
glossary checker's analysis, so ``check`` and ``score`` agree. Inputs are
aligned line files or PO catalogues (msgstr aligned by msgctxt and msgid, the
msgid being the source); several systems are scored in one run, the first being
the baseline of the paired tests, as with ``sacrebleu -i base sys …``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary.errors import AlignmentError, ConfigError, InputError
from glossary.model import Glossary
from glossary.normalize import ToneStyle, convert_tone_style, count_tone_styles, is_nfc, nfc
from glossary.textio import read_aligned
from translate.scoring.metrics import METRICS, MetricScore, corpus_scores
from translate.scoring.significance import (
    TESTS,
    PairedResult,
    confidence_intervals,
    paired_rate_test,
    paired_test,
    rate_confidence,
)
from translate.scoring.terms import RateScore, term_scores
from translate.version import __version__


@dataclass(frozen=True)
class Threshold:
    """A CI gate: ``key`` (bleu, chrf, ter, terms, codes) must be >= (<= for TER) ``limit``."""

    key: str
    limit: float

    @property
    def higher_is_better(self) -> bool:
        return self.key != "ter"

    @property
    def flag(self) -> str:
        return {"bleu": "--min-bleu", "chrf": "--min-chrf", "ter": "--max-ter",
                "terms": "--min-term-success", "codes": "--min-code-success"}[self.key]


@dataclass
class ScoreReport:
    """The scores of one system (hypothesis file)."""

    metrics: dict[str, MetricScore]
    terms: RateScore | None = None
    codes: RateScore | None = None
    warnings: list[str] = field(default_factory=list)
    segments: int = 0
    name: str = ""
    #: Bootstrap (mean, 95% half-interval) per metric key, with ``--confidence``.
    confidence: dict[str, tuple[float, float]] = field(default_factory=dict)

    def value(self, key: str) -> float | None:
        if key in self.metrics:
            return self.metrics[key].score
        rate = {"terms": self.terms, "codes": self.codes}.get(key)
        return rate.success_rate if rate is not None else None

    def score_keys(self) -> list[str]:
        """The keys (bleu, chrf, ter, terms, codes) this report has a score for."""
        return [*self.metrics, *(k for k in ("terms", "codes") if self.value(k) is not None)]

    def failures(self, thresholds: Sequence[Threshold], width: int = 1) -> list[str]:
        """One message per failed threshold, naming the flag, the limit and the value."""
        failed = []
        for t in thresholds:
            value = self.value(t.key)
            ok = value is not None and (value >= t.limit if t.higher_is_better
                                        else value <= t.limit)
            if not ok:
                shown = "n/a" if value is None else f"{value:.{width}f}"
                failed.append(f"{t.flag} {t.limit:g} failed: {t.key} = {shown}")
        return failed

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        data: dict[str, Any] = {"hypothesis": self.name}
        data.update({name: m.to_dict(width) for name, m in self.metrics.items()})
        if self.terms is not None:
            data["terms"] = self.terms.to_dict(width)
        if self.codes is not None:
            data["codes"] = self.codes.to_dict(width)
        for key, (mean, ci) in self.confidence.items():
            data[key]["mean"], data[key]["ci"] = round(mean, width), round(ci, width)
        data["segments"] = self.segments
        data["warnings"] = list(self.warnings)
        data["version"] = __version__
        return data


@dataclass
class ScoreRun:
    """Every system's scores, and the paired tests of each against the first."""

    systems: list[ScoreReport]
    paired: list[PairedResult] = field(default_factory=list)
    test: str | None = None

    def failures(self, thresholds: Sequence[Threshold], width: int = 1) -> list[str]:
        """Failed thresholds of every system (each must pass), named by file when several."""
        several = len(self.systems) > 1
        return [f"{s.name}: {f}" if several else f
                for s in self.systems for f in s.failures(thresholds, width)]

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        if len(self.systems) == 1 and not self.paired:
            return self.systems[0].to_dict(width)
        return {"systems": [s.to_dict(width) for s in self.systems],
                "paired": [p.to_dict() for p in self.paired], "test": self.test,
                "version": __version__}


@dataclass
class _Inputs:
    """Aligned segments: the sources (if known), each system's lines, each reference's."""

    sources: list[str] | None
    systems: list[tuple[str, list[str]]]
    references: list[list[str]]
    warnings: list[str]


def po_inputs(files: Sequence[str | Path]) -> bool:
    """Whether the inputs are PO catalogues (all of them; a mix is a ConfigError)."""
    po = [Path(f).suffix.lower() == ".po" for f in files]
    if any(po) and not all(po):
        raise ConfigError("PO files score against PO files: give --hyp and --ref both as .po")
    return all(po)


def _read_inputs(hyps: Sequence[str | Path], refs: Sequence[str | Path],
                 src: str | Path | None) -> _Inputs:
    """The inputs as aligned segments: line files, or PO catalogues (all or none)."""
    if po_inputs([*hyps, *refs]):
        return _read_po_inputs(hyps, refs)
    files = [*hyps, *refs, *([src] if src is not None else [])]
    lines = read_aligned(*files, relation="hypotheses, references and the source must be "
                         "aligned line by line")
    systems = [(str(h), lines[k]) for k, h in enumerate(hyps)]
    references = lines[len(hyps):len(hyps) + len(refs)]
    return _Inputs(lines[-1] if src is not None else None, systems, references, [])


def _read_po_inputs(hyps: Sequence[str | Path], refs: Sequence[str | Path]) -> _Inputs:
    """Entries of the first reference, in its order; a hypothesis lacking an entry or
    leaving it untranslated scores it as empty (and says how many)."""
    entries = [_po_entries(r) for r in refs]
    keys = list(entries[0])
    warnings = []
    for path, other in zip(refs[1:], entries[1:], strict=True):
        if set(other) != set(keys):
            raise AlignmentError(path, None, f"has other entries than {refs[0]} "
                                 "(references must hold the same msgids)")
    systems = []
    for path in hyps:
        found = _po_entries(path)
        missing = sum(1 for k in keys if not found.get(k, "").strip())
        if missing:
            warnings.append(f"{path}: {missing} of {len(keys)} entries untranslated "
                            "(scored as empty)")
        systems.append((str(path), [found.get(k, "") for k in keys]))
    sources = [msgid for _, msgid in keys]
    return _Inputs(sources, systems, [[e[k] for k in keys] for e in entries], warnings)


def _po_entries(path: str | Path) -> dict[tuple[str, str], str]:
    """(msgctxt, msgid) → translation (the first plural form) of a PO file's messages."""
    from glossary.formats.po import load_po

    catalogue = load_po(Path(path))
    out = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        text = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        out[(entry.msgctxt or "", entry.msgid)] = text
    return out


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


def score_files(hyps: str | Path | Sequence[str | Path], refs: Sequence[str | Path], *,
                src: str | Path | None = None, glossary: Glossary | None = None,
                metrics: Sequence[str] = tuple(METRICS), normalize: bool = True,
                tone_style: ToneStyle | None = None, test: str | None = None,
                test_samples: int = 1000, confidence: int = 0) -> ScoreRun:
    """Score one or more systems; *test* (``bs``/``ar``) compares each with the first,
    *confidence* > 0 adds bootstrap intervals from that many resamples."""
    systems_in = [hyps] if isinstance(hyps, str | Path) else list(hyps)
    if not refs:
        raise ConfigError("at least one reference file is needed (--ref)")
    if test is not None and len(systems_in) < 2:
        raise ConfigError(f"a paired test compares systems: give --hyp twice or more (the "
                          f"first is the baseline); {TESTS.get(test, test)} needs two")
    data = _read_inputs(systems_in, refs, src)
    if not data.references[0]:
        raise InputError(Path(refs[0]), None, "no lines to score: the file is empty")
    if glossary is not None and data.sources is None:
        raise ConfigError("term metrics need the source file too (--src), or PO files")
    warnings = list(data.warnings)
    references = [_prepare(r, p, normalize, tone_style, warnings)
                  for r, p in zip(data.references, refs, strict=True)]
    systems = [(name, _prepare(lines, name, normalize, tone_style, warnings))
               for name, lines in data.systems]
    if tone_style is None:
        hyp_style = count_tone_styles(systems[0][1]).dominant
        ref_style = count_tone_styles(references[0]).dominant
        if hyp_style and ref_style and hyp_style != ref_style:
            warnings.append(f"hypothesis mostly uses {hyp_style.value}-style tone marks and the "
                            f"reference {ref_style.value}-style (hoà vs hòa): this costs BLEU; "
                            "--tone-style new scores both in one style")
    reports = []
    for name, lines in systems:
        report = ScoreReport(corpus_scores(lines, references, metrics), warnings=warnings,
                             segments=len(lines), name=name)
        if glossary is not None and data.sources is not None:
            report.terms, report.codes = term_scores(data.sources, lines, glossary, normalize)
        if confidence:
            report.confidence = confidence_intervals(lines, references, metrics, confidence)
            if report.terms is not None and report.terms.total:
                report.confidence["terms"] = rate_confidence(report.terms.segments, confidence)
        reports.append(report)
    run = ScoreRun(reports, test=test)
    if test is not None:
        run.paired = paired_test(systems, references, metrics, test, test_samples)
        base = reports[0].terms
        for report in reports[1:]:
            if base is not None and report.terms is not None and base.total:
                p, mean, ci = paired_rate_test(base.segments, report.terms.segments, test,
                                               test_samples)
                run.paired.append(PairedResult("Terms", report.name, base.success_rate or 0.0,
                                               report.terms.success_rate or 0.0, p, mean, ci,
                                               base.signature))
    return run


__all__ = ["METRICS", "MetricScore", "PairedResult", "RateScore", "ScoreReport", "ScoreRun",
           "Threshold", "score_files"]
