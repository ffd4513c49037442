"""The data the editors' HTML report is built from, and the page's safety properties."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glossary.checks import Segment, check_segments
from glossary.formats import load_glossary
from glossary.model import Glossary, Term
from glossary.normalize import nfc
from glossary.report import (
    Run,
    Span,
    build_report_data,
    cut_runs,
    page_payload,
    render_html,
    write_html_report,
)
from glossary.segments import read_parallel
from tests.conftest import FIXTURES, SEED_GLOSSARY
from translate.cli import app

SEED = FIXTURES / "seed_check"


@pytest.fixture(scope="module")
def seed_report():  # type: ignore[no-untyped-def]
    glossary = load_glossary(SEED_GLOSSARY)
    segments = read_parallel(SEED / "source.en", SEED / "damaged.vi")
    return check_segments(segments, glossary), glossary


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("abc", [], [Run("abc")]),
    ("", [Span(0, 1, "term", "x")], []),
    ("a term here", [Span(2, 6, "term", "t")], [Run("a "), Run("term", "term", "t"),
                                                 Run(" here")]),
    # the stronger mark wins where spans overlap, the rest of the weaker one stays
    ("abcdef", [Span(0, 4, "term", "t"), Span(2, 6, "issue", "i")],
     [Run("ab", "term", "t"), Run("cdef", "issue", "i")]),
    ("abcdef", [Span(2, 6, "issue", "i"), Span(0, 4, "term", "t")],
     [Run("ab", "term", "t"), Run("cdef", "issue", "i")]),
    # adjacent spans stay separate runs; spans beyond the text are clipped
    ("abcd", [Span(0, 2, "term", "1"), Span(2, 9, "variant", "2")],
     [Run("ab", "term", "1"), Run("cd", "variant", "2")]),
])
def test_cut_runs(text: str, spans: list[Span], expected: list[Run]) -> None:
    runs = cut_runs(text, spans)
    assert list(runs) == expected
    assert "".join(r.text for r in runs) == text


def test_report_data_counts_match_the_checker(seed_report) -> None:  # type: ignore[no-untyped-def]
    report, glossary = seed_report
    data = build_report_data(report, glossary)
    assert data.summary == report.summary()
    assert sum(n for _, n in data.kinds) == len(report.issues) == 14
    assert dict(data.kinds) == dict(Counter(i.kind for i in report.issues))
    assert sum(len(s.issues) for s in data.segments) == 14
    assert len(data.segments) == 16
    assert [f.name for f in data.files] == [str(SEED / "damaged.vi")]
    assert data.files[0].issues == 14
    # every glossary entry has a row, found or not
    assert {t.target for t in data.terms} == {t.target for t in glossary.terms}
    assert sum(t.occurrences for t in data.terms) == report.terms_checked
    assert sum(t.correct for t in data.terms) == report.terms_ok


def test_term_row_shows_variants_forbidden_and_where(seed_report) -> None:  # type: ignore[no-untyped-def]
    report, glossary = seed_report
    data = build_report_data(report, glossary)
    row = next(t for t in data.terms if t.target == "người có uy tín")
    assert (row.occurrences, row.correct) == (2, 1)
    assert [(v.form, v.count) for v in row.forbidden] == [("người nổi tiếng", 1)]
    line_of = {s.id: s.line for s in data.segments}
    assert [line_of[i] for i in row.forbidden[0].segments] == [1]
    assert row.success == 50.0
    assert row.issues == 1
    # rows with problems come first, unused entries last
    assert data.terms[0].issues > 0
    assert data.terms[-1].occurrences == 0


def test_segment_runs_rebuild_the_nfc_texts_and_mark_evidence(seed_report) -> None:  # type: ignore[no-untyped-def]
    report, glossary = seed_report
    data = build_report_data(report, glossary)
    for row, analysis in zip(data.segments, report.analyses, strict=True):
        assert "".join(r.text for r in row.source) == analysis.source
        assert "".join(r.text for r in row.target) == nfc(analysis.segment.target)
    first = data.segments[0]
    assert [(r.text, r.mark) for r in first.target if r.mark == "issue"] == [
        ("người nổi tiếng", "issue")]
    assert any(r.text == "prestigious people" and r.mark == "issue" for r in first.source)
    assert any(r.mark == "term" for r in first.target)


def test_payload_is_compact_and_json_safe(seed_report) -> None:  # type: ignore[no-untyped-def]
    report, glossary = seed_report
    payload = page_payload(build_report_data(report, glossary))
    json.dumps(payload)
    assert len(payload["segments"]) == 16
    assert {"id", "f", "l", "s", "t", "i", "k", "v"} == set(payload["segments"][0])
    assert payload["files"] == [str(SEED / "damaged.vi")]


HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> & "q"'


def _hostile_report() -> tuple[object, Glossary]:
    glossary = Glossary((Term(("prestigious people",), "người có uy tín",
                              note="<b>not bold</b>"),))
    segments = [Segment("evil</script>.vi", 1, f"The prestigious people said {HOSTILE}.",
                        f"Người nổi tiếng nói {HOSTILE}.")]
    return check_segments(segments, glossary), glossary


def test_user_text_cannot_break_out_of_the_page() -> None:
    report, glossary = _hostile_report()
    html = render_html(build_report_data(report, glossary))  # type: ignore[arg-type]
    # the only script elements are the page's own two
    assert len(re.findall(r"<script\b", html, flags=re.I)) == 2
    assert "</script><img" not in html and "<img src=x" not in html
    assert "evil&lt;/script&gt;.vi" in html          # autoescaped in the file table
    assert "\\u003cscript\\u003e" in html            # escaped inside the JSON island


def test_page_is_self_contained_utf8() -> None:
    report, glossary = _hostile_report()
    html = render_html(build_report_data(report, glossary))  # type: ignore[arg-type]
    assert '<meta charset="utf-8">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@import" not in html and "url(" not in html
    assert "Noto Sans" in html


def test_write_html_report_is_atomic_and_readable(tmp_path: Path) -> None:
    report, glossary = _hostile_report()
    target = tmp_path / "out" / "report.html"
    write_html_report(report, glossary, target)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]
    assert target.stat().st_mode & 0o044 == 0o044      # not mkstemp's private 0600


def test_check_cli_writes_html_and_keeps_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["check", str(SEED / "source.en"), str(SEED / "damaged.vi"),
                                      "-g", str(SEED_GLOSSARY), "--format", "html", "-o",
                                      str(out)])
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert 'data-stat="issues">14<' in html
    assert "người có uy tín" in html


def test_quality_estimates_sort_post_edit_first_and_mark_weak_words() -> None:
    glossary = Glossary((Term(("prestigious people",), "người có uy tín"),))
    segments = [Segment("t.vi", 1, "Prestigious people met.", "Người có uy tín đã họp."),
                Segment("t.vi", 2, "The army met.", "Quân đội quân đội họp họp.")]
    report = check_segments(segments, glossary)
    quality = {("t.vi", 1): {"score": 80, "label": "good", "flags": [], "weak_words": []},
               ("t.vi", 2): {"score": 3, "label": "bad", "flags": ["loop"],
                             "weak_words": ["họp", "họp"]}}
    data = build_report_data(report, glossary, quality=quality)
    assert data.quality_counts == {"good": 1, "review": 0, "bad": 1}
    second = data.segments[1]
    assert second.quality == (3, "bad", ("loop",))
    assert [r.text for r in second.target if r.mark == "weak"] == ["họp", "họp"]
    payload = page_payload(data)
    assert [s.get("q") for s in payload["segments"]] == [[80, "good", []], [3, "bad", ["loop"]]]
    html = render_html(data)
    assert '<option value="quality">post-edit first</option>' in html
    assert 'data-stat="quality"' in html
    plain = render_html(build_report_data(report, glossary))
    assert "<option value=\"quality\">" not in plain and 'data-stat="quality"' not in plain
