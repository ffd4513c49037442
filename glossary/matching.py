"""Term matching over English text, and term finding in Vietnamese text.

Hand-written because no maintained library does what is needed here at once:
token-level (word-boundary safe) matching on *folded* keys (case, typographic
apostrophes, British/American spelling), explicit English plural rules,
leftmost-longest selection among overlapping terms, pattern-recognised
document codes, and spans mapped back to the user's text. A token trie makes
the cost per segment proportional to its length, not to the glossary size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from glossary.codes import find_references
from glossary.model import KIND_CODE, Glossary, Term, en_key, vi_key
from glossary.normalize import fold_en_token, fold_vi_token, nfc, tokenize

_IRREGULAR_PLURALS = {
    "person": ("persons", "people"), "people": ("person", "persons"),
    "persons": ("person", "people"), "man": ("men",), "men": ("man",),
    "woman": ("women",), "women": ("woman",), "child": ("children",),
    "children": ("child",),
}


def number_forms(word: str) -> tuple[str, ...]:
    """Singular/plural alternatives of an English noun, by explicit rules.

    Only the last word of a term is inflected ("prestigious person" →
    "prestigious persons"/"prestigious people"). Wrong guesses are harmless:
    they only add keys that never occur in text.
    """
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    if not lower.isalpha() or len(lower) < 3:
        return ()
    forms: list[str] = []
    if lower.endswith("ies") and len(lower) > 4:
        forms.append(lower[:-3] + "y")
    elif lower.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.append(lower[:-2])
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        forms.append(lower[:-1])
    if lower.endswith("y") and lower[-2] not in "aeiou":
        forms.append(lower[:-1] + "ies")
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(lower + "es")
    else:
        forms.append(lower + "s")
    return tuple(forms)


@dataclass(frozen=True)
class Match:
    """A term occurrence in a source text: character span (NFC offsets) and term."""

    start: int
    end: int
    text: str
    term: Term


@lru_cache(maxsize=200_000)
def _fold_en(token: str) -> str:
    return fold_en_token(token)


@lru_cache(maxsize=200_000)
def _fold_vi(token: str) -> str:
    return fold_vi_token(token)


class _Node:
    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        # (term, exact key for case-sensitive terms or None, explicit?)
        self.entries: list[tuple[Term, tuple[str, ...] | None]] = []


class TermMatcher:
    """Find glossary terms and document references in English text.

    Build once per glossary (cost ~ total size of the sources), then call
    :meth:`find` per segment.
    """

    def __init__(self, glossary: Glossary | Iterable[Term], *, inflect: bool = True,
                 references: bool = True) -> None:
        self._root = _Node()
        self._references = references
        terms = list(glossary)
        explicit: set[tuple[str, ...]] = set()
        for term in terms:
            for source in term.sources:
                key = en_key(source)
                explicit.add(key)
                self._insert(key, term, en_key(source, True) if term.case_sensitive else None)
        if inflect:
            for term in terms:
                if term.case_sensitive:
                    continue
                for source in term.sources:
                    tokens = [t.text for t in tokenize(source)]
                    for form in number_forms(tokens[-1]):
                        key = en_key(" ".join([*tokens[:-1], form]))
                        if key not in explicit:
                            explicit.add(key)
                            self._insert(key, term, None)

    def _insert(self, key: tuple[str, ...], term: Term, exact: tuple[str, ...] | None) -> None:
        node = self._root
        for token in key:
            node = node.children.setdefault(token, _Node())
        node.entries.append((term, exact))

    def find(self, text: str) -> list[Match]:
        """Leftmost-longest, non-overlapping matches in *text* (offsets into NFC text)."""
        text = nfc(text)
        tokens = tokenize(text)
        folded = [_fold_en(t.text) for t in tokens]
        candidates: list[Match] = []
        i = 0
        n = len(tokens)
        while i < n:
            node = self._root
            best: tuple[int, Term] | None = None
            j = i
            while j < n:
                child = node.children.get(folded[j])
                if child is None:
                    break
                node = child
                j += 1
                for term, exact in node.entries:
                    if exact is not None and tuple(
                            fold_en_token(t.text, True) for t in tokens[i:j]) != exact:
                        continue
                    best = (j, term)
                    break
            if best is None:
                i += 1
                continue
            end, term = best
            start_char, end_char = tokens[i].start, tokens[end - 1].end
            candidates.append(Match(start_char, end_char, text[start_char:end_char], term))
            i = end
        if self._references:
            for ref in find_references(text):
                term = Term((ref.text,), ref.target, ref.variants, kind=KIND_CODE)
                candidates.append(Match(ref.start, ref.end, ref.text, term))
        return _select(candidates)


def _select(candidates: list[Match]) -> list[Match]:
    """Keep the leftmost-longest non-overlapping matches; glossary terms win ties."""
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start), m.term.kind == KIND_CODE))
    chosen: list[Match] = []
    last_end = -1
    for match in candidates:
        if match.start >= last_end:
            chosen.append(match)
            last_end = match.end
    return chosen


# --- Vietnamese side ---------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A rendering of a term found in a translation (NFC offsets)."""

    start: int
    end: int
    text: str
    form: str


