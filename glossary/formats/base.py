"""The glossary format interface: each format reads rows and may write a glossary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from glossary.model import Entry, Glossary


@dataclass(frozen=True)
class RawGlossary:
    """What a reader returns: rows plus the language pair if the file declares one."""

    entries: list[Entry]
    source_lang: str | None = None
    target_lang: str | None = None
    #: How the file was read, where it was not obvious (a detected delimiter, an export).
    notes: tuple[str, ...] = ()


class GlossaryFormat(Protocol):
    """A glossary file format. ``write`` may raise ConfigError if unsupported."""

    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...

    def read(self, path: Path) -> RawGlossary: ...

    def write(self, glossary: Glossary, stream: IO[str]) -> None: ...
