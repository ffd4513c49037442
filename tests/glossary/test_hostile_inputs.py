"""Hostile or unusual inputs: refused with one line naming the place, nothing moved or lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from glossary.errors import CacheError
from glossary.formats import load_glossary
from tests.conftest import run_cli
from translate.cache import TranslationCache


@pytest.mark.parametrize(("cell", "what"), [
    ("army\x00", "NUL (U+0000)"),
    ("army\x1b[31m", "ESC (U+001B)"),
    ("quân\u202eđội", "the bidirectional control U+202E"),
])
def test_control_characters_in_terms_are_errors(tmp_path: Path, cell: str, what: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(f"border guard\tbộ đội biên phòng\n{cell}\tquân đội\n", encoding="utf-8")
    result = run_cli("glossary", "validate", path)    # validate lists problems: exit 1
    assert result.returncode == 1
    assert f"{path}:2: source" in result.stdout and what in result.stdout
    article = tmp_path / "a.txt"
    article.write_text("The army met.\n", encoding="utf-8")
    translated = run_cli("translate", article, "-g", path, "--model", "tiny-random")
    assert translated.returncode == 2 and what in translated.stderr
    assert not (tmp_path / "a.vi.txt").exists()


def test_line_numbers_are_not_turned_into_emoji(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    rows = [f"term {n}\tthuật ngữ {n}" for n in range(1, 100)] + ["term 1\tkhác"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("glossary", "validate", path)
    assert result.returncode == 1 and f"{path}:100: duplicate source" in result.stdout
    check = run_cli("check", path, path, "-g", path)
    assert check.returncode == 2 and f"{path}:100: duplicate source" in check.stderr


def test_tbx_declared_latin1_is_read_as_utf8_and_deep_nesting_refused(tmp_path: Path) -> None:
    tbx = tmp_path / "t.tbx"
    tbx.write_text('<?xml version="1.0" encoding="ISO-8859-1"?>\n<martif><text><body>'
                   '<termEntry><langSet xml:lang="en"><tig><term>national defence</term></tig>'
                   '</langSet><langSet xml:lang="vi"><tig><term>quốc phòng</term></tig>'
                   "</langSet></termEntry></body></text></martif>\n", encoding="utf-8")
    assert [t.target for t in load_glossary(tbx)] == ["quốc phòng"]
    deep = tmp_path / "deep.tbx"
    deep.write_text("<martif>" + "<x>" * 1000 + "</x>" * 1000 + "</martif>", encoding="utf-8")
    result = run_cli("glossary", "validate", deep)
    assert result.returncode == 1 and "deep.tbx:1: XML nested deeper than 100 elements" in \
        result.stdout
    assert "Traceback" not in result.stderr


def test_cache_never_moves_what_is_not_its_own(tmp_path: Path) -> None:
    foreign = tmp_path / "app.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.execute("INSERT INTO users VALUES ('ana')")
    conn.close()
    before = foreign.read_bytes()
    with pytest.raises(CacheError, match="another program's SQLite database"):
        TranslationCache(foreign)
    assert foreign.read_bytes() == before and not list(tmp_path.glob("*.corrupt-*"))
    with pytest.raises(CacheError, match="is a directory"):
        TranslationCache(tmp_path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite at all" * 100)
    cache = TranslationCache(junk)
    assert cache.rebuilt_from is not None and cache.rebuilt_from.read_bytes().startswith(b"not")
    cache.close()
