"""``termtrans score``: BLEU, chrF++, TER and term metrics, with CI gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from glossary.errors import ConfigError
from glossary.formats import load_glossaries
from glossary.normalize import ToneStyle
from translate.cli.common import EXIT_FAILED, handle_errors, stderr, stdout, write_output
from translate.scoring import METRICS, ScoreReport, Threshold, score_files
from translate.scoring.junit import Case, write_junit


def render_text(report: ScoreReport, width: int) -> str:
    lines = [m.format(width) for m in report.metrics.values()]
    if report.terms is not None:
        lines.append(report.terms.format(width))
    if report.codes is not None:
        lines.append(report.codes.format(width))
    for result in report.paired:
        mark = "*" if result.significant else " "
        p = "n/a" if result.p_value is None else f"{result.p_value:.4f}"
        lines.append(f"paired-bs {result.metric}: baseline {result.baseline:.{width}f} → "
                     f"system {result.system:.{width}f} (p = {p}){mark}")
    return "\n".join(lines) + "\n"


def _junit_cases(report: ScoreReport, thresholds: list[Threshold], failures: list[str],
                 width: int) -> list[Case]:
    cases = []
    for key in [*report.metrics, "terms", "codes"]:
        value = report.value(key)
        if value is None:
            continue
        mine = [t for t in thresholds if t.key == key]
        failed = next((f for f in failures for t in mine if f.startswith(t.flag)), None)
        cases.append(Case(key, f"{key} = {value:.{width}f}", failed))
    cases.extend(Case(f.split()[0], f, f) for f in failures
                 if not any(c.failure == f for c in cases))
    return cases


@handle_errors
def score(
    hyp: Annotated[Path, typer.Option("--hyp", "-i", help="Hypothesis (system output) file.")],
    ref: Annotated[list[Path], typer.Option("--ref", "-r", help="Reference file (repeatable).")],
    src: Annotated[Path | None, typer.Option("--src", help="Source file, for term metrics.")
                   ] = None,
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", help="Glossary for term metrics (repeatable: merged).")] = None,
    metrics: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help=f"Metrics to compute (default: {', '.join(METRICS)}).")] = None,
    nfc: Annotated[bool, typer.Option("--nfc/--no-nfc",
                                      help="NFC-normalise all files before scoring.")] = True,
    tone_style: Annotated[ToneStyle | None, typer.Option(
        "--tone-style", help="Rewrite hoà/hòa placement to one style in all files first.")
    ] = None,
    width: Annotated[int, typer.Option("--width", "-w", help="Decimals printed.")] = 1,
    min_bleu: Annotated[float | None, typer.Option("--min-bleu")] = None,
    min_chrf: Annotated[float | None, typer.Option("--min-chrf")] = None,
    max_ter: Annotated[float | None, typer.Option("--max-ter")] = None,
    min_term_success: Annotated[float | None, typer.Option(
        "--min-term-success", help="Minimum term success rate, in percent.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write JSON results here "
                                                   "('-' for stdout).")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")] = None,
    paired_bs: Annotated[bool, typer.Option(
        "--paired-bs", help="Paired bootstrap test of --hyp against --baseline.")] = False,
    baseline: Annotated[Path | None, typer.Option("--baseline",
                                                  help="Baseline system for --paired-bs.")
                        ] = None,
    bootstrap_samples: Annotated[int, typer.Option("--bootstrap-samples")] = 1000,
) -> None:
    """Score a translation against references, like sacrebleu, plus term metrics."""
    if paired_bs and baseline is None:
        raise ConfigError("--paired-bs needs --baseline FILE (the system to compare against)")
    if baseline is not None and not paired_bs:
        raise ConfigError("--baseline is only used with --paired-bs")
    names = metrics or list(METRICS)
    thresholds = [Threshold(key, limit) for key, limit in (
        ("bleu", min_bleu), ("chrf", min_chrf), ("ter", max_ter), ("terms", min_term_success))
        if limit is not None]
    for t in thresholds:
        if t.key in METRICS and t.key not in names:
            raise ConfigError(f"{t.flag} needs the {t.key} metric (add --metric {t.key})")
    terms = load_glossaries(glossary) if glossary else None
    report = score_files(hyp, ref, src=src, glossary=terms, metrics=names, normalize=nfc,
                         tone_style=tone_style, baseline=baseline if paired_bs else None,
                         bootstrap_samples=bootstrap_samples)
    err = stderr()
    for warning in report.warnings:
        err.print(f"termtrans: warning: {warning}", markup=False)
    failures = report.failures(thresholds, width)
    if json_path is not None:
        data = report.to_dict(width)
        data["thresholds"] = {t.flag: t.limit for t in thresholds}
        data["failed"] = failures
        text = json.dumps(data, ensure_ascii=False, indent=2)
        write_output(text, None if str(json_path) == "-" else json_path)
    if json_path is None or str(json_path) != "-":
        stdout().print(render_text(report, width), markup=False, end="")
    if junit is not None:
        write_junit(junit, "termtrans-score", _junit_cases(report, thresholds, failures, width))
    for failure in failures:
        err.print(f"termtrans: threshold: {failure}", markup=False)
    if failures:
        raise typer.Exit(EXIT_FAILED)
