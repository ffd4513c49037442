"""TSV and CSV glossaries: two-column files, the exports of DeepL, Google and Amazon, and richer.

* Without a header a file has exactly two columns, ``source<TAB>target``.
* With a header row, columns are found by name and extra columns are ignored:
  ``source``/``term``/``en`` …, ``target``/``translation``/``vi`` …, and
  optionally ``variants``, ``forbidden`` (``|``-separated), ``case_sensitive``,
  ``note``. Language-code headers (Google's and Amazon's ``en,vi``) also set
  the language pair. A row is a header only when it names both a source and a
  target column and every cell of it is a column name, never a term.
* DeepL's export has no header and carries the languages in every row:
  ``source,target,en,vi`` (a fifth column may follow); it is recognised by
  those language cells.
* CSV files from Excel are often separated by semicolons: the delimiter of a
  ``.csv`` file is detected with :class:`csv.Sniffer` (``,`` ``;`` or tab) and
  reported in :attr:`RawGlossary.notes`.

Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import IO

from glossary.errors import ParseError
from glossary.formats.base import RawGlossary
from glossary.model import Entry, Glossary
from glossary.textio import read_text

SOURCE_NAMES = {"source", "source_term", "source term", "term", "src", "english"}
TARGET_NAMES = {"target", "target_term", "target term", "translation", "tgt", "vietnamese"}
LANG_CODES = {"en", "en-us", "en-gb", "en_us", "en_gb", "vi", "vi-vn", "vi_vn"}
OPTIONAL = {"variants", "forbidden", "case_sensitive", "note"}
#: Column names of other tools that a header may carry; their content is ignored.
IGNORED = {"pos", "part of speech", "description", "definition", "context", "comment",
           "comments", "domain", "status", "id", "source_lang", "target_lang", "src_lang",
           "tgt_lang", "source language", "target language", "notes", "category", "tags"}
_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z]{2,4})?$", re.IGNORECASE)
COLUMNS = ("source", "target", "variants", "forbidden", "case_sensitive", "note")
TRUE = {"1", "true", "yes", "y", "x"}
FALSE = {"", "0", "false", "no", "n"}


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())


class DelimitedFormat:
    """TSV (tab, no quoting) or CSV (comma, RFC 4180 quoting)."""

    def __init__(self, name: str, delimiter: str, extensions: tuple[str, ...]) -> None:
        self.name = name
        self.delimiter = delimiter
        self.extensions = extensions

    def read(self, path: Path) -> RawGlossary:
        text = read_text(path)
        rows: list[tuple[int, list[str]]] = []
        notes: list[str] = []
        delimiter = self.delimiter
        if self.delimiter == ",":
            delimiter = _sniff(text)
            if delimiter != ",":
                notes.append(f"{path}: read as CSV separated by {_NAMES[delimiter]} "
                             f"(detected)")
        if delimiter == "\t":
            for number, line in enumerate(text.split("\n"), start=1):
                if "\r" in line:
                    raise ParseError(path, number, "stray carriage return (\\r) inside a line")
                if line.strip() and not line.lstrip().startswith("#"):
                    rows.append((number, line.split("\t")))
        else:
            reader = csv.reader(text.split("\n"), delimiter=delimiter, strict=True)
            try:
                for row in reader:
                    if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
                        rows.append((reader.line_num, row))
            except csv.Error as exc:
                raise ParseError(path, reader.line_num, f"CSV syntax error: {exc}") from None
        if not rows:
            return RawGlossary([], notes=tuple(notes))
        deepl = _deepl_languages(path, rows)
        if deepl is not None:
            notes.append(f"{path}: read as a DeepL glossary export ({deepl[0]} → {deepl[1]})")
            width = len(rows[0][1])
            entries = [self._entry(path, n, row, {"source": 0, "target": 1}, width, True)
                       for n, row in rows]
            return RawGlossary(entries, deepl[0], deepl[1], tuple(notes))
        header = self._header(rows[0][1])
        _refuse_other_languages(path, rows[0])
        source_lang = target_lang = None
        if header is None:
            columns = {"source": 0, "target": 1}
            width = 2
            body = rows
        else:
            columns, source_lang, target_lang = header
            width = len(rows[0][1])
            body = rows[1:]
            _refuse_rows_of_other_languages(path, rows[0][1], body)
        entries = [self._entry(path, number, row, columns, width, header is not None)
                   for number, row in body]
        return RawGlossary(entries, source_lang, target_lang, tuple(notes))

    @staticmethod
    def _header(row: list[str]) -> tuple[dict[str, int], str | None, str | None] | None:
        names = [c.strip().lower() for c in row]
        columns: dict[str, int] = {}
        source_lang = target_lang = None
        for index, name in enumerate(names):
            if name in SOURCE_NAMES and "source" not in columns:
                columns["source"] = index
            elif name in TARGET_NAMES and "target" not in columns:
                columns["target"] = index
            elif name in LANG_CODES and name.startswith("en") and "source" not in columns:
                columns["source"] = index
                source_lang = "en"
            elif name in LANG_CODES and name.startswith("vi") and "target" not in columns:
                columns["target"] = index
                target_lang = "vi"
            elif name in OPTIONAL:
                columns[name] = index
            elif name and name not in IGNORED and name not in LANG_CODES:
                return None           # a cell that is no column name: a data row
        if "source" in columns and "target" in columns:
            return columns, source_lang, target_lang
        return None

    def _entry(self, path: Path, number: int, row: list[str], columns: dict[str, int],
               width: int, has_header: bool) -> Entry:
        if len(row) != width:
            hint = ("" if has_header else
                    " (a file without a header row has exactly two columns, source and target; "
                    "add a header such as 'source<TAB>target<TAB>note' for more)")
            raise ParseError(path, number, f"expected {width} columns, found {len(row)}{hint}")

        def cell(name: str) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None else ""

        flag = cell("case_sensitive").lower()
        if flag not in TRUE | FALSE:
            raise ParseError(path, number, f"case_sensitive must be yes/no, found '{flag}'")
        return Entry(cell("source"), cell("target"), _split_list(cell("variants")),
                     _split_list(cell("forbidden")), flag in TRUE, cell("note"), number)

    def write(self, glossary: Glossary, stream: IO[str]) -> None:
        """Write one row per source variant, with a header naming every column."""
        if self.delimiter == "\t":
            def emit(cells: list[str]) -> None:
                for value in cells:
                    if "\t" in value or "\n" in value:
                        raise ParseError(glossary.path, None,
                                         f"cannot write '{value}' to TSV: it holds a tab or "
                                         "newline")
                stream.write("\t".join(cells) + "\n")
        else:
            writer = csv.writer(stream, lineterminator="\n")

            def emit(cells: list[str]) -> None:
                writer.writerow(cells)

        emit(list(COLUMNS))
        for term in glossary:
            for source in term.sources:
                emit([source, term.target, " | ".join(term.variants),
                      " | ".join(term.forbidden), "yes" if term.case_sensitive else "",
                      term.note])


_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def _sniff(text: str) -> str:
    """The delimiter of a CSV text: comma, semicolon or tab (comma when unsure)."""
    sample = "\n".join(line for line in text.split("\n")[:50]
                       if line.strip() and not line.lstrip().startswith("#"))
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _deepl_languages(path: Path, rows: list[tuple[int, list[str]]]) -> tuple[str, str] | None:
    """The language pair of a DeepL export (language codes in columns 3 and 4 of every row)."""
    if not all(len(row) >= 4 and _LANG_CODE.match(row[2].strip())
               and _LANG_CODE.match(row[3].strip()) for _, row in rows):
        return None
    pairs = {(row[2].strip().lower(), row[3].strip().lower()) for _, row in rows}
    if len(pairs) > 1:
        raise ParseError(path, None, f"DeepL export mixes language pairs {sorted(pairs)}")
    source, target = pairs.pop()
    if not (source.startswith("en") and target.startswith("vi")):
        raise ParseError(path, rows[0][0], f"glossary is for {source} → {target}; "
                         "termtrans translates en → vi")
    return "en", "vi"


def _refuse_other_languages(path: Path, first: tuple[int, list[str]]) -> None:
    """A header of language codes for another pair (Google/Amazon ``de,fr``) is an error."""
    number, row = first
    cells = [c.strip().lower() for c in row if c.strip()]
    if len(cells) >= 2 and all(_LANG_CODE.match(c) for c in cells[:2]) and not (
            cells[0].startswith("en") and cells[1].startswith("vi")) and \
            all(c in LANG_CODES or c in IGNORED or _LANG_CODE.match(c) for c in cells):
        raise ParseError(path, number, f"header names languages {cells[0]} → {cells[1]}; "
                         "termtrans translates en → vi")


_LANG_COLUMNS = {"source_lang": ("en", 0), "src_lang": ("en", 0), "source language": ("en", 0),
                 "target_lang": ("vi", 1), "tgt_lang": ("vi", 1), "target language": ("vi", 1)}


def _refuse_rows_of_other_languages(path: Path, header: list[str],
                                    body: list[tuple[int, list[str]]]) -> None:
    """Rows whose language columns (``source_lang``, ``target_lang``) name another pair
    (a DeepL CSV with a header and ``en,de`` rows) are an error naming the first."""
    checks = [(index, _LANG_COLUMNS[name][0], _LANG_COLUMNS[name][1])
              for index, name in enumerate(c.strip().lower() for c in header)
              if name in _LANG_COLUMNS]
    for number, row in body:
        pair = ["en", "vi"]
        wrong = False
        for index, wanted, side in checks:
            value = row[index].strip().lower() if index < len(row) else ""
            if value and not value.startswith(wanted):
                pair[side], wrong = value, True
        if wrong:
            raise ParseError(path, number, f"row is for {pair[0]} → {pair[1]} (its language "
                             "columns); termtrans translates en → vi")


TSV = DelimitedFormat("tsv", "\t", (".tsv", ".tab", ".txt"))
CSV = DelimitedFormat("csv", ",", (".csv",))
