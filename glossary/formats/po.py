"""PO files: as a glossary (msgid → msgstr) and as translated segments to check.

Reading goes through :func:`load_po`, which decodes strictly first (so a bad
byte is reported with its line) and wraps polib's syntax errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import polib

from glossary.errors import ParseError
from glossary.formats.base import RawGlossary
from glossary.model import Entry, Glossary
from glossary.textio import read_text

_POLIB_LINE = re.compile(r"line (\d+)")


def load_po(path: str | Path) -> polib.POFile:
    """Parse a PO file or raise a located :class:`ParseError`."""
    text = read_text(path)
    try:
        return polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        found = _POLIB_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc).split("(line")[0].strip().rstrip(":") or "PO syntax error"
        raise ParseError(path, line, f"PO syntax error: {message}") from None


@dataclass(frozen=True)
class PoUnit:
    """One translatable pair of a PO entry (a plural entry gives several)."""

    line: int
    source: str
    target: str


def po_units(po: polib.POFile) -> tuple[list[PoUnit], dict[str, int]]:
    """Translated (source, target) pairs, and counts of entries skipped and why.

    Fuzzy, untranslated and obsolete entries are skipped: they are not
    translations in force. Plural entries pair ``msgid`` with ``msgstr[0]``
    and ``msgid_plural`` with the last ``msgstr[n]`` (Vietnamese has one form).
    """
    units: list[PoUnit] = []
    skipped = {"fuzzy": 0, "untranslated": 0, "obsolete": 0}
    for entry in po:
        line = int(getattr(entry, "linenum", 0) or 0)
        if entry.obsolete:
            skipped["obsolete"] += 1
        elif "fuzzy" in entry.flags:
            skipped["fuzzy"] += 1
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            if not forms or not all(forms):
                skipped["untranslated"] += 1
                continue
            units.append(PoUnit(line, entry.msgid, forms[0]))
            units.append(PoUnit(line, entry.msgid_plural, forms[-1]))
        elif not entry.msgstr:
            skipped["untranslated"] += 1
        elif entry.msgid:
            units.append(PoUnit(line, entry.msgid, entry.msgstr))
    return units, {k: v for k, v in skipped.items() if v}


class PoFormat:
    name = "po"
    extensions = (".po", ".pot")

    def read(self, path: Path) -> RawGlossary:
        po = load_po(path)
        language = (po.metadata.get("Language") or "vi").split("_")[0].lower()
        notes: dict[int, str] = {}
        for entry in po:
            note = " ".join(x for x in (entry.comment, entry.tcomment) if x)
            notes[int(getattr(entry, "linenum", 0) or 0)] = note
        units, _ = po_units(po)
        entries = [Entry(u.source, u.target, note=notes.get(u.line, ""), line=u.line)
                   for u in units]
        return RawGlossary(entries, "en", language)

    def write(self, glossary: Glossary, stream: IO[str]) -> None:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8",
                       "Language": glossary.target_lang, "MIME-Version": "1.0",
                       "Content-Transfer-Encoding": "8bit"}
        for term in glossary:
            for source in term.sources:
                po.append(polib.POEntry(msgid=source, msgstr=term.target,
                                        comment=term.note or None))
        stream.write(str(po))
        stream.write("\n")


PO = PoFormat()
