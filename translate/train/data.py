"""Training data for the project's model: loading, cleaning, term-aware annotation.

Term-aware training follows Dinu et al. (ACL 2019, "train-by-append"): for a
share of training pairs, a source phrase whose translation is known *and*
present in the reference is followed inline by that translation between
marker tokens (``<t> Background Color <=> Màu nền </t>``). The model learns to
copy what follows ``<=>``, so at inference glossary targets can be supplied
inline and constrained decoding stays fluent around them.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from glossary.matching import TargetText, TermMatcher
from glossary.model import Glossary, Term
from glossary.textio import read_aligned

MARK_START, MARK_SEP, MARK_END = "<t>", "<=>", "</t>"
MARKERS = (MARK_START, MARK_SEP, MARK_END)


@dataclass(frozen=True)
class Pair:
    en: str
    vi: str


def read_pairs(en: Path, vi: Path) -> list[Pair]:
    """Aligned pairs of two files; a BOM is ignored, pairs with an empty side are dropped.

    Files of different line counts are an :class:`AlignmentError` naming both: a
    shifted corpus would silently teach the model wrong translations.
    """
    src, tgt = read_aligned(en, vi, relation="a parallel corpus needs one target line "
                            "per source line")
    return [Pair(s.strip(), t.strip()) for s, t in zip(src, tgt, strict=True)
            if s.strip() and t.strip()]


_DETOK = [(re.compile(r" ([.,;:!?%)\]}])"), r"\1"), (re.compile(r"([(\[{]) "), r"\1"),
          (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"), (re.compile(r" ' "), "'"),
          (re.compile(r"\" (.*?) \""), r'"\1"'), (re.compile(r" @-@ "), "-")]


def detokenize(line: str) -> str:
    """Undo the Moses tokenisation and XML escaping of the IWSLT'15 files (approximately)."""
    text = html.unescape(html.unescape(line))
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def mine_dictionary(pairs: Iterable[Pair], max_en_words: int = 4,
                    max_vi_words: int = 8) -> list[Term]:
    """Short aligned pairs (UI labels, glossary-like entries) as a phrase dictionary."""
    seen: dict[str, str] = {}
    for pair in pairs:
        en_words = pair.en.split()
        if not 1 <= len(en_words) <= max_en_words or len(pair.vi.split()) > max_vi_words:
            continue
        if not re.fullmatch(r"[A-Za-z][A-Za-z' -]*[A-Za-z]", pair.en):
            continue
        key = pair.en.lower()
        if key not in seen and len(key) > 3:
            seen[key] = pair.vi.rstrip(".:")
    return [Term((en,), vi) for en, vi in seen.items()]


def annotate(pairs: list[Pair], terms: list[Term], share: float, seed: int,
             max_per_sentence: int = 2) -> tuple[list[Pair], int]:
    """Copies of a *share* of pairs with known translations appended inline."""
    rng = random.Random(seed)
    matcher = TermMatcher(Glossary(tuple(terms)), references=False)
    out: list[Pair] = []
    for pair in pairs:
        if len(pair.en.split()) < 5 or rng.random() >= share:
            continue
        target = TargetText(pair.vi)
        chosen = []
        for match in matcher.find(pair.en):
            if target.find(match.term.target, claim=True) is not None:
                chosen.append(match)
        if not chosen:
            continue
        rng.shuffle(chosen)
        chosen = sorted(chosen[:max_per_sentence], key=lambda m: m.start)
        text = pair.en
        for match in reversed(chosen):
            text = (text[:match.start] + f"{MARK_START} {match.text} {MARK_SEP} "
                    f"{match.term.target} {MARK_END}" + text[match.end:])
        out.append(Pair(text, pair.vi))
    return out, len(out)


def annotate_aligned(pairs: list[Pair], links: list[set[tuple[int, int]]], glossary: Glossary,
                     share: float, seed: int, max_per_sentence: int = 2) -> tuple[list[Pair], int]:
    """Copies of a *share* of pairs with glossary terms (first) and word-aligned phrases
    annotated inline, so that every corpus and register teaches the copy behaviour."""
    from translate.train.align import Phrase, aligned_phrases, pick_phrases

    rng = random.Random(seed)
    matcher = TermMatcher(glossary, references=False)
    out: list[Pair] = []
    for pair, pair_links in zip(pairs, links, strict=True):
        if len(pair.en.split()) < 4 or rng.random() >= share:
            continue
        chosen: list[tuple[int, int, str]] = []
        target = TargetText(pair.vi)
        for match in matcher.find(pair.en):
            if target.find(match.term.target, claim=True) is not None:
                chosen.append((match.start, match.end, match.term.target))
        free = [p for p in aligned_phrases(pair.en, pair.vi, pair_links)
                if all(p.src_end <= a or p.src_start >= b for a, b, _ in chosen)]
        wanted = max_per_sentence - min(len(chosen), max_per_sentence)
        picked: list[Phrase] = pick_phrases(free, rng, rng.randint(1, max(wanted, 1)))
        chosen += [(p.src_start, p.src_end, pair.vi[p.tgt_start:p.tgt_end])
                   for p in picked[:wanted]]
        if not chosen:
            continue
        text = pair.en
        for start, end, vi in sorted(chosen, reverse=True):
            text = (text[:start] + f"{MARK_START} {text[start:end]} {MARK_SEP} {vi} {MARK_END}"
                    + text[end:])
        out.append(Pair(text, pair.vi))
    return out, len(out)


@dataclass(frozen=True)
class MixStats:
    """What the mix was made of, for the run log and the model card."""

    read: dict[str, int]
    kept: dict[str, int]
    dropped_long: int
    dropped_ratio: int
    dropped_copies: int
    dropped_duplicates: int


def filter_pairs(pairs: list[Pair], max_words: int, max_ratio: float,
                 drop_copies: bool) -> tuple[list[Pair], tuple[int, int, int]]:
    """Pairs that pass the length, ratio and copy filters, and how many each filter dropped."""
    kept: list[Pair] = []
    long = ratio = copies = 0
    for pair in pairs:
        if max(len(pair.en.split()), len(pair.vi.split())) > max_words:
            long += 1
        elif max(len(pair.en), len(pair.vi)) > max_ratio * min(len(pair.en), len(pair.vi)):
            ratio += 1
        elif drop_copies and pair.en == pair.vi:
            copies += 1
        else:
            kept.append(pair)
    return kept, (long, ratio, copies)


def nfc_pair(pair: Pair) -> Pair:
    return Pair(unicodedata.normalize("NFC", pair.en), unicodedata.normalize("NFC", pair.vi))
