"""HTML (``.html``/``.htm``): block elements are units, inline elements are codes.

Read with the standard library's HTML tokenizer (``html.parser``), which reports
where each tag and text run starts, so the output is the input with only the
translated text replaced: everything else — attributes, entities, comments,
whitespace, unclosed tags — stays byte for byte as it was, and a round trip with
an identity translation reproduces the file. (A tree parser such as lxml would
re-serialise the whole document.) Malformed HTML is tokenized as browsers do:
an unclosed ``<b>`` ends with its block, a stray ``</i>`` is kept where it is.

* Units: the text of each block element (``p``, ``li``, ``h1``…, ``td``…), with
  inline elements (``b``, ``a``, ``span``…) as codes placed back around the
  right words (:mod:`translate.documents.inline`); ``alt``, ``title`` and
  ``placeholder`` attribute values are units of their own, and so is the ``content``
  of ``<meta name="description">`` (and ``og:``/``twitter:`` titles and descriptions).
* Untouched: ``script``, ``style``, ``code``, ``pre`` (and ``kbd``, ``samp``,
  ``var``, ``textarea``, ``svg``, ``math``), and any element with
  ``translate="no"`` or ``class="notranslate"``.
* Character references (``&raquo;``, ``&copy;``, ``&nbsp;``, ``&#8220;``) travel as
  protected placeholders, as in Markdown, and come out byte for byte; ``&amp;``,
  ``&lt;`` and ``&gt;`` are text, escaped again on output.
* ``<html lang>`` becomes ``vi`` when any text was translated.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from glossary.errors import InputError
from glossary.textio import newline_of, read_text
from translate.documents.base import Document, Required, Unit
from translate.documents.inline import Code, Inline

MAX_BYTES = 20 * 1024 * 1024
BLOCK = frozenset((
    "address", "article", "aside", "blockquote", "body", "button", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "li", "label",
    "legend", "main", "nav", "ol", "optgroup", "option", "p", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
))
SKIP = frozenset((
    "script", "style", "code", "pre", "kbd", "samp", "var", "textarea", "svg", "math",
    "template",
))
VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))
ATTRIBUTES = re.compile(r"""(?<![\w-])(alt|title|placeholder)\s*=\s*(?:"([^"]*)"|'([^']*)'"""
                        r"""|([^\s"'=<>`]+))""", re.IGNORECASE)
#: <meta> tags whose ``content`` is text a reader sees (search results, link previews).
DESCRIPTIONS = frozenset(("description", "og:title", "og:description", "twitter:title",
                          "twitter:description"))
