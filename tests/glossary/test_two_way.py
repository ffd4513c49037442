"""Two-way verification: what a translation adds is reported, not only what it drops."""

from __future__ import annotations

import pytest

from glossary.checks import Segment, check_segments
from glossary.model import Glossary, Term

GLOSSARY = Glossary((Term(("prestigious people",), "người có uy tín"),))


def kinds(source: str, target: str, flags: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(kind, the text found — or, for a dropped item, the source's) of every issue."""
    report = check_segments([Segment("t.vi", 1, source, target, "s.en", 1, flags)], GLOSSARY)
    return [(i.kind, i.found or i.source_term) for i in report.issues]


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("Resolution No. 06-NQ/TU was issued.", "Nghị quyết số 06-NQ/TU 0/TU/TU/TU đã ban hành.",
     [("code_mismatch", "0/TU/TU/TU")]),
    # the parts of a code, scattered without a slash
    ("Under Resolution No. 06-NQ/TU of the TU committee.",
     "Theo Nghị quyết số 06-NQ/TU cộng đồng-NQ (TU) của ủy ban TU.",
     [("code_mismatch", "NQ"), ("code_mismatch", "TU")]),
    ("It was issued on May 17th, 2021.", "Nó được ban hành ngày 5 tháng 5 năm 2021.",
     [("number_mismatch", "5")]),     # 17 lost, 5 in its place: one issue
    ("Over 1,200 hectares were planted.", "Hơn 1.200 đã được trồng.",
     [("number_mismatch", "1,200 hectares")]),          # a unit of measure lost
    ("Decision N/1 was signed.", "Quyết định N/1/201/N đã ký.", [("number_mismatch", "201")]),
    ("| 120 |", "| 120 12 |", [("number_mismatch", "12")]),
    ("On 14 November 2024 they met.", "Ngày 14vv24 2024 họ gặp nhau.",
     [("date_mismatch", "14 November 2024"), ("number_mismatch", "24")]),
    ("It rose 9.6%.", "Nó tăng 9.6 9%.6.",
     [("number_mismatch", "9.6%"), ("number_mismatch", "9"), ("number_mismatch", "6")]),
    # no format flag, but "{name}" makes it a brace-format string: str.format would fail
    ("Welcome, {name}!", "{elcome, {name}!", [("placeholder_mismatch", "{")]),
    ("The branches grew.", "Các nhánh, các nhánh, các nhánh phát triển.",
     [("repetition", "Các nhánh, các nhánh, các nhánh")]),
    ("Prestigious people met.", "Người có uy tín có uy tín đã họp.",
     [("duplicated_term", "có uy tín")]),
])
def test_invented_content_is_reported(source: str, target: str,
                                      expected: list[tuple[str, str]]) -> None:
    assert [k for k in kinds(source, target) if k[0] != "misaligned"] == expected


@pytest.mark.parametrize(("source", "target"), [
    ("On February 5, 2020 the plan began.", "Ngày 5/2/2020 kế hoạch bắt đầu."),
    ("On February 5, 2020 the plan began.", "Ngày 5 tháng 2 năm 2020 kế hoạch bắt đầu."),
    ("3 million people voted.", "3.000.000 người đã bỏ phiếu."),
    ("In the 1990s, 1,436 households moved.", "Những năm 1990, 1.436 hộ chuyển đi."),
    ("The tube is 3 mm long.", "Ống dài 3mm."),
    ("In the 2006-07 season they won.", "Trong mùa giải 2006-2007 họ thắng."),
    ("It began at 10:23 a.m. local time.", "Nó bắt đầu lúc 10 giờ 23 phút giờ địa phương."),
    ("At 2.50am (0050 GMT) it stopped.", "Lúc 2:50 sáng (0:50 GMT) nó dừng."),
    ("Prestigious people met prestigious people.", "Người có uy tín gặp người có uy tín."),
    ("Resolution No. 06-NQ/TU (NQ for short).", "Nghị quyết số 06-NQ/TU (viết tắt NQ)."),
    ("Step by step, step by step, step by step.", "Từng bước, từng bước, từng bước."),
    ("They went step by step.", "Họ đi từng bước, từng bước."),
    ("It was issued on the 17th of May.", "Nó được ban hành ngày 17 tháng Năm."),
    ("Winds reached 95 kilometers per hour over 1,200 hectares.",
     "Gió đạt 95 ki lô mét một giờ trên 1.200 héc-ta."),
    ("They harvested 3 million tonnes.", "Họ thu hoạch 3 triệu tấn."),
])
def test_faithful_translations_pass(source: str, target: str) -> None:
    assert kinds(source, target) == []


