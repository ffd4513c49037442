"""Installable anywhere: the wheel carries the default model; check/score stay light."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEED_GLOSSARY

HEAVY = ("torch", "transformers", "ctranslate2", "sentencepiece")


@pytest.mark.slow
def test_wheel_ships_the_default_model_and_finds_it_outside_the_checkout(
        tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("termtrans-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "translate/_shipped/models.lock" in names
        assert "translate/_shipped/models/en-vi-demo/model.safetensors" in names
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("TERMTRANS_MODELS_LOCK", None)
    code = ("import translate.models as m; r = m.resolve_model(None); "
            "print(m.__file__); print(r.name, r.location)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=elsewhere, env=env, timeout=120)
    assert found.returncode == 0, found.stderr
    module, model = found.stdout.splitlines()
    assert module.startswith(str(site))
    assert model.split()[0] == "en-vi-demo" and model.split()[1].startswith(str(site))
    verify = subprocess.run([sys.executable, "-m", "translate", "models", "verify"],
                            capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.parametrize("command", [
    ["check", str(FIXTURES / "seed_check" / "source.en"),
     str(FIXTURES / "seed_check" / "clean.vi"), "-g", str(SEED_GLOSSARY)],
    ["score", "--hyp", str(FIXTURES / "seed_check" / "clean.vi"),
     "--ref", str(FIXTURES / "seed_check" / "clean.vi")],
    ["glossary", "validate", str(SEED_GLOSSARY)],
])
def test_check_and_score_never_import_the_machine_learning_stack(command: list[str]) -> None:
    code = ("import sys, runpy\n"
            f"sys.argv = ['termtrans', *{command!r}]\n"
            "try:\n    runpy.run_module('translate', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-500:] + done.stderr
