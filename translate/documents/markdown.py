"""Markdown: translate the text of headings, paragraphs, list items, block quotes
and table cells; leave code, HTML, links' targets and structure untouched.

Parsed with markdown-it-py (CommonMark + tables). Each inline block is put
back into its source lines, keeping their prefixes (``#``, ``-``, ``>``,
indentation). An inline block is translated whole, as sentences: emphasis and
link text are inline codes (:mod:`translate.documents.inline`), put back around
the right words of the translation — ``**Border Guard**`` becomes
``**Bộ đội Biên phòng**``, wherever the words went — and code spans, inline
HTML, images and autolinks travel as protected placeholders, byte for byte.
A block whose markup cannot be mapped exactly onto its text (backslash escapes,
entities, hard line breaks) is translated run by run between the markup
instead, so its markup still survives exactly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glossary.checks.base import Segment
from glossary.errors import AlignmentError
from glossary.placeholders import TEMPLATE_TAG
from glossary.textio import newline_of, read_text
from translate.documents.base import Document, Required, Unit
from translate.documents.inline import Code, Inline

_TEXT_TYPES = {"text"}
_ATOM_TOKEN = re.compile(r"<x\d+/>")
_BREAKS = {"softbreak", "hardbreak"}


@dataclass
class _Slot:
    """Where a translated unit goes: a whole inline block, or one text run of one."""

    first: int            # first source line of the block
    count: int            # source lines of the block
    original: str         # the block's raw inline source
    runs: list[tuple[str, bool]]   # (raw text, translatable?) in order
    in_table: bool
    inline: Inline | None = None   # the whole block as one unit with inline codes


def _link_closing(rest: str) -> tuple[str, bool]:
    """What closes a link's text in *rest*, and whether that text is the link's reference
    label (``[label]``, ``[label][]``: translating it would break the link). An inline
    link closes with ``](destination "title")``, a full reference with ``][label]``."""
    if rest.startswith("]["):
        end = rest.find("]", 2)
        if end < 0:
            return "", False
        return rest[:end + 1], end == 2
    if rest.startswith("]("):
        return rest[:_skip_destination(rest)], False
    return ("]", True) if rest.startswith("]") else ("", False)


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
    """Split an inline token into raw markdown runs; only prose text runs are translatable
    (the fallback for blocks :func:`_inline_block` cannot map).

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


def _inline_block(token: Any) -> Inline | None:
    """The block's text with its markup as codes, or None where the markup cannot be
    mapped exactly onto the raw source (then it is translated run by run)."""
    raw = token.content
    plain: list[str] = []
    codes: list[Code] = []
    atoms: list[tuple[str, str]] = []
    # open codes: (index, plain offset, markup, raw offset, pieces of plain, atoms so far)
    stack: list[tuple[int, int, str, int, int, int]] = []
    pending_break = ""      # a line break that opens the next tag's own line
    pos = 0
    length = 0
    children = token.children or []
    k = 0
    while k < len(children):
        child = children[k]
        kind = child.type
        if kind == "text":
            content = child.content
            # Template tags and shortcodes ({{< ref "a" >}}, {% include x %}) are atoms too:
            # as text they would be escaped on the way out ({{\< ref) or mangled.
            for part, tag in _template_parts(content):
                if tag:
                    if not raw.startswith(part, pos):
                        return None
                    # a line break before a tag on a line of its own travels inside its atom
                    token_ = _atom(atoms, pending_break + part)
                    pending_break = ""
                    plain.append(token_)
                    pos, length = pos + len(part), length + len(token_)
                    continue
                moved = _text_run(raw, pos, part, atoms)
                if moved is None:
                    return None
                pos, text = moved
                plain.append(text)
                length += len(text)
        elif kind == "hardbreak":      # kept as it was ("  \n", "\\\n"): a placeholder
            end = raw.find("\n", pos)
            if end < 0:
                return None
            end += 1
            while end < len(raw) and raw[end] in " \t":
                end += 1
            token_ = _atom(atoms, raw[pos:end])
            plain.append(token_)
            pos = end
            length += len(token_)
        elif kind == "softbreak":
            end = raw.find("\n", pos)
            if end < 0 or raw[pos:end].strip():
                return None
            start, pos = pos, end + 1
            while pos < len(raw) and raw[pos] in " \t":
                pos += 1
            before, after = _beside_template(children, k)
            if before and atoms and plain and plain[-1] == atoms[-1][0]:
                # a shortcode on a line of its own keeps its line: the break joins its atom,
                # so the model cannot move one without the other
                atoms[-1] = (atoms[-1][0], atoms[-1][1] + raw[start:pos])
            elif after:
                pending_break = raw[start:pos]
            else:
                plain.append(" ")
                length += 1
        elif kind in ("strong_open", "em_open", "link_open"):
            if kind == "link_open" and child.markup == "autolink":
                end = raw.find(">", pos)
                close = next((j for j in range(k, len(children))
                              if children[j].type == "link_close"), None)
                if end < 0 or close is None:
                    return None
                token_, pos, k = _atom(atoms, raw[pos:end + 1]), end + 1, close
                plain.append(token_)
                length += len(token_)
            else:
                opening = "[" if kind == "link_open" else child.markup
                if not raw.startswith(opening, pos):
                    return None
                stack.append((len(codes), length, opening, pos, len(plain), len(atoms)))
                codes.append(Code(0, 0, ""))      # its place, filled when it closes
                pos += len(opening)
        elif kind in ("strong_close", "em_close", "link_close"):
            closing, is_label = (_link_closing(raw[pos:]) if kind == "link_close"
                                 else (child.markup, False))
            if not stack or not closing or not raw.startswith(closing, pos):
                return None
            index, start, opening, raw_start, pieces, atom_count = stack.pop()
            pos += len(closing)
            if is_label:       # [label] or [label][]: its text is the reference, kept as is
                del codes[index:], plain[pieces:], atoms[atom_count:]
                token_ = _atom(atoms, raw[raw_start:pos])
                plain.append(token_)
                length = start + len(token_)
                k += 1
                continue
            parent = stack[-1][0] if stack else None
            codes[index] = Code(start, length, opening, closing, parent)
        elif kind in ("code_inline", "html_inline", "image"):
            end = _atom_end(child, raw, pos)
            if end is None:
                return None
            token_ = _atom(atoms, raw[pos:end])
            plain.append(token_)
            pos = end
            length += len(token_)
        else:
            return None
        k += 1
    if stack or pos != len(raw):
        return None
    return _edge_templates(Inline("".join(plain), tuple(codes), _escape, tuple(atoms)))


