"""``termtrans translate``: glossary-constrained translation of whole documents."""

from __future__ import annotations

import json
import os
import sys
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
from glossary.errors import ConfigError
from glossary.formats import load_glossaries
from glossary.model import Glossary
from glossary.report import write_html_report
from translate.backends import BACKENDS, make_translator
from translate.cache import TranslationCache
from translate.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    handle_errors,
    report_meta,
    stderr,
    write_output,
)
from translate.documents.run import FileResult, translate_documents
from translate.models import resolve_model
from translate.pipeline import Options, TranslationPipeline


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "termtrans" / "translations.sqlite"


def _summary(results: list[FileResult], pipeline: TranslationPipeline) -> dict[str, object]:
    return {
        "signature": pipeline.signature,
        "segments_translated": pipeline.translated,
        "segments_from_cache": pipeline.from_cache,
        "files": [{"input": str(r.source), "output": str(r.output) if r.output else None,
                   "segments": r.segments, "terms_required": r.terms_required,
                   "issues": [i.to_dict() for i in r.issues], "error": r.error}
                  for r in results],
    }


@handle_errors
def translate(
    inputs: Annotated[list[Path], typer.Argument(help="Documents: .txt, .md, .po.")],
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
    beam: Annotated[int, typer.Option("--beam", min=1, max=64)] = 4,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", min=1, max=1024,
        help="Sentences per backend call (default: 64 on ctranslate2, 16 on transformers).")
    ] = None,
    constraints: Annotated[bool, typer.Option(
        "--constraints/--no-constraints", help="Enforce glossary terms and codes.")] = True,
    cache: Annotated[Path | None, typer.Option("--cache", help="SQLite cache file "
                                               "(default: ~/.cache/termtrans).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="PO: re-translate entries that already have a translation.")
    ] = False,
    verify_model: Annotated[bool, typer.Option(
        "--verify/--no-verify", help="Check model files against models.lock.")] = True,
    threads: Annotated[int, typer.Option("--threads", help="CPU threads (0: library default).")
                       ] = 0,
    vocabulary_map: Annotated[bool, typer.Option(
        "--vocabulary-map/--no-vocabulary-map", help="CTranslate2: decode over the candidate "
        "pieces of the model's vmap.txt, if it has one (faster; outputs can differ).")] = True,
    report: Annotated[Path | None, typer.Option(
        "--report-json", help="Write a JSON run report here.")] = None,
    report_html: Annotated[Path | None, typer.Option(
        "--report", help="Write an HTML terminology report of the batch here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Translate documents EN→VI with glossary terms and codes enforced, verified and cached."""
    if output is not None and out_dir is not None:
        raise ConfigError("use either --out DIR or -o FILE, not both")
    terms = load_glossaries(glossary) if glossary else Glossary(())
    resolved = resolve_model(model, check=verify_model)
    translator = make_translator(backend, resolved.location, resolved.revision, threads,
                                 vocabulary_map=vocabulary_map)
    store = None if no_cache else TranslationCache(cache or default_cache())
    err = stderr()
    if store is not None and store.rebuilt_from is not None:
        err.print(f"termtrans: warning: cache {store.path} was unusable; moved to "
                  f"{store.rebuilt_from} and rebuilt", markup=False)
    pipeline = TranslationPipeline(translator, terms, model_id=resolved.model_id,
                                   options=Options(beam, constraints, batch_size), cache=store)
    interactive = sys.stderr.isatty() and not os.environ.get("CI") and not quiet
    if not quiet and translator.needs_conversion():
        err.print(f"termtrans: converting {resolved.name} for {translator.name} (once; cached "
                  "for later runs)", markup=False)
    try:
        if interactive:
            with Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("segments"), TimeRemainingColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("translate", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                results = translate_documents(inputs, pipeline, out_dir=out_dir,
                                              out_file=output, overwrite=overwrite,
                                              progress=progress)
        else:
            results = translate_documents(inputs, pipeline, out_dir=out_dir, out_file=output,
                                          overwrite=overwrite)
    finally:
        if store is not None:
            store.close()
    failed = False
    for result in results:
        if result.error:
            err.print(f"termtrans: error: {result.error}", markup=False)
            continue
        for issue in result.issues:
            failed = True
            err.print(f"termtrans: term: {issue.file}:{issue.line}: {issue.kind}: "
                      f"{issue.message}", markup=False)
        if not quiet:
            err.print(f"{result.source} → {result.output}: {result.segments} segment(s), "
                      f"{result.terms_required} required term(s)/code(s), "
                      f"{len(result.issues)} verification issue(s)", markup=False)
    if not quiet:
        err.print(f"translated {pipeline.translated} segment(s), {pipeline.from_cache} from "
                  f"cache; {pipeline.signature}", markup=False)
    if report is not None:
        write_output(json.dumps(_summary(results, pipeline), ensure_ascii=False, indent=2),
                     report)
    if report_html is not None:
        pairs = [pair for r in results for pair in r.pairs]
        checked = check_segments(pairs, terms, files=[str(r.output) for r in results if r.output])
        write_html_report(checked, terms, report_html, title="Translation report",
                          meta=report_meta(glossary, pipeline.signature))
    if any(r.error for r in results):
        raise typer.Exit(EXIT_ERROR)
    if failed:
        raise typer.Exit(EXIT_FAILED)
