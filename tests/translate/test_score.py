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
    assert result.stderr.strip() == (f"termtrans: error: {files['ref']}:2: has 16 line(s) "
                                     f"but {short} has 1; hypotheses, references and the "
                                     "source must be aligned line by line")


def test_paired_bootstrap_equals_sacrebleu_and_adds_term_success(files: dict[str, Path]
                                                                 ) -> None:
    result = run_cli("score", "-i", files["hyp"], "-i", files["ref"], "--ref", files["ref"],
                     "--src", files["src"], "-g", SEED_GLOSSARY, "--paired-bs",
                     "--paired-bs-n", "200", "-m", "bleu", "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["hypothesis"] for s in data["systems"]] == [str(files["hyp"]), str(files["ref"])]
    bleu, terms = data["paired"]
    assert bleu["metric"] == "BLEU" and bleu["score"] > bleu["baseline"]
    assert 0 < bleu["p_value"] <= 1 and bleu["ci"] is not None
    theirs = subprocess.run(
        [shutil.which("sacrebleu") or str(Path(sys.executable).parent / "sacrebleu"),
         str(files["ref"]), "-i", str(files["nfc_hyp"]), str(files["ref"]), "-m", "bleu",
         "--paired-bs", "--paired-bs-n", "200", "-f", "json"],
        capture_output=True, text=True, check=True)
    (their_sys,) = [s for s in json.loads(theirs.stdout) if s["system"] == str(files["ref"])]
    assert bleu["p_value"] == pytest.approx(their_sys["BLEU"]["p_value"])
    assert terms["metric"] == "Terms" and terms["score"] == 100.0
    assert terms["baseline"] == pytest.approx(100 * 28 / 31) and 0 < terms["p_value"] <= 1


def test_term_success_tests_and_intervals_are_honest_about_equal_systems(
        files: dict[str, Path]) -> None:
    for test in ("--paired-bs", "--paired-ar"):
        result = run_cli("score", "-i", files["hyp"], "-i", files["hyp"], "--ref", files["ref"],
                         "--src", files["src"], "-g", SEED_GLOSSARY, test, "-m", "chrf",
                         "--paired-ar-n", "200", "--json", "-")
        terms = json.loads(result.stdout)["paired"][-1]
        assert terms["metric"] == "Terms" and terms["p_value"] == 1.0   # never "significant"
    result = run_cli("score", "-i", files["hyp"], "--ref", files["ref"], "--src", files["src"],
                     "-g", SEED_GLOSSARY, "--confidence", "--confidence-n", "200", "--json", "-")
    data = json.loads(result.stdout)
    assert data["terms"]["ci"] > 0 and data["bleu"]["ci"] > 0
    assert abs(data["terms"]["mean"] - data["terms"]["success_rate"]) < 3


@pytest.mark.parametrize(("args", "message"), [
    (["--paired-bs"], "give --hyp twice or more"),
    (["--min-term-success", "90"], "--min-term-success needs --glossary"),
    (["--min-code-success", "90", "-g", str(SEED_GLOSSARY)], "--min-code-success needs"),
    (["--paired-bs", "--paired-ar"], "choose one paired test"),
])
def test_usage_errors_exit_2(files: dict[str, Path], args: list[str], message: str) -> None:
    result = run_cli("score", "--hyp", files["hyp"], "--ref", files["ref"], *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_several_systems_each_gated_with_a_junit_case_per_file_and_metric(
        files: dict[str, Path], tmp_path: Path) -> None:
    result = run_cli("score", "-i", files["ref"], "-i", files["hyp"], "--ref", files["ref"],
                     "--src", files["src"], "-g", SEED_GLOSSARY, "--min-code-success", "100",
                     "--format", "junit", "-o", tmp_path / "j.xml")
    assert result.returncode == 1
    assert f"{files['hyp']}: --min-code-success 100 failed" in result.stderr
    cases = {c.get("name"): c for c in ET.parse(tmp_path / "j.xml").iter("testcase")}
    assert f"{files['ref']}: bleu" in cases and f"{files['hyp']}: codes" in cases
    assert cases[f"{files['hyp']}: codes"].find("failure") is not None
    assert cases[f"{files['ref']}: codes"].find("failure") is None
    junit_stdout = run_cli("score", "-i", files["ref"], "--ref", files["ref"], "--junit", "-")
    assert junit_stdout.stdout.startswith("<?xml") and not Path("-").exists()


def test_po_catalogues_score_their_msgstr_by_msgid(tmp_path: Path) -> None:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    ref = tmp_path / "ref.po"
    ref.write_text(head + 'msgctxt "menu"\nmsgid "Border Guard"\nmsgstr "Bộ đội Biên phòng"\n\n'
                   'msgid "Prestigious people met."\nmsgstr "Người có uy tín đã gặp."\n',
                   encoding="utf-8")
    hyp = tmp_path / "hyp.po"      # other order, one entry untranslated, marked fuzzy
    hyp.write_text(head + '#, fuzzy\nmsgid "Prestigious people met."\n'
                   'msgstr "Người có uy tín đã gặp."\n\n'
                   'msgctxt "menu"\nmsgid "Border Guard"\nmsgstr ""\n', encoding="utf-8")
    result = run_cli("score", "-i", hyp, "--ref", ref, "-g", SEED_GLOSSARY, "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["segments"] == 2 and data["terms"]["total"] == 2
    assert data["terms"]["matched"] == 1                 # the untranslated entry misses
    assert "1 of 2 entries untranslated" in result.stderr
    text_ref = tmp_path / "r.txt"
    text_ref.write_text("Bộ đội Biên phòng\nNgười có uy tín đã gặp.\n", encoding="utf-8")
    mixed = run_cli("score", "-i", hyp, "--ref", text_ref)
    assert mixed.returncode == 2 and "PO files score against PO files" in mixed.stderr


def test_tone_style_warning_and_option(tmp_path: Path) -> None:
    (tmp_path / "h").write_text("diễn biến hoà bình, thuỷ lợi\n", encoding="utf-8")
    (tmp_path / "r").write_text("diễn biến hòa bình, thủy lợi\n", encoding="utf-8")
    plain = run_cli("score", "--hyp", tmp_path / "h", "--ref", tmp_path / "r", "--json", "-")
    assert "tone marks" in plain.stderr
    folded = run_cli("score", "--hyp", tmp_path / "h", "--ref", tmp_path / "r", "--json", "-",
                     "--tone-style", "new")
    assert json.loads(folded.stdout)["bleu"]["score"] == 100.0
    assert json.loads(plain.stdout)["bleu"]["score"] < 100.0


def test_scores_summed_chunk_by_chunk_equal_sacrebleu_in_one_go(files: dict[str, Path]) -> None:
    from sacrebleu.metrics import BLEU, CHRF, TER

    from translate.scoring.metrics import corpus_scores

    hyp = files["nfc_hyp"].read_text(encoding="utf-8").splitlines()
    ref = files["ref"].read_text(encoding="utf-8").splitlines()
    chunked = corpus_scores(hyp, [ref], chunk=3)
    assert chunked["bleu"].score == BLEU().corpus_score(hyp, [ref]).score
    assert chunked["chrf"].score == CHRF(word_order=2).corpus_score(hyp, [ref]).score
    assert chunked["ter"].score == TER().corpus_score(hyp, [ref]).score
