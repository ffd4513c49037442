"""The translation backend interface.

A backend turns batches of source sentences plus per-sentence constraints
into token ids. :meth:`Translator.translate` is the one public method; it
calls small hooks that each backend implements:

* ``_load()`` — read the model (lazily, on first use);
* ``_encode_target(text)`` — target token ids of a string (for constraints);
* ``_decode_target(ids)`` — text of target ids;
* ``_generate(sources, constraints, beam, max_lengths, strict)`` — token ids per sentence.

Everything else — turning glossary targets into :class:`Constraint` s
(with the placeholder path for unspellable targets), placeholder
restoration, output counts — is shared here, so every backend gives the same
guarantees.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.errors import InputError
from translate.decoding.constraints import Constraint

PLACEHOLDER_PATTERNS = ("ZQ{k}QZ", "XQ{k}QX", "{k}{k}{k}{k}9")


@dataclass(frozen=True)
class Output:
    """What a backend produced for one sentence."""

    text: str
    tokens: int
    constraints_met: bool


@dataclass(frozen=True)
class TokenScores:
    """A target force-decoded by the model: its pieces and their log-probabilities.

    The last piece is the end of sentence. *truncated* says the pair was longer than
    the model's input and only its beginning was scored.
    """

    pieces: tuple[str, ...]
    log_probs: tuple[float, ...]
    truncated: bool = False


class Translator(ABC):
    """A loaded model that translates batches of sentences under constraints."""

    name: str = "abstract"
    #: Sentences per call when the caller does not choose (``--batch-size``): what keeps this
    #: backend efficient without holding much work back from the cache between calls.
    preferred_batch_size: int = 16
    #: Inline term-annotation markers (start, sep, end) when the model was trained with them
    #: (its ``termtrans.json`` says so); the source then carries the required targets inline.
    annotation: tuple[str, str, str] | None = None
    #: The longest piece (source tokens) the model card says to translate at once, if any:
    #: segmentation cuts longer sentences at clause boundaries (see ``Segmenter``).
    piece_tokens: int | None = None

    def __init__(self) -> None:
        self._loaded = False

    def needs_conversion(self) -> bool:
        """Whether loading will first convert the model: a one-time wait worth announcing."""
        return False

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._load()
            self._loaded = True

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def _encode_target(self, text: str) -> list[int]: ...

    @abstractmethod
    def _decode_target(self, ids: Sequence[int]) -> str: ...

    @abstractmethod
    def _generate(self, sources: Sequence[str], constraints: Sequence[Sequence[Constraint]],
                  beam: int, max_lengths: Sequence[int],
                  strict: bool = False) -> list[tuple[list[int], bool]]: ...

    @abstractmethod
    def _score_pieces(self, sources: Sequence[str],
                      targets: Sequence[str]) -> list[TokenScores]: ...

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        """Force-decode each target given its source: how likely the model finds every
        piece of it. The quality estimate reads this for any translation — the model's
        own, a repaired one, or a human's."""
        self.ensure_loaded()
        return self._score_pieces(sources, targets)

    @abstractmethod
    def source_length(self, text: str) -> int:
        """Number of source tokens (to keep inputs below the model's limit)."""

    @property
    @abstractmethod
    def max_source_tokens(self) -> int: ...

    def make_constraint(self, text: str, taken: set[str], source: str = "") -> Constraint:
        """Tokens for *text*; if the vocabulary cannot spell it, an ASCII placeholder's."""
        ids = self._encode_target(text)
        if ids and self._decode_target(ids) == text:
            return Constraint(tuple(ids), text, None, source)
        for k in range(1, 1000):
            for pattern in PLACEHOLDER_PATTERNS:
                placeholder = pattern.format(k=k)
                if placeholder in taken:
                    continue
                ids = self._encode_target(placeholder)
                if ids and self._decode_target(ids) == placeholder:
                    taken.add(placeholder)
                    return Constraint(tuple(ids), text, placeholder, source)
        raise ValueError(f"no placeholder can be spelled by this model's vocabulary for {text!r}")

    def annotate(self, source: str, required: Sequence[tuple[str, str]]) -> str:
        """Append each required target after its source span, between the model's markers
        (Dinu et al. 2019); identity spans (codes, numbers) are left as they are.

        *required* lists glossary terms before amounts and months (:func:`plan_targets`
        order), not in source order: each span is placed at its own next free occurrence,
        so an amount before a term is annotated too."""
        if self.annotation is None:
            return source
        start_mark, sep, end_mark = self.annotation
        placed: list[tuple[int, int, str]] = []
        for span, target in required:
            found = source.find(span)
            while found >= 0 and any(found < e and s < found + len(span)
                                     for s, e, _ in placed):
                found = source.find(span, found + 1)
            if found >= 0:
                placed.append((found, found + len(span), target))
        pieces: list[str] = []
        at = 0
        for start, end, target in sorted(placed):
            pieces.append(source[at:start])
            if source[start:end] == target:
                pieces.append(target)
            else:
                pieces.append(f"{start_mark} {source[start:end]} {sep} {target} {end_mark}")
            at = end
        pieces.append(source[at:])
        return "".join(pieces)

    def translate(self, sources: Sequence[str], targets: Sequence[Sequence[tuple[str, str]]],
                  *, beam: int = 4, strict: bool = False) -> list[Output]:
        """Translate *sources*; ``targets[i]`` lists (source span, required target) pairs.

        *strict* guards the search: pieces with digits or format/markup characters
        are produced only inside constraints, so nothing of that kind is invented.
        The pipeline uses it for segments whose ordinary output failed verification.
        """
        self.ensure_loaded()
        limit = self.max_source_tokens
        lengths = [self.source_length(s) for s in sources]
        for source, length in zip(sources, lengths, strict=True):
            if length > limit:
                raise InputError(None, None, f"sentence of {length} tokens "
                                 f"is longer than the model's {limit}; split it first: "
                                 f"{source[:60]!r}…")
        constraints: list[list[Constraint]] = []
        max_lengths = []
        for source, length, required in zip(sources, lengths, targets, strict=True):
            taken = {w for w in source.split()}
            cons = [self.make_constraint(text, taken, span) for span, text in required]
            constraints.append(cons)
            budget = 2 * length + 10 + sum(len(c.token_ids) for c in cons)
            max_lengths.append(min(budget, 510))
        if self.annotation is not None:
            # Inline targets lengthen the input; where that would pass the model's limit the
            # sentence goes in plain (the constrained search still enforces its terms).
            annotated = [self.annotate(s, req) for s, req in zip(sources, targets, strict=True)]
            sources = [a if self.source_length(a) <= limit else s
                       for a, s in zip(annotated, sources, strict=True)]
        results = self._generate(sources, constraints, beam, max_lengths, strict)
        outputs = []
        for (ids, met), cons in zip(results, constraints, strict=True):
            text = self._decode_target(ids)
            for c in cons:
                if c.placeholder is not None:
                    text = text.replace(c.placeholder, c.text, 1)
            outputs.append(Output(text, len(ids), met))
        return outputs
