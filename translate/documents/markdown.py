"""Markdown: translate the text of headings, paragraphs, list items, block quotes
and table cells; leave code, HTML, links' targets and structure untouched.

Parsed with markdown-it-py (CommonMark + tables). Each inline block is put
back into its source lines, keeping their prefixes (``#``, ``-``, ``>``,
indentation). Inline blocks with markup (emphasis, links, inline code) are
translated run by run between the markup, so the markup survives exactly;
plain ones are translated whole, as sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glossary.checks.base import Segment
from glossary.errors import AlignmentError
from glossary.textio import read_text
from translate.documents.base import Document, Unit

_TEXT_TYPES = {"text"}
_BREAKS = {"softbreak", "hardbreak"}


@dataclass
class _Slot:
    """Where a translated unit goes: a whole inline block, or one text run of one."""

    first: int            # first source line of the block
    count: int            # source lines of the block
    original: str         # the block's raw inline source
    runs: list[tuple[str, bool]]   # (raw text, translatable?) in order
    in_table: bool


def _skip_destination(rest: str) -> int:
    """Length of the ``](destination "title")`` part that follows a link's text."""
    if not rest.startswith("]("):
        end = rest.find("]")
        return end + 1 if end >= 0 else 0
    depth = 0
    for i, ch in enumerate(rest[1:], start=1):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(rest)


def _inline_runs(token: Any) -> list[tuple[str, bool]]:
    """Split an inline token into raw markdown runs; only prose text runs are translatable.

    Code spans, inline HTML, link destinations and autolinks are carried over
    verbatim; the raw text between them is located left to right, so markup
    characters are never moved.
    """
    children = token.children or []
    if all(c.type in _TEXT_TYPES | _BREAKS for c in children):
        return [(token.content, True)]
    runs: list[tuple[str, bool]] = []
    rest = token.content
    autolink = False

    def keep(length: int) -> None:
        nonlocal rest
        runs.append((rest[:length], False))
        rest = rest[length:]

    for child in children:
        if child.type == "link_open":
            autolink = child.markup == "autolink"
        elif child.type == "link_close":
            if autolink:
                autolink = False
            else:
                at = rest.find("]")
                if at >= 0:
                    keep(at)
                    keep(_skip_destination(rest))
        elif child.type in ("code_inline", "html_inline", "image") or (
                child.type == "text" and autolink):
            raw = child.content if child.type != "image" else ""
            at = rest.find(raw) if raw else -1
            if at >= 0:
                keep(at + len(raw))
        elif child.type == "text" and child.content.strip():
            at = rest.find(child.content)
            if at < 0:
                return [(token.content, False)]   # cannot locate safely: leave as is
            keep(at)
            runs.append((child.content, True))
            rest = rest[len(child.content):]
    runs.append((rest, False))
    return [(text, ok) for text, ok in runs if text]


class MarkdownFormat:
    name = "md"
    extensions = (".md", ".markdown")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        from markdown_it import MarkdownIt

        text = read_text(path)
        lines = text.split("\n")
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
        slots: list[_Slot] = []
        units: list[Unit] = []
        in_table = 0
        for token in tokens:
            if token.type == "table_open":
                in_table += 1
            elif token.type == "table_close":
                in_table -= 1
            if token.type != "inline" or not token.map or not token.content.strip():
                continue
            runs = _inline_runs(token)
            slot = _Slot(token.map[0], token.map[1] - token.map[0], token.content, runs,
                         in_table > 0)
            slots.append(slot)
            for run, ok in runs:
                if ok and run.strip():
                    units.append(Unit(" ".join(run.split()), token.map[0] + 1))

        def render(translations: list[str]) -> str:
            out: list[str | None] = list(lines)
            done = iter(translations)
            for slot in slots:
                parts = []
                for run, ok in slot.runs:
                    if ok and run.strip():
                        lead = run[:len(run) - len(run.lstrip())]
                        trail = run[len(run.rstrip()):]
                        parts.append(lead.replace("\n", " ") + next(done)
                                     + trail.replace("\n", " "))
                    else:
                        parts.append(run.replace("\n", " "))
                new = "".join(parts)
                first_line = lines[slot.first]
                if slot.in_table:
                    out[slot.first] = (out[slot.first] or "").replace(slot.original, new, 1)
                    continue
                first_content = slot.original.split("\n", 1)[0]
                at = first_line.find(first_content)
                prefix = first_line[:at] if at >= 0 else ""
                suffix = first_line[at + len(first_content):] if at >= 0 else ""
                content_lines = slot.original.count("\n") + 1
                out[slot.first] = prefix + new + (suffix if content_lines == 1 else "")
                for k in range(1, content_lines):
                    out[slot.first + k] = None
            return "\n".join(line for line in out if line is not None)

        return Document(path, units, render)


MD = MarkdownFormat()


def markdown_segments(source: Path, translation: Path) -> list[Segment]:
    """Pair a Markdown file with its translation by document structure, not by raw lines.

    A translation re-wraps paragraphs, so line *i* is not line *i*; the text units
    (headings, paragraphs, list items, table cells, the runs between inline markup) are
    paired in order instead. Documents whose structures differ are an AlignmentError
    naming the first unit that does not match.
    """
    src = MD.read(source).units
    tgt = MD.read(translation).units
    for k, (a, b) in enumerate(zip(src, tgt, strict=False)):
        if _shape(a.text) != _shape(b.text):
            raise AlignmentError(translation, b.line, f"text unit {k + 1} does not match the "
                                 f"structure of {source}:{a.line}")
    if len(src) != len(tgt):
        raise AlignmentError(translation, None, f"has {len(tgt)} text unit(s) but {source} "
                             f"has {len(src)}; the documents' structures differ")
    return [Segment(str(translation), b.line, a.text, b.text, str(source), a.line)
            for a, b in zip(src, tgt, strict=True) if a.text.strip() or b.text.strip()]


def _shape(text: str) -> bool:
    """Whether a unit is blank: blank units must pair with blank units."""
    return bool(text.strip())