@pytest.mark.parametrize(("source", "target", "flags", "found"), [
    ("Published on %(date)s", "Đăng ngày %(date)s %d", ("python-format",), "%d"),
    ("Hello {name}", "Xin chào {name} {ng}", ("python-brace-format",), "{ng}"),
    ('"%s" saved', '"%s %s" đã lưu', ("c-format",), "%s"),
    ("Hello {name}, you have {count} new messages.",
     "Xin chào {name}, bạn có {count} tin nhắn mới}.", ("python-brace-format",), "}"),
    ("Read the <strong>article</strong>.", "Đọc <strong>bài báo.", (), "</strong>"),
    ("Done: 5%%", "Xong: 5%% %", ("c-format",), "%"),
    ("{n, plural, one {# article} other {# articles}}",
     "{n, plural, một {# bài} other {# bài}}", (), "một {"),
])
def test_placeholder_problems_are_reported(source: str, target: str,
                                           flags: tuple[str, ...], found: str) -> None:
    assert ("placeholder_mismatch", found) in kinds(source, target, flags)


def test_untranslated_and_shifted_lines() -> None:
    rows = [("The army met on 12 May.", "Quân đội họp ngày 12 tháng Năm."),
            ("The people gathered at 9.", "Người dân tụ tập lúc 9 giờ."),
            ("At 7 they left the 30 villages.", "Người dân tụ tập lúc 9 giờ."),
            ("Soldiers helped farmers in the village.", "Soldiers helped farmers in the village.")]
    report = check_segments([Segment("t.vi", n, s, t, "s.en", n)
                             for n, (s, t) in enumerate(rows, start=1)], GLOSSARY)
    found = {(i.line, i.kind) for i in report.issues}
    assert (3, "misaligned") in found and (4, "untranslated") in found


def test_a_code_repeated_beyond_the_source_says_how_often() -> None:
    report = check_segments([Segment("t.vi", 1, "Resolution No. 06-NQ/TU was issued.",
                                     "Nghị quyết số 06-NQ/TU 06-NQ/TU đã ban hành.")], GLOSSARY)
    (issue,) = report.issues
    assert issue.message == ("code '06-NQ/TU' is 2 times in the translation, once in the "
                             "source")
    assert issue.span == (23, 31)


@pytest.mark.parametrize(("source", "target", "found"), [
    ("Press <b>Save</b> and <i>Close</i>.", "Nhấn <b>Lưu</i> và <i>Đóng</b>.", "</b>"),
    ("Use **bold** text.", "Dùng **chữ đậm văn bản.", "**"),
    ("Run `ls -l` now.", "Chạy `ls -l ngay.", "`"),
])
def test_broken_markup_is_reported(source: str, target: str, found: str) -> None:
    assert kinds(source, target) == [("placeholder_mismatch", found)]


@pytest.mark.parametrize(("source", "target"), [
    ("Press <b>Save</b> and <i>Close</i>.", "Nhấn <b>Lưu</b> và <i>Đóng</i>."),
    ("A<br>B <img src=x> <p>one</p>", "A<br>B <img src=x> <p>một</p>"),
    ("Use **bold** text.", "Dùng **chữ đậm** văn bản."),
    ("The __init__ method", "Phương thức __init__"),
])
def test_well_formed_markup_passes(source: str, target: str) -> None:
    assert [k for k in kinds(source, target) if k[0] == "placeholder_mismatch"] == []
