"""Datasets of segments with ids (JSON Lines, Parquet): joinable output, bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary.errors import InputError
from tests.conftest import SEED_GLOSSARY, run_cli
from translate.documents import get_document_format

#: A random model stutters (reported as issues): these tests are about the formats, not it.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never",
        "--no-cache")


def test_parquet_rows_keep_their_ids_and_columns(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    data = tmp_path / "segments.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": ["Prestigious people met.", "",
                                                            "The Border Guard met."],
                             "topic": ["x", "y", "z"]}), data)
    result = run_cli("translate", data, "-g", SEED_GLOSSARY, "-o", tmp_path / "out.parquet",
                     *TINY)
    assert result.returncode in (0, 1), result.stderr
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("id").to_pylist() == ["a", "b", "c"]
    assert table.column("topic").to_pylist() == ["x", "y", "z"]
    translated = table.column("translation").to_pylist()
    assert translated[1] == "" and "Bộ đội Biên phòng" in translated[2]


@pytest.mark.parametrize(("columns", "message"), [
    ({"id": [1, 2, 1], "text": ["a b", "c d", "e f"]}, ":3: duplicate id 1 (first on row 1)"),
    ({"key": [1], "text": ["a b"]}, ": no 'id' column (columns: key, text)"),
    ({"id": [1.0, float("nan")], "text": ["a b", "c d"]},
     ":2: id nan is not a string or a finite number"),
    ({"id": [[1, 2]], "text": ["a b"]}, ":1: id [1, 2] is not a string or a finite number"),
    ({"id": [{"k": 1}], "text": ["a b"]},
     ":1: id {'k': 1} is not a string or a finite number"),
    ({"id": [1], "text": ["a b"], "translation": ["x"]},
     ": already has a 'translation' column (--overwrite replaces it)"),
])
def test_bad_parquet_is_refused_naming_the_row(tmp_path: Path, columns: dict[str, list[object]],
                                               message: str) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    data = tmp_path / "bad.parquet"
    pq.write_table(pa.table(columns), data)
    with pytest.raises(InputError) as info:
        get_document_format(data).read(data)
    assert str(info.value) == f"{data}{message}"


@pytest.mark.parametrize(("line", "message"), [
    ('{"text": "no id"}', 'no "id"'),
    ('{"id": 1, "text": 5}', 'no "text" string'),
    ("[1, 2]", "expected an object"),
    ("{oops", "not JSON"),
    ('{"id": 1, "text": "a", "translation": "b"}', 'already has a "translation" field'),
])
def test_bad_jsonl_lines_are_named(tmp_path: Path, line: str, message: str) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"id": 0, "text": "Fine."}) + "\n" + line + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        get_document_format(data).read(data)
    assert str(info.value).startswith(f"{data}:2: {message}")


def test_overwrite_replaces_an_existing_translation_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import io

    import pyarrow.parquet as pq

    data = tmp_path / "done.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": ["a b", "c d"],
                             "translation": ["old", "old"]}), data)
    doc = get_document_format(data).read(data, overwrite=True)
    rendered = doc.render(["mới 1", "mới 2"])
    assert isinstance(rendered, bytes)
    table = pq.read_table(io.BytesIO(rendered))
    assert table.column_names == ["id", "text", "translation"]
    assert table.column("translation").to_pylist() == ["mới 1", "mới 2"]
