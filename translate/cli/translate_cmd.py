"""``termtrans translate``: glossary-constrained translation of whole documents."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from glossary.checks import check_segments
from glossary.errors import ConfigError, InputError
from glossary.formats import load_glossaries
from glossary.model import Glossary
from glossary.report import write_html_report
from glossary.tmx import load_memories
from translate.backends import BACKENDS
from translate.build import EngineConfig, build_pipeline, load_model
from translate.cache import TranslationCache, cached_segments
from translate.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    THREADS_MAX,
    FailOn,
    RayAddress,
    SourceLang,
    TargetLang,
    check_languages,
    handle_errors,
    refuse_overwrite,
    report_meta,
    stderr,
    write_output,
)
from translate.documents.inputs import MAX_INPUT_MIB, Job, Plan, plan_jobs
from translate.engines import check_engine
from translate.engines.ray_engine import MANIFEST_DIR, ManifestStore, RayExecutor, WorkerConfig
from translate.engines.ray_files import RayFileExecutor
from translate.jobs import Executor, FileResult, translate_documents
from translate.models import ResolvedModel
from translate.pipeline import DEFAULT_BEAM, TranslationPipeline
from translate.quality.estimate import Label, Quality
from translate.settings import cache_path


class Distribute(StrEnum):
    """What ``--engine ray`` hands to its actors."""

    batches = "batches"
    files = "files"


def _summary(results: list[FileResult], pipeline: TranslationPipeline) -> dict[str, object]:
    return {
        "signature": pipeline.signature,
        "segments_translated": pipeline.stats.translated,
        "segments_blank": pipeline.stats.blank,
        "segments_from_cache": pipeline.stats.from_cache,
        "segments_from_memory": pipeline.stats.from_memory,
        "files": [{"input": str(r.source), "output": str(r.output) if r.output else None,
                   "segments": r.segments, "terms_required": r.terms_required,
                   "issues": [i.to_dict() for i in r.issues], "error": r.error,
                   "quality": r.label_counts() if r.estimated else None,
                   "segment_quality": [{"line": line, "source": source, "translation": text,
                                        "quality": quality.to_dict()}
                                       for line, source, text, quality in r.qualities]}
                  for r in results],
    }


@handle_errors
def translate(
    inputs: Annotated[list[Path], typer.Argument(
        help="Documents (.txt, .md, .po, .html, .docx, .xlf, .srt) or directories (searched "
        "recursively); '-' reads "
        "plain text from stdin and writes the translation to stdout.")],
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", help="Glossary whose terms are enforced (repeatable: merged).")
    ] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Model directory, models.lock name, or hub id "
        "(default: the shipped model).")] = None,
    backend: Annotated[str, typer.Option(
        "--backend", help=f"Decoding backend: auto (CTranslate2 for a local model "
        f"directory, else transformers), {', '.join(BACKENDS)}.")] = "auto",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output directory.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Output file (one input only).")] = None,
    beam: Annotated[int, typer.Option("--beam", min=1, max=64)] = DEFAULT_BEAM,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", min=1, max=1024,
        help="Sentences per backend call (default: 64 on ctranslate2, 16 on transformers).")
    ] = None,
    constraints: Annotated[bool, typer.Option(
        "--constraints/--no-constraints", help="Enforce glossary terms and codes.")] = True,
    cache: Annotated[Path | None, typer.Option("--cache", help="SQLite cache file "
                                               "(default: ~/.cache/termtrans).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
    max_file_size: Annotated[int, typer.Option(
        "--max-file-size", min=1, help="Largest input document, in MiB.")] = MAX_INPUT_MIB,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing X.vi.ext beside an input (without -o/--out).")
    ] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Re-translate what already has a translation: PO entries, "
        "the translation column of a Parquet dataset, the translation field of JSONL.")
    ] = False,
    verify_model: Annotated[bool, typer.Option(
        "--verify/--no-verify", help="Check model files against models.lock.")] = True,
    threads: Annotated[int, typer.Option("--threads", min=0, max=THREADS_MAX,
                                         help="CPU threads (0: library default).")
                       ] = 0,
    vocabulary_map: Annotated[bool, typer.Option(
        "--vocabulary-map/--no-vocabulary-map", help="CTranslate2: decode over the candidate "
        "pieces of the model's vmap.txt, if it has one (faster; outputs can differ).")] = True,
    report: Annotated[Path | None, typer.Option(
        "--report-json", help="Write a JSON run report here.")] = None,
    report_html: Annotated[Path | None, typer.Option(
        "--report", help="Write an HTML terminology report of the batch here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    include: Annotated[list[str] | None, typer.Option(
        "--include", help="Directories: only files matching this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Directories: skip files matching this glob (repeatable).")] = None,
    tm: Annotated[list[Path] | None, typer.Option(
        "--tm", help="Translation memory (TMX, repeatable): exact matches of a sentence are "
        "reused, then verified like machine output.")] = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="Where to decode: local, or ray (a Ray cluster; the ray extra).")
    ] = "local",
    ray_address: RayAddress = None,
    distribute: Annotated[Distribute, typer.Option(
        "--distribute", help="Ray: 'batches' (the driver reads and splits the documents, the "
        "actors decode its batches: output identical to a local run) or 'files' (each actor "
        "reads, translates and writes whole files: for archives of many files).")
    ] = Distribute.batches,
    actors: Annotated[int, typer.Option(
        "--actors", min=0, max=4096, help="Ray: model actors (0: one per --threads CPUs of the "
        "cluster).")] = 0,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 when a verification issue of this severity or worse is "
        "found (warning: any broken term, code, number or date, or a stutter; never: "
        "report only).")] = FailOn.warning,
    quality: Annotated[bool, typer.Option(
        "--quality/--no-quality", help="Estimate each segment's quality (good, review, bad) "
        "with the model: one more forced-decoding pass.")] = True,
    min_quality: Annotated[str | None, typer.Option(
        "--min-quality", metavar="LABEL", help="Exit 1 and list the segments estimated below "
        "this label (good or review), like verification issues.")] = None,
    source_lang: SourceLang = "en",
    target_lang: TargetLang = "vi",
) -> None:
    """Translate documents EN→VI with glossary terms and codes enforced, verified and cached."""
    floor = Label.parse(min_quality) if min_quality is not None else None
    if floor is not None and not quality:
        raise ConfigError("--min-quality needs the quality estimate (drop --no-quality)")
    check_languages(source_lang, target_lang)
    if output is not None and out_dir is not None:
        raise ConfigError("use either --out DIR or -o FILE, not both")
    from_stdin = [str(i) for i in inputs] == ["-"]
    if "-" in map(str, inputs) and not from_stdin:
        raise ConfigError("'-' (stdin) cannot be mixed with file inputs")
    if distribute is Distribute.files and check_engine(engine) != "ray":
        raise ConfigError("--distribute files hands whole files to Ray actors: it needs "
                          "--engine ray")
    if check_engine(engine) == "ray" and (from_stdin or (out_dir is None and output is None)):
        raise ConfigError("--engine ray writes to --out DIR or -o FILE (not stdout): its "
                          "progress is kept beside the output")
    with tempfile.TemporaryDirectory(prefix="termtrans-") as tmp:
        if from_stdin:
            plan = _stdin_plan(Path(tmp))
        else:
            refuse_overwrite([report, report_html],
                             [*inputs, *(glossary or []), *(tm or []), cache])
            protected = [*(glossary or []), *(tm or []), *([cache] if cache else []),
                         *([report] if report else []), *([report_html] if report_html else [])]
            plan = plan_jobs(inputs, out_dir=out_dir, out_file=output, include=include or (),
                             exclude=exclude or (), protected=protected, force=force,
                             max_mib=max_file_size)
        terms = load_glossaries(glossary) if glossary else Glossary(())
        memory = load_memories(tm) if tm else {}
        config = EngineConfig(model=model, backend=backend, beam=beam, constraints=constraints,
                              batch_size=batch_size, threads=threads,
                              vocabulary_map=vocabulary_map, verify_model=verify_model,
                              quality=quality)
        code = _run(plan, terms, glossary, memory, config,
                    cache=None if no_cache else cache or cache_path(), overwrite=overwrite,
                    report=report, report_html=report_html, quiet=quiet or from_stdin,
                    min_quality=floor, fail_on=fail_on,
                    cluster=None if engine == "local" else
                    Cluster(ray_address, actors, (out_dir or (output or Path()).parent),
                            distribute))
        if from_stdin and plan.jobs[0].output.exists():
            sys.stdout.write(plan.jobs[0].output.read_text(encoding="utf-8"))
    raise typer.Exit(code)


@dataclass(frozen=True)
class Cluster:
    """``--engine ray`` settings: where the cluster is, how many actors, where the
    output goes (its batch manifests are kept there, in ``.termtrans-ray/``)."""

    address: str | None
    actors: int
    out: Path
    distribute: Distribute = Distribute.batches

    @property
    def manifests(self) -> Path:
        return self.out / MANIFEST_DIR

    def executor(self, config: EngineConfig, resolved: ResolvedModel, glossary: Glossary,
                 memory: dict[str, str], *, detail: bool) -> RayExecutor | RayFileExecutor:
        if not Path(resolved.location).is_dir():
            raise ConfigError(f"--engine ray needs the model on disk; {resolved.name} is "
                              "not (run `termtrans models pull` first)")
        try:
            self.manifests.mkdir(parents=True, exist_ok=True)
            probe = self.manifests / ".writable"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(f"{self.out}: output location not writable: "
                              f"{exc.strerror or exc}") from None
        worker = WorkerConfig(replace(config, threads=config.threads or 1), resolved, glossary,
                              tuple(memory.items()))
        if self.distribute is Distribute.files:
            return RayFileExecutor(worker, address=self.address, actors=self.actors,
                                   folder=self.manifests, detail=detail)
        return RayExecutor(worker, address=self.address, actors=self.actors)


def _stdin_plan(folder: Path) -> Plan:
    """Plain text from stdin as a one-file plan in *folder*."""
    text = sys.stdin.read()
    if not text.strip():
        raise InputError("<stdin>", None, "no text to translate (stdin is empty)")
    source = folder / "stdin.txt"
    source.write_text(text, encoding="utf-8")
    return Plan([Job(source, folder / "stdout.txt")])


def _run(plan: Plan, terms: Glossary, glossary: list[Path] | None, memory: dict[str, str],
         config: EngineConfig, *, cache: Path | None, overwrite: bool,
         report: Path | None, report_html: Path | None, quiet: bool,
         min_quality: Label | None = None, fail_on: FailOn = FailOn.warning,
         cluster: Cluster | None = None) -> int:
    """Translate the planned jobs, print what happened; returns the exit code."""
    err = stderr()
    for note in plan.skipped:
        err.print(f"termtrans: note: {note}", markup=False)
    loaded = load_model(config)
    resolved = loaded.resolved
    if resolved.notice:
        err.print(f"termtrans: warning: {resolved.notice}", markup=False)
    # a cluster job keeps its progress in manifests beside the output, not in the cache
    # a report or --min-quality reads every line; otherwise a cluster driver keeps counts
    detail = report is not None or report_html is not None or min_quality is not None
    executor = cluster.executor(config, resolved, terms, memory, detail=detail) \
        if cluster is not None else None
    store = TranslationCache(cache) if cache is not None and cluster is None else None
    if store is not None and store.rebuilt_from is not None:
        err.print(f"termtrans: warning: cache {store.path} was unusable; moved to "
                  f"{store.rebuilt_from} and rebuilt", markup=False)
    manifests = ManifestStore(cluster.manifests) if cluster is not None else None
    pipeline = build_pipeline(config, terms, model=loaded, cache=store, memory=memory,
                              batch_store=manifests)
    if not quiet and loaded.translator.needs_conversion():
        err.print(f"termtrans: converting {resolved.name} for {loaded.translator.name} (once; "
                  "cached for later runs)", markup=False)
    try:
        results = _translate_with_progress(plan, pipeline, overwrite, quiet, executor)
    except KeyboardInterrupt:
        if isinstance(executor, RayFileExecutor):
            err.print(f"termtrans: interrupted; {executor.manifests.count()} file(s) are done "
                      f"(reports in {executor.manifests.folder}) and re-running the same "
                      "command resumes from there", markup=False)
            return EXIT_INTERRUPTED
        if manifests is not None:
            err.print(f"termtrans: interrupted; {manifests.count()} batch(es) are saved in "
                      f"{manifests.folder} and re-running the same command resumes from "
                      "there", markup=False)
            return EXIT_INTERRUPTED
        done = cached_segments(store.path) if store is not None else 0
        err.print(f"termtrans: interrupted; {done} segment(s) are in the cache"
                  + (" and re-running the same command resumes from there" if store else ""),
                  markup=False)
        return EXIT_INTERRUPTED
    finally:
        if store is not None:
            store.close()
    files_mode = isinstance(executor, RayFileExecutor)
    failed = _print_results(results, pipeline, quiet, min_quality, fail_on,
                            counted=not files_mode)
    if isinstance(executor, RayFileExecutor) and not quiet:
        err.print(f"ray: {executor.translated} file(s) translated on the cluster "
                  f"({executor.segments} segment(s)), {executor.resumed} resumed from "
                  f"{executor.manifests.folder}; {pipeline.signature}", markup=False)
    elif isinstance(executor, RayExecutor) and manifests is not None and not quiet:
        err.print(f"ray: {executor.decoded} batch(es) decoded on the cluster, "
                  f"{pipeline.stats.resumed_batches} resumed from {manifests.folder}",
                  markup=False)
    if report is not None:
        write_output(json.dumps(_summary(results, pipeline), ensure_ascii=False, indent=2),
                     report)
    if report_html is not None:
        pairs = [pair for r in results for pair in r.pairs]
        checked = check_segments(pairs, terms, files=[str(r.output) for r in results if r.output])
        meta = report_meta(glossary, pipeline.signature)
        if resolved.notice:
            meta["warning"] = resolved.notice
        write_html_report(checked, terms, report_html, title="Translation report", meta=meta,
                          quality=_unit_quality(results))
    if any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FAILED if failed else EXIT_OK


def _unit_quality(results: list[FileResult]) -> dict[tuple[str, int], dict[str, object]]:
    """(output file, line) → the quality estimate of that line's translation (its worst
    sentence's), as the HTML report reads it."""
    pieces: dict[tuple[str, int], list[Quality]] = {}
    for result in results:
        for line, _, _, estimate in result.qualities:
            pieces.setdefault((str(result.output), line), []).append(estimate)
    return {key: combined.to_dict() for key, parts in pieces.items()
            if (combined := Quality.combined(parts)) is not None}


