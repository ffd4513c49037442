"""Editors accept false positives: baselines, PO waivers, severity overrides, fuzzy entries."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

SEED = FIXTURES / "seed_check"


def _issues(stdout: str) -> list[dict[str, object]]:
    issues: list[dict[str, object]] = json.loads(stdout)["issues"]
    return issues


def test_baseline_accepts_reviewed_issues_and_reports_new_ones(tmp_path: Path) -> None:
    source, damaged = SEED / "source.en", tmp_path / "damaged.vi"
    damaged.write_text((SEED / "damaged.vi").read_text(encoding="utf-8"), encoding="utf-8")
    baseline = tmp_path / ".termtrans-baseline.json"
    wrote = run_cli("check", source, damaged, "-g", SEED_GLOSSARY, "--write-baseline", baseline)
    assert wrote.returncode == 0, wrote.stderr
    accepted = json.loads(baseline.read_text())["issues"]
    assert accepted and "accepted" in wrote.stdout
    clean = run_cli("check", source, damaged, "-g", SEED_GLOSSARY, "--baseline", baseline,
                    "--format", "json")
    assert clean.returncode == 0 and _issues(clean.stdout) == []
    # a blank line inserted at the top moves every line: the baseline still holds
    lines = damaged.read_text(encoding="utf-8").splitlines()
    src_lines = source.read_text(encoding="utf-8").splitlines()
    (tmp_path / "moved").mkdir()
    shifted_src, shifted = tmp_path / "s.en", tmp_path / "moved" / "damaged.vi"
    shifted_src.write_text("\n".join(["", *src_lines]) + "\n", encoding="utf-8")
    shifted.write_text("\n".join(["", *lines]) + "\n", encoding="utf-8")
    moved = run_cli("check", shifted_src, shifted, "-g", SEED_GLOSSARY, "--baseline", baseline,
                    "--format", "json")
    assert moved.returncode == 0 and _issues(moved.stdout) == []
    # a new problem: a number added to line 1
    lines[0] += " 77"
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    new = run_cli("check", source, damaged, "-g", SEED_GLOSSARY, "--baseline", baseline,
                  "--format", "json", "--fail-on", "warning")
    assert new.returncode == 1
    assert [(i["kind"], i["found"]) for i in _issues(new.stdout)] == [("number_mismatch", "77")]
    # the baseline is updated in place (read and written in one run): the new issue accepted
    update = run_cli("check", source, damaged, "-g", SEED_GLOSSARY, "--baseline", baseline,
                     "--write-baseline", baseline)
    assert update.returncode == 0, update.stderr
    assert len(json.loads(baseline.read_text())["issues"]) == len(accepted) + 1


def test_malformed_or_foreign_baseline_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run_cli("check", SEED / "source.en", SEED / "clean.vi", "-g", SEED_GLOSSARY,
                     "--baseline", bad)
    assert result.returncode == 2
    assert f"{bad}:1: not a termtrans baseline" in result.stderr
    foreign = tmp_path / "f.json"
    foreign.write_text(json.dumps({"version": 1, "glossary": "0123", "issues": []}))
    result = run_cli("check", SEED / "source.en", SEED / "clean.vi", "-g", SEED_GLOSSARY,
                     "--baseline", foreign)
    assert result.returncode == 2 and "baseline was written for glossary 0123" in result.stderr


def test_severity_override_and_po_waiver(tmp_path: Path) -> None:
    po = tmp_path / "m.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "There were 12 people."\nmsgstr "Có 13 người."\n\n'
                  '# termtrans: ignore number_mismatch\n'
                  'msgid "There were 5 people."\nmsgstr "Có 6 người."\n', encoding="utf-8")
    warn = run_cli("check", po, "-g", SEED_GLOSSARY, "--format", "json")
    assert warn.returncode == 0
    assert [(i["line"], i["severity"]) for i in _issues(warn.stdout)] == [(6, "warning")]   # msgstr
    gate = run_cli("check", po, "-g", SEED_GLOSSARY, "--severity", "number_mismatch=error")
    assert gate.returncode == 1
    typo = run_cli("check", po, "-g", SEED_GLOSSARY, "--severity", "numbr_mismatch=error")
    assert typo.returncode == 2 and "unknown issue kind 'numbr_mismatch'" in typo.stderr


def test_fuzzy_entries_are_checked_on_request(tmp_path: Path) -> None:
    po = tmp_path / "f.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#, fuzzy\nmsgid "There were 12 people."\nmsgstr "Có 13 người."\n',
                  encoding="utf-8")
    skipped = run_cli("check", po, "-g", SEED_GLOSSARY, "--format", "json")
    assert json.loads(skipped.stdout)["summary"]["skipped"] == {"fuzzy": 1}
    checked = run_cli("check", po, "-g", SEED_GLOSSARY, "--format", "json", "--include-fuzzy")
    assert [i["found"] for i in _issues(checked.stdout)] == ["13"]


def test_check_reads_the_tools_own_markdown_output(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("# Border Guard\n\nThe Border Guard of the province met\nthe prestigious "
                      "people of 12 villages.\n\n- ethnic minorities\n", encoding="utf-8")
    translated = tmp_path / "a.vi.md"
    done = run_cli("translate", source, "-g", SEED_GLOSSARY, "-o", translated, "--model",
                   "tiny-random", "--backend", "transformers", "--no-cache", "--beam", "1")
    assert done.returncode in (0, 1), done.stderr
    checked = run_cli("check", source, translated, "-g", SEED_GLOSSARY, "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr
    assert json.loads(checked.stdout)["summary"]["segments"] == 3
    shortened = tmp_path / "b.vi.md"
    shortened.write_text("# Bộ đội Biên phòng\n", encoding="utf-8")
    bad = run_cli("check", source, shortened, "-g", SEED_GLOSSARY)
    assert bad.returncode == 2 and "text unit(s) but" in bad.stderr
