"""One reader per bilingual format, found by suffix: what ``check`` (and whoever else
reads source/translation pairs) gets from a PO catalogue, an XLIFF file, a TMX memory, a
pair of Markdown files or a pair of aligned line files.

A format that holds both sides (PO, XLIFF, TMX) is read from one file; the others
from a SOURCE TRANSLATION pair. Each reader returns :class:`Bilingual`: the segments,
what it skipped (fuzzy or untranslated PO entries) and the file reports name. A new
format is one entry of :data:`FORMATS` (and the contract test runs on it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from glossary.checks.base import Segment
from glossary.errors import ConfigError
from glossary.segments import read_parallel, read_po
from glossary.tmx import read_tmx
from glossary.xliff import xliff_segments


@dataclass(frozen=True)
class Bilingual:
    """Source/translation segments read from one file or a pair."""

    segments: list[Segment]
    #: The file reports name (the translation's).
    name: str
    #: Entries left out, by reason (PO: ``fuzzy``, ``untranslated``).
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BilingualFormat:
    name: str
    suffixes: tuple[str, ...]
    #: One file holds both sides (else: a SOURCE TRANSLATION pair).
    standalone: bool
    read: Callable[[Path, Path | None, bool], Bilingual]


def _po(first: Path, _: Path | None, include_fuzzy: bool) -> Bilingual:
    segments, skipped = read_po(first, include_fuzzy)
    return Bilingual(segments, str(first), skipped)


def _xliff(first: Path, _: Path | None, include_fuzzy: bool) -> Bilingual:
    return Bilingual(xliff_segments(first), str(first))


def _tmx(first: Path, _: Path | None, include_fuzzy: bool) -> Bilingual:
    return Bilingual([Segment(str(first), u.line, u.source, u.target, str(first), u.line)
                      for u in read_tmx(first)], str(first))


def _markdown(first: Path, second: Path | None, include_fuzzy: bool) -> Bilingual:
    from translate.documents.markdown import markdown_segments

    assert second is not None
    return Bilingual(markdown_segments(first, second), str(second))


def _aligned(first: Path, second: Path | None, include_fuzzy: bool) -> Bilingual:
    assert second is not None
    return Bilingual(read_parallel(first, second), str(second))


FORMATS: dict[str, BilingualFormat] = {f.name: f for f in (
    BilingualFormat("po", (".po",), True, _po),
    BilingualFormat("xliff", (".xlf", ".xliff"), True, _xliff),
    BilingualFormat("tmx", (".tmx",), True, _tmx),
    BilingualFormat("markdown", (".md", ".markdown"), False, _markdown),
    BilingualFormat("aligned", (), False, _aligned),
)}
#: Suffixes of the formats read from one file.
STANDALONE = tuple(s for f in FORMATS.values() if f.standalone for s in f.suffixes)


def bilingual_format(first: Path, second: Path | None = None) -> BilingualFormat:
    """The reader for *first* alone (PO, XLIFF, TMX) or for the pair: Markdown when both
    are Markdown, aligned lines otherwise."""
    suffix = first.suffix.lower()
    if second is None:
        for fmt in FORMATS.values():
            if fmt.standalone and suffix in fmt.suffixes:
                return fmt
        raise ConfigError(f"{first}: a file alone must hold both sides ("
                          f"{', '.join(STANDALONE)}); give SOURCE TRANSLATION for others")
    markdown = FORMATS["markdown"].suffixes
    if suffix in markdown and second.suffix.lower() in markdown:
        return FORMATS["markdown"]
    return FORMATS["aligned"]


def read_bilingual(first: Path, second: Path | None = None, *,
                   include_fuzzy: bool = False) -> Bilingual:
    """Read *first* (one bilingual file) or the pair (*first*, *second*)."""
    return bilingual_format(first, second).read(first, second, include_fuzzy)


def plan_pairs(paths: list[Path]) -> list[tuple[Path, Path | None]]:
    """Group command-line paths: a PO, XLIFF or TMX file stands alone (it holds both
    sides), other files pair up as SOURCE TRANSLATION."""
    plan: list[tuple[Path, Path | None]] = []
    pending: Path | None = None
    for path in paths:
        if path.suffix.lower() in STANDALONE and pending is None:
            plan.append((path, None))
        elif pending is None:
            pending = path
        else:
            plan.append((pending, path))
            pending = None
    if pending is not None:
        raise ConfigError(f"{pending}: a source file needs its translation file after it "
                          "(check SOURCE TRANSLATION [SOURCE TRANSLATION ...], FILE.po, "
                          "FILE.xlf or FILE.tmx)")
    return plan