class TargetText:
    """A translation prepared for repeated term look-ups.

    Occurrences are *claimed* as they are assigned to source terms, so one
    Vietnamese span is never credited to two source occurrences (e.g.
    "dân tộc thiểu số" inside "vùng đồng bào dân tộc thiểu số"). Look-ups go
    through an index of first tokens with a cursor per form, so finding every
    occurrence of a form costs time linear in the text, even in 1 MB lines.
    """

    def __init__(self, text: str) -> None:
        self.text = nfc(text)
        self.tokens = tokenize(self.text)
        self.folded = [_fold_vi(t.text) for t in self.tokens]
        self._claimed = [False] * len(self.tokens)
        self._index: dict[str, list[int]] = {}
        for i, token in enumerate(self.folded):
            self._index.setdefault(token, []).append(i)
        self._cursor: dict[tuple[tuple[str, ...], tuple[str, ...] | None], int] = {}

    def _usable(self, i: int, key: tuple[str, ...], exact: tuple[str, ...] | None) -> bool:
        m = len(key)
        if tuple(self.folded[i:i + m]) != key or any(self._claimed[i:i + m]):
            return False
        return exact is None or tuple(fold_vi_token(t.text, True)
                                      for t in self.tokens[i:i + m]) == exact

    def _next(self, key: tuple[str, ...], exact: tuple[str, ...] | None) -> int | None:
        """First usable position of *key*; skipped positions stay unusable forever
        (a mismatch is permanent and so is a claim), so the cursor only moves on."""
        if not key:
            return None
        candidates = self._index.get(key[0], [])
        k = self._cursor.get((key, exact), 0)
        while k < len(candidates) and not self._usable(candidates[k], key, exact):
            k += 1
        self._cursor[(key, exact)] = k
        return candidates[k] if k < len(candidates) else None

    def find(self, form: str, case_sensitive: bool = False, claim: bool = True) -> Found | None:
        """Find the first unclaimed occurrence of *form*; claim it unless told not to."""
        key = vi_key(form)
        exact = vi_key(form, True) if case_sensitive else None
        i = self._next(key, exact)
        if i is None:
            return None
        j = i + len(key)
        if claim:
            for k in range(i, j):
                self._claimed[k] = True
        start, end = self.tokens[i].start, self.tokens[j - 1].end
        return Found(start, end, self.text[start:end], form)

    def count(self, form: str, case_sensitive: bool = False) -> int:
        """Unclaimed, non-overlapping occurrences of *form* (claims nothing)."""
        key = vi_key(form)
        exact = vi_key(form, True) if case_sensitive else None
        count = 0
        last_end = -1
        for i in self._index.get(key[0], []) if key else []:
            if i >= last_end and self._usable(i, key, exact):
                count += 1
                last_end = i + len(key)
        return count


def concept_mentions(source: str, matches: list[Match]) -> list[Match]:
    """*matches* with parenthesised restatements of the concept just named dropped.

    In "national defence - security (NDS)" the acronym restates the concept and a
    translation renders it once ("quốc phòng, an ninh (QP-AN)"): one required
    occurrence, not two. Rows that share a target are one concept even where
    they differ in case sensitivity, so the comparison is by target.
    """
    kept: list[Match] = []
    for match in matches:
        if kept and vi_key(kept[-1].term.target) == vi_key(match.term.target):
            between = source[kept[-1].end:match.start]
            if between.strip() == "(" and source[match.end:match.end + 1] == ")":
                continue
        kept.append(match)
    return kept
