"""TBX glossaries: TBX-Basic (``martif``/``termEntry``/``langSet``/``tig``) and TBX v3
core (``tbx``/``conceptEntry``/``langSec``/``termSec``).

Parsed with the standard library's expat parser directly, refusing entity
declarations (billion-laughs / quadratic-blowup attacks) and external
entities, and recording each element's line for error messages.

Mapping: every English term of an entry is a source variant; the Vietnamese
``preferredTerm-admn-sts`` (else the first non-deprecated) term is the target,
other admitted terms are variants, ``deprecatedTerm``/``supersededTerm``
terms are forbidden variants; a ``definition``/``note`` becomes the note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET
from xml.parsers import expat

from glossary.errors import ParseError
from glossary.formats.base import RawGlossary
from glossary.model import Entry, Glossary
from glossary.textio import decode_utf8, read_bytes

_FORBIDDEN_STATUS = {"deprecatedterm-admn-sts", "supersededterm-admn-sts", "deprecated",
                     "superseded"}
_PREFERRED_STATUS = {"preferredterm-admn-sts", "preferred"}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join([*self.text_parts, *(c.text() for c in self.children)]).strip()

    def iter(self, *tags: str) -> list[_Element]:
        found = []
        for child in self.children:
            if child.tag in tags:
                found.append(child)
            found.extend(child.iter(*tags))
        return found


#: Real TBX/XLIFF files nest a dozen elements deep; a cap keeps hostile files (and the
#: recursive walks over the tree) bounded.
MAX_DEPTH = 100


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def parse_xml_safely(data: bytes, path: Path) -> _Element:
    """Parse XML into light elements; refuse DTD entities and external references."""
    # encoding="UTF-8" overrides the document's declaration: the bytes were checked as UTF-8,
    # and a file declaring ISO-8859-1 must not turn "quốc phòng" into "quá»c phÃ²ng".
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    root: list[_Element] = []

    def refuse_entity(name: str, *_: object) -> None:
        raise ParseError(path, parser.CurrentLineNumber,
                         f"XML entity declaration '{name}' refused (entities can be used for "
                         "expansion attacks; remove the DTD's internal subset)")

    def refuse_external(*_: object) -> int:
        raise ParseError(path, parser.CurrentLineNumber, "external XML entity refused")

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise ParseError(path, parser.CurrentLineNumber,
                             f"XML nested deeper than {MAX_DEPTH} elements")
        element = _Element(_local(name), {_local(k): v for k, v in attrs.items()},
                           parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    decode_utf8(data, path)  # located error for bad bytes; expat would give a vaguer one
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ParseError(path, exc.lineno, f"XML syntax error: {expat.ErrorString(exc.code)}"
                         ) from None
    if not root:
        raise ParseError(path, None, "no XML root element")
    return root[0]


def _lang(element: _Element) -> str:
    return element.attrs.get("lang", "").lower()


#: TBX has no standard case-sensitivity category; this private one (``x-`` prefix, as
#: TBX allows) carries the glossary's flag through a round trip.
CASE_NOTE = "x-caseSensitive"


class TbxFormat:
    name = "tbx"
    extensions = (".tbx", ".xml")

    def read(self, path: Path) -> RawGlossary:
        data = read_bytes(path)
        root = parse_xml_safely(data, path)
        if root.tag not in ("martif", "tbx"):
            raise ParseError(path, root.line, f"not a TBX file: root element is <{root.tag}>, "
                             "expected <martif> or <tbx>")
        entries: list[Entry] = []
        for concept in root.iter("termEntry", "conceptEntry"):
            entries.extend(self._concept(path, concept))
        return RawGlossary(entries, "en", "vi")

    def _concept(self, path: Path, concept: _Element) -> list[Entry]:
        sources: list[tuple[str, int]] = []
        targets: list[tuple[str, str, int]] = []
        case_sensitive = False
        for lang_set in concept.iter("langSet", "langSec"):
            lang = _lang(lang_set)
            for holder in lang_set.iter("tig", "ntig", "termSec"):
                terms = holder.iter("term")
                if not terms:
                    continue
                text = terms[0].text()
                status = ""
                for note in holder.iter("termNote"):
                    if note.attrs.get("type") == "administrativeStatus":
                        status = note.text().lower()
                    elif note.attrs.get("type") == CASE_NOTE:
                        case_sensitive |= note.text().strip().lower() in ("yes", "true", "1")
                if lang.startswith("en"):
                    if status not in _FORBIDDEN_STATUS:
                        sources.append((text, terms[0].line))
                elif lang.startswith("vi"):
                    targets.append((text, status, terms[0].line))
        if not sources:
            raise ParseError(path, concept.line, "TBX entry has no English (en) term")
        allowed = [t for t in targets if t[1] not in _FORBIDDEN_STATUS]
        if not allowed:
            raise ParseError(path, concept.line, "TBX entry has no usable Vietnamese (vi) term")
        preferred = next((t for t in allowed if t[1] in _PREFERRED_STATUS), allowed[0])
        variants = tuple(t[0] for t in allowed if t is not preferred)
        forbidden = tuple(t[0] for t in targets if t[1] in _FORBIDDEN_STATUS)
        notes = [d.text() for d in concept.iter("descrip", "note")
                 if d.tag == "note" or d.attrs.get("type") in ("definition", "context")]
        note_text = "; ".join(n for n in notes if n)
        return [Entry(text, preferred[0], variants, forbidden, case_sensitive, note_text, line)
                for text, line in sources]

    def write(self, glossary: Glossary, stream: IO[str]) -> None:
        """Write TBX-Basic (``martif``), the dialect most CAT tools import."""
        root = ET.Element("martif", {"type": "TBX-Basic", "xml:lang": glossary.source_lang})
        body = ET.SubElement(ET.SubElement(root, "text"), "body")
        for number, term in enumerate(glossary, start=1):
            entry = ET.SubElement(body, "termEntry", {"id": f"c{number}"})
            if term.note:
                ET.SubElement(entry, "descrip", {"type": "definition"}).text = term.note
            self._lang_set(entry, glossary.source_lang, [(s, "") for s in term.sources],
                           term.case_sensitive)
            self._lang_set(entry, glossary.target_lang,
                           [(term.target, "preferredTerm-admn-sts"),
                            *((v, "admittedTerm-admn-sts") for v in term.variants),
                            *((v, "deprecatedTerm-admn-sts") for v in term.forbidden)])
        ET.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(root, encoding="unicode"))
        stream.write("\n")

    @staticmethod
    def _lang_set(entry: ET.Element, lang: str, terms: list[tuple[str, str]],
                  case_sensitive: bool = False) -> None:
        lang_set = ET.SubElement(entry, "langSet", {"xml:lang": lang})
        for text, status in terms:
            tig = ET.SubElement(lang_set, "tig")
            ET.SubElement(tig, "term").text = text
            if status:
                ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
            if case_sensitive:
                ET.SubElement(tig, "termNote", {"type": CASE_NOTE}).text = "yes"


TBX = TbxFormat()
