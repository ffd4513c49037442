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

from glossary.amounts import source_amounts, source_dates
from glossary.codes import find_codes
from glossary.errors import InputError
from glossary.matching import TermMatcher
from glossary.placeholders import find_placeholders

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


#: What pysbd may cut at: sentence punctuation, line breaks, quotes (not apostrophes inside
#: words), and the brackets and list markers of its enumeration rules. A text with none of
#: these but one final full stop (or ? ! …) is one sentence, without asking pysbd: checked
#: against it on 60,698 such lines of the shared corpora (FLORES, ALT, IWSLT, software
#: text), all equal, and by tests/test_fuzz.py; most lines of a sentence-per-line dataset
#: are such lines, and pysbd was most of a large job's planning time.
_CUT_CHARS = re.compile(r"[.!?。．！？…\n\r\u2028\u2029()\[\]\-•*\"“”«»‘]"
                        r"|(?<![^\W\d_])['’]|['’](?![^\W\d_])")
#: The final punctuation, with spaces before it but no line break (pysbd cuts "a\n." in two).
_TAIL = re.compile(r"[^\S\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*[.!?。．！？…]?\s*\Z")


def _one_sentence(text: str) -> bool:
    body = text[:_TAIL.search(text).start()]   # type: ignore[union-attr]
    return _CUT_CHARS.search(body) is None


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; whitespace between them is dropped.

    In linear time: a text longer than :data:`WINDOW` characters is segmented a window
    at a time, every sentence but the window's last kept and the next window started at
    that last sentence (which the window may have cut), so the result is pysbd's own
    wherever a sentence is shorter than a window.
    """
    if not text.strip():
        return []
    if _one_sentence(text):
        return [text.strip()]
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


def split_long(sentence: str, length: Callable[[str], int], limit: int,
               hard: int | None = None) -> list[str]:
    """Split *sentence* into pieces of at most *limit* tokens, preferring ``;``/``:``,
    then ``,``, then word boundaries; never truncates. A single "word" over *limit* (a
    long URL) is cut by characters only when it is over *hard* too (the model's own
    input limit, when *limit* is only a preference)."""
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
            return [q for p in pieces for q in split_long(p, length, limit, hard)]
    # a single "word" longer than the limit: kept whole below the hard limit, else cut by
    # characters
    if hard is not None and length(sentence) <= hard:
        return [sentence]
    half = max(1, len(sentence) // 2)
    return (split_long(sentence[:half], length, limit, hard)
            + split_long(sentence[half:], length, limit, hard))


def join_pieces(text: str, pieces: Sequence[str], outputs: Sequence[str]) -> str:
    """The translations of *text*'s pieces, with the text's own whitespace kept around and
    between them (none where the source had none: ":.:" stays ":.:" through an identity
    translation; indentation and double spaces survive). Pieces are found in order, their
    inner whitespace matched loosely (long sentences are split and re-joined on spaces);
    if one cannot be found the outputs are joined with single spaces."""
    out: list[str] = []
    pos = 0
    for piece, translated in zip(pieces, outputs, strict=True):
        span = _find_piece(text, piece, pos)
        if span is None:
            return " ".join(outputs)
        out += [text[pos:span[0]], translated]
        pos = span[1]
    out.append(text[pos:])
    return "".join(out)


def _find_piece(text: str, piece: str, pos: int) -> tuple[int, int] | None:
    """Where *piece* sits in *text* from *pos*, its inner whitespace matched loosely.

    Most pieces follow the previous one verbatim after some whitespace: that is checked
    without a regular expression (a pattern per piece overflowed ``re``'s cache and was
    most of a large job's writing time). No loose match can start inside that whitespace,
    and where the verbatim piece matches there the loose pattern matches the same span.
    """
    ahead = text[pos:pos + 64]
    start = pos + len(ahead) - len(ahead.lstrip())
    if piece and not text[start:start + 1].isspace() and text.startswith(piece, start):
        return start, start + len(piece)
    words = piece.split()
    found = re.compile(r"\s+".join(map(re.escape, words))).search(text, pos) if words \
        else None
    return None if found is None else (found.start(), found.end())


#: Stands for a space inside a glossary term while long sentences are cut (a private-use
#: character: no text holds it, no cut pattern matches it).
_JOIN = "\ue000"


def _unmask(text: str) -> str:
    return text.replace(_JOIN, " ")


class SourceModel(Protocol):
    """What segmentation needs of a model: how long a text is in its tokens, and its limit."""

    @property
    def max_source_tokens(self) -> int: ...

    #: The model card's longest piece, if it says (None: the input limit alone).
    piece_tokens: int | None

    def source_length(self, text: str) -> int: ...


@dataclass(frozen=True)
class Segmenter:
    """How text is cut for the model, the same for files, the API, the server and Ray:
    sentences, then pieces of at most :attr:`limit` tokens, cut outside glossary terms and
    what the decoder must keep. A cut that would still go through a term (one longer than
    the model's whole input) is refused: no piece would hold the term, so it could not be
    enforced, and a run that reported 0 issues over it would be lying."""

    length: Callable[[str], int]
    limit: int
    matcher: TermMatcher | None = None
    #: The model's input limit when *limit* is only a preference (a model card's piece
    #: length): one word longer than *limit* but not than this is never cut.
    hard: int | None = None

    @classmethod
    def for_model(cls, model: SourceModel, matcher: TermMatcher | None = None) -> Segmenter:
        """The segmenter for *model*: pieces below its input limit (and :data:`MAX_SOURCE_TOKENS`),
        and below the piece length its card asks for."""
        limit = min(MAX_SOURCE_TOKENS, model.max_source_tokens)
        preferred = min(limit, model.piece_tokens or limit)
        return cls(model.source_length, preferred, matcher,
                   limit if preferred < limit else None)

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
                                 f"({self.hard or self.limit} tokens) had to be cut through "
                                 "the glossary "
                                 f"term {term[:40]!r}…, which could not be enforced; shorten "
                                 "the sentence or the term")
        return pieces

    def _split(self, sentence: str) -> list[str]:
        """*sentence* in pieces below the limit, never cut inside a glossary term, an
        amount, a date, a code or a placeholder: their spaces are masked while the cut
        points are chosen."""
        # a URL or placeholder is copied, not translated: against a model card's piece
        # length it counts as one token ("Source: <a 60-token URL>" stays one piece)
        length = self.length if self.hard is None else self._copy_aware_length
        if length(sentence) <= self.limit:
            return [sentence]
        if self.matcher is None:
            return split_long(sentence, length, self.limit, self.hard)
        masked = list(sentence)
        for start, end in self._kept_whole(sentence):
            for k in range(start, end):
                if masked[k].isspace():
                    masked[k] = _JOIN
        parts = split_long("".join(masked), lambda t: length(_unmask(t)), self.limit,
                           self.hard)
        return [_unmask(part) for part in parts]

    def _copy_aware_length(self, text: str) -> int:
        copied = find_placeholders(text)
        if not copied:
            return self.length(text)
        out, at = [], 0
        for span in copied:
            out += [text[at:span.start], "x"]
            at = span.end
        out.append(text[at:])
        return self.length("".join(out))

    def _kept_whole(self, sentence: str) -> list[tuple[int, int]]:
        """Spans a cut must not go through: glossary terms, and what the decoder is
        required to keep — amounts with their scale and unit, dates, codes, placeholders,
        URLs."""
        assert self.matcher is not None
        spans = [(m.start, m.end) for m in self.matcher.find(sentence)]
        spans += [(a.start, a.end) for a in source_amounts(sentence)]
        spans += [(d.start, d.end) for d in source_dates(sentence)]
        spans += [(c.start, c.end) for c in find_codes(sentence)]
        spans += [(p.start, p.end) for p in find_placeholders(sentence)]
        return spans

    def lines(self, text: str, *, path: str | Path = "<text>") -> list[list[str]]:
        """Per line of *text*, its pieces (a line break is never crossed)."""
        return [self.pieces(line, path=path, line=n)
                for n, line in enumerate(text.split("\n"), 1)]

    def translate(self, text: str, translate: Callable[[list[str]], Sequence[str]]) -> str:
        """*text* cut into pieces, translated by *translate*, joined with its whitespace."""
        pieces = self.pieces(text)
        return join_pieces(text, pieces, translate(pieces))
