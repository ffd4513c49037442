"""The HTML report in a real headless Chromium, opened from file:// as editors do.

Needs Debian's ``chromium`` and Playwright from PyPI; ``.ci/run`` installs both
and sets TERMTRANS_REQUIRE_BROWSER=1, so in CI a missing browser fails the run
instead of skipping these tests.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glossary.checks import Segment, check_segments
from glossary.formats import load_glossary
from glossary.model import Glossary, Term
from glossary.report import write_html_report
from glossary.segments import read_parallel
from tests.conftest import FIXTURES, SEED_GLOSSARY

SEED = FIXTURES / "seed_check"
CHROMIUM = os.environ.get("TERMTRANS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


def _unavailable(reason: str) -> None:
    if os.environ.get("TERMTRANS_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


def playwright_or_skip() -> Any:
    """Playwright's ``sync_playwright`` when it and Chromium are here; else skip (or fail
    where TERMTRANS_REQUIRE_BROWSER says the browser tests must run)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    if not shutil.which(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)")
    return sync_playwright


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with playwright_or_skip()() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=ARGS, viewport={"width": 1280, "height": 1000},
            offline=True)
        yield context
        context.close()


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    pages: list[Any] = []

    def open_(path: Path) -> Any:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.errors = errors
        pages.append(page)
        return page

    yield open_
    for page in pages:
        assert page.errors == [], page.errors
        page.close()


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    glossary = load_glossary(SEED_GLOSSARY)
    report = check_segments(read_parallel(SEED / "source.en", SEED / "damaged.vi"), glossary)
    path = tmp_path_factory.mktemp("report") / "seed.html"
    write_html_report(report, glossary, path)
    return path


def planted() -> list[tuple[int, str]]:
    data = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    return [(line, kind) for line, kind in data["planted"]]


def visible_lines(page: Any) -> list[int]:
    texts = page.locator("#segment-list > li.seg .where").all_text_contents()
    return [int(t.rsplit(":", 1)[1]) for t in texts]


def test_summary_numbers(open_report: Any, seed_html: Path) -> None:
    page = open_report(seed_html)
    stat = lambda name: page.text_content(f'[data-stat="{name}"]')  # noqa: E731
    assert stat("files") == "1"
    assert stat("segments") == "16"
    assert stat("issues") == str(len(planted()))
    assert stat("term_success_rate") == "80.6%"
    lines_with_issues = sorted({line for line, _ in planted()})
    assert visible_lines(page) == lines_with_issues
    assert page.text_content("#status").startswith(
        f"{len(lines_with_issues)} of 16 segments match, with {len(planted())} issues")


@pytest.mark.parametrize("kind", ["forbidden_variant", "missing_term", "normalisation"])
def test_kind_filter_shows_exactly_those_segments(open_report: Any, seed_html: Path,
                                                  kind: str) -> None:
    page = open_report(seed_html)
    page.select_option("#f-kind", kind)
    expected = sorted({line for line, k in planted() if k == kind})
    assert visible_lines(page) == expected
    label = page.locator(f'#f-kind option[value="{kind}"]').text_content()
    assert label == f"{kind} ({len(expected)})"


def test_term_and_rendering_filters(open_report: Any, seed_html: Path) -> None:
    page = open_report(seed_html)
    page.click('#term-table button.link:text-is("người có uy tín")')
    assert visible_lines(page) == [1, 5]
    # counts in the kind menu follow the term filter
    assert page.locator('#f-kind option[value="*issues"]').text_content() == "any issue (2)"
    page.click('#term-table button.chip.forbidden:has-text("người nổi tiếng")')
    assert visible_lines(page) == [1]
    assert "forbidden 'người nổi tiếng'" in page.text_content("#f-ids")
    page.click("#f-reset")
    assert len(visible_lines(page)) == 16


def test_text_search_and_sort(open_report: Any, seed_html: Path) -> None:
    page = open_report(seed_html)
    page.select_option("#f-kind", "*all")
    page.fill("#f-text", "bộ đội biên phòng")
    items = page.locator("#segment-list > li.seg").all_text_contents()
    assert items and all("bộ đội biên phòng" in item.lower() for item in items)
    page.fill("#f-text", "")
    page.select_option("#f-sort", "issues")
    first = page.locator("#segment-list > li.seg").first
    assert first.locator("ul.issues > li").count() == 3


def test_keyboard_only(open_report: Any, seed_html: Path) -> None:
    page = open_report(seed_html)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#segments"
    page.focus('#term-table button.link:text-is("người có uy tín")')
    page.keyboard.press("Enter")
    assert visible_lines(page) == [1, 5]
    page.focus("#f-kind")
    page.keyboard.press("End")     # last option of the native select
    assert page.evaluate("document.getElementById('f-kind').value") != "*issues"


def test_injected_script_is_shown_as_text_and_never_runs(open_report: Any,
                                                          tmp_path: Path) -> None:
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    glossary = Glossary((Term(("prestigious people",), "người có uy tín"),))
    segments = [Segment(f"{hostile}.vi", 1, f"The prestigious people said {hostile}.",
                        f"Người nổi tiếng nói {hostile}.")]
    path = tmp_path / "hostile.html"
    write_html_report(check_segments(segments, glossary), glossary, path)
    page = open_report(path)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#segment-list img, #segment-list script").count() == 0
    item = page.locator("#segment-list > li.seg").first.text_content()
    assert hostile in item


def test_print_layout_hides_controls(open_report: Any, seed_html: Path) -> None:
    page = open_report(seed_html)
    page.emulate_media(media="print")
    assert not page.is_visible("#filters")
    assert page.is_visible("#term-table")


@pytest.mark.slow
def test_twenty_thousand_segments_render_one_page_at_a_time(open_report: Any,
                                                             tmp_path: Path) -> None:
    glossary = load_glossary(SEED_GLOSSARY)
    base = read_parallel(SEED / "source.en", SEED / "damaged.vi")
    segments = [Segment(f"article-{k // 500:02d}.vi", k % 500 + 1, seg.source, seg.target)
                for k in range(20_000) for seg in [base[k % len(base)]]]
    report = check_segments(segments, glossary)
    path = tmp_path / "big.html"
    write_html_report(report, glossary, path)
    page = open_report(path)
    assert page.text_content('[data-stat="segments"]') == "20000"
    assert page.locator("#segment-list > li.seg").count() == 100
    assert page.locator("#segment-list > li.file-head").count() >= 1   # grouped by file
    with_issues = len({(i.file, i.line) for i in report.issues})
    assert page.text_content("#status").startswith(f"{with_issues} of 20000 segments match")
    page.select_option("#f-kind", "forbidden_variant")
    matching = len({(i.file, i.line) for i in report.issues if i.kind == "forbidden_variant"})
    assert page.text_content("#status").startswith(f"{matching} of 20000 segments match")
    assert page.locator("#segment-list > li.seg").count() == min(100, matching)
    first_page = page.locator("#segment-list > li.seg").first.get_attribute("data-id")
    page.click("#p-next")
    assert page.locator("#segment-list > li.seg").first.get_attribute("data-id") != first_page
    assert page.text_content("#p-info") == f"page 2 of {-(-matching // 100)}"


def test_screenshot(open_report: Any, seed_html: Path, tmp_path: Path) -> None:
    page = open_report(seed_html)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
