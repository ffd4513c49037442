"""A Parquet dataset of segments with ids (``.parquet``), as archives are exported.

The table needs an ``id`` column (unique: a repeated id is an error naming its row)
and a ``text`` column of strings; every other column is kept, and the output is the
same table with a ``translation`` column added. Read and written with pyarrow (the
``ray`` extra installs it). A row's "line" in reports is its 1-based row number.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from glossary.errors import InputError
from translate.deps import require
from translate.documents.base import Document, Unit

PARQUET_HINT = "pip install pyarrow (or 'termtrans[ray]')"


class ParquetFormat:
    name = "parquet"
    extensions = (".parquet",)

    def read(self, path: Path, overwrite: bool = False) -> Document:
        table = _read_table(path)
        for column in ("id", "text"):
            if column not in table.column_names:
                raise InputError(path, None, f"no '{column}' column (columns: "
                                 f"{', '.join(table.column_names) or 'none'})")
        ids = table.column("id").to_pylist()
        texts = table.column("text").to_pylist()
        seen: dict[Any, int] = {}
        if "translation" in table.column_names and not overwrite:
            raise InputError(path, None, "already has a 'translation' column (--overwrite "
                             "replaces it)")
        for row, (key, text) in enumerate(zip(ids, texts, strict=True), start=1):
            if key is None:
                raise InputError(path, row, "row without an id")
            if isinstance(key, bool) or not isinstance(key, str | int | float) \
                    or (isinstance(key, float) and not math.isfinite(key)):
                raise InputError(path, row, f"id {key!r} is not a string or a finite number")
            if key in seen:
                raise InputError(path, row, f"duplicate id {key!r} (first on row {seen[key]})")
            seen[key] = row
            if text is not None and not isinstance(text, str):
                raise InputError(path, row, "'text' is not a string")
        units = [Unit(text, row) for row, text in enumerate(texts, start=1)
                 if text and text.strip()]

        def render(translations: list[str]) -> bytes:
            pa = require("pyarrow", "writing Parquet datasets", PARQUET_HINT)
            parquet = require("pyarrow.parquet", "writing Parquet datasets", PARQUET_HINT)
            done = iter(translations)
            column = [next(done) if text and text.strip() else text for text in texts]
            kept = table.drop_columns(["translation"]) if "translation" in table.column_names \
                else table
            out = kept.append_column("translation", pa.array(column, type=pa.string()))
            buffer = io.BytesIO()
            parquet.write_table(out, buffer)
            return buffer.getvalue()

        return Document(path, units, render)


def _read_table(path: Path) -> Any:
    parquet = require("pyarrow.parquet", "reading Parquet datasets", PARQUET_HINT)
    try:
        return parquet.read_table(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, None, f"not a readable Parquet file: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                         ) from None


PARQUET = ParquetFormat()
