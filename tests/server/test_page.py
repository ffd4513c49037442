"""The translators' web page at ``/``, driven in headless Chromium (Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_GLOSSARY
from tests.glossary.test_report_browser import ARGS, CHROMIUM, playwright_or_skip
from tests.server.conftest import Server, start_server


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve-page")
    running = start_server(tmp, "-g", SEED_GLOSSARY, "--data-dir", tmp / "data")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright_or_skip()() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(chromium: Any, server: Server) -> Any:
    page = chromium.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda dialog: (page.errors.append("dialog: " + dialog.message),
                                      dialog.dismiss()))
    page.goto(server.url + "/")
    # Waits use selectors, not wait_for_function: the page's CSP forbids eval, on purpose.
    page.locator("#file-kinds", has_text=".po").wait_for()
    return page


def test_translate_text_with_keyboard_shows_marked_terms(chromium: Any,
                                                         page_server: Server) -> None:
    page_server.post("/glossaries", {"name": "villages", "entries": "hamlet\tthôn\n"})
    page = open_page(chromium, page_server)
    page.wait_for_selector("#glossaries option", state="attached")
    page.select_option("#glossaries", label="villages (1 terms)")
    page.fill("#source", "Prestigious people visited the hamlet.")
    page.press("#source", "Control+Enter")
    page.locator("#status", has_text="estimated quality").wait_for()
    assert page.locator("#output").get_attribute("class") in ("good", "review", "bad")
    marks = page.locator("#output mark").all_text_contents()
    assert any(m.lower() == "người có uy tín" for m in marks)
    assert any(m.lower() == "thôn" for m in marks)
    terms = page.locator("#terms li").all_text_contents()
    assert "✓ Prestigious people → người có uy tín" in terms
    # the estimate's weak words are underlined where they stand, whole words only, and a
    # term's mark wins over a weak word inside it
    page.evaluate("""showTranslation("Người có uy tín đã họp, uyế họ uy.",
                                     [{target: "người có uy tín"}], ["uyế", "họ", "uy"])""")
    assert page.locator("#output mark:not(.weak)").all_text_contents() == ["Người có uy tín"]
    assert page.locator("#output mark.weak").all_text_contents() == ["uyế", "họ", "uy"]
    assert page.locator("#output").inner_text() == "Người có uy tín đã họp, uyế họ uy."
    assert page.errors == []


def test_user_text_is_never_run_as_html(chromium: Any, page_server: Server) -> None:
    page = open_page(chromium, page_server)
    payload = '<img src=x onerror="alert(1)"> Prestigious people <script>alert(2)</script>'
    page.fill("#terms-inline", "<b>bold</b>\t<i>x</i>\n")
    page.fill("#source", payload)
    page.click("#translate")
    page.locator("#status", has_text="issue").wait_for()
    assert page.locator("#output img, #output script, #terms b, #issues b").count() == 0
    assert page.errors == []


def test_file_translation_offers_a_download(chromium: Any, page_server: Server,
                                            tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text("# Border guard\n\nPrestigious people met.\n", encoding="utf-8")
    page = open_page(chromium, page_server)
    page.set_input_files("#file", str(source))
    page.click("#translate-file")
    page.wait_for_selector("#download-row:not([hidden])")
    link = page.locator("#download")
    assert link.text_content() == "Download note.vi.md"
    href = link.get_attribute("href")
    assert href and "người có uy tín" in page_server.get(
        href.removeprefix(page_server.url)).body.decode("utf-8").lower()
    bad = tmp_path / "slides.pptx"
    bad.write_bytes(b"PK")
    page.set_input_files("#file", str(bad))
    page.click("#translate-file")
    page.wait_for_selector("#status.error")
    assert "unsupported file type" in page.locator("#status").text_content()
    assert page.errors == []
