"""Glossary exports of other tools are read with every term, or refused with the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.errors import GlossaryError, ParseError
from glossary.formats import load_glossaries, load_glossary, save_glossary
from tests.conftest import SEED_GLOSSARY, run_cli

ROWS = [("people's heart-and-mind posture", "thế trận lòng dân"),
        ("prestigious people", "người có uy tín"),
        ("Border Guard", "Bộ đội Biên phòng"),
        ("ethnic minorities", "đồng bào dân tộc thiểu số")]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", ["", ",yes"])
def test_deepl_export_with_four_or_five_columns(tmp_path: Path, extra: str) -> None:
    text = "".join(f'"{s}","{t}",en,vi{extra}\n' for s, t in ROWS)
    glossary = load_glossary(write(tmp_path / "deepl.csv", text))
    assert sorted((t.source, t.target) for t in glossary) == sorted(ROWS)
    assert any("DeepL" in n for n in glossary.notes)


def test_deepl_export_for_another_language_pair_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "Haus,maison,de,fr\nBaum,arbre,de,fr\n")
    with pytest.raises(ParseError, match=r"d\.csv:1: glossary is for de → fr"):
        load_glossary(path)


def test_google_and_amazon_language_code_headers(tmp_path: Path) -> None:
    google = "en,vi,pos,description\n" + "".join(f'"{s}","{t}",noun,\n' for s, t in ROWS)
    amazon = "en,vi\n" + "".join(f'"{s}","{t}"\n' for s, t in ROWS)
    for name, text in (("google.csv", google), ("amazon.csv", amazon)):
        glossary = load_glossary(write(tmp_path / name, text))
        assert len(glossary) == len(ROWS), name
    with pytest.raises(ParseError, match="header names languages de → fr"):
        load_glossary(write(tmp_path / "x.csv", "de,fr\nHaus,maison\n"))


def test_excel_semicolon_csv_is_sniffed_and_said(tmp_path: Path) -> None:
    text = "source;target;note\n" + "".join(f"{s};{t};x, y\n" for s, t in ROWS)
    glossary = load_glossary(write(tmp_path / "excel.csv", text))
    assert len(glossary) == len(ROWS)
    assert glossary.notes == (f"{tmp_path / 'excel.csv'}: read as CSV separated by "
                              "semicolons (detected)",)
    result = run_cli("glossary", "validate", tmp_path / "excel.csv")
    assert "separated by semicolons (detected): note" in result.stdout


def test_header_columns_of_other_tools_are_ignored(tmp_path: Path) -> None:
    text = "source\ttarget\tdomain\n" + "".join(f"{s}\t{t}\tdefence\n" for s, t in ROWS)
    glossary = load_glossary(write(tmp_path / "g.tsv", text))
    assert len(glossary) == len(ROWS) and all(t.note == "" for t in glossary)


def test_glossary_of_duplicates_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.tsv", "army\tquân đội\n" * 6)
    with pytest.raises(GlossaryError, match="6 rows collapse to 1 distinct source terms"):
        load_glossary(path)


def test_two_glossaries_merge_and_conflicts_name_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.tsv", "army\tquân đội\n")
    second = write(tmp_path / "b.csv", "source,target\nnavy,hải quân\n")
    merged = load_glossaries([first, second])
    assert {t.source for t in merged} == {"army", "navy"}
    clash = write(tmp_path / "c.csv", "source,target\nnavy,thủy quân\n")
    with pytest.raises(GlossaryError) as caught:
        load_glossaries([second, clash])
    assert str(caught.value) == (f"{clash}:2: duplicate source 'navy' conflicts with "
                                 f"{second}:2: 'thủy quân' vs 'hải quân'")
    with pytest.raises(ParseError, match="for de → fr"):
        load_glossaries([first, write(tmp_path / "d.csv", "Haus,maison,de,fr\n")])


def test_cli_merges_repeated_glossary_options(tmp_path: Path) -> None:
    source, target = tmp_path / "s.en", tmp_path / "t.vi"
    write(source, "The navy and the Border Guard met.\n")
    write(target, "Hải quân và Bộ đội Biên phòng đã họp.\n")
    extra = write(tmp_path / "navy.tsv", "navy\thải quân\n")
    result = run_cli("check", source, target, "-g", SEED_GLOSSARY, "-g", extra,
                     "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"terms_checked": 2' in result.stdout


@pytest.mark.parametrize("middle", ["tbx", "csv"])
def test_conversion_round_trips_every_field(tmp_path: Path, middle: str) -> None:
    original = load_glossary(SEED_GLOSSARY)
    save_glossary(original, tmp_path / f"g.{middle}")
    save_glossary(load_glossary(tmp_path / f"g.{middle}"), tmp_path / "back.tsv")
    back = load_glossary(tmp_path / "back.tsv")
    key = sorted((t.sources, t.target, t.variants, t.forbidden, t.case_sensitive, t.note)
                 for t in original)
    assert sorted((t.sources, t.target, t.variants, t.forbidden, t.case_sensitive, t.note)
                  for t in back) == key
