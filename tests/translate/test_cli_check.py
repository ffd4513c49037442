from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli
from translate.cli import app

SEED = FIXTURES / "seed_check"
runner = CliRunner()


def test_check_clean_exits_zero_subprocess() -> None:
    result = run_cli("check", SEED / "source.en", SEED / "clean.vi", "-g", SEED_GLOSSARY)
    assert result.returncode == 0, result.stderr
    assert "0 issue(s)" in result.stdout and "term success 100.0%" in result.stdout


def test_check_damaged_json_schema_and_exit_code_subprocess() -> None:
    result = run_cli("check", SEED / "source.en", SEED / "damaged.vi", "-g", SEED_GLOSSARY,
                     "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"issues", "summary", "errors"}
    assert data["errors"] == []  # files that could not be read; none here
    for issue in data["issues"]:
        assert {"kind", "file", "line", "source_term", "expected", "found", "message",
                "severity"} <= set(issue)
    assert data["summary"]["issues"] == len(data["issues"]) == 14
    assert data["summary"]["by_kind"]["missing_term"] == 3


def test_fail_on_controls_exit_code(tmp_path: Path) -> None:
    # only the inconsistency warning remains when errors' kinds are ignored
    args = ["check", str(SEED / "source.en"), str(SEED / "damaged.vi"), "-g", str(SEED_GLOSSARY),
            "--select", "inconsistent"]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, [*args, "--fail-on", "never"]).exit_code == 0


def test_one_bad_pair_does_not_stop_the_others(tmp_path: Path) -> None:
    bad_src = tmp_path / "bad.en"
    bad_tgt = tmp_path / "bad.vi"
    bad_src.write_text("a\nb\n", encoding="utf-8")
    bad_tgt.write_text("a\n", encoding="utf-8")
    result = run_cli("check", bad_src, bad_tgt, SEED / "source.en", SEED / "damaged.vi",
                     "-g", SEED_GLOSSARY, "--format", "json", "-o", tmp_path / "report.json")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"termtrans: error: {bad_tgt}:2: has 1 line(s) but {bad_src} has 2; "
        "the files must be aligned line by line"]
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["segments"] == 16


def test_po_file_is_checked(tmp_path: Path) -> None:
    po = tmp_path / "a.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Resolution No. 06-NQ/TU"\nmsgstr "Nghị quyết số 06-NQ/TƯ"\n',
                  encoding="utf-8")
    result = run_cli("check", po, "-g", SEED_GLOSSARY, "--format", "json")
    assert result.returncode == 1
    kinds = sorted(i["kind"] for i in json.loads(result.stdout)["issues"])
    assert kinds == ["code_mismatch", "missing_term"]


def test_bad_glossary_is_one_line_error(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    glossary.write_text("a\tb\tc\td\n", encoding="utf-8")
    result = run_cli("check", SEED / "source.en", SEED / "clean.vi", "-g", glossary)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"termtrans: error: {glossary}:1: expected 2 columns, "
                                     "found 4 (a file without a header row has exactly two "
                                     "columns, source and target; add a header such as "
                                     "'source<TAB>target<TAB>note' for more)")


def test_odd_number_of_paths_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", str(SEED / "source.en"), "-g", str(SEED_GLOSSARY)])
    assert result.exit_code == 2
    assert "needs its translation file after it" in result.output


def test_glossary_validate_lists_every_problem(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    glossary.write_text("a\t\nb\tx\nB\ty\n", encoding="utf-8")
    result = run_cli("glossary", "validate", glossary, SEED_GLOSSARY)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"{glossary}:1: empty target for source 'a': error"
    assert lines[1].startswith(f"{glossary}:3: duplicate source 'B' conflicts with line 2")
    assert lines[2].startswith(f"{SEED_GLOSSARY}: 79 term(s)")


def test_glossary_convert_and_show(tmp_path: Path) -> None:
    out = tmp_path / "seed.tbx"
    result = run_cli("glossary", "convert", SEED_GLOSSARY, out)
    assert result.returncode == 0, result.stderr
    back = tmp_path / "back.tsv"
    assert run_cli("glossary", "convert", out, back).returncode == 0
    shown = run_cli("glossary", "show", back, "--search", "lòng dân")
    assert "thế trận lòng dân" in shown.stdout and "Quân khu" not in shown.stdout


def test_convert_to_unknown_format_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    result = runner.invoke(app, ["glossary", "convert", str(SEED_GLOSSARY), str(target)])
    assert result.exit_code == 2 and not target.exists()


def test_module_entry_point_and_version(tmp_path: Path) -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("termtrans ")
    if shutil.which("termtrans"):
        assert "check" in run_cli("--help").stdout
