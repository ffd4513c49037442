"""Document formats: each splits a file into text units and puts translations back.

A format's ``read(path)`` returns a :class:`Document`: the *units* to
translate (paragraphs, headings, list items, PO messages) and a ``render``
function that rebuilds the file around translated units. Sentence splitting,
batching, caching and verification happen once, in ``translate.jobs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from translate.quality.estimate import Quality


@dataclass
class Unit:
    """A piece of text to translate, and the line it comes from (for reports)."""

    text: str
    line: int
    #: PO flags (``c-format``…): which placeholder syntaxes the text declares.
    flags: tuple[str, ...] = ()


#: What each unit's translation was required to contain: (source text, target) pairs.
Required = list[tuple[str, str]]


@dataclass
class Document:
    path: Path
    units: list[Unit]
    #: The rebuilt file: text, or bytes for a binary format (DOCX).
    render: Callable[[list[str]], str | bytes]
    stats: dict[str, int] = field(default_factory=dict)
    #: Problems found while rendering, as (line, message): a translation the format could
    #: not take (a PO entry whose placeholders differ is left untranslated).
    refusals: list[tuple[int, str]] = field(default_factory=list)
    #: Formats that can say how good a translation is (PO comments, XLIFF states) record the
    #: quality estimate of each unit before rendering (None: not estimated).
    annotate: Callable[[list[Quality | None]], None] | None = None
    #: Formats with inline codes render with what each unit was required to contain
    #: (codes around a glossary term go around its target).
    render_inline: Callable[[list[str], list[Required]], str | bytes] | None = None
    #: The line end the file was written with; text formats read it as "\n" and are written
    #: back with it (a CRLF file stays CRLF).
    newline: str = "\n"


class DocumentFormat(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    def read(self, path: Path, overwrite: bool = False) -> Document: ...
