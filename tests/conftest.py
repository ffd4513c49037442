from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_GLOSSARY = ROOT / "seeds" / "glossary.tsv"


@pytest.fixture
def seed_glossary_path() -> Path:
    return SEED_GLOSSARY


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``termtrans`` entry point in a subprocess, as users do."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "translate", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
