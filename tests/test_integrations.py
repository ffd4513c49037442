"""The CI integrations users run: the pre-commit hooks, with the real pre-commit tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_GLOSSARY

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: vi\\n"

msgid "Prestigious people met."
msgstr "{translation}"
"""


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x",
                                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@x"))


@pytest.mark.slow
def test_pre_commit_hook_blocks_a_missing_term_and_passes_the_fix(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists() or not shutil.which("git"):
        pytest.skip("pre-commit or git is not installed")
    head = git(ROOT, "rev-parse", "HEAD").stdout.strip()
    if git(ROOT, "cat-file", "-e", f"{head}:.pre-commit-hooks.yaml").returncode:
        pytest.skip("the hooks file is not committed yet")
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copy(SEED_GLOSSARY, repo / "glossary.tsv")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n"
        "      - id: termtrans-check-po\n        args: [--glossary, glossary.tsv]\n",
        encoding="utf-8")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    installed = subprocess.run([str(pre_commit), "install"], cwd=repo, env=env,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    (repo / "vi.po").write_text(PO.format(translation="Những người nổi tiếng đã gặp."),
                                encoding="utf-8")
    git(repo, "add", ".")
    blocked = subprocess.run(["git", "commit", "-qm", "add"], cwd=repo, env={
        **env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x"}, capture_output=True, text=True, timeout=900)
    assert blocked.returncode != 0
    assert "vi.po:" in blocked.stderr and "forbidden_variant" in blocked.stderr
    (repo / "vi.po").write_text(PO.format(translation="Những người có uy tín đã gặp."),
                                encoding="utf-8")
    git(repo, "add", ".")
    passed = subprocess.run(["git", "commit", "-qm", "add"], cwd=repo, env={
        **env, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x"}, capture_output=True, text=True, timeout=900)
    assert passed.returncode == 0, passed.stdout + passed.stderr