#: Seconds between progress lines when stderr is a log rather than a terminal
#: (TERMTRANS_PROGRESS_EVERY overrides it).
PROGRESS_EVERY = 30.0


def _translate_with_progress(plan: Plan, pipeline: TranslationPipeline, overwrite: bool,
                             quiet: bool, executor: Executor | RayFileExecutor | None
                             ) -> list[FileResult]:
    if isinstance(executor, RayFileExecutor):
        return executor.run(plan, pipeline.signature, overwrite=overwrite,
                            progress=None if quiet else _log_files)
    if quiet:
        return translate_documents(plan, pipeline, overwrite=overwrite, executor=executor)
    if not sys.stderr.isatty() or os.environ.get("CI"):
        # a log, not a terminal: a plain line every PROGRESS_EVERY seconds of a long run
        last = time.monotonic()
        every = float(os.environ.get("TERMTRANS_PROGRESS_EVERY", PROGRESS_EVERY))

        def log(done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= every and done < total:
                last = time.monotonic()
                stderr().print(f"termtrans: {done}/{total} segments translated", markup=False)

        return translate_documents(plan, pipeline, overwrite=overwrite, progress=log,
                                   executor=executor)
    with Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("segments"), TimeRemainingColumn(),
                  console=stderr(), transient=True) as bar:
        task = bar.add_task("translate", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return translate_documents(plan, pipeline, overwrite=overwrite, progress=progress,
                                   executor=executor)


def _log_files(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        stderr().print(f"termtrans: {done}/{total} files done", markup=False)


def _print_results(results: list[FileResult], pipeline: TranslationPipeline,
                   quiet: bool, min_quality: Label | None = None,
                   fail_on: FailOn = FailOn.warning, *, counted: bool = True) -> bool:
    """One line per file and per issue (and per segment below *min_quality*); whether
    any of them fails the run (*fail_on*)."""
    err = stderr()
    failed = False
    for result in results:
        if result.error:
            err.print(f"termtrans: error: {result.error}", markup=False)
            continue
        for issue in result.issues:
            failed = failed or fail_on.fails(issue.severity)
            err.print(f"termtrans: term: {issue.file}:{issue.line}: {issue.kind}: "
                      f"{issue.message}", markup=False)
        for line, _, text, estimate in result.qualities:
            if min_quality is not None and estimate.label < min_quality:
                failed = True
                flags = f"; {', '.join(estimate.flags)}" if estimate.flags else ""
                err.print(f"termtrans: quality: {result.source}:{line}: {estimate.label} "
                          f"(score {estimate.score}{flags}): {text[:60]}", markup=False)
        if not quiet:
            counts = result.label_counts()
            estimated = (f"; quality: {counts['good']} good, {counts['review']} review, "
                         f"{counts['bad']} bad" if result.estimated else "")
            # lines are what the HTML report lists; segments are the sentences decoded
            err.print(f"{result.source} → {result.output}: {result.lines} line(s), "
                      f"{result.segments} segment(s), "
                      f"{result.terms_required} required term(s)/code(s), "
                      f"{len(result.issues)} verification issue(s){estimated}", markup=False)
    if not quiet and any(r.estimated for r in results):
        estimator = pipeline.estimator
        note = "" if estimator.calibrated else (
            f" (calibrated for {estimator.calibration.model}, not for this model: "
            "python -m translate.quality.calibrate --model MODEL --write)")
        done = [r for r in results if not r.error and r.estimated]
        per_file = [r.label_counts() for r in done]
        total = {label: sum(c[label] for c in per_file) for label in ("good", "review", "bad")}
        err.print("quality estimate: good = read it, review = post-edit it, bad = retranslate "
                  f"it; in all {total['good']} good, {total['review']} review, {total['bad']} "
                  f"bad of {sum(r.segments for r in done)} segment(s), "
                  f"{sum(len(r.issues) for r in done)} verification issue(s); --report-json "
                  f"lists each segment's score{note}", markup=False)
    if not quiet and counted:     # this process's pipeline translated them
        stats = pipeline.stats
        retried = (f"; {stats.retried} retried guarded, {stats.repaired} repaired"
                   if stats.retried else "")
        remembered = (f", {stats.from_memory} from translation memory"
                      if pipeline.memory else "")
        blank = f", {stats.blank} blank (kept as they are)" if stats.blank else ""
        # a segment met again (in the same or another file) is translated once
        repeats = sum(r.segments for r in results if not r.error) - (
            stats.translated + stats.from_cache + stats.from_memory + stats.blank)
        repeated = f", {repeats} repeated (translated once)" if repeats > 0 else ""
        err.print(f"translated {stats.translated} segment(s), {stats.from_cache} from "
                  f"cache{remembered}{blank}{repeated}{retried}; {pipeline.signature}",
                  markup=False)
    return failed
