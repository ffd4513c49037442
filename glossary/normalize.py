"""Normalisation for matching and comparison, and detection of text traps.

Two rules govern this module:

* Comparison happens on *folded keys*, never on rewritten user text. Folding
  makes equal what a reader considers equal (NFC/NFD, ``hoà``/``hòa``,
  ``’``/``'``, ``defence``/``defense``) while the user's own text is left
  byte-for-byte as written.
* What cannot be folded safely is *reported*: NFD input, look-alike letters
  (``Ð`` U+00D0 instead of ``Đ`` U+0110, Cyrillic ``а`` inside a Latin word),
  invisible characters, and which tone-mark placement style a text uses.

Tone-mark styles. For the open syllables ending in ``oa``, ``oe`` and ``uy``
Vietnamese writers place the tone mark on either vowel. Following this
project's data notes we call tone-on-the-last-vowel (``hoà``, ``thuý``,
``khoẻ``) the *old* style and tone-on-the-first-vowel (``hòa``, ``thúy``,
``khỏe``) the *new* style; be aware that some references use the opposite
names. NFC does not unify the two, so both are folded to one key for matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

# Combining tone marks of Vietnamese (NFD): huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_SET = frozenset(TONE_MARKS)
_VOWELS = frozenset("aăâeêioôơuưy")

_PUNCT_FOLD = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})

TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC, the form every comparison uses."""
    return unicodedata.normalize("NFC", text)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def fold_punctuation(text: str) -> str:
    """Map typographic apostrophes, quotes, dashes and odd spaces to ASCII."""
    return text.translate(_PUNCT_FOLD)


class Token(NamedTuple):
    """A word or punctuation token of an NFC text, with its character span."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split NFC text into word and single-punctuation tokens.

    Matching works on token sequences, so ``No.06-NQ/TU`` and ``No. 06-NQ/TU``
    or ``heart-and-mind`` and ``heart - and - mind`` compare equal, and a term
    can never match inside a longer word.
    """
    # findall + str.find instead of match objects: a third faster, and every check of a
    # segment tokenizes (12,000 paragraphs checked: 1.8 s of 7.4 s were this line)
    tokens = []
    new = tuple.__new__
    end = 0
    for word in TOKEN_RE.findall(text):
        start = text.find(word, end)
        end = start + len(word)
        tokens.append(new(Token, (word, start, end)))
    return tokens


# --- Vietnamese -------------------------------------------------------------

def split_tone(word: str) -> tuple[str, str, int | None]:
    """Split a word into (toneless NFC base, tone mark or "", index of toned letter)."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = ""
    tone_index: int | None = None
    letters = -1
    base_chars: list[str] = []
    for ch in decomposed:
        if ch in _TONE_SET:
            tone = ch
            tone_index = letters
            continue
        if not unicodedata.combining(ch):
            letters += 1
        base_chars.append(ch)
    return nfc("".join(base_chars)), tone, tone_index


def fold_vi_token(token: str, case_sensitive: bool = False) -> str:
    """Fold a Vietnamese token so both tone-mark placements give one key.

    A syllable carries one tone, so (base letters, tone) identifies it exactly
    whatever vowel the mark sits on.
    """
    token = fold_punctuation(token)
    if not case_sensitive:
        token = token.lower()
    base, tone, _ = split_tone(token)
    return f"{base}{'#' + tone if tone else ''}"


class ToneStyle(StrEnum):
    OLD = "old"   # hoà, thuý, khoẻ
    NEW = "new"   # hòa, thúy, khỏe


@lru_cache(maxsize=50_000)
def word_tone_style(word: str) -> ToneStyle | None:
    """Which placement style an ``oa``/``oe``/``uy`` open syllable uses, if any."""
    base, tone, index = split_tone(word.lower())
    if not tone or index is None or len(base) < 2:
        return None
    tail = base[-2:]
    if tail not in ("oa", "oe", "uy"):
        return None
    if len(base) >= 3 and base[-3] == "q":   # "quý", "quà": u belongs to qu
        return None
    if len(base) >= 3 and base[-3] in _VOWELS:  # "ngoài"-like triphthongs are not ambiguous
        return None
    if index == len(base) - 1:
        return ToneStyle.OLD
    if index == len(base) - 2:
        return ToneStyle.NEW
    return None


_WORD_RE = re.compile(r"\w+")
#: Last letters of the oa/oe/uy syllables :func:`word_tone_style` classifies (NFC, any case).
_STYLE_ENDINGS = frozenset("aàáảãạeèéẻẽẹyỳýỷỹỵ" + "aàáảãạeèéẻẽẹyỳýỷỹỵ".upper())


@dataclass(frozen=True)
class ToneStyleCount:
    """How many words of a text use each tone-mark placement style."""

    old: int
    new: int
    old_examples: tuple[str, ...]
    new_examples: tuple[str, ...]

    @property
    def dominant(self) -> ToneStyle | None:
        if self.old == self.new:
            return None
        return ToneStyle.OLD if self.old > self.new else ToneStyle.NEW

    @property
    def mixed(self) -> bool:
        return self.old > 0 and self.new > 0

    @classmethod
    def total(cls, counts: Iterable[ToneStyleCount]) -> ToneStyleCount:
        """The counts of several texts together (examples deduplicated, first five)."""
        old = new = 0
        old_ex: dict[str, None] = {}
        new_ex: dict[str, None] = {}
        for count in counts:
            old += count.old
            new += count.new
            old_ex.update(dict.fromkeys(count.old_examples))
            new_ex.update(dict.fromkeys(count.new_examples))
        return cls(old, new, tuple(list(old_ex)[:5]), tuple(list(new_ex)[:5]))


def count_tone_styles(texts: Iterable[str]) -> ToneStyleCount:
    """Count old- and new-style words over *texts* (examples kept, deduplicated)."""
    old = new = 0
    old_ex: dict[str, None] = {}
    new_ex: dict[str, None] = {}
    for text in texts:
        for word in _WORD_RE.findall(nfc(text)):
            if word[-1] not in _STYLE_ENDINGS:      # not an oa/oe/uy syllable: no style
                continue
            style = word_tone_style(word)
            if style is ToneStyle.OLD:
                old += 1
                old_ex.setdefault(word)
            elif style is ToneStyle.NEW:
                new += 1
                new_ex.setdefault(word)
    return ToneStyleCount(old, new, tuple(list(old_ex)[:5]), tuple(list(new_ex)[:5]))


def convert_tone_style(text: str, style: ToneStyle) -> str:
    """Rewrite ambiguous syllables of *text* to *style* (only on explicit request)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        current = word_tone_style(word)
        if current is None or current is style:
            return word
        decomposed = unicodedata.normalize("NFD", word)
        tone = next(ch for ch in decomposed if ch in _TONE_SET)
        base_chars = [ch for ch in decomposed if ch not in _TONE_SET]
        # positions of the last two base letters in the decomposed sequence
        letter_pos = [i for i, ch in enumerate(base_chars) if not unicodedata.combining(ch)]
        target_letter = letter_pos[-1] if style is ToneStyle.OLD else letter_pos[-2]
        insert_at = target_letter + 1
        while insert_at < len(base_chars) and unicodedata.combining(base_chars[insert_at]):
            insert_at += 1
        base_chars.insert(insert_at, tone)
        return nfc("".join(base_chars))

    return _WORD_RE.sub(fix, nfc(text))


