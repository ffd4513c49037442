"""Word alignment of the training mix and aligned-phrase extraction for term annotation.

Dinu et al. (2019) annotate training sentences with aligned source/target
phrases so that the model learns to copy what follows ``<=>`` in *any*
register. A phrase dictionary mined from short UI strings (v1/v2) almost never
matches a news sentence; aligning the whole mix once with eflomal (Östling and
Tiedemann 2016) gives every sentence candidate phrases. The alignment is
cached in the run directory under a hash of the mix it was computed on, so a
run resumed on the same mix reuses it and a changed mix recomputes it.
"""

from __future__ import annotations

import hashlib
import random
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from glossary.errors import ConfigError

TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")

#: English function words that may not start or end an annotated phrase (a phrase such
#: as "of the" teaches the model nothing about copying terms).
_STOPWORD_TEXT = """
a an the of to in on at by for from with as and or but nor not no is are was were be been
being am do does did has have had will would shall should can could may might must this that
these those it its it's he she they them their his her him we us our you your i me my mine
who whom whose which what when where why how than then there here so such very also just
into onto over under about after before while during between through up down out off if
all any each both few more most other some own same too s t
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Link = tuple[int, int]


@dataclass(frozen=True)
class Phrase:
    """An aligned phrase: source and target character spans of one training pair."""

    src_start: int
    src_end: int
    tgt_start: int
    tgt_end: int


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words and punctuation marks of *text*."""
    return [m.span() for m in TOKEN.finditer(text)]


def _tokenized(text: str) -> str:
    return " ".join(m.group().lower() for m in TOKEN.finditer(text)) or "."


def mix_key(pairs: Sequence[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for en, vi in pairs:
        digest.update(en.encode("utf-8") + b"\t" + vi.encode("utf-8") + b"\n")
    return digest.hexdigest()[:20]


def _read_links(path: Path) -> list[set[Link]]:
    out: list[set[Link]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        links: set[Link] = set()
        for item in line.split():
            s, t = item.split("-")
            links.add((int(s), int(t)))
        out.append(links)
    return out


def symmetrize(fwd: set[Link], rev: set[Link]) -> set[Link]:
    """grow-diag-final-and (Koehn et al. 2003): the intersection grown by neighbouring
    union links that align a so-far unaligned word."""
    union = fwd | rev
    links = fwd & rev
    src_done = {s for s, _ in links}
    tgt_done = {t for _, t in links}
    grew = True
    while grew:
        grew = False
        for s, t in sorted(links):
            for ds in (-1, 0, 1):
                for dt in (-1, 0, 1):
                    cand = (s + ds, t + dt)
                    if cand in links or cand not in union:
                        continue
                    if cand[0] not in src_done or cand[1] not in tgt_done:
                        links.add(cand)
                        src_done.add(cand[0])
                        tgt_done.add(cand[1])
                        grew = True
    for s, t in sorted(union - links):
        if s not in src_done and t not in tgt_done:
            links.add((s, t))
            src_done.add(s)
            tgt_done.add(t)
    return links


def align(pairs: Sequence[tuple[str, str]], cache: Path) -> tuple[list[set[Link]], bool]:
    """Symmetrised word alignments of *pairs* (token indices of :func:`token_spans`),
    and whether they were computed now (False: read from *cache*)."""
    key = mix_key(pairs)
    stamp = cache.with_suffix(".key")
    if cache.is_file() and stamp.is_file() and stamp.read_text().strip() == key:
        return _read_links(cache), False
    try:
        from eflomal import Aligner
    except ImportError:
        raise ConfigError("aligned term annotation needs eflomal: pip install eflomal "
                          "(or set terms.align = false in the recipe)") from None
    with tempfile.TemporaryDirectory() as tmp:
        src, tgt = Path(tmp) / "src", Path(tmp) / "tgt"
        src.write_text("\n".join(_tokenized(en) for en, _ in pairs) + "\n", encoding="utf-8")
        tgt.write_text("\n".join(_tokenized(vi) for _, vi in pairs) + "\n", encoding="utf-8")
        fwd, rev = Path(tmp) / "fwd", Path(tmp) / "rev"
        with src.open(encoding="utf-8") as s, tgt.open(encoding="utf-8") as t:
            Aligner().align(s, t, links_filename_fwd=str(fwd), links_filename_rev=str(rev),
                            quiet=True)
        links = [symmetrize(f, r) for f, r in zip(_read_links(fwd), _read_links(rev),
                                                   strict=True)]
    text = "\n".join(" ".join(f"{s}-{t}" for s, t in sorted(ls)) for ls in links) + "\n"
    tmp_cache = cache.with_name(cache.name + ".tmp")
    tmp_cache.write_text(text, encoding="utf-8")
    tmp_cache.replace(cache)
    stamp.write_text(key + "\n")
    return links, True


def _is_content(word: str) -> bool:
    return any(ch.isalpha() for ch in word) and word.lower() not in STOPWORDS


def consistent_target(links: set[Link], first: int, last: int) -> tuple[int, int] | None:
    """The target token range aligned to source tokens *first*..*last*, if the phrase pair is
    consistent (no target token inside it is aligned outside the source range)."""
    targets = [t for s, t in links if first <= s <= last]
    if not targets:
        return None
    lo, hi = min(targets), max(targets)
    if any(lo <= t <= hi and not first <= s <= last for s, t in links):
        return None
    return lo, hi


def aligned_phrases(en: str, vi: str, links: set[Link], max_words: int = 4) -> list[Phrase]:
    """Every consistent aligned phrase of 1–*max_words* source words that starts and ends
    with an aligned content word (an unaligned edge word would be annotated with a target
    that does not translate it), has no punctuation inside, and is not copied unchanged."""
    src, tgt = token_spans(en), token_spans(vi)
    words = [en[a:b] for a, b in src]
    aligned = {s for s, _ in links}
    out: list[Phrase] = []
    for first in range(len(src)):
        for last in range(first, min(first + max_words, len(src))):
            inside = words[first:last + 1]
            if not (_is_content(inside[0]) and _is_content(inside[-1])
                    and first in aligned and last in aligned):
                continue
            if any(not any(ch.isalnum() for ch in w) for w in inside):
                break
            span = consistent_target(links, first, last)
            if span is None or span[1] >= len(tgt) or span[1] - span[0] > 3 * len(inside) + 1:
                continue
            phrase = Phrase(src[first][0], src[last][1], tgt[span[0]][0], tgt[span[1]][1])
            if en[phrase.src_start:phrase.src_end] != vi[phrase.tgt_start:phrase.tgt_end]:
                out.append(phrase)
    return out


def pick_phrases(candidates: list[Phrase], rng: random.Random, count: int) -> list[Phrase]:
    """Up to *count* non-overlapping candidates, longer phrases more often."""
    pool = sorted(candidates, key=lambda p: (rng.random() / (p.src_end - p.src_start)))
    chosen: list[Phrase] = []
    for phrase in pool:
        if len(chosen) == count:
            break
        if all(phrase.src_end <= c.src_start or phrase.src_start >= c.src_end for c in chosen):
            chosen.append(phrase)
    return chosen
