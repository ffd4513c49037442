"""The Python examples of the documentation (docs/library.md, linked from the README's
"Library use") run as written."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "library.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_readme_library_snippet_runs(snippet: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(snippet, "docs/library.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip()


def test_there_are_snippets() -> None:
    assert len(SNIPPETS) == 2