CONTENT = re.compile(r"""(?<![\w-])(content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                     re.IGNORECASE)
#: Character references that only escape text: the translation is escaped again on output.
_TEXT_REFS = frozenset(("&amp;", "&lt;", "&gt;"))
LANG = re.compile(r"""(?<![\w-])lang\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


@dataclass
class _Token:
    kind: str            # start, end, startend, data, ref, other
    start: int
    end: int = -1
    tag: str = ""
    attrs: dict[str, str | None] = field(default_factory=dict)


class _Tokenizer(HTMLParser):
    """Tokens with their offsets in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.lines = [0]
        for match in re.finditer("\n", source):
            self.lines.append(match.end())
        self.tokens: list[_Token] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def _tag(self, kind: str, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        self.tokens.append(_Token(kind, start, start + len(text), tag.lower(), dict(attrs)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.source.find(">", start)
        self.tokens.append(_Token("end", start, close + 1 if close >= 0 else len(self.source),
                                  tag.lower()))

    def handle_data(self, data: str) -> None:
        self.tokens.append(_Token("data", self._offset()))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(_Token("ref", self._offset()))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(_Token("ref", self._offset()))

    def _other(self) -> None:
        self.tokens.append(_Token("other", self._offset()))

    def parse_html_declaration(self, i: int) -> int:
        # "<![IIIICDATA[ x ]]>": html.parser asserts on a marked section it does not know;
        # HTML5 reads any "<![" other than CDATA as a bogus comment up to the next ">".
        raw = self.rawdata
        if raw.startswith("<![", i) and not raw.startswith("<![CDATA[", i):
            end = raw.find(">", i + 3)
            if end < 0:
                return -1
            self._other()
            return end + 1
        return int(super().parse_html_declaration(i))

    def parse_comment(self, i: int, report: bool = True) -> int:
        # HTML5 (and every browser) ends a comment at "-->" or "--!>", and "<!-->" and
        # "<!--->" are empty comments; html.parser knows only "-->", so text after a
        # "--!>" would be taken into the comment (or the comment into the text).
        raw = self.rawdata
        ends = [e for e in (raw.find("-->", i + 2), raw.find("--!>", i + 2)) if e >= 0]
        if not ends:
            return -1
        end = min(ends)
        if report:
            self.handle_comment(raw[i + 4:end])
        return end + (3 if raw.startswith("-->", end) else 4)

    def handle_comment(self, data: str) -> None:
        self._other()

    def handle_decl(self, decl: str) -> None:
        self._other()

    def handle_pi(self, data: str) -> None:
        self._other()

    def unknown_decl(self, data: str) -> None:
        self._other()

    def run(self) -> list[_Token]:
        self.feed(self.source)
        self.close()
        for token, following in zip(self.tokens, self.tokens[1:], strict=False):
            if token.end < 0:
                token.end = following.start
        if self.tokens and self.tokens[-1].end < 0:
            self.tokens[-1].end = len(self.source)
        return self.tokens


def _untranslatable(token: _Token) -> bool:
    classes = (token.attrs.get("class") or "").split()
    return (token.tag in SKIP or (token.attrs.get("translate") or "").lower() == "no"
            or "notranslate" in classes)


@dataclass
class _Edit:
    start: int
    end: int
    unit: int            # index into units
    kind: str            # text, attr
    lead: str = ""
    trail: str = ""
    inline: Inline | None = None
    code_starts: tuple[int, ...] = ()   # where each code's opening markup is in the source


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _Tokenizer(source).run()
        self.units: list[Unit] = []
        self.edits: list[_Edit] = []
        self.segment: list[_Token] = []
        self.html_tag: _Token | None = None

    def line(self, offset: int) -> int:
        return self.source.count("\n", 0, offset) + 1

    def read(self) -> None:
        k = 0
        while k < len(self.tokens):
            token = self.tokens[k]
            if token.kind in ("start", "startend") and token.tag == "html":
                self.html_tag = token
            if token.kind == "start" and _untranslatable(token) and token.tag not in VOID:
                end = self._matching_end(k)
                if token.tag in BLOCK:
                    self.flush()
                else:   # an untouched inline element: one atomic code in its sentence
                    self.segment.append(_Token("atomic", token.start, self.tokens[end].end))
                k = end + 1
                continue
            if token.kind in ("start", "startend"):
                self._attributes(token)
            if token.tag in BLOCK and token.kind in ("start", "end", "startend"):
                self.flush()
            elif token.kind == "other" and not self.segment:
                pass
            else:
                self.segment.append(token)
            k += 1
        self.flush()

    def _matching_end(self, k: int) -> int:
        tag, depth = self.tokens[k].tag, 0
        for j in range(k, len(self.tokens)):
            token = self.tokens[j]
            if token.tag == tag and token.kind == "start":
                depth += 1
            elif token.tag == tag and token.kind == "end":
                depth -= 1
                if depth == 0:
                    return j
        return len(self.tokens) - 1

    def _attributes(self, token: _Token) -> None:
        if _untranslatable(token):
            return
        raw = self.source[token.start:token.end]
        described = token.tag == "meta" and (
            (token.attrs.get("name") or token.attrs.get("property") or "").lower()
            in DESCRIPTIONS)
        for match in (CONTENT if described else ATTRIBUTES).finditer(raw):
            group = next(g for g in (2, 3, 4) if match.group(g) is not None)
            value = html.unescape(match.group(group))
            if not value.strip():
                continue
            start = token.start + match.start(group)
            end = token.start + match.end(group)
            if group != 4:   # the quotes belong to the replaced value
                start, end = start - 1, end + 1
            self.units.append(Unit(value.strip(), self.line(token.start)))
            self.edits.append(_Edit(start, end, len(self.units) - 1, "attr"))

    def flush(self) -> None:
        segment, self.segment = self.segment, []
        while segment and segment[-1].kind == "other":
            segment.pop()
        pieces: list[str] = []
        codes: list[Code] = []
        starts: list[int] = []
        atoms: list[tuple[str, str]] = []
        stack: list[tuple[str, int]] = []   # (tag, code index)
        opened: dict[int, tuple[int, _Token]] = {}
        for token in segment:
            raw = self.source[token.start:token.end]
            at = sum(map(len, pieces))
            if token.kind == "data" or (token.kind == "ref" and raw in _TEXT_REFS):
                pieces.append(html.unescape(raw))
            elif token.kind in ("ref", "atomic"):   # an entity or untouched inline element:
                # a protected token (an entity written as &raquo; stays &raquo;)
                atoms.append((f"<x{len(atoms) + 1}/>", raw))
                pieces.append(atoms[-1][0])
            elif token.kind == "start" and token.tag not in VOID:
                parent = stack[-1][1] if stack else None
                opened[len(codes)] = (at, token)
                codes.append(Code(at, at, raw, "", parent))
                starts.append(token.start)
                stack.append((token.tag, len(codes) - 1))
            elif token.kind == "end" and any(tag == token.tag for tag, _ in stack):
                while stack:
                    tag, index = stack.pop()
                    begin = opened[index][0]
                    closing = raw if tag == token.tag else ""
                    codes[index] = Code(begin, at, codes[index].open, closing,
                                        codes[index].parent)
                    if tag == token.tag:
                        break
            else:   # void elements, stray end tags, comments
                codes.append(Code(at, at, raw, "", stack[-1][1] if stack else None))
                starts.append(token.start)
        for _, index in stack:   # unclosed inline elements end with their block
            code = codes[index]
            codes[index] = Code(code.start, sum(map(len, pieces)), code.open, "", code.parent)
        text = "".join(pieces)
        words = text
        for placeholder, _ in atoms:
            words = words.replace(placeholder, "")
        if not any(ch.isalnum() for ch in words):
            return
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        shifted = tuple(Code(min(max(c.start - lead, 0), len(stripped)),
                             min(max(c.end - lead, 0), len(stripped)), c.open, c.close, c.parent)
                        for c in codes)
        escape = lambda s: html.escape(s, quote=False)   # noqa: E731
        self.units.append(Unit(stripped, self.line(segment[0].start)))
        self.edits.append(_Edit(segment[0].start, segment[-1].end, len(self.units) - 1, "text",
                                text[:lead], text[lead + len(stripped):],
                                Inline(stripped, shifted, escape, tuple(atoms)), tuple(starts)))


class HtmlFormat:
    name = "html"
    extensions = (".html", ".htm")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, None, f"file is {size / 1024 / 1024:.0f} MiB; HTML files "
                             f"over {MAX_BYTES // 1024 // 1024} MiB are refused (split it)")
        doc = parse_html(read_text(path), path)
        doc.newline = newline_of(path)
        return doc


def parse_html(source: str, path: Path | None = None) -> Document:
    """*source* (a file or a fragment such as the server's ``format: html`` text) as units
    and a renderer that puts translations back."""
    reader = _Reader(source)
    reader.read()
    units, edits = reader.units, sorted(reader.edits, key=lambda e: e.start)

    def render(translations: list[str], required: list[Required] | None = None) -> str:
        attrs = {e.start: (e.end, _attribute(translations[e.unit], units[e.unit].text,
                                             source[e.start:e.end]))
                 for e in edits if e.kind == "attr"}
        out: list[str] = []
        cursor = 0
        for edit in edits:
            if edit.start < cursor:   # an attribute of a tag inside a translated block
                continue
            translation = translations[edit.unit]
            if edit.kind == "attr":
                replacement = attrs[edit.start][1]
            elif translation == units[edit.unit].text and not _patched(edit, attrs, source):
                replacement = source[edit.start:edit.end]
            else:
                assert edit.inline is not None
                inline = _with_attributes(edit, attrs, source)
                needed = required[edit.unit] if required else []
                replacement = edit.lead + inline.render(translation, needed) + edit.trail
            out.append(source[cursor:edit.start])
            out.append(replacement)
            cursor = edit.end
        out.append(source[cursor:])
        text = "".join(out)
        changed = any(t != u.text for t, u in zip(translations, units, strict=True))
        return _set_lang(text, reader.html_tag, source) if changed else text

    return Document(path or Path("<html>"), units, render, render_inline=render)


def _attribute(translation: str, text: str, original: str) -> str:
    if translation == text:
        return original
    return '"' + html.escape(translation, quote=True) + '"'


def _patches(edit: _Edit, attrs: dict[int, tuple[int, str]], source: str
             ) -> list[tuple[int, int, str]]:
    return [(start, end, new) for start, (end, new) in attrs.items()
            if edit.start <= start < edit.end and new != source[start:end]]


def _patched(edit: _Edit, attrs: dict[int, tuple[int, str]], source: str) -> bool:
    return bool(_patches(edit, attrs, source))


def _with_attributes(edit: _Edit, attrs: dict[int, tuple[int, str]], source: str) -> Inline:
    """The block's codes with the translated attribute values of their tags."""
    assert edit.inline is not None
    patches = _patches(edit, attrs, source)
    if not patches:
        return edit.inline
    codes = []
    for code, origin in zip(edit.inline.codes, edit.code_starts, strict=True):
        opening = code.open
        for start, end, new in sorted(patches, reverse=True):
            if origin <= start and end <= origin + len(code.open):
                opening = opening[:start - origin] + new + opening[end - origin:]
        codes.append(replace(code, open=opening))
    return replace(edit.inline, codes=tuple(codes))


def _set_lang(text: str, tag: _Token | None, source: str) -> str:
    """``lang="vi"`` on the ``<html>`` tag (which is before any edit, so offsets hold)."""
    if tag is None:
        return text
    raw = source[tag.start:tag.end]
    match = LANG.search(raw)
    new = (raw[:match.start()] + 'lang="vi"' + raw[match.end():] if match
           else raw[:5] + ' lang="vi"' + raw[5:])
    return text[:tag.start] + new + text[tag.end:]


HTML = HtmlFormat()
