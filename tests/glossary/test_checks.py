from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary.checks import REGISTRY, Segment, Severity, check_segments, resolve_checks
from glossary.errors import AlignmentError, ConfigError, ParseError
from glossary.formats import load_glossary
from glossary.model import Glossary, Term
from glossary.segments import read_parallel, read_po

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed_check"


@pytest.fixture(scope="module")
def seed_glossary() -> Glossary:
    return load_glossary(Path(__file__).resolve().parents[2] / "seeds" / "glossary.tsv")


def test_clean_seed_translation_has_no_issue(seed_glossary: Glossary) -> None:
    report = check_segments(read_parallel(SEED / "source.en", SEED / "clean.vi"), seed_glossary)
    assert report.issues == ()
    assert report.terms_checked >= 25 and report.term_success_rate == 100.0


def test_every_planted_problem_is_found_and_nothing_else(seed_glossary: Glossary) -> None:
    report = check_segments(read_parallel(SEED / "source.en", SEED / "damaged.vi"),
                            seed_glossary)
    planted = json.loads((SEED / "expected.json").read_text())["planted"]
    assert sorted([i.line, i.kind] for i in report.issues) == sorted(planted)


def test_issue_messages_show_evidence(seed_glossary: Glossary) -> None:
    report = check_segments(read_parallel(SEED / "source.en", SEED / "damaged.vi"),
                            seed_glossary)
    by = {(i.line, i.kind): i for i in report.issues}
    code = by[(2, "code_mismatch")]
    assert (code.expected, code.found) == ("68-KL/TW", "68-KL/TƯ")
    forbidden = by[(1, "forbidden_variant")]
    assert forbidden.found == "người nổi tiếng" and forbidden.expected == "người có uy tín"
    lookalike = by[(9, "normalisation")]
    assert "U+00D0" in lookalike.message and lookalike.severity is Severity.ERROR
    assert by[(8, "normalisation")].severity is Severity.INFO
    target = report.analyses[0].target
    assert forbidden.span is not None
    assert target[forbidden.span[0]:forbidden.span[1]] == "người nổi tiếng"


def _check(source: str, target: str, glossary: Glossary, file: str = "t.vi") -> list[str]:
    report = check_segments([Segment(file, 1, source, target)], glossary)
    return [i.kind for i in report.issues]


GLOSSARY = Glossary((
    Term(("ethnic minority areas",), "vùng đồng bào dân tộc thiểu số"),
    Term(("ethnic minorities",), "dân tộc thiểu số"),
    Term(("security and order",), "an ninh, trật tự", variants=("an ninh trật tự",)),
))


@pytest.mark.parametrize(("source", "target", "kinds"), [
    # nested targets are credited once: both terms present
    ("ethnic minorities in ethnic minority areas", "dân tộc thiểu số ở vùng đồng bào dân tộc "
     "thiểu số", []),
    # only the longer one present: the shorter one is missing
    ("ethnic minorities in ethnic minority areas", "ở vùng đồng bào dân tộc thiểu số",
     ["missing_term"]),
    # same term twice in the source, once in the translation: a warning, not an error
    ("ethnic minorities and ethnic minorities", "dân tộc thiểu số", ["missing_term"]),
    ("1,436 households", "1.436 hộ", []),
    ("9.6 billion", "9,6 tỷ", []),
    ("the 13th Congress", "Đại hội XIII", []),
])
def test_segment_cases(source: str, target: str, kinds: list[str]) -> None:
    assert _check(source, target, GLOSSARY) == kinds


@pytest.mark.parametrize(("source", "target", "kinds"), [
    # a mangled or replaced name is reported; written with or without marks it is found
    ("Troops of Thanh Hoa province helped.", "Bộ đội tỉnh Mỹ đã giúp.", ["missing_name"]),
    ("Troops of Thanh Hoa province helped.", "Bộ đội tỉnh Thanh Hóa đã giúp.", []),
    ("Troops of Thanh Hoa province helped.", "Bộ đội tỉnh Thanh Hoa đã giúp.", []),
    ("Forces of Hoa Binh city", "Lực lượng của thành phố Binhnh", ["missing_name"]),
    ("Dak Lak and Dien Bien", "Đắk Lắk và Điện Biên", []),
    ("Comrade Nguyen Van An spoke.", "Đồng chí Nguyễn Văn An phát biểu.", []),
    ("Comrade Nguyen Van An spoke.", "Đồng chí Nguyễn An phát biểu.", ["missing_name"]),
    # a sentence's first English word is not part of the name; one word is not a name
    ("In Ha Noi the meeting ended.", "Tại Hà Nội cuộc họp kết thúc.", []),
    ("In Quang Ninh the work went on.", "Công việc vẫn tiếp tục.", ["missing_name"]),
    ("Can hamlet was visited.", "Thôn đã được thăm.", []),
    # English capitalised words that cannot be Vietnamese syllables are no name
    ("The Border Guard Party Committee met.", "Đảng ủy Bộ đội Biên phòng họp.", []),
    # false alarms found on the VLSP references: English words of syllable shape around a
    # name, and a name written by its initials
    ("But I did not see it.", "Nhưng tôi không thấy.", []),
    ("the miniature Ha Long Bay", "Vịnh Hạ Long thu nhỏ", []),
    ("King Tut is known.", "Vua Tut được biết đến.", []),
    ("the Saigon Hi-Tech Park", "Khu Công nghệ cao Sài Gòn", []),
    ("in Ho Chi Minh City", "tại TP HCM", []),
])
def test_vietnamese_names_must_reach_the_translation(source: str, target: str,
                                                     kinds: list[str]) -> None:
    assert _check(source, target, Glossary(())) == kinds


