"""TMX 1.4b translation memories: read (as a memory or as a glossary) and write.

Read through the same expat gate as TBX and XLIFF (entity declarations and
external entities refused, nesting capped), then ElementTree for the segments'
mixed content. UTF-8 and UTF-16 (with its byte-order mark, which the TMX spec
allows) are accepted. A ``<seg>``'s text keeps ``<hi>``/``<sub>`` content and
leaves out native codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from glossary.errors import ParseError
from glossary.formats.tbx import parse_xml_safely
from glossary.normalize import nfc
from glossary.textio import read_bytes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>")


@dataclass(frozen=True)
class MemoryUnit:
    source: str
    target: str
    line: int
    props: tuple[tuple[str, str], ...] = ()


def _utf8(data: bytes) -> bytes:
    """UTF-16 (by its byte-order mark) re-encoded as UTF-8 with its declaration adjusted."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16").encode("utf-8")
        return _DECLARATION.sub(b'<?xml version="1.0" encoding="UTF-8"?>', text, count=1)
    return data


def _seg_text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if child.tag.rsplit("}", 1)[-1] not in _CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: Path, source_lang: str = "en", target_lang: str = "vi") -> list[MemoryUnit]:
    """The units of *path* that have both languages (first variant of each)."""
    try:
        data = _utf8(read_bytes(path))
    except UnicodeDecodeError as exc:
        raise ParseError(path, None, f"not valid UTF-16: {exc.reason}") from None
    light = parse_xml_safely(data, path)
    if light.tag != "tmx":
        raise ParseError(path, light.line, f"not a TMX file: root element is <{light.tag}>")
    lines = [e.line for e in light.iter("tu")]
    root = ET.fromstring(data)
    units: list[MemoryUnit] = []
    for tu, line in zip(root.iter("tu"), lines, strict=False):
        texts: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]
            texts.setdefault(lang, _seg_text(tuv.find("seg")))
        if texts.get(source_lang, "").strip() and texts.get(target_lang, "").strip():
            props = tuple((p.get("type", ""), p.text or "") for p in tu.iter("prop"))
            units.append(MemoryUnit(texts[source_lang], texts[target_lang], line, props))
    if not units:
        raise ParseError(path, None, f"no translation units with both {source_lang} and "
                         f"{target_lang} text")
    return units


def memory_key(text: str) -> str:
    """How memory lookups compare sources: NFC, whitespace collapsed (case kept)."""
    return " ".join(nfc(text).split())


def load_memories(paths: Iterable[Path]) -> dict[str, str]:
    """Source → target from several TMX files (the first file to hold a source wins)."""
    memory: dict[str, str] = {}
    for path in paths:
        for unit in read_tmx(Path(path)):
            memory.setdefault(memory_key(unit.source), nfc(unit.target))
    return memory


def write_tmx(units: Iterable[MemoryUnit], stream: IO[str], tool_version: str) -> int:
    """Write TMX 1.4b; returns the number of units."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                 f'  <header creationtool="termtrans" creationtoolversion={quoteattr(tool_version)}'
                 ' segtype="sentence" o-tmf="termtrans" adminlang="en" srclang="en" '
                 'datatype="plaintext"/>\n  <body>\n')
    count = 0
    for unit in units:
        count += 1
        props = "".join(f"      <prop type={quoteattr(kind)}>{escape(value)}</prop>\n"
                        for kind, value in unit.props)
        stream.write(f"    <tu>\n{props}"
                     f'      <tuv xml:lang="en"><seg>{escape(unit.source)}</seg></tuv>\n'
                     f'      <tuv xml:lang="vi"><seg>{escape(unit.target)}</seg></tuv>\n'
                     "    </tu>\n")
    stream.write("  </body>\n</tmx>\n")
    return count
