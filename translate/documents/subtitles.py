"""SubRip subtitles (``.srt``): each cue's text translated, timing untouched.

A cue's lines are one unit (a sentence often runs over both lines); the
translation is broken again into as many lines as the cue had, at the word
boundaries that balance their lengths. Cue numbers, timing lines and blank lines
stay byte for byte; timestamps are validated with the ``srt`` library, and a bad
one is an error naming its line.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from glossary.errors import InputError
from glossary.textio import newline_of, read_text, split_lines
from translate.deps import require
from translate.documents.base import Document, Unit

_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)(.*)$")


def balance(text: str, lines: int) -> list[str]:
    """*text* broken into *lines* lines of similar length at spaces (fewer if it has
    fewer words). Each line takes the cut whose length is nearest an equal share of what
    is left, found by binary search over the words' running lengths (a 1,000-line cue
    took 192 s when every cut was measured by joining the words again)."""
    words = text.split()
    if lines <= 1 or len(words) <= 1:
        return [text]
    # edge[i]: length of " ".join(words[:i]) plus one (the space after it)
    edge = [0]
    for word in words:
        edge.append(edge[-1] + len(word) + 1)
    out: list[str] = []
    first = 0
    for left in range(lines, 1, -1):
        goal = (edge[-1] - edge[first] - 1) / left
        # the cut (1 .. words left - 1) whose line length is nearest goal; the smaller on a tie
        low, high = first + 1, len(words) - 1
        k = min(max(bisect.bisect_left(edge, edge[first] + 1 + goal, low, high + 1), low), high)
        best = k
        if k > low and abs(edge[k - 1] - edge[first] - 1 - goal) <= \
                abs(edge[k] - edge[first] - 1 - goal):
            best = k - 1
        out.append(" ".join(words[first:best]))
        first = best
        if len(words) - first <= 1:
            break
    out.append(" ".join(words[first:]))
    return [line for line in out if line]


class SubRipFormat:
    name = "srt"
    extensions = (".srt",)

    def read(self, path: Path, overwrite: bool = False) -> Document:
        srt = require("srt", "reading subtitles")
        text = read_text(path)
        lines = split_lines(text)
        cues: list[tuple[int, int]] = []   # (first text line index, count)
        units: list[Unit] = []
        k = 0
        while k < len(lines):
            if not lines[k].strip():
                k += 1
                continue
            timing_at = k + 1 if lines[k].strip().isdigit() else k
            match = _TIMING.match(lines[timing_at]) if timing_at < len(lines) else None
            if match is None:
                raise InputError(path, timing_at + 1, "expected a cue timing line "
                                 "('00:00:01,000 --> 00:00:02,500')")
            for stamp in match.group(1, 2):
                try:
                    srt.srt_timestamp_to_timedelta(stamp)
                except (ValueError, OverflowError, srt.TimestampParseError):
                    raise InputError(path, timing_at + 1, f"bad timestamp '{stamp}'") from None
            first = end = timing_at + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            if end > first:
                cues.append((first, end - first))
                units.append(Unit(" ".join(line.strip() for line in lines[first:end]),
                                  first + 1))
            k = end
        final_newline = text.endswith("\n")

        def render(translations: list[str]) -> str:
            out = list(lines)
            for (first, count), unit, translation in zip(cues, units, translations,
                                                         strict=True):
                if translation == unit.text:
                    continue
                out[first:first + count] = (balance(translation, count)
                                            + [""] * count)[:count]
            kept = [line for n, line in enumerate(out) if not _dropped(n, cues, out)]
            return "\n".join(kept) + ("\n" if final_newline and kept else "")

        return Document(path, units, render, newline=newline_of(path))


def _dropped(n: int, cues: list[tuple[int, int]], out: list[str]) -> bool:
    """A cue line left empty because the translation needed fewer lines."""
    return not out[n] and any(first <= n < first + count for first, count in cues)


SRT = SubRipFormat()
