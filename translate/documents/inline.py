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

import bisect
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


class _Points:
    """Where a code may open (word starts) and close (word ends) in a translation."""

    def __init__(self, text: str, keep_whole: Sequence[tuple[int, int]] = ()) -> None:
        """Word edges of *text*; the spans in *keep_whole* (the required targets: a term
        is never split by a code) count as one word each."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        starts = [w[0] for w in words]
        covered: set[int] = set()
        merged = []
        for start, end in keep_whole:
            first = bisect.bisect_left(starts, start)
            last = first
            while last < len(words) and words[last][1] <= end:
                last += 1
            if last > first:
                covered.update(range(first, last))
                merged.append((start, end))
        self.words = sorted({w for k, w in enumerate(words) if k not in covered} | set(merged))
        self.word_starts = [w[0] for w in self.words]
        self.starts = sorted({0, len(text), *(w[0] for w in self.words)})
        self.ends = sorted({0, len(text), *(w[1] for w in self.words)})


class _Taken:
    """Sibling spans already placed, sorted by start with the running maximum of their
    ends: whether a new span crosses one is a binary search, not a scan (a paragraph of
    20,000 runs has 20,000 siblings). Codes come in source order, so a new span is
    nearly always appended and the running maximum extended by one."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.max_end: list[int] = []
        #: Words found crossing a sibling stay crossed (siblings are only added): skip
        #: links over them, one per direction, so a search passes each of them once.
        self.skip: tuple[dict[int, int], dict[int, int]] = ({}, {})

    def next_open(self, k: int, step: int) -> int:
        """Word index *k*, or the first one past the known-crossed run from it."""
        links = self.skip[step < 0]
        path = []
        while k in links:
            path.append(k)
            k = links[k]
        for seen in path:       # path compression: the next search jumps straight there
            links[seen] = k
        return k

    def close(self, k: int, step: int) -> None:
        """Word *k* crosses a sibling: searches in direction *step* skip it from now on."""
        self.skip[step < 0][k] = k + step

    def add(self, span: tuple[int, int]) -> None:
        k = bisect.bisect_right(self.starts, span[0])
        self.starts.insert(k, span[0])
        self.ends.insert(k, span[1])
        self.max_end[k:] = []
        running = self.max_end[-1] if self.max_end else -1
        for end in self.ends[k:]:
            running = max(running, end)
            self.max_end.append(running)

    def crosses(self, span: tuple[int, int]) -> bool:
        """Whether a sibling starts before *span* ends and ends after it starts."""
        k = bisect.bisect_left(self.starts, span[1]) - 1
        return k >= 0 and self.max_end[k] > span[0]


def _nearest(points: list[int], target: float, low: int, high: int) -> int:
    """The point in [low, high] nearest *target* (the lower one on a tie)."""
    first, last = bisect.bisect_left(points, low), bisect.bisect_right(points, high)
    if first >= last:
        return low
    k = min(max(bisect.bisect_left(points, target, first, last), first), last - 1)
    best = points[k]
    if k > first and abs(points[k - 1] - target) <= abs(best - target):
        best = points[k - 1]
    return best


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class _Haystack:
    """A translation folded once (NFC, case-insensitive) for every code's search."""

    def __init__(self, text: str) -> None:
        self.folded = nfc(text).casefold()
        #: Folding changed the length (rare letters): offsets would not match; no search.
        self.usable = len(self.folded) == len(text)

    def find(self, needle: str, low: int, high: int, taken: _Taken | None = None
             ) -> tuple[int, int] | None:
        """*needle* in ``text[low:high]``, not crossing *taken*."""
        if not needle.strip() or not self.usable:
            return None
        wanted = nfc(needle).casefold()
        at = self.folded.find(wanted, low, high)
        while at >= 0:
            span = (at, at + len(wanted))
            if taken is None or not taken.crosses(span):
                return span
            at = self.folded.find(wanted, at + 1, high)
        return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two sibling spans share a character (siblings must stay apart)."""
    return a[0] < b[1] and b[0] < a[1]


def place_codes(inline: Inline, translation: str, required: Sequence[tuple[str, str]] = ()
                ) -> list[tuple[int, int]]:
    """Where each code goes in *translation*: one (start, end) per code, in order (in
    time linear in the codes but for a binary search each)."""
    source = inline.text
    whole = _strip(source, 0, len(source))
    hay = _Haystack(translation)
    targets = [found for _, target in required
               if (found := hay.find(target, 0, len(translation))) is not None]
    by_span: dict[str, list[str]] = {}
    for span_text, target in required:
        by_span.setdefault(nfc(span_text).casefold(), []).append(target)
    points = _Points(translation, targets)
    placed: list[tuple[int, int]] = []
    siblings: dict[int | None, _Taken] = {}
    for code in inline.codes:
        low, high = (0, len(translation)) if code.parent is None else placed[code.parent]
        taken = siblings.setdefault(code.parent, _Taken())
        span = _place(code, source, translation, whole, by_span, hay, points, low, high,
                      taken)
        placed.append(span)
        taken.add(span)
    return placed


def _place(code: Code, source: str, translation: str, whole: tuple[int, int],
           by_span: dict[str, list[str]], hay: _Haystack, points: _Points,
           low: int, high: int, taken: _Taken) -> tuple[int, int]:
    inner = source[code.start:code.end]
    if code.whole:
        return 0, len(translation)
    if code.start != code.end:
        if _strip(source, code.start, code.end) == whole and code.parent is None:
            return _strip(translation, 0, len(translation)) if translation.strip() else (0, 0)
        for target in by_span.get(nfc(inner.strip()).casefold(), ()):
            found = hay.find(target, low, high, taken)
            if found:
                return found
        found = hay.find(inner.strip(), low, high, taken)
        if found and len(inner.strip()) > 1:
            return found
    ratio = len(translation) / max(1, len(source))
    start = _nearest(points.starts, code.start * ratio, low, high)
    if code.start == code.end:
        return start, start
    end = _nearest(points.ends, code.end * ratio, start, high)
    if end == start:   # keep at least one word inside a non-empty code
        k = bisect.bisect_right(points.ends, start)
        end = points.ends[k] if k < len(points.ends) and points.ends[k] <= high else start
    span = (start, end)
    if taken.crosses(span):
        span = _free_word(points, taken, code.start * ratio, low, high) or (start, start)
    return span


def _free_word(points: _Points, taken: _Taken, near: float, low: int, high: int
               ) -> tuple[int, int] | None:
    """The word in [low, high] crossing no sibling whose start is nearest *near* (the
    earlier one on a tie), searched outwards from *near*; words already found crossing
    are skipped, so all the searches of one unit together stay linear."""
    words = points.words
    middle = bisect.bisect_left(points.word_starts, near)
    found: list[tuple[int, int] | None] = []
    for step, k in ((-1, middle - 1), (1, middle)):
        hit = None
        while 0 <= k < len(words):
            k = taken.next_open(k, step)
            if not 0 <= k < len(words):
                break
            word = words[k]
            if (step < 0 and word[0] < low) or (step > 0 and word[0] > high):
                break
            if low <= word[0] and word[1] <= high:
                if not taken.crosses(word):
                    hit = word
                    break
                taken.close(k, step)
            k += step
        found.append(hit)
    left, right = found
    if left is None or (right is not None and abs(right[0] - near) < abs(left[0] - near)):
        return right
    return left


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