# --- English ----------------------------------------------------------------

# British -> American spelling folds, applied to both sides of a comparison so
# "mobilisation"/"mobilization" and "defence"/"defense" match. Only used for
# keys, never to rewrite text.
_SPELLING_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"is(e|es|ed|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"yse(s|d)?$"), r"yze\1"),
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"ences$"), "enses"),
    (re.compile(r"tre(s?)$"), r"ter\1"),
    (re.compile(r"^programme(s?)$"), r"program\1"),
    (re.compile(r"^(fulfil|enrol|instal)(s?)$"), r"\1l\2"),
)
_SHORT_WORDS = frozenset({"rise", "wise", "vise", "noise", "raise", "praise", "poise",
                          "since", "hence", "fence", "pence", "once", "whence", "thence"})


def fold_en_token(token: str, case_sensitive: bool = False) -> str:
    """Fold an English token: case, typographic punctuation, British/American spelling.

    Case-sensitive terms (acronyms, names) are compared as written, with only
    typographic punctuation folded.
    """
    token = fold_punctuation(token)
    if case_sensitive:
        return token
    folded = token.lower()
    if folded in _SHORT_WORDS or len(folded) < 5 or not folded.isalpha():
        return folded
    for pattern, repl in _SPELLING_RULES:
        new = pattern.sub(repl, folded)
        if new != folded:
            return new
    return folded


# --- Look-alikes and invisible characters -------------------------------------

_ETH_LOOKALIKES = {
    "\u00d0": ("\u0110", "LATIN CAPITAL LETTER ETH looks like Đ (U+0110)"),
    "\u00f0": ("\u0111", "LATIN SMALL LETTER ETH looks like đ (U+0111)"),
    "\u0189": ("\u0110", "LATIN CAPITAL LETTER AFRICAN D looks like Đ (U+0110)"),
}
_CONFUSABLE_LATIN = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_INVISIBLE = {
    "\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER", "\u2060": "WORD JOINER", "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u00ad": "SOFT HYPHEN",
}


@dataclass(frozen=True)
class Suspicious:
    """A character that looks like another or is invisible, at an NFC offset."""

    index: int
    char: str
    suggestion: str
    reason: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=1)
def _suspect_chars() -> frozenset[str]:
    return frozenset(_ETH_LOOKALIKES) | frozenset(_INVISIBLE) | frozenset(_CONFUSABLE_LATIN)


def find_suspicious(text: str) -> list[Suspicious]:
    """Find look-alike letters and invisible characters in *text* (NFC offsets).

    Cyrillic and Greek letters are flagged only inside words that also hold
    Latin letters, so genuine Russian or Greek words are left alone.
    """
    text = nfc(text)
    found: list[Suspicious] = []
    if text.isascii() and text.isprintable():     # the common case, in one C-level pass
        return found
    if _suspect_chars().isdisjoint(text):
        return found
    for i, ch in enumerate(text):
        if ch in _ETH_LOOKALIKES:
            suggestion, reason = _ETH_LOOKALIKES[ch]
            found.append(Suspicious(i, ch, suggestion, reason))
        elif ch in _INVISIBLE:
            found.append(Suspicious(i, ch, "", f"invisible {_INVISIBLE[ch]}"))
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if not any(ch in _CONFUSABLE_LATIN for ch in word):
            continue
        if not any(_is_latin_letter(ch) for ch in word):
            continue
        for offset, ch in enumerate(word):
            if ch in _CONFUSABLE_LATIN:
                script = unicodedata.name(ch, "?").split()[0].title()
                found.append(Suspicious(match.start() + offset, ch, _CONFUSABLE_LATIN[ch],
                                        f"{script} letter in a Latin word looks like "
                                        f"'{_CONFUSABLE_LATIN[ch]}'"))
    found.sort(key=lambda s: s.index)
    return found
