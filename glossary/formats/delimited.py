"""TSV and CSV glossaries (the DeepL / Google / Amazon two-column style, and richer).

Without a header a file must have exactly two columns, ``source<TAB>target``.
With a header row, columns are found by name and extra columns are allowed:
``source``/``term``/``en`` …, ``target``/``translation``/``vi`` …, and
optionally ``variants``, ``forbidden`` (``|``-separated), ``case_sensitive``,
``note``. Language-code headers (``en``, ``vi``) also set the language pair.
Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
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
        if self.delimiter == "\t":
            for number, line in enumerate(text.split("\n"), start=1):
                if "\r" in line:
                    raise ParseError(path, number, "stray carriage return (\\r) inside a line")
                if line.strip() and not line.lstrip().startswith("#"):
                    rows.append((number, line.split("\t")))
        else:
            reader = csv.reader(text.split("\n"), delimiter=",", strict=True)
            try:
                for row in reader:
                    if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
                        rows.append((reader.line_num, row))
            except csv.Error as exc:
                raise ParseError(path, reader.line_num, f"CSV syntax error: {exc}") from None
        if not rows:
            return RawGlossary([])
        header = self._header(rows[0][1])
        source_lang = target_lang = None
        if header is None:
            columns = {"source": 0, "target": 1}
            width = 2
            body = rows
        else:
            columns, source_lang, target_lang = header
            width = len(rows[0][1])
            body = rows[1:]
        entries = [self._entry(path, number, row, columns, width, header is not None)
                   for number, row in body]
        return RawGlossary(entries, source_lang, target_lang)

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


TSV = DelimitedFormat("tsv", "\t", (".tsv", ".tab", ".txt"))
CSV = DelimitedFormat("csv", ",", (".csv",))
