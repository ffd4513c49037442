"""A dataset of segments with ids (``.jsonl``): one JSON object per line.

Each line is ``{"id": …, "text": "…"}`` (more fields are kept as they are);
the output has the same lines with a ``"translation"`` field added, so a
dataset of a whole archive's segments goes through ``termtrans translate``
(locally or ``--engine ray``) and comes back joinable on its ids. Blank lines
are kept. A line that is not an object, lacks ``id`` or a string ``text``, or
repeats an earlier id is an error naming the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from glossary.errors import InputError
from glossary.textio import load_json, newline_of, read_text, split_lines
from translate.documents.base import Document, Unit


class JsonLinesFormat:
    name = "jsonl"
    extensions = (".jsonl",)

    def read(self, path: Path, overwrite: bool = False) -> Document:
        text = read_text(path)
        lines = split_lines(text)
        records: list[tuple[int, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _record(path, n, line)
            if "translation" in record and not overwrite:
                raise InputError(path, n, "already has a \"translation\" field (--overwrite "
                                 "replaces it)")
            key = json.dumps(record["id"])
            if key in seen:
                raise InputError(path, n, f"duplicate id {key} (first on line {seen[key]})")
            seen[key] = n
            records.append((n, record))
        units = [Unit(record["text"], n) for n, record in records]
        final_newline = text.endswith("\n")

        def render(translations: list[str]) -> str:
            out = list(lines)
            for (n, record), translation in zip(records, translations, strict=True):
                out[n - 1] = json.dumps({**record, "translation": translation},
                                        ensure_ascii=False)
            return "\n".join(out) + ("\n" if final_newline and out else "")

        return Document(path, units, render, newline=newline_of(path))


def _record(path: Path, n: int, line: str) -> dict[str, Any]:
    try:
        record = load_json(line)
    except ValueError as exc:
        raise InputError(path, n, f"not JSON: {exc}") from None
    if not isinstance(record, dict):
        raise InputError(path, n, 'expected an object like {"id": 1, "text": "…"}')
    if "id" not in record or isinstance(record["id"], dict | list) or record["id"] is None:
        raise InputError(path, n, "no \"id\" (a string or a number)")
    if not isinstance(record.get("text"), str):
        raise InputError(path, n, "no \"text\" string")
    return record


JSONL = JsonLinesFormat()
