"""Prefix repair's splicing, on token ids alone (no model)."""

from __future__ import annotations

import pytest

from translate.decoding.constraints import CONNECTOR, FREE, JOINER, Constraint
from translate.decoding.repair import repeats, splice_prefixes, unmet

# ids 0-7 are word starts, 8 is bare number punctuation ("-"), 9 a word-internal piece ("x")
KINDS = [FREE] * 8 + [CONNECTOR, JOINER]
SAME = list(range(len(KINDS)))      # no case pairs
TERM = Constraint((7,), "ten", None, "ten")


@pytest.mark.parametrize(("ids", "source", "prefix", "rest"), [
    # the source span sits in the middle: spliced at the middle boundary, plus the next word
    ([1, 2, 3, 4], "one two ten four", [1, 2, 7, 3], 1),
    # never before "- x": 7 8 9 would read "ten-x", which is not the term
    ([1, 2, 8, 9, 4], "one two ten four", [1, 7, 2], 3),
    # before "- word" it may go, and the prefix keeps the "-" and the word after it
    ([1, 2, 8, 4, 5], "one two ten four five", [1, 2, 7, 8, 4], 1),
    # at the very end nothing is left for the model to write
    ([1, 2, 3], "one two three and then at last ten", [1, 2, 3, 7], 0),
])
def test_first_placement(ids: list[int], source: str, prefix: list[int], rest: int) -> None:
    (first, *_) = splice_prefixes(ids, [TERM], source, 1, KINDS, SAME)
    assert first == (prefix, rest)
    assert not unmet(first[0], [TERM], KINDS)


def test_more_placements_are_distinct_and_all_meet_the_constraints() -> None:
    ids = [1, 2, 3, 4, 5, 6]
    met = Constraint((2,), "two", None, "two")
    candidates = splice_prefixes(ids, [met, TERM], "one two three ten five six", 4, KINDS,
                                 SAME)
    assert len(candidates) == 4 and len({tuple(p) for p, _ in candidates}) == 4
    assert all(not unmet(p, [met, TERM], KINDS) for p, _ in candidates)


# "Bộ đội Biên phòng" = 4 5 6; the model wrote its own "Biên phòng" (5 6), or "Bộ đội" (4 5)
BORDER_GUARD = Constraint((4, 5, 6), "Bộ đội Biên phòng", None, "Border Guard")


@pytest.mark.parametrize(("ids", "prefix"), [
    ([1, 5, 6, 3, 2], [1, 4, 5, 6, 3]),          # its tail after the splice point: replaced
    ([1, 4, 5, 3, 2], [1, 4, 5, 6, 3]),          # its head right there: replaced
    ([1, 2, 3, 7, 2], [1, 4, 5, 6, 2]),          # nothing of it: inserted
])
def test_splice_replaces_words_of_the_term_the_output_already_has(ids: list[int],
                                                                  prefix: list[int]) -> None:
    source = "one Border Guard three two"
    (first, *_) = splice_prefixes(ids, [BORDER_GUARD], source, 1, KINDS, SAME)
    assert first[0] == prefix
    assert not unmet(first[0], [BORDER_GUARD], KINDS)


def test_splice_compares_words_case_insensitively() -> None:
    folds = list(SAME)
    folds[7] = 5                                  # 7 is "▁Biên" for 5's "▁biên"
    (first, *_) = splice_prefixes([1, 7, 6, 3, 2], [BORDER_GUARD], "one Border Guard two",
                                  1, KINDS, folds)
    assert first[0] == [1, 4, 5, 6, 3]


def test_repeats_counts_banned_sequences_through_case_folds() -> None:
    folds = list(SAME)
    folds[7] = 5
    assert repeats([1, 5, 6, 5, 6, 2], [(5, 6, 5, 6)], SAME) == 1
    assert repeats([1, 5, 6, 7, 6, 2], [(5, 6, 5, 6)], folds) == 1
    assert repeats([1, 5, 6, 7, 6, 2], [(5, 6, 5, 6)], SAME) == 0
