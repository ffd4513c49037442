"""Document formats for ``termtrans translate``: plain text, Markdown, PO, HTML,
Word (DOCX), XLIFF, SubRip subtitles, datasets of segments (JSON Lines, Parquet)."""

from __future__ import annotations

from pathlib import Path

from glossary.errors import ConfigError
from glossary.textio import pick_by_suffix
from translate.documents.base import Document, DocumentFormat, Unit
from translate.documents.docx import DOCX
from translate.documents.htmldoc import HTML
from translate.documents.jsonl import JSONL
from translate.documents.markdown import MD
from translate.documents.parquet import PARQUET
from translate.documents.po import PO
from translate.documents.subtitles import SRT
from translate.documents.txt import TXT
from translate.documents.xliff import XLIFF

FORMATS: dict[str, DocumentFormat] = {
    f.name: f for f in (TXT, MD, PO, HTML, DOCX, XLIFF, SRT, JSONL, PARQUET)}


def get_document_format(path: Path) -> DocumentFormat:
    fmt, suffix, known = pick_by_suffix(path, FORMATS)
    if fmt is not None:
        return fmt
    raise ConfigError(f"{path}: unsupported document type '{suffix or 'no suffix'}' "
                      f"(supported: {known})")


__all__ = ["FORMATS", "Document", "DocumentFormat", "Unit", "get_document_format"]
