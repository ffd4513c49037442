"""Word documents (``.docx``), read and written with python-docx.

* Units: every paragraph with text — in the body, in table cells (nested tables
  too), and in the headers and footers a section defines (linked ones belong to
  an earlier section). Footnotes, comments and text boxes are left as they are:
  python-docx does not reach them. A unit's "line" in reports is the
  paragraph's number in that order.
* Inline formatting: runs of the same formatting form one span, a hyperlink
  another; the longest plainly formatted span is the paragraph's base and the
  others become inline codes (:mod:`translate.documents.inline`), put back
  around the right words of the translation and rebuilt as runs with their
  original formatting (a hyperlink keeps its target; its text takes the
  formatting of its first run). Tabs and line breaks inside text runs stay, as
  runs of their own placed among the translated words.
* Untouched: paragraph properties and styles; runs holding anything but text
  (images, fields, footnote references) and other inline
  elements (bookmarks, content controls, tracked changes) are kept verbatim, as
  empty codes placed at the matching position of the translation — never
  dropped or duplicated.
* Refused with a one-line error: a file that is not a zip package, one without
  its main document part, an encrypted (password-protected) document, and a
  package whose parts unpack to more than 200 MiB.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glossary.errors import InputError
from glossary.textio import read_bytes
from translate.deps import require
from translate.documents.base import Document, Required, Unit
from translate.documents.inline import Code, Inline

MAX_UNPACKED = 200 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Run children a text run may hold: text, and tabs and breaks (kept as their own runs,
#: placed among the translated words). Anything else makes the run verbatim content.
_TEXT_CHILDREN = frozenset((f"{W}rPr", f"{W}t", f"{W}lastRenderedPageBreak", f"{W}tab",
                            f"{W}br", f"{W}cr"))
#: Markers for the codes in an assembled translation: private-use characters that
#: cannot occur in the text (removed from it when read).
_OPEN, _ATOM, _CLOSE = 0xF0000, 0xF8000, "\U000FFFFD"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class _Span:
    """Consecutive text of one formatting: its run properties and its hyperlink, if any."""

    rpr: Any
    link: Any
    text: str


@dataclass
class _Paragraph:
    element: Any
    spans: list[_Span]
    #: verbatim inline content and the text offset it stood at
    atoms: list[tuple[int, Any]]
    inline: Inline


class DocxFormat:
    name = "docx"
    extensions = (".docx",)

    def read(self, path: Path, overwrite: bool = False) -> Document:
        data = read_bytes(path)
        doc = _open(path, data)
        if doc.element.body is None:
            raise InputError(path, None, "word/document.xml has no <w:body>: not a Word "
                             "document that can be translated")
        paragraphs = [p for p in (_paragraph(el) for el in _paragraph_elements(doc)) if p]
        units = [Unit(p.inline.text, n) for n, p in enumerate(paragraphs, 1)]

        def render(translations: list[str], required: list[Required] | None = None) -> bytes:
            if all(t == u.text for t, u in zip(translations, units, strict=True)):
                return data          # nothing changed: the file as it was, byte for byte
            for n, (para, translation) in enumerate(zip(paragraphs, translations, strict=True)):
                needed = required[n] if required else []
                _rebuild(para, translation, needed)
            buffer = io.BytesIO()
            doc.save(buffer)
            return _fixed_timestamps(buffer.getvalue())

        return Document(path, units, render, render_inline=render)


#: Every entry of a written package gets this time: the same translation is the same bytes
#: (zipfile would stamp each entry with the current time).
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _fixed_timestamps(package: bytes) -> bytes:
    """*package* re-zipped with fixed entry times, entries and compression kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


DOCX = DocxFormat()