_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);")


def _template_parts(content: str) -> list[tuple[str, bool]]:
    """*content* cut into (text, is a template tag) parts."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for m in TEMPLATE_TAG.finditer(content):
        parts += [(content[at:m.start()], False), (m.group(), True)]
        at = m.end()
    parts.append((content[at:], False))
    return [(text, tag) for text, tag in parts if text]


def _text_run(raw: str, pos: int, content: str,
              atoms: list[tuple[str, str]]) -> tuple[int, str] | None:
    """Consume *content* from *raw* at *pos*: the new position and the plain text, where
    an entity ("&copy;") is a protected placeholder — given to the model as its character
    it could be dropped (the demo model drops ©) with nobody told."""
    consumed = _consume(raw, pos, content)
    if consumed is None:
        return None
    pos, entities = consumed
    pieces = []
    at = 0
    for index, entity in entities:
        pieces.append(content[at:index] + _atom(atoms, entity))
        at = index + 1
    pieces.append(content[at:])
    return pos, "".join(pieces)


def _edge_templates(inline: Inline) -> Inline:
    """A block that opens (closes) with a template tag on a line of its own —
    ``{{% notice info %}}`` … ``{{% /notice %}}`` — keeps those lines around the whole
    translation: they become one code around the unit, which the model cannot move."""
    text, atoms, codes = inline.text, list(inline.atoms), list(inline.codes)
    opening = closing = ""
    if atoms and text.startswith(atoms[0][0]) and atoms[0][1].endswith("\n") \
            and TEMPLATE_TAG.fullmatch(atoms[0][1].strip()):
        token, opening = atoms.pop(0)
        cut = len(text) - len(text[len(token):].lstrip())
        text = text[cut:]
        codes = [Code(max(c.start - cut, 0), max(c.end - cut, 0), c.open, c.close, c.parent)
                 for c in codes]
    if atoms and text.rstrip().endswith(atoms[-1][0]) and atoms[-1][1].startswith("\n") \
            and TEMPLATE_TAG.fullmatch(atoms[-1][1].strip()):
        token, closing = atoms.pop()
        text = text.rstrip()[:-len(token)].rstrip()
        codes = [Code(min(c.start, len(text)), min(c.end, len(text)), c.open, c.close,
                      c.parent) for c in codes]
    if not (opening or closing) or not text:
        return inline
    shifted = [Code(c.start, c.end, c.open, c.close, 0 if c.parent is None else c.parent + 1)
               for c in codes]
    return Inline(text, (Code(0, len(text), opening, closing, whole=True), *shifted),
                  inline.escape, tuple(atoms))


def _beside_template(children: list[Any], k: int) -> tuple[bool, bool]:
    """Whether the line break *children[k]* ends a line that is a template tag, and
    whether it starts one."""
    before = children[k - 1] if k > 0 else None
    after = children[k + 1] if k + 1 < len(children) else None
    return (bool(before is not None and before.type == "text"
                 and TEMPLATE_TAG.fullmatch(before.content.strip())),
            bool(after is not None and after.type == "text"
                 and TEMPLATE_TAG.fullmatch(after.content.strip())))


def _consume(raw: str, pos: int, content: str) -> tuple[int, list[tuple[int, str]]] | None:
    """Where *content* (parsed text) ends in *raw* from *pos*, and which of its characters
    were written as entities there (index in *content*, the entity): characters match as
    they are, backslash-escaped ("\\*") or as entities ("&amp;"); None if they don't."""
    entities = []
    for index, ch in enumerate(content):
        if (m := _ENTITY.match(raw, pos)) and html.unescape(m.group()) == ch:
            entities.append((index, m.group()))
            pos = m.end()
        elif raw.startswith(ch, pos):
            pos += 1
        elif raw.startswith("\\" + ch, pos):
            pos += 2
        else:
            return None
    return pos, entities


