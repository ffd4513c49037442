"""Vietnamese syllable structure: which words can be Vietnamese at all.

Vietnamese is written one syllable per word, and a syllable has a regular shape:
an optional initial consonant (``ngh``, ``tr``, ``qu``…), a vowel nucleus of one to
three vowels, an optional final (``ng``, ``nh``, ``ch``, ``c``, ``m``, ``n``, ``p``,
``t``) and at most one tone mark. A word outside that shape in a Vietnamese
translation is a name, an acronym, an English word left untranslated or model
garbage ("Conclate", "Bính-ban", "TWL"): cheap to detect without any dictionary,
and a useful signal for verification and quality estimation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from glossary.normalize import split_tone

_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEUS = ("uyê|uya|uyu|oai|oay|oeo|uây|uôi|ươi|ươu|iêu|yêu|"
            "oa|oă|oe|uê|uy|uâ|uô|ươ|iê|yê|ưa|ia|ua|ai|ao|au|ay|âu|ây|eo|êu|iu|oi|ôi|ơi|ui|ưi|ưu|"
            "[aăâeêioôơuưy]")
_FINAL = "ng|nh|ch|[cmnpt]"
_SYLLABLE = re.compile(rf"(?:{_INITIAL})?(?:{_NUCLEUS})(?:{_FINAL})?")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65_536)
def is_syllable(word: str) -> bool:
    """Whether *word* (letters only) has the shape of one Vietnamese syllable.

    Checked on the toneless lower-case base; "gì" and "quốc" pass, "Conclate",
    "TWL" and "Ph" do not. Proper names written the Vietnamese way pass, foreign
    names and English words mostly do not.
    """
    base, _, _ = split_tone(word.lower())
    return _SYLLABLE.fullmatch(base) is not None


#: The syllable shape with its marks removed, as English text writes Vietnamese names
#: ("Nguyen", "Thanh Hoa", "Dien Bien"); a final k for the Central Highlands' names
#: ("Dak Lak", "Kon Tum").
_BARE_NUCLEUS = "|".join(dict.fromkeys(
    unicodedata.normalize("NFD", n).encode("ascii", "ignore").decode()
    for n in re.findall(r"\w+", _NUCLEUS.replace("[aăâeêioôơuưy]", ""))))
_BARE_SYLLABLE = re.compile(rf"(?:{_INITIAL.replace('đ', '')})?(?:{_BARE_NUCLEUS}|[aeiouy])"
                            rf"(?:{_FINAL}|k)?")


def fold(text: str) -> str:
    """*text* without diacritics, đ as d, case-folded: how English text spells
    Vietnamese names ("Thanh Hóa" and "Thanh Hoa" fold alike)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").casefold()


def is_bare_syllable(word: str) -> bool:
    """Whether an ASCII *word* can be a Vietnamese syllable written without its marks."""
    return word.isascii() and _BARE_SYLLABLE.fullmatch(word.lower()) is not None


def words(text: str) -> list[str]:
    """The letter runs of *text* (digits and punctuation split them)."""
    return _WORD.findall(text)


def foreign_words(text: str) -> list[str]:
    """The words of *text* that cannot be Vietnamese syllables."""
    return [w for w in words(text) if not is_syllable(w)]
