"""XLIFF 1.2 and 2.0/2.1 files, read safely: the bilingual exchange format of CAT tools.

One reader serves ``termtrans check`` (source/target pairs) and the document
format that fills targets (:mod:`translate.documents.xliff`). The file first
goes through the same expat gate as TBX glossaries (entity declarations and
external entities refused), then the standard library's ElementTree parses it,
keeping mixed content (inline codes between text) in order.

Units: a 1.2 ``<trans-unit>`` (or each ``<mrk mtype="seg">`` of its
``<seg-source>``), a 2.x ``<segment>``. Plain text is the text of the source or
target with inline codes (``<g>``, ``<x/>``, ``<ph>``, ``<bpt>``, ``<pc>``,
``<sc/>``…) left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from glossary.checks.base import Segment
from glossary.errors import ParseError
from glossary.formats.tbx import parse_xml_safely
from glossary.textio import read_bytes

NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
NS_20 = "urn:oasis:names:tc:xliff:document:2.0"


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def plain_text(element: ET.Element | None) -> str:
    """The text of *element* without its inline codes' own content (``<ph>%s</ph>``)."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if local(child.tag) in ("g", "pc", "mrk"):
            parts.append(plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass
class XliffUnit:
    """One translatable piece: where its source is and where its target goes."""

    id: str
    line: int
    source: ET.Element           # the source (or the seg-source's mrk) element
    target: ET.Element | None    # the target (or the target's mrk) element, if present
    holder: ET.Element           # trans-unit (1.2) or segment (2.x)
    translate: bool = True

    @property
    def has_target(self) -> bool:
        return self.target is not None and bool(plain_text(self.target).strip())


@dataclass
class XliffFile:
    path: Path
    root: ET.Element
    version: str                 # "1.2" or "2.x"
    namespace: str
    units: list[XliffUnit]
    namespaces: list[tuple[str, str]]


def _lines(data: bytes, path: Path) -> tuple[list[int], list[int]]:
    """Line numbers of the file and unit elements in document order (ElementTree keeps
    none)."""
    root = parse_xml_safely(data, path)
    return ([e.line for e in root.iter("file")],
            [e.line for e in root.iter("trans-unit", "segment")])


def read_xliff(path: Path) -> XliffFile:
    """Parse *path*; refuse other language pairs, naming the file and line."""
    data = read_bytes(path)
    file_lines, lines = _lines(data, path)
    # UTF-8 whatever the declaration says (the safe parse above read the bytes as UTF-8): a
    # wrong declared encoding must not turn "quốc phòng" into mojibake, nor an unknown one
    # into a crash
    namespaces = [ns for _, ns in ET.iterparse(io.BytesIO(data), events=("start-ns",),
                                               parser=ET.XMLParser(encoding="utf-8"))]
    root = ET.fromstring(data, parser=ET.XMLParser(encoding="utf-8"))
    if local(root.tag) != "xliff":
        raise ParseError(path, 1, f"not an XLIFF file: root element is <{local(root.tag)}>")
    version = root.get("version", "")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if version.startswith("1."):
        units = _units_12(path, root, namespace, iter(file_lines), iter(lines))
        kind = "1.2"
    elif version.startswith("2."):
        _languages(path, root.get("srcLang"), root.get("trgLang"))
        units = _units_2x(root, namespace, iter(lines))
        kind = "2.x"
    else:
        raise ParseError(path, 1, f"unsupported XLIFF version '{version}' (1.2, 2.0, 2.1)")
    return XliffFile(path, root, kind, namespace, units,
                     [(str(p), str(u)) for p, u in namespaces])


def _languages(path: Path, source: str | None, target: str | None, line: int = 1) -> None:
    if source and not source.lower().startswith("en"):
        raise ParseError(path, line, f"source language is '{source}'; termtrans translates "
                         "en → vi")
    if target and not target.lower().startswith("vi"):
        raise ParseError(path, line, f"target language is '{target}'; termtrans translates "
                         "en → vi")


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name


def _units_12(path: Path, root: ET.Element, ns: str, file_lines: Iterator[int],
              line_of: Iterator[int]) -> list[XliffUnit]:
    units: list[XliffUnit] = []
    for file in root.iter(_q(ns, "file")):
        _languages(path, file.get("source-language"), file.get("target-language"),
                   next(file_lines, 0))
        for unit in file.iter(_q(ns, "trans-unit")):
            line = next(line_of, 0)
            source = unit.find(_q(ns, "source"))
            if source is None:
                raise ParseError(path, line, f"trans-unit '{unit.get('id')}' has no <source>")
            target = unit.find(_q(ns, "target"))
            translate = unit.get("translate", "yes") != "no"
            seg_source = unit.find(_q(ns, "seg-source"))
            marks = [m for m in seg_source.iter(_q(ns, "mrk")) if m.get("mtype") == "seg"] \
                if seg_source is not None else []
            if not marks:
                units.append(XliffUnit(unit.get("id", ""), line, source, target, unit,
                                       translate))
                continue
            targets = {m.get("mid"): m for m in target.iter(_q(ns, "mrk"))} \
                if target is not None else {}
            for mark in marks:
                units.append(XliffUnit(f"{unit.get('id', '')}#{mark.get('mid', '')}", line,
                                       mark, targets.get(mark.get("mid")), unit, translate))
    return units


def _units_2x(root: ET.Element, ns: str, line_of: Iterator[int]) -> list[XliffUnit]:
    units: list[XliffUnit] = []
    for unit in root.iter(_q(ns, "unit")):
        translate = unit.get("translate", "yes") != "no"
        for segment in unit.iter(_q(ns, "segment")):
            line = next(line_of, 0)
            source = segment.find(_q(ns, "source"))
            if source is None:
                continue
            units.append(XliffUnit(f"{unit.get('id', '')}/{segment.get('id', '')}", line,
                                   source, segment.find(_q(ns, "target")), segment, translate))
    return units


def xliff_segments(path: Path) -> list[Segment]:
    """Source/target pairs of the units that have a target, for ``termtrans check``."""
    return [Segment(str(path), unit.line, plain_text(unit.source), plain_text(unit.target))
            for unit in read_xliff(path).units if unit.has_target and unit.translate]
