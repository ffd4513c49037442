from __future__ import annotations

import pytest

from glossary.matching import TargetText, TermMatcher, number_forms
from glossary.model import Glossary, Term

GLOSSARY = Glossary((
    Term(("people's heart-and-mind posture", "posture of people's hearts"), "thế trận lòng dân"),
    Term(("prestigious person", "respected figure"), "người có uy tín"),
    Term(("all-people defence posture",), "thế trận quốc phòng toàn dân"),
    Term(("defence posture",), "thế trận phòng thủ"),
    Term(("mass mobilisation",), "dân vận"),
    Term(("NDS",), "quốc phòng, an ninh", case_sensitive=True),
    Term(("Resolution No. 06-NQ/TU",), "Nghị quyết số 06-NQ/TU (glossary)"),
))
MATCHER = TermMatcher(GLOSSARY)


@pytest.mark.parametrize(("text", "expected"), [
    ("a solid “people’s heart-and-mind posture”", ["people’s heart-and-mind posture"]),
    ("PEOPLE'S HEART-AND-MIND POSTURE", ["PEOPLE'S HEART-AND-MIND POSTURE"]),
    ("381 prestigious persons and prestigious people", ["prestigious persons",
                                                        "prestigious people"]),
    ("Respected Figures", ["Respected Figures"]),
    ("the all-people defense posture", ["all-people defense posture"]),   # longest wins
    ("a defence posture", ["defence posture"]),
    ("mass mobilization work", ["mass mobilization"]),                     # US spelling
    ("massive mobilisation", []),                                          # word boundary
    ("NDS and nds", ["NDS"]),                                              # case-sensitive
    ("posture of people's hearts, posture of people's hearts", ["posture of people's hearts"] * 2),
    ("Resolution No.06-NQ/TU and Resolution No. 17-NQ/TU", ["Resolution No.06-NQ/TU",
                                                            "Resolution No. 17-NQ/TU"]),
])
def test_matcher_finds_terms(text: str, expected: list[str]) -> None:
    assert [m.text for m in MATCHER.find(text)] == expected


def test_glossary_entry_wins_over_pattern_for_the_same_code() -> None:
    (match,) = MATCHER.find("Resolution No. 06-NQ/TU")
    assert match.term.target.endswith("(glossary)")
    (other,) = MATCHER.find("Resolution No. 17-NQ/TU")
    assert other.term.target == "Nghị quyết số 17-NQ/TU"


def test_spans_point_into_the_text() -> None:
    text = "Build a posture of people’s hearts now"
    (match,) = MATCHER.find(text)
    assert text[match.start:match.end] == match.text == "posture of people’s hearts"


@pytest.mark.parametrize(("word", "forms"), [
    ("person", ("persons", "people")), ("figure", ("figures",)), ("minority", ("minorities",)),
    ("minorities", ("minority",)), ("areas", ("area",)), ("mass", ("masses",)),
])
def test_number_forms(word: str, forms: tuple[str, ...]) -> None:
    assert set(forms) <= set(number_forms(word))


def test_target_text_claims_spans_once() -> None:
    target = TargetText("vùng đồng bào dân tộc thiểu số và dân tộc thiểu số")
    assert target.find("vùng đồng bào dân tộc thiểu số") is not None
    assert target.count("dân tộc thiểu số") == 1
    found = target.find("dân tộc thiểu số")
    assert found is not None and found.start > 30
    assert target.find("dân tộc thiểu số") is None


def test_target_text_folds_tone_style_and_nfd() -> None:
    import unicodedata
    target = TargetText(unicodedata.normalize("NFD", "diễn biến hoà bình"))
    found = target.find("diễn biến hòa bình")
    assert found is not None and found.text == "diễn biến hoà bình"
