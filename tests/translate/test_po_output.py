"""Translated PO catalogues are usable: msgfmt --check passes and every format string formats."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from glossary.formats.po import MARKER
from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

CATALOGUE = FIXTURES / "po" / "website.pot"


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("po") / "website.vi.po"
    result = run_cli("translate", CATALOGUE, "-g", SEED_GLOSSARY, "-o", out,
                     "--model", tiny_model, "--backend", "transformers", "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    return out


def test_translated_catalogue_passes_msgfmt_check(translated: Path) -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("TERMTRANS_REQUIRE_MSGFMT"):
            pytest.fail("msgfmt is required here (TERMTRANS_REQUIRE_MSGFMT) but not installed")
        pytest.skip("GNU gettext's msgfmt is not installed (Debian package gettext)")
    entries = [e for e in polib.pofile(str(CATALOGUE)) if e.msgid and not e.obsolete]
    assert len(entries) >= 30
    done = subprocess.run(["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null",
                           str(translated)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_format_string_formats_with_the_msgid_arguments(translated: Path) -> None:
    po = polib.pofile(str(translated))
    checked = 0
    for entry in po:
        for source, text in _pairs(entry):
            if not text:
                continue
            if "python-format" in entry.flags:
                names = re.findall(r"%\((\w+)\)", source)
                args: object = {n: 1 for n in names} if names else 1
                text % args
                checked += 1
            elif "python-brace-format" in entry.flags:
                text.format(*range(3), name="a", count=2, n=3, user=_User(), date=_Date())
                checked += 1
    assert checked >= 6


def test_header_marker_and_untouched_entries(translated: Path) -> None:
    po = polib.pofile(str(translated))
    assert po.metadata["X-Generator"].startswith("termtrans ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d\+0000", po.metadata["PO-Revision-Date"])
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    filled = [e for e in po if MARKER in (e.tcomment or "")]
    assert filled and all("fuzzy" in e.flags for e in filled)
    assert po.find("Already translated").msgstr == "Đã dịch"
    assert po.find("Search").msgstr == "Tìm kiếm"
    newline = po.find("\nThe provincial Border Guard held a meeting.\n")
    assert newline.msgstr == "" or (newline.msgstr.startswith("\n")
                                    and newline.msgstr.endswith("\n"))
    assert {e.msgctxt for e in po if e.msgid == "Open"} == {"menu", "status"}


def test_check_reads_the_tools_own_fuzzy_entries(translated: Path) -> None:
    result = run_cli("check", translated, "-g", SEED_GLOSSARY, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert '"segments": 0' not in result.stdout


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if entry.msgid_plural:
        return [(entry.msgid_plural, v) for v in entry.msgstr_plural.values()]
    return [(entry.msgid, entry.msgstr)]


class _User:
    name = "An"


class _Date:
    def __format__(self, spec: str) -> str:
        return "2026-12-01"


PO_HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
           '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')


def test_plural_and_brace_format_entries_are_read_by_their_flags(tmp_path: Path) -> None:
    """Vietnamese has one plural form: msgstr[0] follows msgid_plural; a brace-format
    entry has no printf conversions ("{pct}% of" holds no "% o")."""
    po = tmp_path / "a.po"
    po.write_text(PO_HEAD + '#, python-format\nmsgid "One article"\n'
                  'msgid_plural "%(num)d articles"\nmsgstr[0] "%(num)d bài báo"\n\n'
                  '#, python-brace-format\nmsgid "{pct}% of the vote"\n'
                  'msgstr "{pct}% số phiếu"\n', encoding="utf-8")
    checked = run_cli("check", po, "-g", SEED_GLOSSARY, "-f", "compact", "--fail-on", "info")
    assert checked.returncode == 0 and checked.stdout.strip() == "", checked.stdout
    template = tmp_path / "b.pot"
    template.write_text(PO_HEAD + '#, python-brace-format\nmsgid "{pct}% of the vote"\n'
                        'msgstr ""\n', encoding="utf-8")
    done = run_cli("translate", template, "-g", SEED_GLOSSARY, "-o", tmp_path / "b.po",
                   "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    (entry,) = [e for e in polib.pofile(str(tmp_path / "b.po")) if e.msgid]
    assert entry.msgstr.startswith("{pct}%") and "% o" not in entry.msgstr


def test_an_entry_left_untranslated_is_reported(tmp_path: Path) -> None:
    template = tmp_path / "c.pot"
    template.write_text(PO_HEAD + '#, c-format\nmsgid "Saved %s files to %s in %d seconds"\n'
                        'msgstr ""\n', encoding="utf-8")
    done = run_cli("translate", template, "--model", "tiny-random", "--backend", "transformers",
                   "--no-constraints", "-o", tmp_path / "c.po")
    assert done.returncode == 1
    assert f"{template}:6: untranslated: entry left untranslated" in done.stderr, done.stderr
    (entry,) = [e for e in polib.pofile(str(tmp_path / "c.po")) if e.msgid]
    assert entry.msgstr == ""


def test_entries_estimated_below_good_carry_the_estimate(tmp_path: Path) -> None:
    template = tmp_path / "d.pot"
    template.write_text(PO_HEAD + 'msgid "The Border Guard met prestigious people."\n'
                        'msgstr ""\n', encoding="utf-8")
    done = run_cli("translate", template, "--model", "tiny-random", "--backend", "transformers",
                   "--fail-on", "never", "-o", tmp_path / "d.po")
    assert done.returncode == 0, done.stderr
    (entry,) = [e for e in polib.pofile(str(tmp_path / "d.po")) if e.msgid]
    notes = [c for c in entry.tcomment.splitlines() if c.startswith("termtrans: estimated")]
    assert len(notes) == 1 and re.fullmatch(r"termtrans: estimated quality (bad|review) "
                                            r"\(score \d+(; [\w, ]+)?\)", notes[0]), notes
    assert "fuzzy" in entry.flags and MARKER in entry.tcomment
