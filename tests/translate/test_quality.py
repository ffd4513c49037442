"""The quality estimate: signals, calibration files, the estimator on the shipped model,
and where it shows (translate, check --quality)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary.errors import ConfigError
from tests.conftest import FIXTURES, SEED_GLOSSARY, run_cli, run_cli_process
from translate.backends.base import TokenScores
from translate.pipeline import Hypothesis
from translate.quality import Label, Quality, QualityEstimator, load_estimator
from translate.quality.estimate import Calibration
from translate.quality.signals import rule_signals, unprotected, weak_words

SOURCES = (FIXTURES / "seed_check" / "source.en").read_text(encoding="utf-8").splitlines()
CLEAN = (FIXTURES / "seed_check" / "clean.vi").read_text(encoding="utf-8").splitlines()
TINY = ("--model", "tiny-random", "--backend", "transformers", "--no-cache", "--beam", "1")


def test_unknown_label_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid: bad, review, good"):
        Label.parse("excellent")
    assert Label.parse("Review") is Label.REVIEW and Label.BAD < Label.REVIEW < Label.GOOD


def test_a_malformed_calibration_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"model": "m", "features": ["mean_lp"], "heads": {}}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"m\.json: not a quality calibration"):
        Calibration.load(bad)


def test_weak_words_join_pieces_and_forced_pieces_are_left_out() -> None:
    scores = TokenScores(("▁người", "▁có", "▁uy", "▁tín", "▁họp", "</s>"),
                         (-0.1, -0.2, -3.0, -0.1, -2.0, -0.1))
    weak, count = weak_words(scores)
    assert (weak, count) == (["uy", "họp"], 5)
    kept = unprotected(scores, ["người có uy tín"])
    assert kept.pieces == ("▁họp", "</s>") and kept.log_probs == (-2.0, -0.1)


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("The army met.", "Quân đội quân đội quân đội đã họp.", (2, 0.0, 0.0, 0, None)),
    # "met" and "the" have the shape of Vietnamese syllables (mét, the); "press" has not
    ("The army met the press.", "Quân đội met the press.", (0, 0.0, 0.2, 0, None)),
    ("On Monday they met.", "Vào Monday họ gặp.", (0, 0.0, 0.2, 0, None)),
    ("Resolution No. 06-NQ/TU.", "Nghị quyết số 06-NQ/TU No-KL/TWL.", (0, 0.2, 0.0, 1, None)),
    # a loop through commas, and the parts of a code scattered without a slash
    ("The branches grew.", "Các nhánh, các nhánh, các nhánh phát triển.", (2, 0.0, 0.0, 0, None)),
    ("Resolution No. 17-NQ/TU.", "Nghị quyết số-NQ (TU).", (0, 0.0, 0.0, 2, None)),
])
def test_rule_signals(source: str, target: str,
                      expected: tuple[int, float, float, int, None]) -> None:
    loop, foreign, english, codes, _ = rule_signals(source, target)
    assert (loop, round(foreign, 1), round(english, 1), codes) == expected[:4]


def test_hypothesis_round_trips_its_quality() -> None:
    hyp = Hypothesis("a", "b", (), (), 1, quality=Quality(12, Label.BAD, ("loop",), ("x",)))
    assert Hypothesis.from_dict(json.loads(json.dumps(hyp.to_dict()))) == hyp


@pytest.fixture(scope="module")
def estimator() -> QualityEstimator:
    return load_estimator()


def _damaged(source: str, reference: str) -> dict[str, str]:
    words = reference.split()
    return {"loop": " ".join(words[:3] + words[2:3] * 4 + words[3:]),
            "half English": " ".join(words[:len(words) // 2]
                                     + source.split()[len(source.split()) // 2:]),
            "truncated": " ".join(words[:max(1, len(words) * 2 // 5)]),
            "shuffled": " ".join(sorted(words))}


def test_damage_scores_below_the_reference_and_is_not_good(estimator: QualityEstimator
                                                           ) -> None:
    pairs = [(s, r) for s, r in zip(SOURCES, CLEAN, strict=True) if len(s.split()) > 12][:4]
    for source, reference in pairs:
        damaged = _damaged(source, reference)
        found = estimator.estimate([source] * (1 + len(damaged)),
                                   [reference, *damaged.values()])
        clean, rest = found[0], dict(zip(damaged, found[1:], strict=True))
        assert clean.label is not Label.BAD, (reference, clean)
        for kind, quality in rest.items():
            assert quality.label is not Label.GOOD and quality.score <= clean.score, \
                (kind, damaged[kind], quality)


def test_detached_text_empty_and_foreign_lines(estimator: QualityEstimator) -> None:
    source = SOURCES[0]
    detached, empty, foreign, blank = estimator.estimate(
        [source, source, source, ""],
        [CLEAN[5], "", "Der Vorstand hat die Sitzung heute Abend beendet.", ""])
    assert detached.label is not Label.GOOD
    assert empty.label is Label.BAD and empty.flags == ("empty",)
    assert foreign.label is Label.BAD and "not_vietnamese" in foreign.flags
    assert blank.label is Label.GOOD        # nothing to translate


def test_a_segment_longer_than_the_model_input_is_never_silently_good(
        estimator: QualityEstimator) -> None:
    source = " ".join([SOURCES[2]] * 12)
    target = " ".join([CLEAN[2]] * 12)
    (quality,) = estimator.estimate([source], [target])
    assert "truncated" in quality.flags and quality.label is not Label.GOOD


def test_translate_prints_label_counts_and_min_quality_fails(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Prestigious people met the Border Guard.\nThe army met.\n",
                       encoding="utf-8")
    done = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "o.txt",
                   "--fail-on", "never", "--report-json", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    assert "quality: " in done.stderr and "quality estimate: good = read it" in done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    rows = report["files"][0]["segment_quality"]
    assert [r["line"] for r in rows] == [1, 2]
    labels = [r["quality"]["label"] for r in rows]     # the run's totals, in one line
    issues = len(report["files"][0]["issues"])
    assert (f"in all {labels.count('good')} good, {labels.count('review')} review, "
            f"{labels.count('bad')} bad of 2 segment(s), {issues} verification issue(s)"
            ) in done.stderr
    assert {"score", "label", "flags", "weak_words"} <= set(rows[0]["quality"])
    gated = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "p.txt",
                    "--fail-on", "never", "--min-quality", "good")
    assert gated.returncode == 1 and "termtrans: quality: " in gated.stderr, gated.stderr
    assert (tmp_path / "p.txt").is_file()          # the output is written all the same


@pytest.mark.parametrize("args", [("--min-quality", "excellent"),
                                  ("--min-quality", "good", "--no-quality")])
def test_min_quality_usage_errors(tmp_path: Path, args: tuple[str, ...]) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The army met.\n", encoding="utf-8")
    result = run_cli("translate", article, *TINY, "-o", tmp_path / "o.txt", *args)
    assert result.returncode == 2 and "--min-quality" in result.stderr + \
        result.stderr.replace("quality label", "--min-quality"), result.stderr
    assert not (tmp_path / "o.txt").exists()


def test_a_stutter_fails_translate_unless_fail_on_never(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The Border Guard met prestigious people in the province.\n",
                       encoding="utf-8")
    strict = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "o.txt")
    lenient = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "-o",
                      tmp_path / "p.txt", "--fail-on", "never")
    assert lenient.returncode == 0, lenient.stderr
    issues = [line for line in strict.stderr.splitlines() if line.startswith("termtrans: term")]
    assert strict.returncode == (1 if issues else 0), strict.stderr


def _pair(tmp_path: Path, targets: list[str]) -> tuple[Path, Path]:
    src, tgt = tmp_path / "s.en", tmp_path / "t.vi"
    src.write_text("\n".join(SOURCES[:len(targets)]) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(targets) + "\n", encoding="utf-8")
    return src, tgt


def test_check_quality_reports_every_segment_in_json_and_sarif(tmp_path: Path) -> None:
    targets = [CLEAN[0], "Der Vorstand hat die Sitzung heute Abend beendet.", CLEAN[2]]
    src, tgt = _pair(tmp_path, targets)
    result = run_cli("check", src, tgt, "-g", SEED_GLOSSARY, "--quality", "-f", "json",
                     "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(s["file"], s["line"]) for s in data["segments"]] == [(str(tgt), n)
                                                                  for n in (1, 2, 3)]
    assert data["segments"][1]["quality"]["label"] == "bad"
    low = [i for i in data["issues"] if i["kind"] == "low_quality"]
    assert [i["line"] for i in low if i["severity"] == "warning"] == [2]
    sarif = run_cli("check", src, tgt, "-g", SEED_GLOSSARY, "--quality", "-f", "sarif")
    assert "low_quality" in sarif.stdout
    gate = run_cli("check", src, tgt, "-g", SEED_GLOSSARY, "--quality",
                   "--severity", "low_quality=error")
    assert gate.returncode == 1 and "estimated quality bad" in gate.stdout


def test_check_quality_without_the_translate_extra_says_which(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\nclass _Block:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('ctranslate2',):\n"
        "            raise ImportError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Block())\n", encoding="utf-8")
    src, tgt = _pair(tmp_path, [CLEAN[0]])
    result = run_cli_process("check", src, tgt, "-g", SEED_GLOSSARY, "--quality",
                             env={"PYTHONPATH": str(site)})
    assert result.returncode == 2 and "pip install 'termtrans[translate]'" in result.stderr
    assert "Traceback" not in result.stderr
