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
    # polib.pofile() opens its argument as a file when it names an existing path; a PO
    # file whose whole content is a path would make it read that other file. No path
    # ends with a newline, so one is always appended.
    text = text if text.endswith("\n") else text + "\n"
    _check_strings(path, text)
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        found = _POLIB_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc).split("(line")[0].strip().rstrip(":") or "PO syntax error"
        raise ParseError(path, line, f"PO syntax error: {message}") from None
    # the text's lines: an issue points at the msgstr line, not at the entry's first comment
    setattr(po, _LINES, text.splitlines())
    plural = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    if plural and not 1 <= int(plural.group(1)) <= MAX_NPLURALS:
        raise ParseError(path, None, f"header Plural-Forms: nplurals={plural.group(1)} is not "
                         f"a plausible number of plural forms (1 to {MAX_NPLURALS})")
    return po


_KEYWORD_LINE = re.compile(r'\s*(?:#~\s*)?(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)'
                           r'\s+(.*)$')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def _check_strings(path: str | Path, text: str) -> None:
    """Every quoted string must be closed: polib "repairs" ``msgid "The army`` into
    ``"The arm"`` (it drops the last character), so an unterminated string would change
    a term silently."""
    for number, line in enumerate(text.splitlines(), 1):
        keyword = _KEYWORD_LINE.match(line)
        stripped = line.strip()
        if keyword is not None:
            rest = keyword.group(1)
        elif stripped.startswith('"') or stripped.startswith('#~ "'):
            rest = stripped.removeprefix("#~ ")
        else:
            continue
        if _STRING.fullmatch(rest):
            continue
        problem = ("expected a quoted string" if not rest.startswith('"') else
                   "text after the closing quote" if _STRING.match(rest) else
                   "unterminated string")
        raise ParseError(path, number, problem)


_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
#: The most plural forms any language has (Arabic: 6); a larger header is hostile or broken.
MAX_NPLURALS = 6


def nplurals(po: polib.POFile) -> int:
    """The catalogue's number of plural forms (1, Vietnamese's, when the header has none)."""
    found = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 1


@dataclass(frozen=True)
class PoUnit:
    """One translatable pair of a PO entry (a plural entry gives several)."""

    line: int
    source: str
    target: str
    flags: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()


_WAIVER = re.compile(r"^termtrans:\s*ignore\s+(.+)$")


def waivers(entry: polib.POEntry) -> tuple[str, ...]:
    """Issue kinds waived in the entry's translator comment (``# termtrans: ignore KIND…``)."""
    kinds: list[str] = []
    for line in (entry.tcomment or "").splitlines():
        found = _WAIVER.match(line.strip())
        if found:
            kinds += [k for k in re.split(r"[\s,]+", found.group(1)) if k]
    return tuple(kinds)


#: The translator comment ``termtrans translate`` puts on every entry it filled.
MARKER = "termtrans: machine translation"


_LINES = "termtrans_lines"


def msgstr_line(po: polib.POFile, entry: polib.POEntry, form: int | None = None) -> int:
    """The line of *entry*'s ``msgstr`` (``msgstr[form]``) in the file *po* was read from;
    the entry's first line when the text is not known."""
    first = int(getattr(entry, "linenum", 0) or 0)
    lines: list[str] = getattr(po, _LINES, [])
    keyword = "msgstr" if form is None else f"msgstr[{form}]"
    for number in range(max(first - 1, 0), len(lines)):
        stripped = lines[number].lstrip()
        if stripped.startswith(keyword) and stripped[len(keyword):len(keyword) + 1] in " \t":
            return number + 1
    return first


def po_units(po: polib.POFile,
             include_fuzzy: bool = False) -> tuple[list[PoUnit], dict[str, int]]:
    """Translated (source, target) pairs, and counts of entries skipped and why.

    Untranslated and obsolete entries are skipped. Fuzzy entries are skipped
    (they are not translations in force) unless *include_fuzzy*, or unless this
    tool filled them (they carry :data:`MARKER`): an editor checks the machine
    output before clearing the flag. Plural forms follow the catalogue's
    ``nplurals``: with one form (Vietnamese) ``msgstr[0]`` serves every count, so it
    is paired with ``msgid_plural`` and with ``msgid`` for terms only (``%(num)d`` is
    right in it even when the singular ``msgid`` has none); with more, ``msgstr[0]``
    pairs with ``msgid`` and every other form with ``msgid_plural``.
    """
    units: list[PoUnit] = []
    count = nplurals(po)
    skipped = {"fuzzy": 0, "untranslated": 0, "obsolete": 0}
    for entry in po:
        if entry.obsolete:
            skipped["obsolete"] += 1
        elif "fuzzy" in entry.flags and not (
                include_fuzzy or MARKER in (entry.tcomment or "").splitlines()):
            skipped["fuzzy"] += 1
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            if not forms or not all(forms):
                skipped["untranslated"] += 1
                continue
            flags, waived = tuple(entry.flags), waivers(entry)
            # one form: msgstr[0] also serves n = 1, so the singular's placeholders need
            # not be in it ("One article" / "%(num)d bài báo"); its terms still must
            single = ("placeholder_mismatch",) if count == 1 else ()
            keys = sorted(entry.msgstr_plural)
            units.append(PoUnit(msgstr_line(po, entry, keys[0]), entry.msgid, forms[0], flags,
                                waived + single))
            first = 0 if count == 1 else 1
            units += [PoUnit(msgstr_line(po, entry, key), entry.msgid_plural, form, flags, waived)
                      for key, form in zip(keys[first:], forms[first:], strict=True)]
        elif not entry.msgstr:
            skipped["untranslated"] += 1
        elif entry.msgid:
            units.append(PoUnit(msgstr_line(po, entry), entry.msgid, entry.msgstr,
                                tuple(entry.flags), waivers(entry)))
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
