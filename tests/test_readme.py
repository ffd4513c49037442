"""The README's Python examples run as written."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Library use")[1] \
    .split("\n## ")[0]
SNIPPETS = re.findall(r"```python\n(.*?)```", SECTION, re.DOTALL)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_readme_library_snippet_runs(snippet: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(snippet, "README.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip()


def test_there_are_snippets() -> None:
    assert len(SNIPPETS) == 2
