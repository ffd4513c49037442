"""Shared CLI plumbing: consoles, error-to-exit-code mapping, output files.

Exit codes: 0 success; 1 the check or a threshold failed; 2 bad input or usage.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from glossary.checks.base import Severity
from glossary.errors import ConfigError, InputError, ToolkitError
from glossary.textio import PathIndex, atomic_write
from translate.settings import debugging

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130   # 128 + SIGINT, as shells report Ctrl-C

F = TypeVar("F", bound=Callable[..., Any])


#: --threads above this is refused: CTranslate2 aborts the process when it cannot start them.
THREADS_MAX = 256


def _require_stdout() -> None:
    if sys.stdout is None:          # started with >&-: say so instead of failing on a write
        raise ConfigError("standard output is closed; write the output to a file with -o FILE")


def stdout() -> Console:
    _require_stdout()
    # Logs and pipes get a wide table instead of rich's 80-column default.
    # emoji=False: rich would render "file:100:" as "file💯" and break jump-to-line.
    return Console(soft_wrap=True, highlight=False, emoji=False,
                   width=None if sys.stdout.isatty() else 160)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def error_line(exc: ToolkitError) -> str:
    return f"termtrans: error: {exc}"


def report_error(exc: ToolkitError) -> None:
    """Print an error as one line (plus the extra problems of an InputError, if any)."""
    console = stderr()
    console.print(error_line(exc), markup=False)
    if isinstance(exc, InputError):
        for problem in exc.problems[1:]:
            console.print(f"termtrans: error: {problem}", markup=False)


#: The one language pair the toolkit translates and checks.
LANGUAGE_PAIR = ("en", "vi")
SourceLang = Annotated[str, typer.Option(
    "--source-lang", help="Source language: en (the only one; checked, for scripts that "
    "pass it to every tool).")]
TargetLang = Annotated[str, typer.Option(
    "--target-lang", help="Target language: vi (the only one).")]
RayAddress = Annotated[str | None, typer.Option(
    "--ray-address", help="Ray head to join (HOST:PORT; default: start Ray here).")]


def check_languages(source: str, target: str) -> None:
    """A ConfigError unless the pair is en→vi (case-insensitive; en-US, vi-VN accepted)."""
    pair = (source.lower().split("-")[0].split("_")[0], target.lower().split("-")[0]
            .split("_")[0])
    if pair != LANGUAGE_PAIR:
        raise ConfigError(f"unsupported language pair {source}→{target}: termtrans translates "
                          "and checks English→Vietnamese (--source-lang en --target-lang vi)")


def handle_errors(fn: F) -> F:
    """Turn what a command raises into one line on stderr and an exit code: a ToolkitError
    (bad input, usage) or an OSError (a write that failed) exits 2; a closed stdout ends the
    command quietly; anything else is a bug, reported in one line asking for a --debug run.
    With --debug every traceback is printed as well."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
            raise
        except ToolkitError as exc:
            _traceback()
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # the reader went away (| head): nothing more to say, and nothing to flush
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_ERROR) from None
        except OSError as exc:
            _traceback()
            where = f"{exc.filename}: " if exc.filename else ""
            stderr().print(f"termtrans: error: {where}{exc.strerror or exc}", markup=False)
            raise typer.Exit(EXIT_ERROR) from None
        except Exception as exc:
            _traceback()
            stderr().print(f"termtrans: internal error: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''} (a bug: run "
                           "again with --debug for the traceback and please report it)",
                           markup=False)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def _traceback() -> None:
    if debugging():
        import traceback

        traceback.print_exc()


def refuse_overwrite(outputs: Sequence[Path | None], inputs: Sequence[Path | None]) -> None:
    """Before any work: an output that is one of the inputs is an error, nothing written.

    Paths are compared by :func:`~glossary.textio.path_identities` (``x/../in.txt``,
    symlinks, hard links); two outputs on one file are refused too.
    """
    named = PathIndex(p for p in inputs if p is not None and str(p) != "-")
    written = PathIndex()
    for output in (o for o in outputs if o is not None and str(o) != "-"):
        source = named.find(output)
        if source is not None:
            raise ConfigError(f"{output}: output would overwrite the input {source}; "
                              "choose another output path")
        other = written.find(output)
        if other is not None:
            raise ConfigError(f"{output}: two outputs would be written to one file ({other})")
        written.add(output)


def write_output(text: str, output: Path | None) -> None:
    """Write *text* to a file atomically, or to stdout."""
    if output is None:
        _require_stdout()
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    with atomic_write(output) as stream:
        stream.write(text if text.endswith("\n") else text + "\n")


def report_meta(glossary: Sequence[Path] | None, signature: str = "") -> dict[str, str]:
    """What an HTML report states about how it was made."""
    from datetime import datetime

    from translate.version import __version__

    meta = {"generated": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "termtrans": __version__}
    if glossary:
        meta["glossary file"] = ", ".join(map(str, glossary))
    if signature:
        meta["signature"] = signature
    return meta


class FailOn(StrEnum):
    """``--fail-on``: the least severe finding that makes a command exit 1."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"

    def fails(self, severity: Severity | None) -> bool:
        return (self is not FailOn.never and severity is not None
                and severity >= Severity.parse(self.value))


def _flags_without_type(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class FlagCommand(typer.core.TyperCommand):
    """A command whose flags show no type in ``--help``: typer 0.29 writes ``<bool>`` beside
    ``--no-cache`` or ``--quiet``, which reads as if they took a value."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


class FlagGroup(typer.core.TyperGroup):
    """The same for a group's own options (``--version``, ``--debug``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


class App(typer.Typer):
    """``typer.Typer`` whose commands and groups are :class:`FlagCommand` and :class:`FlagGroup`."""

    def __init__(self, **options: Any) -> None:
        super().__init__(cls=FlagGroup, **options)

    def command(self, *args: Any, **options: Any) -> Any:
        options.setdefault("cls", FlagCommand)
        return super().command(*args, **options)
