"""Prefix repair: splicing missing constraints into an output, model-agnostic.

A fast decoder without lexical constraints (CTranslate2) writes its own
output first; these functions find which constraints that output misses
(token by token, with the same fusion rule as the exact search), build
candidate target prefixes with each missing constraint spliced in at a word
boundary, and bound how much the model may write after such a prefix. They
work on token ids and piece kinds only, so they are tested without a model.
"""

from __future__ import annotations

from collections.abc import Sequence

from translate.decoding.constraints import CONNECTOR, JOINER, Constraint, fused_after

#: Tokens a repair candidate may write beyond what its prefix replaced (at least).
REPAIR_SLACK = 8


def match_constraints(ids: Sequence[int], constraints: Sequence[Constraint],
                      kinds: Sequence[int]) -> tuple[list[tuple[int, int]], list[Constraint]]:
    """Where *ids* satisfy the constraints, and which constraints are unmet.

    Occurrences do not overlap (a repeated constraint needs as many
    occurrences), longer constraints claim tokens first, and an occurrence
    that a following word-internal piece fuses with does not count:
    "06-NQ/TUaaa" is not the code, "75.5" is not 75. Unmet constraints keep their given order.
    """
    spans: list[tuple[int, int]] = []
    missing: list[Constraint] = []
    used = [False] * len(ids)
    for cons in sorted(constraints, key=lambda c: -len(c.token_ids)):
        want = cons.token_ids
        n = len(want)
        for start in range(len(ids) - n + 1):
            end = start + n
            if (tuple(ids[start:end]) == want and not any(used[start:end])
                    and not fused_after(ids, end, kinds)):
                used[start:end] = [True] * n
                spans.append((start, end))
                break
        else:
            missing.append(cons)
    order = {id(c): i for i, c in enumerate(constraints)}
    return spans, sorted(missing, key=lambda c: order[id(c)])


def continuation_limit(prefix: int, rest: int, budget: int, ceiling: int) -> int:
    """Decoding length for a repair candidate: its prefix plus about what it replaced.

    The plain output had *rest* more tokens after what the *prefix* tokens
    kept; the continuation gets that much again with some slack, not the
    sentence's whole *budget*: a weak model that falls into a repetition loop
    after a forced prefix would otherwise run to the budget, and those few
    loops were most of the repair stage's time. With nothing left (*rest* 0)
    the plain output ended there, and the prefix is the candidate.
    """
    if not rest:
        return prefix
    return min(ceiling, budget + prefix, prefix + rest + max(REPAIR_SLACK, rest // 2))


def unmet(ids: Sequence[int], constraints: Sequence[Constraint],
          kinds: Sequence[int]) -> list[Constraint]:
    """Constraints not (or not often enough) present in *ids*."""
    return match_constraints(ids, constraints, kinds)[1]


def repeats(ids: Sequence[int], bans: Sequence[tuple[int, ...]],
            folds: Sequence[int]) -> int:
    """How many banned sequences (:func:`~translate.decoding.constraints.repeat_bans`)
    occur in *ids*: a splice can create a repeat the decoder could not prevent, as
    "Bộ đội Biên phòng" spliced before the model's own "Biên phòng". Compared
    through *folds* (:func:`~translate.decoding.constraints.piece_folds`)."""
    folded = [folds[t] for t in ids]
    found = 0
    for seq in bans:
        want = [folds[t] for t in seq]
        n = len(want)
        found += sum(folded[i:i + n] == want for i in range(len(folded) - n + 1))
    return found


def splice_prefixes(ids: list[int], cons: Sequence[Constraint], source: str,
                    positions: int, kinds: Sequence[int],
                    folds: Sequence[int]) -> list[tuple[list[int], int]]:
    """Candidate target prefixes: *ids* with every missing constraint spliced in.

    Candidate *r* puts each missing constraint at its *r*-th preferred word
    boundary (nearest the relative position of its source span). A prefix
    runs to the end of the last inserted or already met constraint, so
    every constraint is inside it and the model writes only the rest. Each
    prefix comes with how many tokens of *ids* it left out at the end. Words
    of the constraint that the output already has right at the splice point
    are replaced, not repeated (see :func:`_absorbed`).
    """
    spans, missing = match_constraints(ids, cons, kinds)
    inside = {i for start, end in spans for i in range(start + 1, end)}
    taken = {i for start, end in spans for i in range(start, end)}
    # A constraint may go where what follows cannot fuse with it ("10" before "-x" is 10-x).
    bounds = [i for i in range(len(ids) + 1)
              if i not in inside and not fused_after(ids, i, kinds)]
    last_met = max((end for _, end in spans), default=0)
    ranked = []
    seen: dict[str, int] = {}
    for c in missing:
        found = source.find(c.source, seen.get(c.source, -1) + 1) if c.source else -1
        if found >= 0:
            seen[c.source] = found
        ratio = found / max(1, len(source)) if found >= 0 else 1.0
        ranked.append(sorted(bounds, key=lambda i: (abs(i / max(1, len(ids)) - ratio), i)))
    prefixes: list[tuple[list[int], int]] = []
    for r in range(min(positions, len(bounds))):
        picks = sorted((order[r], n) for n, order in enumerate(ranked))
        prefix: list[int] = []
        at = 0
        for position, n in picks:
            start, stop = _absorbed(ids, max(position, at), missing[n].token_ids, kinds,
                                    folds, taken)
            prefix += ids[at:max(start, at)] + list(missing[n].token_ids)
            at = stop
        end = max(at, last_met)
        # The original tokens through the next word start keep the model from gluing a
        # word piece onto the last constraint ("55,000si", "10-x").
        while end < len(ids) and kinds[ids[end]] == CONNECTOR:
            end += 1
        prefix += ids[at:end + 1]
        if all(prefix != seen_prefix for seen_prefix, _ in prefixes):
            prefixes.append((prefix, max(0, len(ids) - end - 1)))
    return prefixes


def _word_starts(ids: Sequence[int], kinds: Sequence[int]) -> set[int]:
    return {i for i, t in enumerate(ids) if i == 0 or kinds[t] != JOINER}


def _absorbed(ids: Sequence[int], position: int, cons: Sequence[int], kinds: Sequence[int],
              folds: Sequence[int], taken: set[int]) -> tuple[int, int]:
    """The span of *ids* a constraint spliced at *position* replaces.

    A weak model often renders part of a term by itself: "Biên phòng Biên giới"
    for "Border Guard". Splicing "Bộ đội Biên phòng" before it would give
    "Bộ đội Biên phòng Biên phòng", a repeat verification reports. So whole
    words of the constraint found right before the splice point (its head) or
    right after it (its head or its tail) are taken out; tokens of constraints
    the output already meets are never touched. Words compare case-insensitively
    through *folds*.
    """
    own = _word_starts(cons, kinds) | {len(cons)}
    out = _word_starts(ids, kinds) | {len(ids)}
    cons = tuple(folds[t] for t in cons)
    ids = [folds[t] for t in ids]
    start = position
    for k in range(len(cons) - 1, 0, -1):
        lo = position - k
        if (k in own and lo >= 0 and lo in out and tuple(ids[lo:position]) == cons[:k]
                and not taken & set(range(lo, position))):
            start = lo
            break
    stop = position
    for k in range(len(cons), 0, -1):
        hi = position + k
        if hi > len(ids) or hi not in out or taken & set(range(position, hi)):
            continue
        piece = tuple(ids[position:hi])
        if ((k in own and piece == cons[:k]) or (len(cons) - k in own
                                                 and piece == cons[len(cons) - k:])):
            stop = hi
            break
    return start, stop
