"""PO files: fill msgstr with polib, keeping comments, flags and order.

Already-translated entries are left alone unless ``overwrite``; obsolete
entries are never touched. Machine-filled entries get the ``fuzzy`` flag, the
gettext convention for "needs review" (translate-toolkit's pretranslate does
the same).
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from glossary.formats.po import load_po
from translate.documents.base import Document, Unit

_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


class PoFormat:
    name = "po"
    extensions = (".po", ".pot")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        po = load_po(path)
        match = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
        nplurals = int(match.group(1)) if match else 1
        slots: list[tuple[polib.POEntry, int | None]] = []
        units: list[Unit] = []
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            line = int(getattr(entry, "linenum", 0) or 0)
            if entry.msgid_plural:
                if not overwrite and any(entry.msgstr_plural.values()):
                    continue
                for form in range(nplurals):
                    source = entry.msgid if (form == 0 and nplurals > 1) else entry.msgid_plural
                    slots.append((entry, form))
                    units.append(Unit(source, line))
            elif overwrite or not entry.msgstr:
                slots.append((entry, None))
                units.append(Unit(entry.msgid, line))

        def render(translations: list[str]) -> str:
            for (entry, form), text in zip(slots, translations, strict=True):
                if form is None:
                    entry.msgstr = text
                else:
                    entry.msgstr_plural[form] = text
                if "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
            return str(po) + "\n"

        return Document(path, units, render)


PO = PoFormat()
