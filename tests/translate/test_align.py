"""Word alignment for term annotation: symmetrisation, phrase extraction, the cached alignment."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from glossary.model import Glossary, Term
from translate.train.align import (
    aligned_phrases,
    consistent_target,
    pick_phrases,
    symmetrize,
)
from translate.train.data import MARK_SEP, Pair, annotate_aligned


def test_grow_diag_final_and_keeps_the_intersection_and_grows_next_to_it() -> None:
    fwd = {(0, 0), (1, 1), (2, 3)}
    rev = {(0, 0), (1, 1), (1, 2), (3, 3)}
    links = symmetrize(fwd, rev)
    assert {(0, 0), (1, 1)} <= links          # the intersection
    assert (1, 2) in links                    # a neighbour aligning an unaligned target word
    assert (2, 3) in links or (3, 3) in links


def test_a_phrase_is_consistent_only_when_nothing_inside_aligns_outside() -> None:
    links = {(0, 0), (1, 1), (2, 1), (3, 2)}
    assert consistent_target(links, 1, 2) == (1, 1)
    assert consistent_target(links, 1, 1) is None     # target 1 also aligns to source 2


EN = "The provincial police arrested two smugglers."
VI = "Công an tỉnh đã bắt hai kẻ buôn lậu."
#   en: The(0) provincial(1) police(2) arrested(3) two(4) smugglers(5) .(6)
#   vi: Công(0) an(1) tỉnh(2) đã(3) bắt(4) hai(5) kẻ(6) buôn(7) lậu(8) .(9)
LINKS = {(0, 0), (1, 2), (2, 0), (2, 1), (3, 3), (3, 4), (4, 5), (5, 6), (5, 7), (5, 8), (6, 9)}


def test_aligned_phrases_start_and_end_with_content_words() -> None:
    found = {(EN[p.src_start:p.src_end], VI[p.tgt_start:p.tgt_end])
             for p in aligned_phrases(EN, VI, LINKS)}
    assert ("smugglers", "kẻ buôn lậu") in found
    assert ("arrested two smugglers", "đã bắt hai kẻ buôn lậu") in found
    assert not any(src.split()[0] == "The" for src, _ in found)      # a function word
    chosen = pick_phrases(aligned_phrases(EN, VI, LINKS), random.Random(1), 2)
    assert len(chosen) <= 2 and all(a.src_end <= b.src_start or b.src_end <= a.src_start
                                    for a in chosen for b in chosen if a != b)


def test_annotation_puts_glossary_terms_first_then_aligned_phrases() -> None:
    glossary = Glossary((Term(("provincial police",), "Công an tỉnh"),))
    out, count = annotate_aligned([Pair(EN, VI)], [LINKS], glossary, share=1.0, seed=1)
    assert count == 1
    assert "<t> provincial police <=> Công an tỉnh </t>" in out[0].en
    assert out[0].vi == VI and out[0].en.count(MARK_SEP) <= 2


def test_alignment_is_cached_per_mix_and_recomputed_for_another(tmp_path: Path) -> None:
    pytest.importorskip("eflomal")
    from translate.train.align import align

    pairs = [(f"The army met {n} people.", f"Quân đội gặp {n} người.") for n in range(40)]
    cache = tmp_path / "alignment.txt"
    first, computed = align(pairs, cache)
    again, recomputed = align(pairs, cache)
    assert computed and not recomputed and first == again and len(first) == 40
    other, changed = align(pairs[:30], cache)
    assert changed and len(other) == 30
