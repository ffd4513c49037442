"""A word-translation lexicon for source coverage: does the translation say what the source says?

A small model's own score cannot see its own word salad (it chose every word),
nor a fluent translation of half the sentence. Coverage can: the share of the
source's content words for which one of their usual Vietnamese translations
(or the word itself: names, acronyms) appears in the translation. The lexicon
is counted from the training mix's word alignments (the eflomal alignment the
v3 recipe caches in its run directory), keeping for each English word the
syllables it aligns to most often.

Rebuilt from a training run (:mod:`translate.train.lexicon`):

    python -m translate.train.lexicon --recipe en-vi-demo-v3 --run-dir RUN \\
        --data-dir ../shared/data
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from translate.train.align import STOPWORDS, token_spans

LEXICON = Path(__file__).resolve().parent / "lexicon" / "en-vi.tsv.gz"


def build(pairs: Sequence[tuple[str, str]], links: Sequence[set[tuple[int, int]]],
          min_count: int = 3, top: int = 6, min_share: float = 0.04) -> dict[str, list[str]]:
    """English word → its most frequent aligned Vietnamese syllables (lower case)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (en, vi), pair_links in zip(pairs, links, strict=True):
        src = [en[a:b].lower() for a, b in token_spans(en)]
        tgt = [vi[a:b].lower() for a, b in token_spans(vi)]
        for s, t in pair_links:
            if s < len(src) and t < len(tgt) and src[s].isalpha() and tgt[t].isalpha():
                counts[src[s]][tgt[t]] += 1
    out = {}
    for word, seen in counts.items():
        total = sum(seen.values())
        if total < min_count or word in STOPWORDS:
            continue
        kept = [syl for syl, n in seen.most_common(top) if n / total >= min_share]
        if kept:
            out[word] = kept
    return out


def write(lexicon: dict[str, list[str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{w}\t{' '.join(v)}\n" for w, v in sorted(lexicon.items()))
    tmp = path.with_suffix(".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    tmp.replace(path)


@lru_cache(maxsize=2)
def load(path: Path = LEXICON) -> dict[str, frozenset[str]]:
    """The shipped lexicon (empty when absent: coverage then reads 1.0)."""
    if not path.is_file():
        return {}
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            word, _, syllables = line.rstrip("\n").partition("\t")
            out[word] = frozenset(syllables.split())
    return out


def coverage(source: str, target: str, lexicon: dict[str, frozenset[str]]) -> float:
    """Share of the source's known content words whose translation (or which itself)
    appears in *target*; 1.0 when the source has none."""
    words = {source[a:b] for a, b in token_spans(source)}
    known = [w for w in words if w.lower() in lexicon and w.isalpha()]
    if not known:
        return 1.0
    target_syllables = {target[a:b].lower() for a, b in token_spans(target)}
    covered = sum(1 for w in known
                  if w.lower() in target_syllables or lexicon[w.lower()] & target_syllables)
    return covered / len(known)