def test_a_name_inside_a_glossary_term_is_left_to_the_term_checks() -> None:
    terms = Glossary((Term(("Ha Noi Capital Command",), "Bộ Tư lệnh Thủ đô Hà Nội"),))
    assert _check("The Ha Noi Capital Command met.", "Bộ Tư lệnh Thủ đô họp.", terms) == \
        ["missing_term"]


def test_repeated_term_partially_rendered_is_a_warning() -> None:
    report = check_segments([Segment("t", 1, "ethnic minorities and ethnic minorities",
                                     "dân tộc thiểu số")], GLOSSARY)
    (issue,) = report.issues
    assert issue.severity is Severity.WARNING and "2×" in issue.message


def test_inconsistency_is_found_across_files() -> None:
    segments = [Segment("a.vi", 1, "security and order", "an ninh, trật tự"),
                Segment("a.vi", 2, "security and order", "an ninh, trật tự"),
                Segment("b.vi", 7, "security and order", "an ninh trật tự")]
    report = check_segments(segments, GLOSSARY)
    (issue,) = report.issues
    assert (issue.kind, issue.file, issue.line) == ("inconsistent", "b.vi", 7)
    assert "'an ninh, trật tự' 2×" in issue.message


def test_mismatched_line_counts_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "s.en").write_text("a\nb\nc\n", encoding="utf-8")
    (tmp_path / "t.vi").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(AlignmentError, match=r"t\.vi:3: has 2 line\(s\) but .*s\.en has 3"):
        read_parallel(tmp_path / "s.en", tmp_path / "t.vi")


def test_undecodable_translation_is_located(tmp_path: Path) -> None:
    (tmp_path / "s.en").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "t.vi").write_bytes(b"a\n\xc3\x28\n")
    with pytest.raises(ParseError, match=r"t\.vi:2: not valid UTF-8"):
        read_parallel(tmp_path / "s.en", tmp_path / "t.vi")


def test_empty_files_and_single_line_without_newline(tmp_path: Path) -> None:
    (tmp_path / "s.en").write_bytes(b"")
    (tmp_path / "t.vi").write_bytes(b"")
    assert read_parallel(tmp_path / "s.en", tmp_path / "t.vi") == []
    (tmp_path / "s.en").write_bytes(b"\xef\xbb\xbfethnic minorities")
    (tmp_path / "t.vi").write_bytes("dân tộc thiểu số\r\n".encode())
    (segment,) = read_parallel(tmp_path / "s.en", tmp_path / "t.vi")
    assert (segment.source, segment.target) == ("ethnic minorities", "dân tộc thiểu số")


def test_megabyte_single_line_is_checked(tmp_path: Path) -> None:
    source = "ethnic minorities and " * 50_000
    target = "dân tộc thiểu số và " * 50_000
    assert len(source) > 1_000_000
    report = check_segments([Segment("t", 1, source, target)], GLOSSARY)
    assert report.issues == () and report.terms_checked == 50_000


def test_po_segments_skip_fuzzy_and_pair_plurals(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    '#, fuzzy\nmsgid "ethnic minorities"\nmsgstr "sai"\n\n'
                    'msgid "%d ethnic minority area"\nmsgid_plural "%d ethnic minority areas"\n'
                    'msgstr[0] "%d vùng dân tộc"\n', encoding="utf-8")
    segments, skipped = read_po(path)
    assert skipped == {"fuzzy": 1}
    assert [s.source for s in segments] == ["%d ethnic minority area", "%d ethnic minority areas"]
    report = check_segments(segments, GLOSSARY)
    assert [(i.kind, i.line) for i in report.issues] == [("missing_term", 11)] * 2


def test_checks_are_selected_by_name_or_kind() -> None:
    assert {c.name for c in resolve_checks(ignore=["normalisation"])} == \
        set(REGISTRY) - {"normalisation", "tone_style"}
    assert [c.name for c in resolve_checks(select=["tone_style"])] == ["tone_style"]
    with pytest.raises(ConfigError, match="valid: code_mismatch"):
        resolve_checks(select=["spelling"])
