"""PO files: fill msgstr with polib, keeping comments, flags and order.

Already-translated entries are left alone unless ``overwrite``; obsolete
entries are never touched. Machine-filled entries get the ``fuzzy`` flag, the
gettext convention for "needs review" (translate-toolkit's pretranslate does
the same), and a translator comment that marks them as this tool's, so that
``termtrans check`` knows to check them although they are fuzzy.

Every catalogue written passes ``msgfmt --check``: a translation whose
placeholders or tags differ from its msgid, or that carries a stray ``%`` or
brace in a format string, is not written into the entry (it stays untranslated
and the verification issue is reported), and the msgid's leading and trailing
newlines are kept. The header gets ``PO-Revision-Date`` and ``X-Generator`` as
gettext's tools set them, and a template's placeholder header fields are filled
in for Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from glossary.formats.po import MARKER, load_po, nplurals
from glossary.placeholders import compare_placeholders, format_syntaxes, stray_directive_char
from glossary.placeholders import syntaxes_for_flags as syntaxes_of
from translate.documents.base import Document, Unit
from translate.version import __version__

_EDGE = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


if TYPE_CHECKING:
    from translate.quality.estimate import Quality


class PoFormat:
    name = "po"
    extensions = (".po", ".pot")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        po = load_po(path)
        forms = nplurals(po)
        slots: list[tuple[polib.POEntry, int | None]] = []
        units: list[Unit] = []
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            line = int(getattr(entry, "linenum", 0) or 0)
            flags = tuple(entry.flags)
            if entry.msgid_plural:
                if not overwrite and any(entry.msgstr_plural.values()):
                    continue
                for form in range(forms):
                    source = entry.msgid if (form == 0 and forms > 1) else entry.msgid_plural
                    slots.append((entry, form))
                    units.append(Unit(source, line, flags))
            elif overwrite or not entry.msgstr:
                slots.append((entry, None))
                units.append(Unit(entry.msgid, line, flags))
        stats = {"left_untranslated": 0}
        refusals: list[tuple[int, str]] = []

        def render(translations: list[str]) -> str:
            refused: set[int] = set()
            refusals.clear()
            for (entry, _), unit, text in zip(slots, units, translations, strict=True):
                if not _safe(unit.text, text, entry.flags) and id(entry) not in refused:
                    refused.add(id(entry))
                    refusals.append((unit.line, "entry left untranslated: the machine "
                                     "translation's placeholders or format directives differ "
                                     f"from the msgid ({text[:60]!r}); translate it by hand"))
            for (entry, form), unit, text in zip(slots, units, translations, strict=True):
                value = "" if id(entry) in refused else _keep_edges(unit.text, text)
                if form is None:
                    entry.msgstr = value
                else:
                    # a template has as many msgstr[n] as its author's language: keep ours
                    entry.msgstr_plural = {k: v for k, v in entry.msgstr_plural.items()
                                           if k < forms}
                    entry.msgstr_plural[form] = value
                if id(entry) not in refused:
                    _mark(entry)
            stats["left_untranslated"] = len(refused)
            _update_header(po)
            return str(po) + "\n"

        def annotate(qualities: list[Quality | None]) -> None:
            for (entry, _), estimate in zip(slots, qualities, strict=True):
                _note_quality(entry, estimate)

        return Document(path, units, render, stats, refusals=refusals, annotate=annotate)


def _safe(source: str, text: str, flags: list[str]) -> bool:
    """Whether *text* can go into the catalogue: same placeholders, no stray directive."""
    if compare_placeholders(source, text, syntaxes_of(flags)):
        return False
    declared = format_syntaxes(flags)
    return stray_directive_char(text, declared) is None or \
        stray_directive_char(source, declared) is not None


def _keep_edges(source: str, text: str) -> str:
    """*text* with the leading and trailing whitespace of *source* (msgfmt compares ``\\n``)."""
    match = _EDGE.match(source)
    assert match is not None      # the pattern matches every string
    return f"{match.group(1)}{text.strip()}{match.group(3)}"


QUALITY_NOTE = "termtrans: estimated quality"


def _note_quality(entry: polib.POEntry, estimate: Quality | None) -> None:
    """A translator comment on an entry estimated below good (the entry is fuzzy already):
    ``# termtrans: estimated quality bad (score 4; loop)``; a better one drops it."""
    comments = [c for c in (entry.tcomment or "").splitlines()
                if not c.startswith(QUALITY_NOTE)]
    if estimate is not None and str(estimate.label) != "good":
        flags = f"; {', '.join(estimate.flags)}" if estimate.flags else ""
        comments.append(f"{QUALITY_NOTE} {estimate.label} (score {estimate.score}{flags})")
    entry.tcomment = "\n".join(comments)


def _mark(entry: polib.POEntry) -> None:
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    comments = entry.tcomment.splitlines() if entry.tcomment else []
    if MARKER not in comments:
        entry.tcomment = "\n".join([*comments, MARKER])


def _update_header(po: polib.POFile) -> None:
    meta = po.metadata
    meta["PO-Revision-Date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")
    meta["X-Generator"] = f"termtrans {__version__}"
    if not meta.get("Language"):
        meta["Language"] = "vi"
    if "charset=CHARSET" in meta.get("Content-Type", "") or not meta.get("Content-Type"):
        meta["Content-Type"] = "text/plain; charset=UTF-8"
    if "INTEGER" in meta.get("Plural-Forms", "") or not meta.get("Plural-Forms"):
        meta["Plural-Forms"] = "nplurals=1; plural=0;"
    if meta.get("Content-Transfer-Encoding", "ENCODING") == "ENCODING":
        meta["Content-Transfer-Encoding"] = "8bit"


PO = PoFormat()
