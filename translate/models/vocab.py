"""What a model directory says about its vocabulary and its input: the pieces by id, the
inline term-annotation markers it was trained with, the longest piece it translates well
(read by the backends and the vocabulary map builder alike, so it lives with the models,
below both)."""

from __future__ import annotations

import json
from pathlib import Path


def pieces_by_id(vocab: dict[str, int]) -> list[str]:
    """The vocabulary as a list indexed by token id (ids missing from *vocab* are "")."""
    pieces = [""] * (max(vocab.values()) + 1)
    for piece, index in vocab.items():
        pieces[index] = piece
    return pieces


def term_annotation(directory: Path) -> tuple[str, str, str] | None:
    """The inline term-annotation markers (start, sep, end) a model directory's
    ``termtrans.json`` declares, if the model was trained with them."""
    card = directory / "termtrans.json"
    if not card.is_file():
        return None
    markers = json.loads(card.read_text(encoding="utf-8")).get("term_annotation")
    return (markers["start"], markers["sep"], markers["end"]) if markers else None


def piece_tokens(directory: Path) -> int | None:
    """The longest piece (in source tokens) a model directory's ``termtrans.json`` says to
    translate at once (``"decoding": {"piece_tokens": N}``): a small model translates a
    long sentence better clause by clause (measured for the demo model in its card)."""
    card = directory / "termtrans.json"
    if not card.is_file():
        return None
    value = json.loads(card.read_text(encoding="utf-8")).get("decoding", {}).get(
        "piece_tokens")
    return int(value) if isinstance(value, int) and value > 0 else None
