"""Plain text: one output line per input line, so aligned test sets stay aligned;
blank lines are kept."""

from __future__ import annotations

from pathlib import Path

from glossary.textio import newline_of, read_text, split_lines
from translate.documents.base import Document, Unit


class TextFormat:
    name = "txt"
    extensions = (".txt", ".en", ".text")

    def read(self, path: Path, overwrite: bool = False) -> Document:
        text = read_text(path)
        lines = split_lines(text)
        units = [Unit(line, n) for n, line in enumerate(lines, start=1) if line.strip()]
        final_newline = text.endswith("\n")

        def render(translations: list[str]) -> str:
            done = iter(translations)
            out = [next(done) if line.strip() else line for line in lines]
            return "\n".join(out) + ("\n" if final_newline and out else "")

        return Document(path, units, render, newline=newline_of(path))


TXT = TextFormat()
