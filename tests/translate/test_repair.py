"""Prefix repair's splicing, on token ids alone (no model)."""

from __future__ import annotations

import pytest

from translate.decoding.constraints import CONNECTOR, FREE, JOINER, Constraint
from translate.decoding.repair import splice_prefixes, unmet

# ids 0-7 are word starts, 8 is bare number punctuation ("-"), 9 a word-internal piece ("x")
KINDS = [FREE] * 8 + [CONNECTOR, JOINER]
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
    (first, *_) = splice_prefixes(ids, [TERM], source, 1, KINDS)
    assert first == (prefix, rest)
    assert not unmet(first[0], [TERM], KINDS)


def test_more_placements_are_distinct_and_all_meet_the_constraints() -> None:
    ids = [1, 2, 3, 4, 5, 6]
    met = Constraint((2,), "two", None, "two")
    candidates = splice_prefixes(ids, [met, TERM], "one two three ten five six", 4, KINDS)
    assert len(candidates) == 4 and len({tuple(p) for p, _ in candidates}) == 4
    assert all(not unmet(p, [met, TERM], KINDS) for p, _ in candidates)
