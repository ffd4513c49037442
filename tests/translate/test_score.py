from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli

SEED = FIXTURES / "seed_check"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A hypothesis with some errors (some lines NFD) against the clean reference."""
    ref = (SEED / "clean.vi").read_text(encoding="utf-8").splitlines()
    hyp = list(ref)
    hyp[0] = hyp[0].replace("người có uy tín", "người nổi tiếng")
    hyp[2] = unicodedata.normalize("NFD", hyp[2].replace("an ninh nhân dân", "an ninh"))
    hyp[5] = hyp[5].replace("06-NQ/TU", "06-NQ/TƯ")
    paths = {"ref": tmp_path / "ref.vi", "hyp": tmp_path / "hyp.vi", "src": SEED / "source.en",
             "nfc_hyp": tmp_path / "hyp.nfc.vi"}
    paths["ref"].write_text("\n".join(ref) + "\n", encoding="utf-8")
    paths["hyp"].write_text("\n".join(hyp) + "\n", encoding="utf-8")
    paths["nfc_hyp"].write_text("\n".join(unicodedata.normalize("NFC", h) for h in hyp) + "\n",
                                encoding="utf-8")
    return paths


def sacrebleu_cli(*args: str | Path) -> list[dict[str, object]]:
    exe = shutil.which("sacrebleu") or str(Path(sys.executable).parent / "sacrebleu")
    out = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    return data if isinstance(data, list) else [data]


def test_scores_equal_sacrebleu_cli(files: dict[str, Path]) -> None:
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--json", "-",
                     "-w", "2")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    theirs = sacrebleu_cli(files["ref"], "-i", files["nfc_hyp"], "-m", "bleu", "chrf", "ter",
                           "--chrf-word-order", "2", "-w", "2")
    by_name = {d["name"]: d for d in theirs}
    assert ours["bleu"]["score"] == by_name["BLEU"]["score"]
    assert ours["chrf"]["score"] == by_name["chrF2++"]["score"]
    assert ours["ter"]["score"] == by_name["TER"]["score"]
    assert ours["bleu"]["signature"] == by_name["BLEU"]["signature"]
    assert "not in NFC" in result.stderr


def test_term_metrics_and_thresholds(files: dict[str, Path], tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--src", files["src"],
                     "--glossary", SEED_GLOSSARY, "--min-term-success", "99", "--min-bleu", "10",
                     "--json", tmp_path / "s.json", "--junit", junit)
    assert result.returncode == 1
    assert "termtrans: threshold: --min-term-success 99 failed: terms = " in result.stderr
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["terms"]["total"] == 31 and data["terms"]["matched"] == 28
    assert data["codes"]["matched"] == data["codes"]["total"] - 1
    assert data["failed"] and data["terms"]["signature"].startswith("glossary:")
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert "Terms|glossary:" in result.stdout


def test_thresholds_pass(files: dict[str, Path]) -> None:
    result = run_cli("score", "--hyp", files["ref"], "--ref", files["ref"], "--min-bleu", "99",
                     "--min-chrf", "99", "--max-ter", "0")
    assert result.returncode == 0, result.stderr
    assert "BLEU|nrefs:1" in result.stdout


def test_line_count_mismatch_is_an_error(files: dict[str, Path], tmp_path: Path) -> None:
    short = tmp_path / "short.vi"
    short.write_text("một dòng\n", encoding="utf-8")
    result = run_cli("score", "--hyp", short, "--ref", files["ref"])
    assert result.returncode == 2
    assert result.stderr.strip() == (f"termtrans: error: {files['ref']}:2: reference has 16 "
                                     f"line(s) but {short} has 1")


def test_paired_bootstrap_reports_p_values(files: dict[str, Path]) -> None:
    result = run_cli("score", "--hyp", files["ref"], "--ref", files["ref"], "--paired-bs",
                     "--baseline", files["hyp"], "--bootstrap-samples", "200", "-m", "bleu",
                     "--json", "-")
    assert result.returncode == 0, result.stderr
    (paired,) = json.loads(result.stdout)["paired_bs"]
    assert paired["system"] > paired["baseline"] and 0 <= paired["p_value"] <= 1


def test_paired_bs_without_baseline_is_a_usage_error(files: dict[str, Path]) -> None:
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], "--paired-bs")
    assert result.returncode == 2 and "--baseline" in result.stderr


def test_tone_style_warning_and_option(tmp_path: Path) -> None:
    (tmp_path / "h").write_text("diễn biến hoà bình, thuỷ lợi\n", encoding="utf-8")
    (tmp_path / "r").write_text("diễn biến hòa bình, thủy lợi\n", encoding="utf-8")
    plain = run_cli("score", "--hyp", tmp_path / "h", "--ref", tmp_path / "r", "--json", "-")
    assert "tone marks" in plain.stderr
    folded = run_cli("score", "--hyp", tmp_path / "h", "--ref", tmp_path / "r", "--json", "-",
                     "--tone-style", "new")
    assert json.loads(folded.stdout)["bleu"]["score"] == 100.0
    assert json.loads(plain.stdout)["bleu"]["score"] < 100.0
