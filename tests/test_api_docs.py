"""The API reference is generated from the docstrings (pdoc), as users read it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, patience


def test_pdoc_builds_the_api_reference(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pdoc", "-o", str(tmp_path), "glossary",
                           "translate.api"], capture_output=True, text=True, cwd=ROOT,
                          timeout=patience(300))
    assert done.returncode == 0, done.stderr
    api = (tmp_path / "translate" / "api.html").read_text(encoding="utf-8")
    assert 'id="Engine"' in api and 'id="translate_texts"' in api
    package = (tmp_path / "glossary.html").read_text(encoding="utf-8")
    assert "check_pairs" in package and "Check translations against their sources" in package
