"""``termtrans score``: BLEU, chrF++, TER and term metrics, with CI gates."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from glossary.errors import ConfigError
from glossary.formats import load_glossaries
from glossary.normalize import ToneStyle
from translate.cli.common import (
    EXIT_FAILED,
    SourceLang,
    TargetLang,
    check_languages,
    handle_errors,
    refuse_overwrite,
    stderr,
    write_output,
)
from translate.scoring import METRICS, ScoreRun, Threshold, po_inputs, score_files
from translate.scoring.junit import Case, junit_xml


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def render_text(run: ScoreRun, width: int) -> str:
    lines = []
    for report in run.systems:
        if len(run.systems) > 1:
            lines.append(f"hypothesis: {report.name}")
        for key in report.score_keys():
            score = report.metrics.get(key) or (report.terms if key == "terms" else report.codes)
            assert score is not None
            line = score.format(width)
            if key in report.confidence:
                mean, ci = report.confidence[key]
                line += f" (μ = {mean:.{width}f} ± {ci:.{width}f})"
            lines.append(line)
    for result in run.paired:
        mark = "*" if result.significant else " "
        p = "n/a" if result.p_value is None else f"{result.p_value:.4f}"
        interval = ("" if result.mean is None or result.ci is None
                    else f" (μ = {result.mean:.{width}f} ± {result.ci:.{width}f})")
        lines.append(f"paired-{run.test} {result.metric}: {result.system} "
                     f"{result.score:.{width}f}{interval} vs baseline {result.baseline:.{width}f}"
                     f" (p = {p}){mark}")
    return "\n".join(lines) + "\n"


def _junit_cases(run: ScoreRun, thresholds: list[Threshold], width: int) -> list[Case]:
    """A test case per system and metric, named by the hypothesis file."""
    cases = []
    for report in run.systems:
        failures = report.failures(thresholds, width)
        for key in report.score_keys():
            value = report.value(key)
            flags = {t.flag for t in thresholds if t.key == key}
            failed = next((f for f in failures if f.split()[0] in flags), None)
            cases.append(Case(f"{report.name}: {key}", f"{key} = {value:.{width}f}", failed))
    return cases


def _thresholds(values: dict[str, float | None], names: list[str], terms: bool
                ) -> list[Threshold]:
    """The thresholds asked for; one whose score cannot be computed is a usage error."""
    thresholds = [Threshold(key, limit) for key, limit in values.items() if limit is not None]
    for t in thresholds:
        if t.key in METRICS and t.key not in names:
            raise ConfigError(f"{t.flag} needs the {t.key} metric (add --metric {t.key})")
        if t.key in ("terms", "codes") and not terms:
            raise ConfigError(f"{t.flag} needs --glossary, and --src for line files")
    return thresholds


@handle_errors
def score(
    hyp: Annotated[list[Path], typer.Option(
        "--hyp", "-i", help="Hypothesis (system output) file: a line file or a PO catalogue; "
        "repeatable (each is scored; the first is the paired tests' baseline).")],
    ref: Annotated[list[Path], typer.Option("--ref", "-r", help="Reference file (repeatable).")],
    src: Annotated[Path | None, typer.Option(
        "--src", help="Source file, for term metrics (PO files carry their msgids).")] = None,
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", help="Glossary for term metrics (repeatable: merged).")] = None,
    metrics: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help=f"Metrics to compute, as sacrebleu's -m (default: "
        f"{', '.join(METRICS)}).")] = None,
    nfc: Annotated[bool, typer.Option("--nfc/--no-nfc",
                                      help="NFC-normalise all files before scoring.")] = True,
    tone_style: Annotated[ToneStyle | None, typer.Option(
        "--tone-style", help="Rewrite hoà/hòa placement to one style in all files first.")
    ] = None,
    width: Annotated[int, typer.Option("--width", "-w", min=0, max=10,
                                       help="Decimals printed.")] = 1,
    min_bleu: Annotated[float | None, typer.Option("--min-bleu", min=0, max=100)] = None,
    min_chrf: Annotated[float | None, typer.Option("--min-chrf", min=0, max=100)] = None,
    max_ter: Annotated[float | None, typer.Option("--max-ter", min=0)] = None,
    min_term_success: Annotated[float | None, typer.Option(
        "--min-term-success", min=0, max=100,
        help="Minimum term success rate, in percent.")] = None,
    min_code_success: Annotated[float | None, typer.Option(
        "--min-code-success", min=0, max=100,
        help="Minimum code exact-match rate, in percent.")] = None,
    output_format: Annotated[ScoreFormat, typer.Option(
        "--format", "-f", help="text, json or junit (one test case per file and metric).")
    ] = ScoreFormat.text,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report here (default: stdout).")] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", help="Also write JSON results here ('-' for stdout).")] = None,
    junit: Annotated[Path | None, typer.Option(
        "--junit", help="Also write JUnit XML here ('-' for stdout).")] = None,
    paired_bs: Annotated[bool, typer.Option(
        "--paired-bs", help="Paired bootstrap resampling of each --hyp against the first.")
    ] = False,
    paired_bs_n: Annotated[int, typer.Option("--paired-bs-n", min=10, max=100_000)] = 1000,
    paired_ar: Annotated[bool, typer.Option(
        "--paired-ar", help="Paired approximate randomization of each --hyp against the "
        "first.")] = False,
    paired_ar_n: Annotated[int, typer.Option("--paired-ar-n", min=10, max=1_000_000)] = 10000,
    confidence: Annotated[bool, typer.Option(
        "--confidence", help="Bootstrap 95% confidence intervals of every score.")] = False,
    confidence_n: Annotated[int, typer.Option("--confidence-n", min=10, max=100_000)] = 1000,
    source_lang: SourceLang = "en",
    target_lang: TargetLang = "vi",
) -> None:
    """Score translations against references, like sacrebleu, plus term metrics."""
    check_languages(source_lang, target_lang)
    refuse_overwrite([output, json_path, junit], [*hyp, *ref, src, *(glossary or [])])
    if paired_bs and paired_ar:
        raise ConfigError("choose one paired test: --paired-bs or --paired-ar")
    test = "bs" if paired_bs else "ar" if paired_ar else None
    names = metrics or list(METRICS)
    terms = load_glossaries(glossary) if glossary else None
    thresholds = _thresholds({"bleu": min_bleu, "chrf": min_chrf, "ter": max_ter,
                              "terms": min_term_success, "codes": min_code_success}, names,
                             terms is not None and (src is not None or po_inputs([*hyp, *ref])))
    run = score_files(hyp, ref, src=src, glossary=terms, metrics=names, normalize=nfc,
                      tone_style=tone_style, test=test,
                      test_samples=paired_bs_n if test == "bs" else paired_ar_n,
                      confidence=confidence_n if confidence else 0)
    err = stderr()
    for warning in run.systems[0].warnings:
        err.print(f"termtrans: warning: {warning}", markup=False)
    failures = run.failures(thresholds, width)

    def as_json() -> str:
        data = run.to_dict(width)
        data["thresholds"] = {t.flag: t.limit for t in thresholds}
        data["failed"] = failures
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def as_junit() -> str:
        return junit_xml("termtrans-score", _junit_cases(run, thresholds, width))

    rendered = {ScoreFormat.text: lambda: render_text(run, width), ScoreFormat.json: as_json,
                ScoreFormat.junit: as_junit}
    for path, make in ((json_path, as_json), (junit, as_junit)):
        if path is not None:
            write_output(make(), None if str(path) == "-" else path)
    if output is not None or not any(str(p) == "-" for p in (json_path, junit) if p):
        write_output(rendered[output_format](), output)
    for failure in failures:
        err.print(f"termtrans: threshold: {failure}", markup=False)
    if failures:
        raise typer.Exit(EXIT_FAILED)
