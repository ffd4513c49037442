"""Inline markup (bold, links, HTML inline tags, XLIFF codes): one mechanism for every format.

A unit with inline markup is read as *plain text* plus :class:`Code` spans over
it. The plain text is translated as a whole sentence — the model sees no markup,
so word order can move across it — and the codes are put back around the
matching words of the translation by :func:`place_codes`, in this order of
evidence (each is documented in the README):

1. a code around the whole unit keeps wrapping the whole translation;
2. a code around a glossary term, code or number wraps that item's required
   target (the constraint the decoder was given, so it is in the output);
3. a code around text that the translation repeats verbatim (names, URLs)
   wraps that text;
4. otherwise the code goes to the word boundaries at the same relative
   position in the translation (empty codes such as ``<br>`` likewise).

Every code is placed exactly once: none is dropped or duplicated, nesting is
kept (an inner code stays inside its outer one), and siblings never cross.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from glossary.normalize import nfc

_WORD = re.compile(r"\w[\w'’\-./:]*", re.UNICODE)


@dataclass(frozen=True)
class Code:
    """Markup around ``text[start:end]`` of the plain text (``start == end``: an empty
    code such as ``<br>``); *open*/*close* are the format's raw markup, kept verbatim."""

    start: int
    end: int
    open: str
    close: str = ""
    parent: int | None = None   # index of the enclosing code
    #: Around the whole translation, punctuation included (a shortcode's own lines), not
    #: only its words (emphasis around a whole sentence leaves the full stop outside).
    whole: bool = False


@dataclass(frozen=True)
class Inline:
    """A unit's plain text and its codes, and how the format escapes text."""

    text: str
    codes: tuple[Code, ...]
    escape: Callable[[str], str] = field(default=lambda s: s, compare=False)
    #: Untouched inline content (``<code>…</code>``) stands in the text as a protected
    #: placeholder token, translated like a word and verified like a placeholder:
    #: (token, raw markup) pairs. A token the translation lost goes at its end.
    atoms: tuple[tuple[str, str], ...] = ()

    def render(self, translation: str, required: Sequence[tuple[str, str]] = ()) -> str:
        """The translation with every code put back (see the module's rules)."""
        spans = place_codes(self, translation, required)
        out = assemble(translation, self.codes, spans, self.escape)
        for token, raw in self.atoms:
            escaped = self.escape(token)
            at = out.find(escaped)
            if at < 0:
                out += raw
                continue
            rest = out[at + len(escaped):].replace(escaped, "")
            before = out[:at]
            if raw.startswith("\n"):       # a kept line break: no space before it
                before = before.rstrip(" ")
            if raw.endswith("\n"):         # …nor after it
                rest = rest.lstrip(" ")
            out = before + raw + rest
        return out


@dataclass(frozen=True)
class _Points:
    """Where a code may open (word starts) and close (word ends) in a translation."""

    starts: list[int]
    ends: list[int]
    words: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str, keep_whole: Sequence[tuple[int, int]] = ()) -> _Points:
        """Word edges of *text*; the spans in *keep_whole* (the required targets: a term
        is never split by a code) count as one word each."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        for start, end in keep_whole:
            inside = [w for w in words if start <= w[0] and w[1] <= end]
            if inside:
                words = [w for w in words if w not in inside] + [(start, end)]
        words.sort()
        return cls(sorted({0, len(text), *(w[0] for w in words)}),
                   sorted({0, len(text), *(w[1] for w in words)}), words)


def _nearest(points: list[int], target: float, low: int, high: int) -> int:
    allowed = [p for p in points if low <= p <= high] or [low]
    return min(allowed, key=lambda p: (abs(p - target), p))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _find(haystack: str, needle: str, low: int, high: int, taken: list[tuple[int, int]]
          ) -> tuple[int, int] | None:
    """*needle* in ``haystack[low:high]`` (case-insensitive, NFC), not crossing *taken*."""
    if not needle.strip():
        return None
    folded, wanted = nfc(haystack).casefold(), nfc(needle).casefold()
    if len(folded) != len(haystack):
        return None
    at = folded.find(wanted, low, high)
    while at >= 0:
        span = (at, at + len(wanted))
        if not any(_overlaps(span, t) for t in taken):
            return span
        at = folded.find(wanted, at + 1, high)
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two sibling spans share a character (siblings must stay apart)."""
    return a[0] < b[1] and b[0] < a[1]


def place_codes(inline: Inline, translation: str, required: Sequence[tuple[str, str]] = ()
                ) -> list[tuple[int, int]]:
    """Where each code goes in *translation*: one (start, end) per code, in order."""
    source = inline.text
    whole = _strip(source, 0, len(source))
    targets = [found for _, target in required
               if (found := _find(translation, target, 0, len(translation), [])) is not None]
    points = _Points.of(translation, targets)
    placed: list[tuple[int, int]] = []
    for code in inline.codes:
        low, high = (0, len(translation)) if code.parent is None else placed[code.parent]
        siblings = [placed[k] for k, other in enumerate(inline.codes[:len(placed)])
                    if other.parent == code.parent]
        placed.append(_place(code, source, translation, whole, required, points, low, high,
                             siblings))
    return placed


def _place(code: Code, source: str, translation: str, whole: tuple[int, int],
           required: Sequence[tuple[str, str]], points: _Points,
           low: int, high: int, siblings: list[tuple[int, int]]) -> tuple[int, int]:
    inner = source[code.start:code.end]
    if code.whole:
        return 0, len(translation)
    if code.start != code.end:
        if _strip(source, code.start, code.end) == whole and code.parent is None:
            return _strip(translation, 0, len(translation)) if translation.strip() else (0, 0)
        for span_text, target in required:
            if nfc(span_text).casefold() == nfc(inner.strip()).casefold():
                found = _find(translation, target, low, high, siblings)
                if found:
                    return found
        found = _find(translation, inner.strip(), low, high, siblings)
        if found and len(inner.strip()) > 1:
            return found
    ratio = len(translation) / max(1, len(source))
    start = _nearest(points.starts, code.start * ratio, low, high)
    if code.start == code.end:
        return start, start
    end = _nearest(points.ends, code.end * ratio, start, high)
    if end == start:   # keep at least one word inside a non-empty code
        later = [p for p in points.ends if start < p <= high]
        end = later[0] if later else start
    span = (start, end)
    if any(_overlaps(span, other) for other in siblings):
        free = [w for w in points.words if low <= w[0] and w[1] <= high
                and not any(_overlaps(w, other) for other in siblings)]
        near = code.start * ratio
        span = min(free, key=lambda w: abs(w[0] - near)) if free else (start, start)
    return span


def _depth(codes: Sequence[Code], k: int) -> int:
    depth, parent = 0, codes[k].parent
    while parent is not None:
        depth, parent = depth + 1, codes[parent].parent
    return depth


def assemble(translation: str, codes: Sequence[Code], spans: Sequence[tuple[int, int]],
             escape: Callable[[str], str]) -> str:
    """The translation's text (escaped) with each code's markup inserted at its span.

    At one offset: closings of codes that end there, then empty codes, then openings
    (outer first), then the closings of codes placed with nothing inside (inner first),
    so that every code's markup nests as it did in the source.
    """
    inserts: list[tuple[int, int, int, int, str]] = []   # (offset, group, order, k, markup)
    for k, (code, (start, end)) in enumerate(zip(codes, spans, strict=True)):
        depth = _depth(codes, k)
        if start == end and not code.close:
            inserts.append((start, 1, 0, k, code.open))
            continue
        inserts.append((start, 2, depth, k, code.open))
        inserts.append((end, 3 if start == end else 0, -depth, -k, code.close))
    inserts.sort()
    out: list[str] = []
    cursor = 0
    for offset, _, _, _, markup in inserts:
        if offset > cursor:
            out.append(escape(translation[cursor:offset]))
            cursor = offset
        out.append(markup)
    out.append(escape(translation[cursor:]))
    return "".join(out)


__all__ = ["Code", "Inline", "assemble", "place_codes"]
