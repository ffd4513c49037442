"""The documentation: a short README, CONTRIBUTING.md and plain Markdown pages under docs/.

Why plain Markdown checked by this test rather than a site generator such as mkdocs: there is
no build dependency to install, pin and keep working; the pages are read where users already
are — rendered on GitHub, and as files in a checkout or the source archive — so no site has to
be built or hosted; and what a docs build would catch that matters here, the dead links and
anchors, this test catches, in the ordinary test run. External http(s) links are not fetched:
the tests run offline.

Anchors follow GitHub's heading slugs: the heading's text lower-cased, every character that is
not a letter, a mark, a digit, ``-``, ``_`` or a space dropped (so "→" and "—" go, Vietnamese
letters stay), spaces turned into ``-``; a repeated slug gets ``-1``, ``-2``…
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [README, CONTRIBUTING, *PAGES]
MAX_README_LINES = 250

INSTALL_AND_TRANSLATE = ("python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 -e '.[dev]'"
                         " && .venv/bin/termtrans translate seeds/articles/*.txt --glossary"
                         " seeds/glossary.tsv --out out/")
TEST_COMMAND = ".venv/bin/python -m pytest -q"

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# a code span, which may run over a line end but not over a blank line
CODE_SPAN = re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"           # [text], one level of [ ]
                         r"\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"]*\")?\s*\)")  # (target "title")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.MULTILINE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _blocks(text: str) -> tuple[str, list[str]]:
    """The text with fenced code blocks blanked out, and its code blocks."""
    prose: list[str] = []
    code: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)[0] * 3
            code.append("")
            prose.append("")
        elif fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            else:
                code[-1] += line + "\n"
            prose.append("")
        else:
            prose.append(line)
    return "\n".join(prose), code


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's Markdown text (before de-duplication)."""
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)", r"\1", heading)   # links: text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()                            # inline HTML
    kept = (c for c in text if c in "-_ " or unicodedata.category(c)[0] in "LMN"
            or unicodedata.category(c) == "Pc")
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor GitHub makes for *path*'s headings."""
    prose, _ = _blocks(path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose.splitlines():
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The link and image targets of *path*, outside code blocks and code spans."""
    prose, _ = _blocks(path.read_text(encoding="utf-8"))
    prose = CODE_SPAN.sub("", prose)
    return [m.group(1) for m in INLINE_LINK.finditer(prose)] + \
        REFERENCE_DEFINITION.findall(prose)


def local_links(path: Path) -> list[str]:
    return [target for target in links(path) if not SCHEME.match(target)]


def resolve(document: Path, target: str) -> tuple[Path, str]:
    """The file a relative link of *document* points to, and its anchor ("" if none)."""
    location, _, anchor = target.partition("#")
    file = (document.parent / unquote(location)).resolve() if location else document
    return file, unquote(anchor)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_readme_is_short() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_README_LINES, (
        f"README.md has {lines} lines (at most {MAX_README_LINES}): move the detail to docs/")


def test_there_are_docs_pages() -> None:
    assert {p.name for p in PAGES} >= {"editors.md", "translators.md", "library.md", "ci.md"}


@pytest.mark.parametrize("document", DOCUMENTS, ids=_name)
def test_relative_links_and_anchors_resolve(document: Path) -> None:
    broken = []
    for target in local_links(document):
        file, anchor = resolve(document, target)
        if not file.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
        elif not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix != ".md":
            broken.append(f"{target}: an anchor into a file that is not Markdown")
        elif anchor and anchor not in anchors(file):
            broken.append(f"{target}: no heading of {_name(file)} has the anchor #{anchor}")
    assert not broken, f"{_name(document)}: " + "; ".join(broken)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {resolve(README, target)[0] for target in local_links(README)}
    unlinked = [_name(page) for page in PAGES if page.resolve() not in linked]
    assert not unlinked, f"not linked from README.md: {unlinked}"


def test_the_readme_keeps_the_two_set_up_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    _, (block, *_) = _blocks(section)
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands == [INSTALL_AND_TRANSLATE, TEST_COMMAND]


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    marker = script.index("# The README's test command:")
    assert script[marker + 1] == TEST_COMMAND
    assert TEST_COMMAND in README.read_text(encoding="utf-8").splitlines()


def test_contributing_repeats_the_readme_set_up() -> None:
    readme = _blocks(README.read_text(encoding="utf-8"))[1][0]
    assert readme in _blocks(CONTRIBUTING.read_text(encoding="utf-8"))[1]


@pytest.mark.parametrize(("heading", "anchor"), [
    ("termtrans — English→Vietnamese translation and terminology toolkit",
     "termtrans--englishvietnamese-translation-and-terminology-toolkit"),
    ("Training the project's own model", "training-the-projects-own-model"),
    ("`models.lock`", "modelslock"),
    ("Thế trận lòng dân: Người có uy tín", "thế-trận-lòng-dân-người-có-uy-tín"),
    ("Set-up: two commands", "set-up-two-commands"),
    ("See [Models](models.md) and `snake_case`", "see-models-and-snake_case"),
])
def test_slugs_follow_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_link_extraction_skips_code_and_external_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("[a](a.md#x) `[b](b.md)` and ``[c]\n(c.md)``\n\n```md\n[d](d.md)\n```\n"
                    "![e](e.png \"title\") [f](https://example.org/f) [g]: g.md\n\n"
                    "[h]: h.md\n[i\nj](i.md)\n", encoding="utf-8")
    assert links(page) == ["a.md#x", "e.png", "https://example.org/f", "i.md", "h.md"]
    assert local_links(page) == ["a.md#x", "e.png", "i.md", "h.md"]
