"""Glossary file formats: one module each, chosen by extension or by name.

Add a format by writing a module with an object following
:class:`~glossary.formats.base.GlossaryFormat` and listing it in ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from glossary.errors import ConfigError
from glossary.formats.base import GlossaryFormat, RawGlossary
from glossary.formats.delimited import CSV, TSV
from glossary.formats.po import PO
from glossary.formats.tbx import TBX
from glossary.formats.tmx import TMX
from glossary.model import Entry, Glossary, build_glossary
from glossary.textio import atomic_write, pick_by_suffix

FORMATS: dict[str, GlossaryFormat] = {f.name: f for f in (TSV, CSV, TBX, PO, TMX)}


def get_format(path: str | Path, name: str | None = None) -> GlossaryFormat:
    """The format named *name*, or the one that owns *path*'s extension."""
    if name:
        try:
            return FORMATS[name.lower()]
        except KeyError:
            raise ConfigError(f"unknown glossary format '{name}' "
                              f"(valid: {', '.join(FORMATS)})") from None
    fmt, suffix, known = pick_by_suffix(path, FORMATS)
    if fmt is not None:
        return fmt
    raise ConfigError(f"{path}: cannot tell the glossary format from '{suffix or 'no suffix'}' "
                      f"(known: {known}); pass --format")


def load_glossary(path: str | Path, format: str | None = None) -> Glossary:
    """Read, validate and merge a glossary file."""
    path = Path(path)
    raw = get_format(path, format).read(path)
    return build_glossary(raw.entries, str(path), source_lang=raw.source_lang or "en",
                          target_lang=raw.target_lang or "vi", notes=raw.notes)


def load_glossaries(paths: Sequence[str | Path], format: str | None = None) -> Glossary:
    """Read several glossary files (a DeepL CSV and a TBX termbase) as one.

    Rows are merged by the same rules as within one file; a source that two
    files translate differently is an error naming both files and lines.
    """
    if len(paths) == 1:
        return load_glossary(paths[0], format)
    entries: list[Entry] = []
    notes: list[str] = []
    for path in map(Path, paths):
        raw = get_format(path, format).read(path)
        pair = (raw.source_lang or "en", raw.target_lang or "vi")
        if pair != ("en", "vi"):
            raise ConfigError(f"{path}: glossary is for {pair[0]} → {pair[1]}; "
                              "termtrans translates en → vi")
        entries += [replace(e, path=str(path)) for e in raw.entries]
        notes += raw.notes
    return build_glossary(entries, " + ".join(map(str, paths)), notes=tuple(notes))


def save_glossary(glossary: Glossary, path: str | Path, format: str | None = None) -> None:
    """Write *glossary* atomically in the format of *path* (or *format*)."""
    fmt = get_format(path, format)
    with atomic_write(path) as stream:
        fmt.write(glossary, stream)


__all__ = ["FORMATS", "GlossaryFormat", "RawGlossary", "get_format", "load_glossaries",
           "load_glossary", "save_glossary"]
