"""XLIFF 1.2 and 2.0/2.1 (``.xlf``/``.xliff``): fill the targets, keep everything else.

Units without a target (all units with ``--overwrite``; never ``translate="no"``
ones) are translated; inline codes become codes of the unit
(:mod:`translate.documents.inline`) and are put back into the target as the
same elements: ``<g>``/``<pc>``/``<mrk>`` around the right words, empty codes
(``<x/>``, ``<ph>…</ph>``, ``<bpt>…</bpt>``, ``<sc/>``…) at the matching word
boundary. A 1.2 target gets ``state="needs-review-translation"`` with
``state-qualifier="mt-suggestion"`` (machine output awaiting review, as the PO
writer marks entries fuzzy); a 2.x segment gets ``state="translated"`` (2.x has
no review state below "reviewed"). Ids, notes and other attributes stay. The file
is re-serialised by ElementTree: an identity round trip differs by the filled
targets and by XML formatting details (quote style, the XML declaration).
"""

from __future__ import annotations

import copy
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from glossary.errors import ParseError
from glossary.xliff import XliffFile, XliffUnit, local, read_xliff
from translate.documents.base import Document, Required, Unit
from translate.documents.inline import Code, Inline
from translate.quality.estimate import Quality

PAIRED = frozenset({"g", "pc", "mrk"})


def _start_tag(element: ET.Element) -> str:
    attrs = "".join(f" {local(k)}={quoteattr(v)}" for k, v in element.attrib.items()
                    if not k.startswith("{") or k.startswith("{http://www.w3.org/XML/"))
    return f"<{local(element.tag)}{attrs}>"


def _empty_code(element: ET.Element) -> str:
    clone = copy.deepcopy(element)
    clone.tail = None
    return ET.tostring(clone, encoding="unicode")


def inline_of(element: ET.Element) -> Inline:
    """The plain text of a source element and its inline codes."""
    pieces: list[str] = []
    codes: list[Code] = []

    def walk(node: ET.Element, parent: int | None) -> None:
        pieces.append(node.text or "")
        for child in node:
            at = sum(map(len, pieces))
            if local(child.tag) in PAIRED:
                index = len(codes)
                codes.append(Code(at, at, _start_tag(child), f"</{local(child.tag)}>", parent))
                walk(child, index)
                code = codes[index]
                codes[index] = Code(code.start, sum(map(len, pieces)), code.open, code.close,
                                    parent)
            else:
                codes.append(Code(at, at, _empty_code(child), "", parent))
            pieces.append(child.tail or "")

    walk(element, None)
    text = "".join(pieces)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    shifted = tuple(Code(min(max(c.start - lead, 0), len(stripped)),
                         min(max(c.end - lead, 0), len(stripped)), c.open, c.close, c.parent)
                    for c in codes)
    return Inline(stripped, shifted, lambda s: escape(s))




class XliffFormat:
    name = "xliff"
    extensions = (".xlf", ".xliff")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        doc = read_xliff(path)
        todo = [u for u in doc.units if u.translate and (overwrite or not u.has_target)]
        inlines = [inline_of(u.source) for u in todo]
        units = [Unit(i.text, u.line) for u, i in zip(todo, inlines, strict=True)]

        def render(translations: list[str], required: list[Required] | None = None) -> str:
            for k, (unit, inline, text) in enumerate(zip(todo, inlines, translations,
                                                          strict=True)):
                markup = inline.render(text, required[k] if required else [])
                _fill(doc, unit, markup, path)
            return _serialise(doc)

        def annotate(qualities: list[Quality | None]) -> None:
            # one estimate per trans-unit or segment: its worst mark's (seg-source marks)
            holders: dict[int, tuple[XliffUnit, list[Quality]]] = {}
            for unit, estimate in zip(todo, qualities, strict=True):
                entry = holders.setdefault(id(unit.holder), (unit, []))
                if estimate is not None:
                    entry[1].append(estimate)
            for unit, estimates in holders.values():
                _note_quality(doc, unit, Quality.combined(estimates))

        return Document(path, units, render, {"units": len(doc.units), "skipped":
                                              len(doc.units) - len(todo)},
                        render_inline=render, annotate=annotate)


def _note_quality(doc: XliffFile, unit: XliffUnit, estimate: Quality | None) -> None:
    """The estimate of a unit below good, where XLIFF keeps such things: a 1.2 ``<note
    from="termtrans">``, a 2.x segment's ``subState="termtrans:review"``."""
    if estimate is None or str(estimate.label) == "good":
        return
    flags = f"; {', '.join(estimate.flags)}" if estimate.flags else ""
    if doc.version != "1.2":
        unit.holder.set("subState", f"termtrans:{estimate.label}")
        return
    ns = doc.namespace
    note = ET.Element(f"{{{ns}}}note" if ns else "note",
                      {"from": "termtrans", "priority": "1" if str(estimate.label) == "bad"
                       else "3"})
    note.text = f"estimated quality {estimate.label} (score {estimate.score}{flags})"
    children = list(unit.holder)
    alt = next((k for k, c in enumerate(children) if local(c.tag) == "alt-trans"),
               len(children))
    note.tail = children[alt - 1].tail if alt else None
    unit.holder.insert(alt, note)


def _fill(doc: XliffFile, unit: XliffUnit, markup: str, path: Path) -> None:
    ns = doc.namespace
    try:
        fragment = ET.fromstring(f'<target xmlns="{ns}">{markup}</target>' if ns
                                 else f"<target>{markup}</target>")
    except ET.ParseError as exc:   # only if a code's markup could not be rebuilt
        raise ParseError(path, unit.line, f"cannot rebuild the target of unit '{unit.id}': "
                         f"{exc}") from None
    target = unit.target
    if target is None:
        target = _new_target(doc, unit)
    target.text = fragment.text
    for child in list(target):
        target.remove(child)
    for child in fragment:
        target.append(child)
    if doc.version == "1.2":
        holder_target = unit.holder.find(f"{{{ns}}}target" if ns else "target")
        if holder_target is not None:
            holder_target.set("state", "needs-review-translation")
            holder_target.set("state-qualifier", "mt-suggestion")
    else:
        unit.holder.set("state", "translated")


def _new_target(doc: XliffFile, unit: XliffUnit) -> ET.Element:
    """Create the target element of *unit* (for seg-source marks: its mrk in the target)."""
    ns = doc.namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    holder = unit.holder
    target = holder.find(q("target"))
    if target is None:
        target = ET.Element(q("target"))
        after = holder.find(q("seg-source")) if doc.version == "1.2" else None
        anchor = after if after is not None else holder.find(q("source"))
        children = list(holder)
        position = children.index(anchor) + 1 if anchor is not None else len(children)
        target.tail = anchor.tail if anchor is not None else None
        holder.insert(position, target)
    if local(unit.source.tag) == "mrk":   # a seg-source mark: its own mrk in the target
        mark = ET.SubElement(target, q("mrk"), dict(unit.source.attrib))
        mark.tail = unit.source.tail
        unit.target = mark
        return mark
    unit.target = target
    return target


def _serialise(doc: XliffFile) -> str:
    for prefix, uri in doc.namespaces:
        ET.register_namespace(prefix, uri)
    body = ET.tostring(doc.root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


XLIFF = XliffFormat()
