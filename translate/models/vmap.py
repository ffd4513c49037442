"""Vocabulary maps: which target pieces a source sentence can plausibly need.

CTranslate2 can restrict each batch's output layer to the union of candidate
target pieces of its source pieces (``use_vmap``): the softmax and the output
projection then cover a few hundred rows instead of the whole vocabulary,
which is most of the per-step cost of a small model. It reads the map from
``vmap.txt`` in the converted model, one rule per line::

    <source n-gram> TAB <target piece> <target piece> ...

with an empty n-gram for the pieces that are always candidates.

CTranslate2's own recipe derives the map from a phrase table (Moses and
fast_align, neither installable from PyPI). We build it from sentence-level
co-occurrence, which needs nothing but the training pairs: for each source
piece, the target pieces with the highest Dice coefficient, plus the piece
itself (names, numbers, codes and inline-annotated terms are copied, and the
vocabulary is shared), plus the most frequent target pieces for everyone.
A model directory that holds a ``vmap.txt`` gets it converted along; the
file is part of the model's fingerprint, so a changed map is a changed model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from glossary.errors import ConfigError, InputError, ModelError
from glossary.textio import atomic_write, read_aligned
from translate.models.vocab import pieces_by_id

VMAP_FILE = "vmap.txt"
#: Candidates per source piece (besides itself) and pieces always allowed: on the
#: 8k-vocabulary demo model these make batches of 8 sentences decode over ~1,000 of
#: 8,001 pieces at unchanged FLORES BLEU (±0.1, measured against 10/300 and 50/2000).
PER_SOURCE = 20
ALWAYS = 500
#: Sentence pairs counted at once (bounds the memory of the co-occurrence keys).
_CHUNK = 4000


def read_pairs(source: Path, target: Path) -> list[tuple[str, str]]:
    """Line-aligned sentence pairs; different line counts are an error, never a truncation."""
    src, tgt = read_aligned(source, target,
                            relation="line i of each file must translate the other")
    return list(zip(src, tgt, strict=True))


def build_vocabulary_map(model: Path, pairs: Iterable[tuple[str, str]],
                         per_source: int = PER_SOURCE, always: int = ALWAYS) -> list[str]:
    """The lines of a ``vmap.txt`` for the MarianMT directory *model*, from training pairs."""
    import numpy as np
    import sentencepiece

    vocab: dict[str, int] = json.loads((model / "vocab.json").read_text(encoding="utf-8"))
    pieces = pieces_by_id(vocab)
    size = len(pieces)
    sp_source = sentencepiece.SentencePieceProcessor(model_file=str(model / "source.spm"))
    sp_target = sentencepiece.SentencePieceProcessor(model_file=str(model / "target.spm"))
    unk = vocab.get("<unk>", 0)

    def ids(sp: Any, text: str) -> Any:
        return np.array([vocab.get(p, unk) for p in sp.encode(text, out_type=str)],
                        dtype=np.int64)

    source_df = np.zeros(size, np.int64)
    target_df = np.zeros(size, np.int64)
    target_tf = np.zeros(size, np.int64)
    keys: list[Any] = []
    counts: list[Any] = []
    chunk: list[Any] = []
    n = 0

    def merge() -> tuple[Any, Any]:
        key, where = np.unique(np.concatenate(keys), return_inverse=True)
        return key, np.bincount(where, weights=np.concatenate(counts)).astype(np.int64)

    def flush() -> None:
        if chunk:
            k, c = np.unique(np.concatenate(chunk), return_counts=True)
            keys.append(k)
            counts.append(c)
            chunk.clear()
        if len(keys) >= 8:                  # bound memory on large corpora
            k, c = merge()
            keys[:], counts[:] = [k], [c]

    for source, target in pairs:
        s = np.unique(ids(sp_source, source))
        words = ids(sp_target, target)
        t = np.unique(words)
        source_df[s] += 1
        target_df[t] += 1
        np.add.at(target_tf, words, 1)
        chunk.append((s[:, None] * size + t[None, :]).ravel())
        n += 1
        if n % _CHUNK == 0:
            flush()
    flush()
    if n == 0:
        raise InputError(None, None, "no sentence pairs to build a vocabulary map from")
    key, together = merge()
    src, tgt = key // size, key % size
    dice = 2 * together / (source_df[src] + target_df[tgt])
    order = np.lexsort((-dice, src))            # by source piece, best candidates first
    src, tgt = src[order], tgt[order]
    starts = np.searchsorted(src, np.arange(size))
    ends = np.searchsorted(src, np.arange(size), side="right")

    frequent = [pieces[i] for i in np.argsort(-target_tf, kind="stable")[:always]
                if target_tf[i] > 0 and pieces[i]]
    lines = ["\t" + " ".join(frequent)]
    for i in range(size):
        if source_df[i] == 0 or not pieces[i] or i == unk:
            continue
        best = [pieces[j] for j in tgt[starts[i]:ends[i]][:per_source + 1] if j != i][:per_source]
        lines.append(f"{pieces[i]}\t{' '.join([pieces[i], *best])}")
    return lines


def write_vocabulary_map(model: Path, source: Path, target: Path,
                         per_source: int = PER_SOURCE, always: int = ALWAYS,
                         output: Path | None = None) -> tuple[Path, int]:
    """Build the map from parallel text files and write it atomically (default: into *model*)."""
    if per_source < 0 or always < 0:
        raise ConfigError("--per-source and --always must be 0 or more")
    lines = build_vocabulary_map(model, read_pairs(source, target), per_source, always)
    path = output or model / VMAP_FILE
    with atomic_write(path) as handle:
        handle.write("\n".join(lines) + "\n")
    return path, len(lines)


def check_vocabulary_map(path: Path) -> None:
    """A damaged map fails here with its line, not deep inside CTranslate2."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ModelError(f"{path}: damaged model file: not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count("\t") != 1:
            raise ModelError(f"{path}:{number}: damaged vocabulary map: expected "
                             f"'<source n-gram> TAB <target pieces>', found "
                             f"{line.count(chr(9))} tabs")
