"""``termtrans tm export``: the translations made so far, as a TMX memory for CAT tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glossary.errors import ConfigError
from glossary.textio import atomic_write
from glossary.tmx import MemoryUnit, write_tmx
from translate.cache import TranslationCache
from translate.cli.common import App, handle_errors, stderr
from translate.settings import cache_path
from translate.signature import Signature
from translate.version import __version__

app = App(help="Translation memories (TMX).", no_args_is_help=True)


@app.command("export")
@handle_errors
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="TMX file to write.")],
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Translation cache to export (default: the CLI's).")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Only translations whose signature names this model "
        "(e.g. en-vi-demo).")] = None,
) -> None:
    """Write every cached translation (source, target, the signature that made it) as TMX."""
    path = cache or cache_path()
    if not path.is_file():
        raise ConfigError(f"{path}: no translation cache here (translate something first, "
                          "or pass --cache)")
    if out.resolve() == path.resolve():
        raise ConfigError(f"{out}: output would overwrite the cache")
    store = TranslationCache(path)
    try:
        units = [MemoryUnit(source, text, 0, (("x-termtrans-signature", context),))
                 for source, text, context in store.translations()
                 if text.strip() and (model is None or (Signature.parse(context).get("model")
                                                         or "").split("@")[0] == model)]
    finally:
        store.close()
    with atomic_write(out) as stream:
        count = write_tmx(units, stream, __version__)
    stderr().print(f"{out}: {count} translation unit(s) from {path}", markup=False)
