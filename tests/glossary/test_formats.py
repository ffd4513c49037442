"""Contract tests run for every glossary format, plus each format's bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.errors import ConfigError, GlossaryError, ParseError
from glossary.formats import FORMATS, load_glossary, save_glossary
from glossary.model import Glossary, Term

SAMPLE = Glossary((
    Term(("people's heart-and-mind posture", "posture of people's hearts"), "thế trận lòng dân",
         forbidden=("tư thế lòng dân",), note="core concept"),
    Term(("prestigious people",), "người có uy tín", variants=("người uy tín",)),
    Term(("Decree No. 21/2019/NĐ-CP",), "Nghị định số 21/2019/NĐ-CP"),
))
SUFFIX = {"tsv": ".tsv", "csv": ".csv", "tbx": ".tbx", "po": ".po", "tmx": ".tmx"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_round_trip_keeps_content(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"g{SUFFIX[name]}"
    save_glossary(SAMPLE, path)
    loaded = load_glossary(path)
    if name in ("po", "tmx"):   # PO and TMX hold only source → target pairs
        assert {(s, t.target) for t in loaded for s in t.sources} == \
               {(s, t.target) for t in SAMPLE for s in t.sources}
    else:
        assert loaded.sha256 == SAMPLE.sha256
        assert [t.forbidden for t in loaded] == [t.forbidden for t in SAMPLE]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_empty_file_gives_an_error_or_empty_glossary(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"g{SUFFIX[name]}"
    path.write_bytes(b"")
    if name in ("tbx", "tmx"):   # XML: an empty file is not a document
        with pytest.raises(ParseError, match=rf"g\.{name}"):
            load_glossary(path)
    else:
        assert len(load_glossary(path)) == 0


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_undecodable_bytes_name_file_and_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"g{SUFFIX[name]}"
    save_glossary(SAMPLE, path)
    data = path.read_bytes().split(b"\n")
    data[2] = data[2] + b"\xff\xfe"
    path.write_bytes(b"\n".join(data))
    with pytest.raises(ParseError) as info:
        load_glossary(path)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: not valid UTF-8")


@pytest.mark.parametrize(("content", "count"), [
    (b"\xef\xbb\xbfprestigious people\tng\xc6\xb0\xe1\xbb\x9di c\xc3\xb3 uy t\xc3\xadn\n", 1),
    (b"a\tb\r\nc\td\r\n", 2),
    (b"a\tb\nc\td", 2),                          # no newline at end
    (b"# comment\n\nsource\ttarget\nx\ty\n", 1),
])
def test_tsv_tolerates_bom_crlf_missing_newline_comments(tmp_path: Path, content: bytes,
                                                        count: int) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes(content)
    assert len(load_glossary(path)) == count


@pytest.mark.parametrize(("content", "line", "message"), [
    ("a\tb\nonly-one-column\n", 2, "expected 2 columns, found 1"),
    ("a\tb\nc\td\te\tf\n", 2, "expected 2 columns, found 4"),
    ("source\ttarget\tnote\nx\ty\n", 2, "expected 3 columns, found 2"),
    ("a\t\n", 1, "empty target"),
    ("\tb\n", 1, "empty source"),
    ("people\tnhân dân\nPeople\tngười\n", 2, "duplicate source 'People' conflicts with line 1"),
    ("source\ttarget\tforbidden\nx\ty\ty\n", 2, "also listed as forbidden"),
    ("source\ttarget\tcase_sensitive\nx\ty\tmaybe\n", 2, "case_sensitive must be yes/no"),
])
def test_bad_tsv_rows_are_located(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_glossary(path)
    assert info.value.line == line
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}:")


def test_all_problems_are_collected(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("a\t\n\tb\nc\td\nC\te\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert [p.line for p in info.value.problems] == [1, 2, 4]


def test_identical_duplicates_and_nfd_are_warnings(tmp_path: Path) -> None:
    import unicodedata
    path = tmp_path / "g.tsv"
    nfd = unicodedata.normalize("NFD", "người có uy tín")
    path.write_text(f"prestigious people\t{nfd}\nPrestigious people\tngười có uy tín\n",
                    encoding="utf-8")
    glossary = load_glossary(path)
    assert len(glossary) == 1 and glossary.terms[0].target == "người có uy tín"
    assert [w.line for w in glossary.warnings] == [1, 2]


def test_csv_with_language_header_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text('en,vi,pos,description\n"prestigious people","người có uy tín",n,"a, b"\n',
                    encoding="utf-8")
    (term,) = load_glossary(path)
    assert (term.source, term.target) == ("prestigious people", "người có uy tín")


def test_rows_sharing_a_target_merge_into_one_concept(seed_glossary_path: Path) -> None:
    glossary = load_glossary(seed_glossary_path)
    posture = next(t for t in glossary if t.target == "thế trận lòng dân")
    assert "posture of people's hearts" in posture.sources
    assert len(glossary) >= 40


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&lol3;</term></tig></langSet>
</termEntry></body></text></martif>
"""


