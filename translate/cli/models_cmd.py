"""``termtrans models list|verify|convert|vmap|pull|lock``: the models the toolkit knows, pinned."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from glossary.errors import ConfigError, ModelError
from translate.cli.common import EXIT_FAILED, App, handle_errors, stderr, stdout
from translate.models import cached_snapshot, resolve_model
from translate.models.convert import (
    COMPUTE_TYPES,
    conversions,
    converted_model,
    verify_conversion,
)
from translate.models.families import FAMILIES, detect_family, non_commercial
from translate.models.files import (
    LockEntry,
    ModelsLock,
    check_model_directory,
    locked_files,
    verify,
)
from translate.models.vmap import ALWAYS, PER_SOURCE, write_vocabulary_map
from translate.models.vocab import term_annotation
from translate.settings import lock_path

app = App(help="List, verify, download and pin models (models.lock).",
                  no_args_is_help=True)
LockOption = Annotated[Path | None, typer.Option("--lock", help="models.lock to use.")]


def _read(lock: Path | None) -> ModelsLock:
    path = lock_path(lock)
    if not path.is_file():
        raise ConfigError(f"{path}: no models.lock here (pass --lock PATH)")
    return ModelsLock.read(path)


def _directory(models: ModelsLock, entry: LockEntry) -> Path | None:
    directory = models.directory(entry)
    return directory if directory is not None else cached_snapshot(entry)


@app.command("list")
@handle_errors
def list_models(lock: LockOption = None) -> None:
    """Show every locked model: family, licence, size, published quality, installed or not."""
    models = _read(lock)
    table = Table(title=str(models.path))
    for column in ("name", "family", "license", "size", "published quality", "installed"):
        table.add_column(column, overflow="fold")
    for entry in models.entries.values():
        directory = _directory(models, entry)
        family = FAMILIES[entry.family or "marian"]
        license = entry.license or family.license or "?"
        table.add_row(entry.name, family.title,
                      f"{license} (non-commercial)" if non_commercial(license) else license,
                      entry.size or "?", entry.quality or "?",
                      "yes" if directory is not None and directory.is_dir() else
                      f"no: termtrans models pull {entry.name}" if entry.source == "hub"
                      else "no")
    stdout().print(table)


@app.command("info")
@handle_errors
def info(name: Annotated[str, typer.Argument(help="A models.lock name or a model directory.")],
         lock: LockOption = None) -> None:
    """What the toolkit knows of one model: where it comes from, its family, the backends that
    run it, its language tokens, whether it reads inline term annotations, its licence."""
    path = lock_path(lock)
    models = ModelsLock.read(path) if path.is_file() else ModelsLock(path, {})
    entry = models.entries.get(name)
    if entry is not None:
        directory = _directory(models, entry)
    elif Path(name).is_dir():
        directory = Path(name)
    else:
        raise ConfigError(f"unknown model '{name}': not a directory, not in {path} "
                          f"(known: {', '.join(models.entries) or 'none'})")
    installed = directory is not None and directory.is_dir()
    family = detect_family(directory) if directory is not None and installed \
        else FAMILIES[(entry.family if entry else "") or "marian"]
    rows = [("name", entry.name if entry else name)]
    if entry:
        rows += [("source", f"{entry.hub_id}@{entry.revision or 'unpinned (pinned on pull)'}"
                  if entry.source == "hub" else str(entry.path)),
                 ("description", entry.description), ("size", entry.size or "?"),
                 ("published quality", entry.quality or "?")]
    annotation = directory is not None and term_annotation(directory) is not None
    rows += [("family", family.title), ("license", (entry.license if entry else "")
                                         or family.license or "?"),
             ("backends", ", ".join(family.backends)),
             ("language tokens", " ".join(family.language_tokens) or "none (one direction)"),
             ("inline term annotations", "yes (trained with them)" if annotation else
              "no: glossary terms are enforced by the decoder alone"),
             ("installed", str(directory) if installed else "no")]
    damaged = _damage(directory)
    if damaged:
        rows.append(("files", f"damaged: {damaged}"))
    out = stdout()
    for key, value in rows:
        out.print(f"{key}: {value}", markup=False)
    if damaged:
        raise typer.Exit(EXIT_FAILED)


def _damage(directory: Path | None) -> str | None:
    """Why an installed model directory cannot be loaded, if it cannot (what translate would
    refuse it for)."""
    if directory is None or not directory.is_dir():
        return None
    try:
        check_model_directory(directory)
    except ModelError as exc:
        return str(exc)
    return None


@app.command("verify")
@handle_errors
def verify_models(names: Annotated[list[str] | None, typer.Argument()] = None,
                  lock: LockOption = None) -> None:
    """Check files against their locked sha256; exit 1 on any difference."""
    models = _read(lock)
    chosen = names or list(models.entries)
    failed = False
    out = stdout()
    for name in chosen:
        entry = models.entries.get(name)
        if entry is None:
            raise ConfigError(f"unknown model '{name}' (known: {', '.join(models.entries)})")
        directory = _directory(models, entry)
        if directory is None or not directory.is_dir():
            out.print(f"{name}: not available locally (skipped)", markup=False)
            continue
        if not entry.files:
            out.print(f"{name}: no hashes locked yet (run: termtrans models lock {name})",
                      markup=False)
            failed = True
            continue
        problems = verify(directory, entry.files)
        for problem in problems:
            out.print(f"{name}: {problem}", markup=False)
        failed |= bool(problems)
        if not problems:
            out.print(f"{name}: ok ({len(entry.files)} files)", markup=False)
            for converted in conversions(directory):
                bad = verify_conversion(converted)
                for problem in bad:
                    out.print(f"{name}: ctranslate2 conversion {problem}", markup=False)
                failed |= bool(bad)
                if not bad:
                    out.print(f"{name}: ctranslate2 conversion {converted.name}: ok",
                              markup=False)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command("convert")
@handle_errors
def convert(name: Annotated[str, typer.Argument(help="A models.lock name or a model directory.")],
            compute_type: Annotated[str, typer.Option(
                "--compute-type", help=f"One of {', '.join(COMPUTE_TYPES)}.")] = "int8",
            ship: Annotated[bool, typer.Option(
                "--ship", help="Write the conversion into the model directory, to ship it "
                "with the model (then re-lock it): translating then needs no PyTorch.")
            ] = False,
            lock: LockOption = None) -> None:
    """Convert a model for the ctranslate2 backend now (otherwise done on first use)."""
    resolved = resolve_model(name, lock=lock)
    target = converted_model(Path(resolved.location), compute_type, ship=ship)
    stdout().print(f"{resolved.name}: ctranslate2 {compute_type} conversion at {target}",
                   markup=False)


@app.command("vmap")
@handle_errors
def vmap(directory: Annotated[Path, typer.Argument(help="A MarianMT model directory.")],
         source_text: Annotated[Path, typer.Option(
             "--source-text", help="English side of the model's training pairs.")],
         target_text: Annotated[Path, typer.Option(
             "--target-text", help="Vietnamese side, line-aligned with --source-text.")],
         per_source: Annotated[int, typer.Option(
             "--per-source", min=0, help="Candidate pieces per source piece.")] = PER_SOURCE,
         always: Annotated[int, typer.Option(
             "--always", min=0, help="Most frequent target pieces, always candidates.")
         ] = ALWAYS) -> None:
    """Build DIR/vmap.txt, the vocabulary map that speeds up the ctranslate2 backend."""
    if not directory.is_dir():
        raise ModelError(f"{directory}: not a model directory")
    check_model_directory(directory)
    family = detect_family(directory)
    if family.name != "marian":     # see translate.models.vmap: </s> must be id 0
        raise ModelError(f"{directory}: vocabulary maps are for MarianMT models; CTranslate2 "
                         f"restricts a {family.title} model's output wrongly with one")
    path, rules = write_vocabulary_map(directory, source_text, target_text, per_source, always)
    stderr().print(f"{path}: {rules} rules; the model's fingerprint changed: run 'termtrans "
                   "models lock NAME' if it is in models.lock", markup=False)


@app.command("pull")
@handle_errors
def pull(name: str, lock: LockOption = None) -> None:
    """Download a locked hub model at its pinned revision and check its hashes."""
    models = _read(lock)
    entry = models.entries.get(name)
    if entry is None or entry.source != "hub":
        raise ConfigError(f"'{name}' is not a hub model in {models.path}")
    _hub_reachable(entry.hub_id or "")
    try:
        from huggingface_hub import snapshot_download

        directory = Path(snapshot_download(entry.hub_id or "", revision=entry.revision))
    except Exception as exc:   # network errors come in many types
        raise ModelError(f"cannot download {entry.hub_id}@{entry.revision}: "
                         f"{str(exc).splitlines()[0][:200]}. This needs internet access to "
                         "the Hugging Face Hub; elsewhere, copy the model directory here and "
                         "pass --model DIR") from None
    if entry.revision is None or not entry.files:
        _pin(models, entry, directory)
        return
    problems = verify(directory, entry.files)
    for problem in problems:
        stderr().print(f"{name}: {problem}", markup=False)
    if problems:
        raise typer.Exit(EXIT_FAILED)
    stderr().print(f"{name}: downloaded to {directory}", markup=False)


def _pin(models: ModelsLock, entry: LockEntry, directory: Path) -> None:
    """First download of an unpinned entry: record the revision the hub served (the
    snapshot folder is named by its commit) and every file's sha256, so later pulls and
    every load are checked against them."""
    check_model_directory(directory)
    entry.revision = entry.revision or directory.name
    entry.files = locked_files(directory)
    models.write()
    stderr().print(f"{entry.name}: downloaded to {directory}; pinned revision "
                   f"{entry.revision[:12]} and {len(entry.files)} file hashes in "
                   f"{models.path}", markup=False)


def _hub_reachable(hub_id: str, timeout: float = 3.0) -> None:
    """Fail in seconds, in one line, where the Hub cannot be reached (the download client
    would retry for half a minute and print every retry)."""
    import socket
    from urllib.parse import urlparse

    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or 443
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ModelError(f"cannot download {hub_id}: {host} is not reachable "
                         f"({exc.strerror or exc}). This needs internet access to the Hugging "
                         "Face Hub; elsewhere, copy the model directory here and pass "
                         "--model DIR") from None


@app.command("lock")
@handle_errors
def lock_model(name: str,
               path: Annotated[Path | None, typer.Option(
                   "--path", help="Add or update a model directory under this name.")] = None,
               description: Annotated[str | None, typer.Option(
                   "--description", help="One line on what the model is.")] = None,
               lock: LockOption = None) -> None:
    """Record the sha256 of every file of a model in models.lock."""
    models = _read(lock)
    entry = models.entries.get(name)
    if path is not None:
        relative = path.resolve().relative_to(models.path.parent.resolve())
        entry = entry or LockEntry(name, "path")
        entry.source, entry.path = "path", str(relative)
        models.entries[name] = entry
    if entry is None:
        raise ConfigError(f"unknown model '{name}'; add a directory with --path DIR")
    directory = _directory(models, entry)
    if directory is None or not directory.is_dir():
        raise ModelError(f"model '{name}' is not available locally; pull it first")
    entry.files = locked_files(directory)
    if description is not None:
        entry.description = description
    models.write()
    stderr().print(f"{name}: locked {len(entry.files)} files in {models.path}", markup=False)
