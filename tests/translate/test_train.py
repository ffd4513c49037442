"""Smoke test of the training recipe: a few steps on a small slice, resume, export, load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DATA = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not (DATA / "alt-wikinews" / "train.en").is_file(),
                    reason="shared training data not present beside the checkout")
@pytest.mark.slow
def test_smoke_training_resumes_exports_and_loads(tmp_path: Path) -> None:
    run, export = tmp_path / "run", tmp_path / "model"
    base = [sys.executable, "-m", "translate.train", "--recipe", "smoke", "--data-dir", str(DATA),
            "--run-dir", str(run)]
    first = subprocess.run([*base, "--max-steps", "20"], capture_output=True, text=True,
                           timeout=300, cwd=ROOT)
    assert first.returncode == 0, first.stderr[-2000:]
    kept = json.loads((run / "best" / "scores.json").read_text())["chrf"]
    second = subprocess.run([*base, "--max-steps", "30", "--export", str(export)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert second.returncode == 0, second.stderr[-2000:]
    events = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    resumed = [e for e in events if e["event"] == "resumed"]
    assert resumed and resumed[0]["step"] == 20
    assert resumed[0]["best"] >= kept       # an average kept at the end raised the bar
    assert [e["step"] for e in events if e["event"] == "stopped"] == [20, 30]
    assert any(e["event"] == "eval" and "chrf" in e for e in events)
    averaged = [e for e in events if e["event"] == "averaged"]
    assert averaged[-1]["steps"] == [10, 20, 30]      # average_last = 3
    assert sorted(p.name for p in (run / "ckpt").iterdir()) == [
        "step-10.pt", "step-20.pt", "step-30.pt"]
    prepared = json.loads((run / "prepared.json").read_text())
    assert prepared["annotated"] > 0 and prepared["glossary_pairs"] > 40
    assert prepared["read"] == {"alt-wikinews": 500, "demo-corpus": 1500}
    card = json.loads((export / "termtrans.json").read_text())
    assert card["term_annotation"]["sep"] == "<=>"
    assert card["recipe"]["name"] == "smoke" and "step" in card["selected"]

    from translate.backends import make_translator

    translator = make_translator("transformers", str(export))
    (out,) = translator.translate(["The Border Guard met."],
                                  [[("Border Guard", "Bộ đội Biên phòng")]], beam=2)
    assert "Bộ đội Biên phòng" in out.text and out.constraints_met


@pytest.mark.skipif(not (DATA / "alt-wikinews" / "train.en").is_file(),
                    reason="shared training data not present beside the checkout")
@pytest.mark.slow
def test_a_stage_continues_from_a_model_and_keeps_only_what_beats_it(tmp_path: Path) -> None:
    first, model = tmp_path / "first", tmp_path / "model"
    base = [sys.executable, "-m", "translate.train", "--recipe", "smoke", "--data-dir", str(DATA)]
    made = subprocess.run([*base, "--run-dir", str(first), "--max-steps", "10", "--export",
                           str(model)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert made.returncode == 0, made.stderr[-2000:]
    weights = (model / "model.safetensors").read_bytes()
    stage, out = tmp_path / "stage", tmp_path / "stage-model"
    args = [*base, "--run-dir", str(stage), "--init-from", str(model), "--max-steps", "10",
            "--export", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    events = [json.loads(line) for line in (stage / "log.jsonl").read_text().splitlines()]
    (baseline,) = [e for e in events if e["event"] == "baseline"]
    best = max(e["chrf"] for e in events if e["event"] in ("eval", "averaged"))
    if best > baseline["chrf"]:
        assert done.returncode == 0 and (out / "model.safetensors").is_file(), done.stderr
    else:                   # nothing beat the initial model: nothing is exported
        assert done.returncode == 1 and "nothing exported" in done.stderr and not out.exists()
    assert (model / "model.safetensors").read_bytes() == weights
    assert json.loads((stage / "recipe.json").read_text())["init"]
    other = subprocess.run([*base, "--run-dir", str(stage), "--max-steps", "10"],
                           capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert other.returncode == 2 and "started from other weights" in other.stderr
