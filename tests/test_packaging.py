"""Installable anywhere: the wheel carries the default model; check/score stay light."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEED_GLOSSARY, patience

HEAVY = ("torch", "transformers", "ctranslate2", "sentencepiece")


def _pip_install(bin_dir: Path, requirement: str) -> None:
    done = subprocess.run([str(bin_dir / "pip"), "install", "-q",
                           "--disable-pip-version-check", requirement],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_environment_outside_the_checkout(tmp_path: Path) -> None:
    """The core install checks and scores with no ML stack; adding the translate extra
    translates the seed article with the shipped model, no PyTorch, from another
    directory."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("termtrans-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"translate/_shipped/models.lock",
            "translate/_shipped/models/en-vi-demo/model.safetensors",
            "translate/_shipped/models/en-vi-demo/ctranslate2-int8/model.bin"} <= names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "TERMTRANS_MODELS_LOCK"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONIOENCODING="utf-8")
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True,
                   timeout=patience(120))
    core = tmp_path / "venv" / "bin"
    _pip_install(core, str(wheel))
    checked = subprocess.run([str(core / "termtrans"), "check", *map(str, (
        FIXTURES / "seed_check" / "source.en", FIXTURES / "seed_check" / "damaged.vi")),
        "-g", str(SEED_GLOSSARY), "--format", "compact"], capture_output=True, text=True,
        cwd=elsewhere, env=env, timeout=patience(120))
    assert checked.returncode == 1 and "missing_term" in checked.stdout, checked.stderr
    heavy = subprocess.run([str(core / "python"), "-c", "import importlib.util as u; print("
                            f"[m for m in {HEAVY!r} if u.find_spec(m)])"],
                           capture_output=True, text=True, timeout=patience(60))
    assert heavy.stdout.strip() == "[]"
    fast = core     # the same environment, as a user adds the extra to the core install
    _pip_install(fast, f"{wheel}[translate]")
    article = sorted((ROOT / "seeds" / "articles").glob("*.txt"))[0]
    done = subprocess.run([str(fast / "termtrans"), "translate", str(article), "-g",
                           str(SEED_GLOSSARY), "--out", "out", "--fail-on", "never"],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "quality estimate:" in done.stderr and "not for this model" not in done.stderr
    assert "|backend:ctranslate2-int8+vmap|" in done.stderr and "converting" not in done.stderr
    assert (elsewhere / "out" / article.name).read_text(encoding="utf-8").strip()
    no_torch = subprocess.run([str(fast / "python"), "-c", "import importlib.util as u; "
                               "print(u.find_spec('torch'), u.find_spec('transformers'))"],
                              capture_output=True, text=True, timeout=patience(60))
    assert no_torch.stdout.strip() == "None None"
    verify = subprocess.run([str(fast / "termtrans"), "models", "verify"], capture_output=True,
                            text=True, cwd=elsewhere, env=env, timeout=patience(300))
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
                          cwd=ROOT, timeout=patience(120))
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-500:] + done.stderr


BLOCK_TORCH = '''import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            raise ImportError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _Block())
'''


def test_translating_with_the_default_model_needs_no_pytorch(tmp_path: Path) -> None:
    """As with the translate extra alone: torch and transformers cannot be imported, and no
    conversion is cached — the model's shipped CTranslate2 conversion is used."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_TORCH, encoding="utf-8")
    article = sorted((ROOT / "seeds" / "articles").glob("*.txt"))[0]
    env = dict(os.environ, PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "translate", "translate", str(article),
                           "-g", str(SEED_GLOSSARY), "--out", str(tmp_path / "out"),
                           "--fail-on", "never"],
                          capture_output=True, text=True, env=env, timeout=patience(300))
    assert done.returncode == 0, done.stderr
    assert "converting" not in done.stderr and "|backend:ctranslate2-int8+vmap|" in done.stderr
    assert (tmp_path / "out" / article.name).read_text(encoding="utf-8").strip()
    assert not (tmp_path / "cache" / "termtrans" / "ctranslate2").exists()
    other = subprocess.run([sys.executable, "-m", "translate", "translate", str(article),
                            "--model", "tiny-random", "--out", str(tmp_path / "o2")],
                           capture_output=True, text=True, env=env, timeout=patience(300))
    assert other.returncode == 2 and "pip install 'termtrans[torch]'" in other.stderr
