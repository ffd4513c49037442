"""``termtrans glossary validate|show|convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from glossary.errors import GlossaryError, ToolkitError
from glossary.formats import FORMATS, get_format, load_glossary, save_glossary
from translate.cli.common import (
    EXIT_FAILED,
    App,
    handle_errors,
    refuse_overwrite,
    stderr,
    stdout,
)

app = App(help="Validate, list and convert glossary files.", no_args_is_help=True)


@app.command()
@handle_errors
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Glossary files.")],
    glossary_format: Annotated[str | None, typer.Option("--format")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Print every problem of each glossary as file:line: message."""
    out = stdout()
    failed = False
    for path in paths:
        try:
            glossary = load_glossary(path, glossary_format)
        except GlossaryError as exc:
            for problem in exc.problems:
                out.print(f"{problem}: error", markup=False)
            failed = True
            continue
        except ToolkitError as exc:   # unreadable file: report, go on with the others
            out.print(f"{exc}: error", markup=False)
            failed = True
            continue
        for note in glossary.notes:
            out.print(f"{note}: note", markup=False)
        for warning in glossary.warnings:
            out.print(f"{warning}: warning", markup=False)
        failed |= strict and bool(glossary.warnings)
        out.print(f"{path}: {len(glossary)} term(s), {glossary.source_count} source form(s), "
                  f"{len(glossary.warnings)} warning(s), sha256 {glossary.short_hash}",
                  markup=False)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
@handle_errors
def show(
    path: Annotated[Path, typer.Argument(help="Glossary file.")],
    search: Annotated[str | None, typer.Option("--search", "-s",
                                               help="Only terms containing this text.")] = None,
    glossary_format: Annotated[str | None, typer.Option("--format")] = None,
) -> None:
    """List the terms of a glossary."""
    glossary = load_glossary(path, glossary_format)
    table = Table(title=f"{path} ({len(glossary)} terms, sha256 {glossary.short_hash})")
    for column in ("source(s)", "target", "variants", "forbidden", "note"):
        table.add_column(column, overflow="fold")
    needle = (search or "").lower()
    for term in glossary:
        cells = ["\n".join(term.sources), term.target, "\n".join(term.variants),
                 "\n".join(term.forbidden), term.note]
        if needle and not any(needle in c.lower() for c in cells):
            continue
        table.add_row(*(c.replace("[", r"\[") for c in cells))
    stdout().print(table)


@app.command()
@handle_errors
def convert(
    source: Annotated[Path, typer.Argument(help="Glossary to read.")],
    target: Annotated[Path, typer.Argument(help="File to write.")],
    from_format: Annotated[str | None, typer.Option("--from")] = None,
    to_format: Annotated[str | None, typer.Option(
        "--to", help=f"Output format ({', '.join(FORMATS)}); default from the suffix.")] = None,
) -> None:
    """Convert a glossary between TSV, CSV, TBX and PO."""
    refuse_overwrite([target], [source])
    glossary = load_glossary(source, from_format)
    get_format(target, to_format)
    save_glossary(glossary, target, to_format)
    stderr().print(f"wrote {target}: {len(glossary)} term(s)", markup=False)
