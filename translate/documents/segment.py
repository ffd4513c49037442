"""Segmentation: sentences (pysbd, rule-based and tuned for English news), over-long
sentences split below the model's input limit, and :class:`Segmenter`, the one policy
every entry point (files, the Python API, the server) cuts text with."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from glossary.errors import InputError
from glossary.matching import TermMatcher

#: Source tokens a piece may have at most (the model's own limit where that is lower):
#: a small model's output degrades long before its position limit.
MAX_SOURCE_TOKENS = 200

_BREAKS = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


#: pysbd's time grows with the square of the text's length (a 2,000-sentence line took
#: 18 s, 4,000 about 70 s): a longer text is segmented a window at a time.
WINDOW = 3000


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; whitespace between them is dropped.

    In linear time: a text longer than :data:`WINDOW` characters is segmented a window
    at a time, every sentence but the window's last kept and the next window started at
    that last sentence (which the window may have cut), so the result is pysbd's own
    wherever a sentence is shorter than a window.
    """
    if not text.strip():
        return []
    segmenter = _segmenter()
    out: list[str] = []
    start = 0
    while len(text) - start > WINDOW:
        pieces = [p for p in segmenter.segment(text[start:start + WINDOW]) if p.strip()]
        if len(pieces) < 2:             # one sentence longer than a window: cut at a space
            cut = text.rfind(" ", start, start + WINDOW)
            cut = cut if cut > start else start + WINDOW
            out.append(text[start:cut].strip())
            start = cut
            continue
        kept = pieces[:-1]
        out += [p.strip() for p in kept]
        last = text.find(pieces[-1].strip(), start + sum(map(len, kept)) - len(kept[-1]))
        start = last if last > start else start + sum(map(len, kept))
    out += [s.strip() for s in segmenter.segment(text[start:]) if s.strip()]
    return out


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


#: Stands for a space inside a glossary term while long sentences are cut (a private-use
#: character: no text holds it, no cut pattern matches it).
_JOIN = "\ue000"


def _unmask(text: str) -> str:
    return text.replace(_JOIN, " ")


class SourceModel(Protocol):
    """What segmentation needs of a model: how long a text is in its tokens, and its limit."""

    @property
    def max_source_tokens(self) -> int: ...

    def source_length(self, text: str) -> int: ...


@dataclass(frozen=True)
class Segmenter:
    """How text is cut for the model, the same for files, the API and the server:
    sentences, then pieces of at most :attr:`limit` tokens. A cut through a glossary term
    is refused: no piece would hold the term, so it could not be enforced, and a run that
    reported 0 issues over it would be lying."""

    length: Callable[[str], int]
    limit: int
    matcher: TermMatcher | None = None

    @classmethod
    def for_model(cls, model: SourceModel, matcher: TermMatcher | None = None) -> Segmenter:
        return cls(model.source_length, min(MAX_SOURCE_TOKENS, model.max_source_tokens),
                   matcher)

    def pieces(self, text: str, *, path: str | Path = "<text>", line: int | None = None
               ) -> list[str]:
        """The pieces of one unit of *text* (a paragraph, a line), in order. A long
        sentence is cut at a boundary outside its glossary terms; only a term longer than
        the model's whole input could still be cut, and that is an :class:`InputError`
        naming *path* and *line*."""
        sentences = split_sentences(text)
        pieces = [piece for sentence in sentences for piece in self._split(sentence)]
        if self.matcher is not None and len(pieces) > len(sentences):
            whole = self.matcher.find(text)
            kept = sum(len(self.matcher.find(piece)) for piece in pieces)
            if kept < len(whole):
                term = max(whole, key=lambda m: m.end - m.start).text
                raise InputError(path, line, f"a sentence longer than the model's input "
                                 f"({self.limit} tokens) had to be cut through the glossary "
                                 f"term {term[:40]!r}…, which could not be enforced; shorten "
                                 "the sentence or the term")
        return pieces

    def _split(self, sentence: str) -> list[str]:
        """*sentence* in pieces below the limit, never cut inside a glossary term: the
        spaces of the terms it holds are masked while the cut points are chosen."""
        if self.matcher is None or self.length(sentence) <= self.limit:
            return split_long(sentence, self.length, self.limit)
        masked = list(sentence)
        for match in self.matcher.find(sentence):
            for k in range(match.start, match.end):
                if masked[k].isspace():
                    masked[k] = _JOIN
        joined = "".join(masked)
        if joined == sentence:
            return split_long(sentence, self.length, self.limit)
        parts = split_long(joined, lambda t: self.length(_unmask(t)), self.limit)
        return [_unmask(part) for part in parts]

    def lines(self, text: str, *, path: str | Path = "<text>") -> list[list[str]]:
        """Per line of *text*, its pieces (a line break is never crossed)."""
        return [self.pieces(line, path=path, line=n)
                for n, line in enumerate(text.split("\n"), 1)]

    def translate(self, text: str, translate: Callable[[list[str]], Sequence[str]]) -> str:
        """*text* cut into pieces, translated by *translate*, joined with its whitespace."""
        pieces = self.pieces(text)
        return join_pieces(text, pieces, translate(pieces))
