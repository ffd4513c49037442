"""Sentence segmentation (pysbd, rule-based and tuned for English news) and safe
splitting of over-long sentences below the model's input limit."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

_BREAKS = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; whitespace between them is dropped."""
    if not text.strip():
        return []
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]


def split_long(sentence: str, length: Callable[[str], int], limit: int) -> list[str]:
    """Split *sentence* into pieces of at most *limit* tokens, preferring ``;``/``:``,
    then ``,``, then word boundaries; never truncates."""
    if length(sentence) <= limit:
        return [sentence]
    for pattern in _BREAKS:
        parts = [p for p in pattern.split(sentence) if p]
        if len(parts) < 2:
            continue
        pieces: list[str] = []
        current = ""
        for part in parts:
            candidate = f"{current} {part}" if current else part
            if current and length(candidate) > limit:
                pieces.append(current)
                current = part
            else:
                current = candidate
        if current:
            pieces.append(current)
        if len(pieces) > 1:
            return [q for p in pieces for q in split_long(p, length, limit)]
    # a single "word" longer than the limit: cut by characters
    half = max(1, len(sentence) // 2)
    return split_long(sentence[:half], length, limit) + split_long(sentence[half:], length, limit)


def join_pieces(text: str, pieces: Sequence[str], outputs: Sequence[str]) -> str:
    """The translations of *text*'s pieces, with the text's own whitespace kept around and
    between them (none where the source had none: ":.:" stays ":.:" through an identity
    translation; indentation and double spaces survive). Pieces are found in order, their
    inner whitespace matched loosely (long sentences are split and re-joined on spaces);
    if one cannot be found the outputs are joined with single spaces."""
    out: list[str] = []
    pos = 0
    for piece, translated in zip(pieces, outputs, strict=True):
        words = piece.split()
        found = (re.compile(r"\s+".join(map(re.escape, words))).search(text, pos)
                 if words else None)
        if found is None:
            return " ".join(outputs)
        out += [text[pos:found.start()], translated]
        pos = found.end()
    out.append(text[pos:])
    return "".join(out)
