from __future__ import annotations

import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_GLOSSARY = ROOT / "seeds" / "glossary.tsv"


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Model conversions and translation caches go to a temporary home, not the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture
def seed_glossary_path() -> Path:
    return SEED_GLOSSARY


def patience(seconds: float) -> float:
    """A subprocess timeout that grows with the machine's load: *seconds* on an idle
    machine, proportionally more when the run queue is longer than the cores (a loaded
    CI runner must not turn slowness into failures)."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return seconds * max(1.0, load) * 2


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``termtrans`` app in this process (typer's runner), as users run the
    command: its exit code, stdout and stderr. Environment and working directory are
    set for the call and restored after it. An exception the CLI let escape is put on
    stderr as the traceback a user would see, so "no traceback" assertions stay true."""
    from typer.testing import CliRunner

    from translate.cli import app

    argv = [str(a) for a in args]
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update({"COLUMNS": "200", **(env or {})})
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, argv, catch_exceptions=True)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["termtrans", *argv], result.exit_code,
                                       result.stdout, stderr)


def run_cli_process(*args: str | Path, cwd: Path | None = None,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``termtrans`` entry point in a subprocess: for what only a process
    shows (signals, closed pipes, start-up imports, a server that must not start)."""
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "translate", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=environ)


def tiny_corpus() -> list[str]:
    from translate.models.tiny import demo_corpus

    return demo_corpus(ROOT) + (FIXTURES / "seed_check" / "clean.vi").read_text(
        encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT model built at test time (≈5 s, once per session)."""
    from translate.models.tiny import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny") / "model", tiny_corpus(),
                             vocab_size=700, seed=3, eos_bias=2.0)


@pytest.fixture(scope="session")
def tiny_family_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Random-weight NLLB-200, M2M-100 and MADLAD-400 models (≈10 s for the three, once)."""
    from translate.models.tiny_families import BUILDERS, build_tiny_family

    root = tmp_path_factory.mktemp("families")
    return {family: build_tiny_family(family, root / family, tiny_corpus(), seed=3)
            for family in BUILDERS}


@pytest.fixture(scope="session")
def tiny_translator(tiny_model: Path):  # type: ignore[no-untyped-def]
    from translate.backends import make_translator

    translator = make_translator("transformers", str(tiny_model), threads=1)
    translator.ensure_loaded()
    return translator


@pytest.fixture(scope="session")
def tiny_vmap_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model plus a small vocabulary map built from the seed-check pairs."""
    import shutil

    from translate.models.vmap import write_vocabulary_map

    copy = tmp_path_factory.mktemp("tiny-vmap") / "model"
    shutil.copytree(tiny_model, copy)
    seed = FIXTURES / "seed_check"
    write_vocabulary_map(copy, seed / "source.en", seed / "clean.vi", per_source=5, always=20)
    return copy
