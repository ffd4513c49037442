"""Read translated segments to check: aligned line files or PO files."""

from __future__ import annotations

from pathlib import Path

from glossary.checks.base import Segment
from glossary.formats.po import load_po, po_units
from glossary.textio import read_aligned


def read_parallel(source: str | Path, translation: str | Path) -> list[Segment]:
    """Pair line *i* of *source* with line *i* of *translation*.

    Different line counts are an error, never a silent truncation: a missing
    or extra line shifts every pair after it.
    """
    src, tgt = read_aligned(source, translation)
    return [Segment(str(translation), n, s, t, str(source), n)
            for n, (s, t) in enumerate(zip(src, tgt, strict=True), start=1)
            if s.strip() or t.strip()]


def read_po(path: str | Path,
            include_fuzzy: bool = False) -> tuple[list[Segment], dict[str, int]]:
    """Translated units of a PO file (with their flags, which say which placeholders apply),
    and counts of skipped (fuzzy, untranslated) entries."""
    units, skipped = po_units(load_po(path), include_fuzzy)
    return [Segment(str(path), u.line, u.source, u.target, flags=u.flags,
                    waived=u.waived)
            for u in units], skipped