def _open(path: Path, data: bytes) -> Any:
    docx = require("docx", "translating Word documents")
    if data[:8] == _OLE_MAGIC:
        raise InputError(path, None, "encrypted (password-protected) or legacy .doc file; "
                         "save it unprotected as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, None, f"not a DOCX file (not a zip package: {exc})") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(path, None, f"unpacks to {unpacked / 1024 / 1024:.0f} MiB; DOCX "
                         f"files over {MAX_UNPACKED // 1024 // 1024} MiB are refused")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise InputError(path, None, "not a DOCX file: the package has no main document "
                         "part (word/document.xml)")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:   # python-docx raises KeyError, ValueError, lxml errors…
        raise InputError(path, None, f"cannot read the DOCX file: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                         ) from None


def _paragraph_elements(doc: Any) -> Iterator[Any]:
    """Paragraph elements in reading order: body (tables included), then each
    section's own headers and footers."""
    yield from _paragraphs_in(doc.element.body)
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if not part.is_linked_to_previous:
                yield from _paragraphs_in(part._element)


def _paragraphs_in(container: Any) -> Iterator[Any]:
    """Every ``w:p`` under *container*, in document order, tables included."""
    yield from container.iter(f"{W}p")


def _is_text_run(element: Any) -> bool:
    return element.tag == f"{W}r" and all(child.tag in _TEXT_CHILDREN for child in element)


def _clean(text: str) -> str:
    """*text* without the private-use characters the codes are marked with."""
    return "".join(ch for ch in text if not 0xF0000 <= ord(ch) <= 0x10FFFF)


def _paragraph(element: Any) -> _Paragraph | None:
    """A paragraph's spans, atoms and inline codes; None when it has no text."""
    spans: list[_Span] = []
    atoms: list[tuple[int, Any]] = []
    offset = 0

    def add(run: Any, link: Any) -> None:
        nonlocal offset
        rpr = run.find(f"{W}rPr")
        for part in run:
            if part.tag in (f"{W}rPr", f"{W}lastRenderedPageBreak"):
                continue
            if part.tag != f"{W}t":      # a tab or a break: its own run, placed like a code
                atoms.append((offset, _run_of(rpr, part)))
                continue
            text = _clean(part.text or "")
            if not text:
                continue
            if spans and spans[-1].link is link and _key(spans[-1].rpr) == _key(rpr):
                spans[-1].text += text
            else:
                spans.append(_Span(rpr, link, text))
            offset += len(text)

    for child in element:
        if child.tag == f"{W}pPr":
            continue
        if _is_text_run(child):
            add(child, None)
        elif child.tag == f"{W}hyperlink" and len(child) and all(_is_text_run(r) for r in child):
            for run in child:
                add(run, child)
        else:
            atoms.append((offset, child))
    text = "".join(s.text for s in spans)
    if not text.strip():
        return None
    return _Paragraph(element, spans, atoms, _inline(spans, atoms, text))


def _key(rpr: Any) -> bytes:
    from lxml import etree

    return b"" if rpr is None else etree.tostring(rpr)


def _base(spans: list[_Span]) -> int | None:
    """The longest span outside hyperlinks: its formatting is the paragraph's base."""
    plain = [k for k, s in enumerate(spans) if s.link is None]
    return max(plain, key=lambda k: len(spans[k].text)) if plain else None


def _inline(spans: list[_Span], atoms: list[tuple[int, Any]], text: str) -> Inline:
    """Codes for the spans formatted unlike the base (text in the base's formatting is
    just text), and an empty code per atom."""
    base = _base(spans)
    plain = None if base is None else _key(spans[base].rpr)
    codes: list[Code] = []
    at = 0
    for k, span in enumerate(spans):
        if span.link is not None or _key(span.rpr) != plain:
            codes.append(Code(at, at + len(span.text), chr(_OPEN + k), _CLOSE))
        at += len(span.text)
    codes += [Code(offset, offset, chr(_ATOM + k)) for k, (offset, _) in enumerate(atoms)]
    return Inline(text, tuple(codes))


def _rebuild(para: _Paragraph, translation: str, required: Required) -> None:
    """Replace the paragraph's content with runs of the translation, codes put back."""
    if translation == para.inline.text:
        return
    marked = para.inline.render(_clean(translation), required)
    base = _base(para.spans)
    element = para.element
    for child in list(element):
        if child.tag != f"{W}pPr":
            element.remove(child)
    current: list[int] = []
    text: list[str] = []
    filled: set[int] = set()

    def flush(keep_empty: bool = False) -> None:
        if not text and not keep_empty:
            return
        k = current[-1] if current else base
        if k is not None:
            filled.add(k)
        span = para.spans[k] if k is not None else None
        run = _new_run(span.rpr if span is not None else None, "".join(text))
        if span is not None and span.link is not None:
            link = copy.deepcopy(span.link)
            for old in list(link):
                link.remove(old)
            link.append(run)
            run = link
        element.append(run)
        text.clear()

    for ch in marked:
        point = ord(ch)
        if ch == _CLOSE:
            # a hyperlink whose words all went elsewhere is still kept, empty
            flush(keep_empty=bool(current) and current[-1] not in filled
                  and para.spans[current[-1]].link is not None)
            if current:
                current.pop()
        elif _ATOM <= point < _ATOM + len(para.atoms):
            flush()
            element.append(para.atoms[point - _ATOM][1])
        elif _OPEN <= point < _OPEN + len(para.spans):
            flush()
            current.append(point - _OPEN)
        else:
            text.append(ch)
    flush()


def _run_of(rpr: Any, content: Any) -> Any:
    """A run of *rpr*'s formatting holding a copy of *content* (a tab, a break)."""
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    run.append(copy.deepcopy(content))
    return run


def _new_run(rpr: Any, text: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = OxmlElement("w:t")
    t.text = text
    if text != text.strip():
        t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run
