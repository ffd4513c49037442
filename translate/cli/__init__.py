"""The ``termtrans`` command line: thin typer commands over the library."""

from __future__ import annotations

import os

import typer

from translate.cli import check as check_cmd
from translate.cli import glossary_cmd, models_cmd, serve_cmd, tm_cmd, translate_cmd
from translate.cli import score as score_cmd
from translate.cli.common import App
from translate.version import __version__

app = App(
    name="termtrans",
    help="English→Vietnamese translation and terminology toolkit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"termtrans {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit."),
          debug: bool = typer.Option(False, "--debug", help="Print Python tracebacks with "
                                     "errors (for bug reports).")) -> None:
    """English→Vietnamese translation and terminology toolkit."""
    if debug:
        os.environ["TERMTRANS_DEBUG"] = "1"


app.command("translate")(translate_cmd.translate)
app.command("check")(check_cmd.check)
app.command("score")(score_cmd.score)
app.command("serve")(serve_cmd.serve)
app.command("api-key")(serve_cmd.api_key)
app.add_typer(glossary_cmd.app, name="glossary")
app.add_typer(models_cmd.app, name="models")
app.add_typer(tm_cmd.app, name="tm")


def main() -> None:
    app()
