"""Reference-free signals of a translation's quality: what the model thinks of it, and rules.

Glass-box signals come from force-decoding the translation with the model
(:meth:`translate.backends.base.Translator.score`): the mean and the worst
token log-probability, the end-of-sentence log-probability (low when the model
expected more: a translation that stops early) and the *weak words* (a word
whose sub-word pieces multiply to a probability below 0.5, as in Bergamot's
quality estimates). Source coverage (:mod:`translate.quality.lexicon`) says
how much of the source the translation says at all. Rule signals catch what a
model's own score cannot see in its own output: loops, English left in
Vietnamese output, invented codes, words that cannot be Vietnamese, and a
length out of the normal range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.checks.fluency import loops
from glossary.codes import find_code_fragments, stray_code_parts
from glossary.placeholders import find_placeholders
from glossary.vietnamese import is_syllable, words
from translate.backends.base import TokenScores
from translate.quality.lexicon import coverage
from translate.quality.lexicon import load as load_lexicon

WEAK_PROB = 0.5
#: Capitalised English words that are not names: a translation must not copy them.
_CALENDAR_WORDS = ("january february march april may june july august september october "
                   "november december monday tuesday wednesday thursday friday saturday sunday")
_CALENDAR = frozenset(_CALENDAR_WORDS.split())
_SPACE = "▁"
_PUNCT = ".,;:!?\"'()[]“”‘’«»…-–—"
_EN_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Signals:
    """Every signal of one segment, as the calibration reads them."""

    mean_lp: float          # mean log-probability per piece (end of sentence included)
    min_lp: float           # the worst piece
    eos_lp: float           # the end of sentence
    weak_ratio: float       # share of weak words
    weak_words: tuple[str, ...]
    loop: int               # copies in the longest back-to-back repeat beyond the source's
    foreign_new: float      # share of words that cannot be Vietnamese and are not in the source
    english_left: float     # share of words that are English words of the source, not names
    invented_codes: int     # code-shaped tokens the source does not have
    length_ratio: float     # translation characters / source characters
    truncated: bool
    coverage: float = 1.0   # share of the source's content words the translation covers

    def vector(self) -> list[float]:
        """The calibration's features, in a fixed order (see :data:`FEATURES`)."""
        return [self.mean_lp, max(self.min_lp, -20.0), max(self.eos_lp, -20.0),
                self.weak_ratio, min(self.loop, 6), self.foreign_new, self.english_left,
                min(self.invented_codes, 3), abs(math.log(max(self.length_ratio, 1e-3)
                                                          / NORMAL_RATIO)), self.coverage]


FEATURES = ("mean_lp", "min_lp", "eos_lp", "weak_ratio", "loop", "foreign_new",
            "english_left", "invented_codes", "length_deviation", "coverage")
#: Vietnamese characters per English character, the median of FLORES dev's references.
NORMAL_RATIO = 1.38


def weak_words(scores: TokenScores) -> tuple[list[str], int]:
    """Words (sentencepiece pieces joined at word starts) whose probability is below
    0.5, and the number of words."""
    weak: list[str] = []
    count = 0
    word, logp = "", 0.0
    for piece, lp in zip(scores.pieces[:-1], scores.log_probs[:-1], strict=False):
        if piece.startswith(_SPACE) and word:
            count += 1
            if logp < math.log(WEAK_PROB):
                weak.append(word)
            word, logp = "", 0.0
        word += piece.lstrip(_SPACE) if not word else piece
        logp += lp
    if word:
        count += 1
        if logp < math.log(WEAK_PROB):
            weak.append(word)
    return [w.strip(_PUNCT) or w for w in weak], count


def _without_placeholders(text: str) -> str:
    for placeholder in reversed(find_placeholders(text)):
        text = text[:placeholder.start] + " " + text[placeholder.end:]
    return text


def rule_signals(source: str, target: str) -> tuple[int, float, float, int, float]:
    """(loop, foreign_new, english_left, invented_codes, length_ratio) of one pair;
    placeholders ({pct}, %(title)s, tags) are not words of either side."""
    source, target = _without_placeholders(source), _without_placeholders(target)
    in_source = max((s.count for s in loops(source)), default=1)
    repeats = [s.count for s in loops(target)
               if s.count >= 3 or len(s.phrase.split()) > 1 or not is_syllable(s.phrase)]
    loop = max(0, max(repeats, default=1) - in_source)
    target_words = words(target)
    total = max(1, len(target_words))
    source_words = set(words(source))
    foreign = [w for w in target_words if not is_syllable(w)]
    foreign_new = sum(w not in source_words for w in foreign) / total
    english = {w.lower() for w in _EN_WORD.findall(source)
               if w[:1].islower() or w.lower() in _CALENDAR}
    english_left = sum(w.lower() in english and not is_syllable(w) for w in target_words) / total
    invented = (sum(f.text not in source for f in find_code_fragments(target))
                + len(stray_code_parts(source, target)))
    ratio = len(target.strip()) / max(1, len(source.strip()))
    return loop, foreign_new, english_left, invented, ratio


def unprotected(scores: TokenScores, protected: Sequence[str]) -> TokenScores:
    """*scores* without the pieces that spell one of the *protected* strings (terms and
    codes forced by the glossary: the model did not choose them, so their probability
    says nothing of the translation around them). The end of sentence is kept."""
    if not protected:
        return scores
    text = ""
    starts = []
    for piece in scores.pieces[:-1]:
        starts.append(len(text))
        text += piece.replace(_SPACE, " ")
    hidden: set[int] = set()
    for form in protected:
        at = text.find(form)
        while at >= 0 and form:
            end = at + len(form)
            hidden.update(k for k, start in enumerate(starts)
                          if start < end and at < start + len(scores.pieces[k]))
            at = text.find(form, end)
    keep = [k for k in range(len(scores.pieces)) if k not in hidden]
    return TokenScores(tuple(scores.pieces[k] for k in keep),
                       tuple(scores.log_probs[k] for k in keep), scores.truncated)


def signals(source: str, target: str, scores: TokenScores,
            protected: Sequence[str] = ()) -> Signals:
    """All signals of *target* as a translation of *source*, given the model's *scores*;
    the pieces of *protected* strings (forced terms) do not count in the glass-box ones."""
    scores = unprotected(scores, protected)
    lps = scores.log_probs or (0.0,)
    weak, count = weak_words(scores)
    loop, foreign_new, english_left, invented, ratio = rule_signals(source, target)
    return Signals(mean_lp=sum(lps) / len(lps), min_lp=min(lps), eos_lp=lps[-1],
                   weak_ratio=len(weak) / max(1, count), weak_words=tuple(weak), loop=loop,
                   foreign_new=foreign_new, english_left=english_left,
                   invented_codes=invented, length_ratio=ratio, truncated=scores.truncated,
                   coverage=coverage(source, target, load_lexicon()))
