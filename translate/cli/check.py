"""``termtrans check``: terminology consistency of existing translations."""

from __future__ import annotations

import io
import json
import shutil
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from glossary.baseline import apply_baseline, load_baseline, write_baseline
from glossary.checks import Issue, Report, Segment, Severity, check_segments, resolve_checks
from glossary.checks.parallel import auto_jobs
from glossary.errors import ConfigError, ToolkitError
from glossary.formats import load_glossaries
from glossary.model import Glossary
from glossary.outputs import render_compact, render_github, render_junit, render_sarif
from glossary.report import build_report_data, render_html
from translate.bilingual import plan_pairs, read_bilingual
from translate.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    FailOn,
    RayAddress,
    SourceLang,
    TargetLang,
    check_languages,
    handle_errors,
    refuse_overwrite,
    report_error,
    report_meta,
    stdout,
    write_output,
)
from translate.engines import check_engine
from translate.quality.estimate import Label, Quality
from translate.version import __version__


class CheckFormat(StrEnum):
    text = "text"
    compact = "compact"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    html = "html"


QUALITY_KIND = "low_quality"


def estimate_quality(segments: list[Segment], model: str | None) -> list[Quality]:
    """The quality estimate of every segment's translation, by *model*'s external head."""
    from translate.quality import load_estimator

    estimator = load_estimator(model)
    return estimator.estimate([s.source for s in segments], [s.target for s in segments])


def quality_issues(segments: list[Segment], estimates: list[Quality] | None,
                   select: list[str] | None, ignore: list[str] | None) -> list[Issue]:
    """``low_quality`` issues: a warning for a bad segment, an info for one to review."""
    if estimates is None or (select and QUALITY_KIND not in select) \
            or QUALITY_KIND in (ignore or ()):
        return []
    out = []
    for segment, estimate in zip(segments, estimates, strict=True):
        if estimate.label is Label.GOOD:
            continue
        flags = f"; {', '.join(estimate.flags)}" if estimate.flags else ""
        weak = (f"; weak words: {', '.join(estimate.weak_words[:5])}"
                if estimate.weak_words else "")
        out.append(Issue(QUALITY_KIND,
                         Severity.WARNING if estimate.label is Label.BAD else Severity.INFO,
                         segment.file, segment.line,
                         f"estimated quality {estimate.label} (score {estimate.score}{flags})"
                         f"{weak}"))
    return out


def render(report: Report, output_format: CheckFormat, terms: Glossary, glossary: list[Path],
           input_errors: list[tuple[str, str]], segments: list[Segment] | None = None,
           estimates: list[Quality] | None = None) -> str:
    """The report in the chosen format; input errors appear in machine-readable ones too."""
    if output_format is CheckFormat.json:
        data = report.to_dict()
        data["errors"] = [{"file": f, "message": m} for f, m in input_errors]
        if segments is not None and estimates is not None:
            data["segments"] = [{"file": s.file, "line": s.line, "quality": q.to_dict()}
                                for s, q in zip(segments, estimates, strict=True)]
        return json.dumps(data, ensure_ascii=False, indent=2)
    if output_format is CheckFormat.sarif:
        return render_sarif(report, __version__, input_errors)
    if output_format is CheckFormat.junit:
        return render_junit(report, input_errors)
    if output_format is CheckFormat.compact:
        return render_compact(report)
    if output_format is CheckFormat.github:
        return render_github(report) + "".join(
            f"::error file={f}::{m}\n" for f, m in input_errors)
    if output_format is CheckFormat.html:
        quality = ({(s.file, s.line): q.to_dict()
                    for s, q in zip(segments, estimates, strict=True)}
                   if segments is not None and estimates is not None else None)
        return render_html(build_report_data(report, terms, meta=report_meta(glossary),
                                             quality=quality))
    return render_text(report)


def parse_severities(values: list[str], kinds: set[str]) -> dict[str, Severity]:
    """``KIND=LEVEL`` options as a mapping; unknown kinds and levels are usage errors."""
    out: dict[str, Severity] = {}
    for value in values:
        kind, sep, level = value.partition("=")
        if not sep:
            raise ConfigError(f"--severity {value!r}: expected KIND=LEVEL, "
                              "e.g. number_mismatch=error")
        if kind not in kinds:
            raise ConfigError(f"--severity: unknown issue kind '{kind}' "
                              f"(valid: {', '.join(sorted(kinds))})")
        out[kind] = Severity.parse(level)
    return out


def render_text(report: Report) -> str:
    # captured, not printed: the text goes to -o FILE or stdout (which may be closed)
    console = Console(file=io.StringIO(), soft_wrap=True, highlight=False, emoji=False,
                      width=shutil.get_terminal_size((160, 24)).columns
                      if sys.stdout is not None and sys.stdout.isatty() else 160)
    with console.capture() as capture:
        if report.issues:
            table = Table(show_lines=False, expand=False)
            table.add_column("where", no_wrap=True)
            table.add_column("severity")
            table.add_column("kind")
            table.add_column("message", overflow="fold")
            colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
            for issue in report.issues:
                table.add_row(f"{issue.file}:{issue.line}",
                              f"[{colours[issue.severity]}]{issue.severity}[/]",
                              issue.kind, issue.message.replace("[", r"\["))
            console.print(table)
        summary = report.summary()
        rate = summary["term_success_rate"]
        rate_text = "n/a" if rate is None else f"{rate:.1f}%"
        kinds = ", ".join(f"{k} {v}" for k, v in summary["by_kind"].items()) or "none"
        skipped = ", ".join(f"{k} {v}" for k, v in summary["skipped"].items())
        console.print(
            f"{summary['files']} file(s), {summary['segments']} segment(s), "
            f"{summary['terms_checked']} term occurrence(s), term success {rate_text}; "
            f"{summary['issues']} issue(s): {kinds}"
            + (f"; skipped: {skipped}" if skipped else ""),
            markup=False)
    return capture.get()


