from __future__ import annotations

import pytest

from glossary.codes import contains_code, find_codes, find_numbers, find_references, number_readings


@pytest.mark.parametrize(("text", "target"), [
    ("Resolution No. 06-NQ/TU", "Nghị quyết số 06-NQ/TU"),
    ("Resolution No.03-NQ/TU", "Nghị quyết số 03-NQ/TU"),
    ("Conclusion No. 68-KL/TW", "Kết luận số 68-KL/TW"),
    ("Decree No. 21/2019/NĐ-CP", "Nghị định số 21/2019/NĐ-CP"),
    ("the Politburo’s Resolution No.28-NQ/TW (the 10th Tenure)", "Nghị quyết số 28-NQ/TW"),
    ("Directive No. 01/CT-TTg", "Chỉ thị số 01/CT-TTg"),
    ("Joint Circular No. 5/2020/TTLT-BQP", "Thông tư liên tịch số 5/2020/TTLT-BQP"),
    ("resolution no. 5.", "Nghị quyết số 5"),
])
def test_references_are_recognised_by_pattern(text: str, target: str) -> None:
    (ref,) = find_references(text)
    assert ref.target == target
    assert text[ref.start:ref.end] == ref.text


def test_codes_and_numbers_are_separated() -> None:
    text = "Resolution No.06-NQ/TU (May 17th, 2021), 27/27 communes, 2021-2025, 9.6 billion"
    assert [c.text for c in find_codes(text)] == ["06-NQ/TU"]
    numbers = [n.text for n in find_numbers(text, find_codes(text))]
    assert numbers == ["2021", "27", "27", "2021", "2025", "9.6"]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("1,436", "1.436", True), ("9.6", "9,6", True), ("55,000", "55.000", True),
    ("96", "9.6", False), ("55,000", "50.000", False), ("1,197", "1197", True),
])
def test_number_readings_cross_conventions(a: str, b: str, same: bool) -> None:
    assert bool(number_readings(a) & number_readings(b)) is same


def test_contains_code_is_byte_exact_and_whole_token() -> None:
    assert contains_code("Nghị quyết số 06-NQ/TU.", "06-NQ/TU")
    assert not contains_code("Nghị quyết số 06-NQ/TƯ", "06-NQ/TU")
    assert not contains_code("106-NQ/TU", "06-NQ/TU")
