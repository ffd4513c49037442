from __future__ import annotations

from translate.decoding.constraints import Constraint, ConstraintState

A = Constraint((5, 6, 7), "a")
B = Constraint((9,), "b")


def test_progress_and_completion() -> None:
    state = ConstraintState((A, B))
    assert state.next_tokens() == {5, 9} and state.remaining == 4
    state = state.advance(5).advance(6)
    assert state.progress == 2 and state.next_tokens() == {7}
    state = state.advance(7)
    assert state.met == {0} and state.just_met and state.remaining == 1
    state = state.advance(9)
    assert state.done and state.forced_token() is None


def test_abandoning_a_partial_constraint_resets_it() -> None:
    state = ConstraintState((A,)).advance(5).advance(1)
    assert state.progress == 0 and state.current is None
    assert ConstraintState((A,)).advance(5).advance(5).progress == 1   # restarts


def test_same_constraint_twice_needs_two_occurrences() -> None:
    state = ConstraintState((B, B)).advance(9)
    assert not state.done and state.next_tokens() == {9}
    assert state.advance(9).done


def test_unrelated_tokens_clear_just_met() -> None:
    state = ConstraintState((B,)).advance(9)
    assert state.just_met and not state.advance(3).just_met


def test_repeat_bans_cover_every_tail_of_two_words_or_more() -> None:
    from translate.decoding.constraints import FREE, JOINER, piece_folds, repeat_bans

    kinds = [FREE] * 9 + [JOINER]            # 9 continues a word
    # words [1] [2 9] [3]: tails "2·9 3" and "1 2·9 3", each followed by its first two words
    assert repeat_bans([Constraint((1, 2, 9, 3), "người có uy tín")], kinds) == [
        (1, 2, 9, 3, 1, 2, 9), (2, 9, 3, 2, 9, 3)]
    assert repeat_bans([Constraint((5,), "Công an")], kinds) == [(5, 5)]
    assert piece_folds(["▁nhân", "▁Nhân", "▁Ủy"]) == [0, 0, 2]


def test_repeat_bans_also_ban_the_capitalised_repeat() -> None:
    from translate.decoding.constraints import FREE, piece_cases, repeat_bans

    pieces = ["▁quốc", "▁phòng", ",", "▁an", "▁ninh", "▁An"]
    cases = piece_cases(pieces)
    assert cases == [-1, -1, -1, 5, -1, 3]
    bans = repeat_bans([Constraint((0, 1, 2, 3, 4), "quốc phòng, an ninh")], [FREE] * 6, cases)
    assert (3, 4, 3, 4) in bans and (3, 4, 5, 4) in bans   # "an ninh an ninh", "an ninh An ninh"
