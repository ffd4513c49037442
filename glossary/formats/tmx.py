"""TMX memories as glossaries (``-g terms.tmx``), as Google's and Amazon's glossary APIs take
them: each unit with English and Vietnamese text is a term (source → target). Writing
gives one unit per source variant of each term."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from glossary.formats.base import RawGlossary
from glossary.model import Entry, Glossary
from glossary.tmx import MemoryUnit, read_tmx, write_tmx


class TmxFormat:
    name = "tmx"
    extensions = (".tmx",)

    def read(self, path: Path) -> RawGlossary:
        entries = [Entry(u.source.strip(), u.target.strip(), line=u.line)
                   for u in read_tmx(path)]
        return RawGlossary(entries, "en", "vi")

    def write(self, glossary: Glossary, stream: IO[str]) -> None:
        from glossary.version import __version__

        write_tmx((MemoryUnit(source, term.target, 0) for term in glossary
                   for source in term.sources), stream, __version__)


TMX = TmxFormat()