def test_tbx_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.tbx"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(ParseError, match="entity declaration 'lol' refused") as info:
        load_glossary(path)
    assert info.value.line == 3


def test_tbx_v3_statuses_map_to_target_variants_forbidden(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Core" style="dca" xml:lang="en">
<text><body>
<conceptEntry id="1">
  <descrip type="definition">core concept</descrip>
  <langSec xml:lang="en"><termSec><term>people's hearts posture</term></termSec></langSec>
  <langSec xml:lang="vi">
    <termSec><term>tư thế lòng dân</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
    <termSec><term>thế trận lòng dân</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
    <termSec><term>thế trận lòng người</term></termSec>
  </langSec>
</conceptEntry>
</body></text></tbx>
""", encoding="utf-8")
    (term,) = load_glossary(path)
    assert term.target == "thế trận lòng dân"
    assert term.variants == ("thế trận lòng người",)
    assert term.forbidden == ("tư thế lòng dân",)
    assert term.note == "core concept"


@pytest.mark.parametrize(("content", "line", "message"), [
    (b"<martif><text>\n<body>\n</text></martif>", 3, "XML syntax error"),
    (b"<html/>", 1, "not a TBX file"),
    (b'<martif><text><body>\n<termEntry><langSet xml:lang="vi"><tig><term>x</term></tig>'
     b"</langSet></termEntry></body></text></martif>", 2, "no English"),
])
def test_bad_tbx_is_located(tmp_path: Path, content: bytes, line: int, message: str) -> None:
    path = tmp_path / "g.tbx"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=message) as info:
        load_glossary(path)
    assert info.value.line == line


PO_TEXT = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: vi\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#. core concept
msgid "people's heart-and-mind posture"
msgstr "thế trận lòng dân"

#, fuzzy
msgid "border marker"
msgstr "mốc"

msgid "prestigious person"
msgid_plural "prestigious persons"
msgstr[0] "người có uy tín"

msgid "untranslated"
msgstr ""
"""


def test_po_glossary_skips_fuzzy_and_untranslated_and_reads_plurals(tmp_path: Path) -> None:
    path = tmp_path / "g.po"
    path.write_text(PO_TEXT, encoding="utf-8")
    glossary = load_glossary(path)
    assert {(s, t.target) for t in glossary for s in t.sources} == {
        ("people's heart-and-mind posture", "thế trận lòng dân"),
        ("prestigious person", "người có uy tín"), ("prestigious persons", "người có uy tín")}


def test_po_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "g.po"
    path.write_text('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', encoding="utf-8")
    with pytest.raises(ParseError, match="PO syntax error"):
        load_glossary(path)


def test_unknown_format_lists_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="valid: tsv, csv, tbx, po"):
        load_glossary(tmp_path / "x.tsv", "xlsx")
    with pytest.raises(ConfigError, match="cannot tell the glossary format"):
        load_glossary(tmp_path / "x.docx")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read file"):
        load_glossary(tmp_path / "missing.tsv")