@handle_errors
def check(
    paths: Annotated[list[Path], typer.Argument(
        help="SOURCE TRANSLATION pairs (aligned line files, or Markdown files paired by "
        "structure) and/or PO files.")],
    glossary: Annotated[list[Path], typer.Option(
        "--glossary", "-g", help="Glossary file (repeatable: the files are merged).")],
    glossary_format: Annotated[str | None, typer.Option(
        "--glossary-format", help="Glossary format if the suffix does not tell.")] = None,
    output_format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="text (table), compact (path:line:col: severity: kind: "
        "message), json, sarif (SARIF 2.1.0, code scanning), junit, github (Actions "
        "annotations) or html (self-contained page for editors).")] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write the report here.")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 when an issue of this severity or worse is found.")
    ] = FailOn.error,
    select: Annotated[list[str] | None, typer.Option(
        "--select", help="Only these checks or issue kinds (repeatable).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", help="Skip these checks or issue kinds (repeatable).")] = None,
    severity: Annotated[list[str] | None, typer.Option(
        "--severity", help="Override an issue kind's severity: KIND=error|warning|info "
        "(repeatable).")] = None,
    include_fuzzy: Annotated[bool, typer.Option(
        "--include-fuzzy", help="PO: check every fuzzy entry (entries termtrans filled are "
        "always checked).")] = False,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Report only issues not accepted in this baseline file.")] = None,
    write_baseline_to: Annotated[Path | None, typer.Option(
        "--write-baseline", help="Accept every issue found now: write them to this "
        "baseline file (exit 0).")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, max=256, help="Processes for a large input (2,000+ segments); 0: "
        "one per CPU.")] = 0,
    engine: Annotated[str, typer.Option(
        "--engine", help="Where to check: local, or ray (Ray tasks; the ray extra).")
    ] = "local",
    ray_address: RayAddress = None,
    quality: Annotated[bool, typer.Option(
        "--quality", help="Also estimate each translation's quality with the model "
        "(low_quality issues: warning for bad, info for review; the translate extra).")
    ] = False,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="--quality: the model that scores (default: the shipped one).")
    ] = None,
    source_lang: SourceLang = "en",
    target_lang: TargetLang = "vi",
) -> None:
    """Check translations against a glossary (terms, codes, numbers, consistency, Unicode)."""
    check_languages(source_lang, target_lang)
    # --write-baseline may replace the --baseline it read (a baseline is updated in place).
    refuse_overwrite([output, write_baseline_to], [*paths, *glossary])
    refuse_overwrite([output], [baseline])
    runner = None
    if check_engine(engine) == "ray":
        from translate.engines.ray_engine import ray_check_runner

        runner = ray_check_runner(ray_address)
    checks = resolve_checks(select, ignore)
    overrides = parse_severities(severity or [], {c.issue_kind for c in checks}
                                 | ({QUALITY_KIND} if quality else set()))
    terms = load_glossaries(glossary, glossary_format)
    accepted = load_baseline(baseline, terms.short_hash) if baseline is not None else None
    plan = plan_pairs(paths)
    segments: list[Segment] = []
    skipped: dict[str, int] = {}
    files: list[str] = []
    input_errors: list[tuple[str, str]] = []
    for first, second in plan:
        try:
            read = read_bilingual(first, second, include_fuzzy=include_fuzzy)
        except ToolkitError as exc:   # report, and go on with the other files
            report_error(exc)
            input_errors.append((str(second or first), str(exc)))
            continue
        for key, value in read.skipped.items():
            skipped[key] = skipped.get(key, 0) + value
        files.append(read.name)
        segments.extend(read.segments)
    estimates = estimate_quality(segments, model) if quality else None
    report = check_segments(segments, terms, checks=checks, files=files, skipped=skipped,
                            severities=overrides, jobs=jobs or auto_jobs(len(segments)),
                            runner=runner,
                            extra=quality_issues(segments, estimates, select, ignore))
    if write_baseline_to is not None:
        count = write_baseline(write_baseline_to, report.with_sources(), terms.short_hash)
        stdout().print(f"{count} issue(s) accepted in {write_baseline_to}", markup=False)
        raise typer.Exit(EXIT_ERROR if input_errors else EXIT_OK)
    if accepted is not None:
        left = apply_baseline(report.with_sources(), accepted)
        report = replace(report, issues=tuple(left),
                         skipped={**report.skipped,
                                  "baseline": len(report.issues) - len(left)})
    write_output(render(report, output_format, terms, glossary, input_errors,
                        segments if estimates else None, estimates), output)
    if input_errors:
        raise typer.Exit(EXIT_ERROR)
    if fail_on.fails(report.worst()):
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_OK)
