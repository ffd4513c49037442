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


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def test_the_github_action_is_valid_and_passes_inputs_through_env() -> None:
    action = ROOT / "action.yml"
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-actions", str(action)],
                            capture_output=True, text=True)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(action)],
                           capture_output=True, text=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_the_action_script_checks_globbed_files_and_runs_no_input(tmp_path: Path) -> None:
    import yaml

    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    script = next(s for s in steps if s["name"] == "Check")
    assert all("${{" not in step["run"] for step in steps)       # inputs only through env
    (tmp_path / "po").mkdir()
    (tmp_path / "po" / "vi.po").write_text(PO.format(translation="Người có uy tín đã họp."),
                                           encoding="utf-8")
    env = dict(os.environ, FILES="po/*.po $(touch pwned)", GLOSSARY=str(SEED_GLOSSARY),
               SARIF="out.sarif", FAIL_ON="error",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", "-c", script["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert not (tmp_path / "pwned").exists()
    # the glob was checked; the hostile "file name" is reported as a missing input
    assert "$(touch" in done.stdout + done.stderr and done.returncode == 2
    env["FILES"] = "po/*.po"
    done = subprocess.run(["bash", "-c", script["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out.sarif").is_file()