def _escape(text: str) -> str:
    """Translated text made literal in Markdown: characters that would start markup."""
    return re.sub(r"([\\`*_\[\]<])", r"\\\1", text)


def _front_matter(lines: list[str]) -> int:
    """How many leading lines are front matter (0 when there is none)."""
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        return 0
    fence = lines[0].rstrip()
    for n, line in enumerate(lines[1:], start=1):
        if line.rstrip() == fence or (fence == "---" and line.rstrip() == "..."):
            return n + 1
    return 0


def _atom(atoms: list[tuple[str, str]], raw: str) -> str:
    """A protected placeholder standing for verbatim markup (as HTML's ``<xN/>``)."""
    atoms.append((f"<x{len(atoms) + 1}/>", raw))
    return atoms[-1][0]


def _atom_end(child: Any, raw: str, pos: int) -> int | None:
    """Where a code span, inline HTML or image that starts at *pos* ends in *raw*."""
    if child.type == "html_inline":
        return pos + len(child.content) if raw.startswith(child.content, pos) else None
    if child.type == "code_inline":
        fence = child.markup
        if not raw.startswith(fence, pos):
            return None
        end = raw.find(fence, pos + len(fence))
        return end + len(fence) if end >= 0 else None
    if not raw.startswith("![", pos):
        return None
    close = raw.find("]", pos)
    return close + _skip_destination(raw[close:]) if close >= 0 else None


class MarkdownFormat:
    name = "md"
    extensions = (".md", ".markdown")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        from markdown_it import MarkdownIt

        text = read_text(path)
        lines = text.split("\n")
        # front matter (Jekyll/Hugo/MkDocs YAML between ---, TOML between +++) is data, not
        # prose: the parser sees blank lines there (line numbers stay), the output keeps it
        skip = _front_matter(lines)
        tokens = MarkdownIt("commonmark").enable("table").parse(
            "\n" * skip + "\n".join(lines[skip:]))
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
            inline = _inline_block(token)
            if inline is not None and not _ATOM_TOKEN.sub("", inline.text).strip():
                continue          # nothing but code spans, images, HTML: nothing to translate
            runs = [] if inline is not None else _inline_runs(token)
            slot = _Slot(token.map[0], token.map[1] - token.map[0], token.content, runs,
                         in_table > 0, inline)
            slots.append(slot)
            texts = [inline.text] if inline is not None else [r for r, ok in runs if ok]
            units += [Unit(" ".join(t.split()), token.map[0] + 1) for t in texts if t.strip()]

        def render(translations: list[str], required: list[Required] | None = None) -> str:
            out: list[str | None] = list(lines)
            done = iter(range(len(translations)))
            for slot in slots:
                if slot.inline is not None:
                    n = next(done)
                    if translations[n] == units[n].text:
                        continue          # unchanged: the block's lines stay as they are
                    new = slot.inline.render(translations[n], required[n] if required else [])
                else:
                    new = _render_runs(slot.runs, translations, done)
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

        return Document(path, units, render, render_inline=render, newline=newline_of(path))


def _render_runs(runs: list[tuple[str, bool]], translations: list[str],
                 done: Iterator[int]) -> str:
    """A block translated run by run: the markup between the runs as it was."""
    parts = []
    for run, ok in runs:
        if ok and run.strip():
            lead = run[:len(run) - len(run.lstrip())]
            trail = run[len(run.rstrip()):]
            parts.append(lead.replace("\n", " ") + translations[next(done)]
                         + trail.replace("\n", " "))
        else:
            parts.append(run.replace("\n", " "))
    return "".join(parts)


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
        longer, shorter = (tgt, src) if len(tgt) > len(src) else (src, tgt)
        spare = longer[len(shorter)]
        where = (f"{translation}:{spare.line} has no counterpart in {source}"
                 if longer is tgt else f"{source}:{spare.line} has no counterpart in it")
        raise AlignmentError(translation, _parting_line(src, tgt),
                             f"has {len(tgt)} text unit(s) but {source} has {len(src)}; the "
                             f"structures part here or before ({where})")
    return [Segment(str(translation), b.line, a.text, b.text, str(source), a.line)
            for a, b in zip(src, tgt, strict=True) if a.text.strip() or b.text.strip()]


def _parting_line(src: list[Unit], tgt: list[Unit]) -> int | None:
    """The translation line of the first paired unit whose numbers differ from its source's:
    where an added or dropped paragraph most likely shifted the pairing."""
    digits = re.compile(r"\d+")
    for a, b in zip(src, tgt, strict=False):
        if sorted(digits.findall(a.text)) != sorted(digits.findall(b.text)):
            return b.line
    return tgt[min(len(src), len(tgt)) - 1].line if src and tgt else None


def _shape(text: str) -> bool:
    """Whether a unit is blank: blank units must pair with blank units."""
    return bool(text.strip())
