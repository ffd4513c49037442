"""Lexical constraints for decoding, and the state a hypothesis keeps about them.

A :class:`Constraint` is a token sequence the output must contain (a glossary
target, or a protected code/number/URL copied from the source). Targets the
model's vocabulary cannot spell (a round trip through the tokenizer changes
them) are decoded as an ASCII placeholder and replaced afterwards, so they
come out byte-exact instead of being dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Constraint:
    """Tokens to force once; ``text`` is what must appear in the final output."""

    token_ids: tuple[int, ...]
    text: str
    placeholder: str | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not self.token_ids:
            raise ValueError("a constraint needs at least one token")


@dataclass(frozen=True)
class ConstraintState:
    """Which constraints a hypothesis has met, and the one it is in the middle of.

    Immutable, so hypotheses can share states. ``progress`` is the number of
    constraint tokens produced so far; it is the bank of Post & Vilar's (2018)
    dynamic beam allocation.
    """

    constraints: tuple[Constraint, ...]
    met: frozenset[int] = frozenset()
    current: int | None = None
    position: int = 0
    just_met: bool = False

    @property
    def done(self) -> bool:
        return len(self.met) == len(self.constraints)

    @property
    def progress(self) -> int:
        made = sum(len(self.constraints[i].token_ids) for i in self.met)
        return made + (self.position if self.current is not None else 0)

    @property
    def remaining(self) -> int:
        """Tokens still needed to meet every constraint."""
        total = sum(len(c.token_ids) for c in self.constraints)
        return total - self.progress

    def next_tokens(self) -> set[int]:
        """Tokens that advance a constraint from this state."""
        if self.current is not None:
            return {self.constraints[self.current].token_ids[self.position]}
        return {c.token_ids[0] for i, c in enumerate(self.constraints) if i not in self.met}

    def forced_token(self) -> int | None:
        """The token that makes the fastest progress (for forced completion)."""
        if self.current is not None:
            return self.constraints[self.current].token_ids[self.position]
        for i, c in enumerate(self.constraints):
            if i not in self.met:
                return c.token_ids[0]
        return None

    def advance(self, token: int) -> ConstraintState:
        if self.current is not None:
            ids = self.constraints[self.current].token_ids
            if ids[self.position] == token:
                if self.position + 1 == len(ids):
                    return ConstraintState(self.constraints, self.met | {self.current},
                                           just_met=True)
                return ConstraintState(self.constraints, self.met, self.current,
                                       self.position + 1)
            # abandoned mid-way: the partial sequence no longer counts
            return ConstraintState(self.constraints, self.met)._start(token)
        return self._start(token)

    def _start(self, token: int) -> ConstraintState:
        for i, c in enumerate(self.constraints):
            if i not in self.met and c.token_ids[0] == token:
                if len(c.token_ids) == 1:
                    return ConstraintState(self.constraints, self.met | {i}, just_met=True)
                return ConstraintState(self.constraints, self.met, i, 1)
        return ConstraintState(self.constraints, self.met) if self.just_met else self


#: How a vocabulary piece may follow a completed constraint (see :func:`piece_kinds`).
FREE, JOINER, CONNECTOR = 0, 1, 2
_CONNECTOR_CHARS = frozenset(".,-/:")


def piece_kinds(pieces: Sequence[str]) -> list[int]:
    """Classify sentencepiece pieces by whether they would fuse with a preceding term.

    A *joiner* continues the previous word ("aaa" in "06-NQ/TUaaa", ".5" in
    "75.5", "_số" in "NĐ-CP_số"); it may not follow a constraint. A *connector* is bare
    number punctuation (".", ",", "/", "-", ":"): it may follow ("75." ends a
    sentence) but the piece after it may not be a joiner ("75" "." "5" is
    75.5, not 75). Everything else — word starts ("▁…"), other punctuation,
    special tokens — is free.
    """
    kinds = []
    for piece in pieces:
        if not piece or piece.startswith(("▁", "<")):
            kinds.append(FREE)
        elif all(ch in _CONNECTOR_CHARS for ch in piece):
            kinds.append(CONNECTOR)
        elif _glues(piece[0]) or (piece[0] in _CONNECTOR_CHARS
                                  and any(_glues(ch) for ch in piece)):
            kinds.append(JOINER)
        else:
            kinds.append(FREE)
    return kinds


def piece_folds(pieces: Sequence[str]) -> list[int]:
    """Each piece's id mapped to the id of its lower-case form (itself when the
    vocabulary has none): "▁Nhân" and "▁nhân" compare equal where a repeat of a
    term is looked for, as verification compares words case-insensitively."""
    index = {piece: i for i, piece in enumerate(pieces) if piece}
    return [index.get(piece.lower(), i) for i, piece in enumerate(pieces)]


def piece_cases(pieces: Sequence[str]) -> list[int]:
    """Each piece's id mapped to the id of the same piece with its first letter's case
    swapped ("▁an" ↔ "▁An"), or -1 when the vocabulary has no such piece."""
    index = {piece: i for i, piece in enumerate(pieces) if piece}

    def swapped(piece: str) -> str:
        lead = 1 if piece.startswith("▁") else 0
        if len(piece) <= lead:
            return piece
        return piece[:lead] + piece[lead].swapcase() + piece[lead + 1:]

    return [index.get(swapped(piece), -1) if piece and swapped(piece) != piece else -1
            for piece in pieces]


def _glues(ch: str) -> bool:
    r"""Whether *ch* continues the word before it: a word character as the checker's
    ``(?!\w)`` boundaries see it (letters, digits, "_": "NĐ-CP_số" is not the code),
    or a combining mark (it would change the term's last letter)."""
    return ch.isalnum() or ch == "_" or unicodedata.combining(ch) != 0


def fused_after(ids: Sequence[int], end: int, kinds: Sequence[int]) -> bool:
    """Whether the tokens from *end* on glue onto what ends there (connectors, then a joiner)."""
    while end < len(ids) and kinds[ids[end]] == CONNECTOR:
        end += 1
    return end < len(ids) and kinds[ids[end]] == JOINER


#: Characters whose pieces the guarded search emits only inside a constraint: digits,
#: format-string/markup characters and the slash, the items verification compares both
#: ways (a slash is what makes "tám-KL/TW" an invented code fragment; prose rarely needs
#: one where the source has no code).
GUARDED_CHARS = frozenset("%{}<>/")


def guarded_ids(pieces: Sequence[str]) -> list[int]:
    """Ids of pieces that hold a digit, a format/markup character or a slash.

    In a guarded (strict) search they can only be produced as part of a
    constraint — a number, code or placeholder copied from the source — so the
    output cannot invent one ("14vv24", "%d %d", a stray "}").
    """
    return [i for i, piece in enumerate(pieces) if piece not in SPECIAL_PIECES
            and any(ch.isdigit() or ch in GUARDED_CHARS for ch in piece)]


#: Control tokens: never guarded (``</s>`` must stay free to end a sentence).
SPECIAL_PIECES = frozenset({"</s>", "<s>", "<unk>", "<pad>"})


def repeat_bans(constraints: Sequence[Constraint], kinds: Sequence[int],
                cases: Sequence[int] = ()) -> list[tuple[int, ...]]:
    """Token sequences that would repeat a constraint's tail right after it.

    A decoder forced through a term sometimes generates the term's last words
    again ("người có uy tín có uy tín", "Bộ đội Biên phòng Biên phòng") — what
    verification reports as ``duplicated_term``. For each tail of a term (its
    last two or more words; the word itself for a one-word term) this bans the
    tail followed by the tail's first two words: the repeat cannot start, but
    the term may still be followed by one of its own words used normally
    ("người có uy tín có vai trò": "có" is also the verb *have*). Words are
    split where a piece is not word-internal (:data:`JOINER`). With *cases*
    (:func:`piece_cases`) the repeat is banned with its first word capitalised
    too ("quốc phòng, an ninh An ninh").
    """
    bans: set[tuple[int, ...]] = set()
    for constraint in constraints:
        ids = constraint.token_ids
        starts = [i for i, t in enumerate(ids)
                  if i == 0 or t >= len(kinds) or kinds[t] != JOINER]
        for n, start in enumerate(starts):
            words = len(starts) - n
            if words < min(2, len(starts)):
                break
            head_end = starts[n + 2] if n + 2 < len(starts) else len(ids)
            head = ids[start:head_end]
            bans.add((*ids[start:], *head))
            other = cases[head[0]] if head[0] < len(cases) else -1
            if other >= 0:
                bans.add((*ids[start:], other, *head[1:]))
    return sorted(bans)
