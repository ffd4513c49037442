"""MarianMT, NLLB-200, M2M-100 and MADLAD-400 through CTranslate2 (int8 on CPU), with the
same term guarantee.

CTranslate2 has no lexical constraints (its issues #739, #1893), and its
decoder cannot be stepped from Python under beam search, so the exact
constrained search of :mod:`translate.decoding.beam` cannot run inside it.
The guarantee is kept in three stages, each cheaper than the next is exact:

1. **Plain pass.** Every sentence is decoded by CTranslate2. A term-aware model
   (``termtrans.json``) reads the required targets inline in the source
   (Dinu et al. 2019) and copies most of them by itself. Each output is
   checked token by token: every constraint present as many times as
   required, not fused with a following word piece.
2. **Prefix repair.** For a sentence that misses constraints, each missing
   constraint is spliced into the output at the word boundary nearest the
   relative position of its source span, where what follows cannot fuse
   with it; the prefix runs through the last constraint, met or inserted,
   and the next original word, so all constraints are in it. CTranslate2
   decodes the rest with ``target_prefix``, allowed about as many tokens as
   the prefix replaced (a weak model looping after a forced prefix would
   otherwise run to the length limit). What is still unmet gets a second
   round with several placements each, rescored with ``score_batch``; the
   most probable candidate that meets the most constraints wins.
3. **Exact fallback.** Whatever is still unmet is re-decoded with the exact
   dynamic-beam-allocation search of :mod:`translate.decoding.beam`, on the
   same CTranslate2 model: :class:`CTranslate2Stepper` asks CTranslate2 for
   the logits after each hypothesis' prefix. PyTorch is never loaded, so
   the fast path keeps its small memory footprint whatever it meets.

A model directory with a vocabulary map (``vmap.txt``, see
:mod:`translate.models.vmap`) gets its plain pass decoded over each batch's
candidate pieces only — the inline-annotated terms and copied codes are
candidates because every source piece maps to itself. Repair decodes with
the full vocabulary, because CTranslate2 (4.8) keeps stale entries in the
decoder's original-id → restricted-id map from one restricted batch to the
next (``Decoder::update_output_layer`` emplaces into the map without
clearing it), so a ``target_prefix`` piece is placed wrongly or fails with
an index error (both seen when we tried the map in repair). A call over
the full vocabulary clears that map (on CPU the output layer is never
padded), so repair, scoring and the exact stage are unaffected. Unprefixed
decoding only maps the end and start token, ``</s>``; it is right while
that is id 0, the first candidate of every batch — true of MarianMT
vocabularies, and checked: another model is decoded without the map.

The other model families (:mod:`translate.models.families`) differ only at the edges:
the source is tokenised with the family's sentencepiece model and language token, and the
decoder is forced to start with the target language's code (``vie_Latn``, ``__vi__``).
That code is put at the head of every target prefix — plain pass, repair, scoring, the
exact search's steps — and taken off every output and score, so the three stages above
work on the translation alone, whatever the family.

``stats`` counts how many sentences each stage settled, so the benchmark can
report what the fast path really did.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from glossary.errors import ModelError
from translate.backends.base import TokenScores, Translator
from translate.decoding.beam import Row, constrained_beam_search, log_softmax, top_k
from translate.decoding.constraints import (
    Constraint,
    guarded_ids,
    piece_cases,
    piece_folds,
    piece_kinds,
    repeat_bans,
)
from translate.decoding.repair import continuation_limit, repeats, splice_prefixes, unmet
from translate.deps import require
from translate.models.convert import (
    cached_conversion,
    check_compute_type,
    converted_model,
    import_ctranslate2,
)
from translate.models.families import FAMILIES, check_backend, detect_family
from translate.models.files import check_model_directory
from translate.models.vmap import VMAP_FILE
from translate.models.vocab import piece_tokens, pieces_by_id, term_annotation

#: Word boundaries tried per missing constraint in the repair stage's first round: one, the
#: boundary nearest the relative position of its source span, so the round needs no scoring
#: (three placements, scored, were 1.5x slower for +0.1 chrF++ on FLORES and on the term
#: sentences, measured side by side). What it leaves unmet gets WIDE_REPAIR_POSITIONS.
REPAIR_POSITIONS = 1
WIDE_REPAIR_POSITIONS = 12
#: Target tokens per scoring batch: scoring holds the logits of every position (vocabulary ×
#: 4 bytes each), so 32 long candidates at once took half a gigabyte; this bounds it to ~16 MB
#: with an 8k vocabulary (and was faster than 2048 tokens, measured side by side).
SCORE_BATCH_TOKENS = 512
#: Most sentences in one CTranslate2 batch: batches group sentences of similar length limits.
DECODE_CHUNK = 8
#: Chunks are cut as for this many workers, whatever the thread count: int8 output can
#: depend on a sentence's batch neighbours, so the cut must not depend on the machine —
#: a run with --threads 1 and a Ray actor give the same bytes as a 2-thread run.
CHUNK_WORKERS = 2


#: Strict (retry) calls penalise pieces already produced: a segment is retried when its first
#: output failed verification, most often for a stutter ("dân dân dân"). Measured on the seed
#: articles: 32 repetition issues after the retry without it, 4 with 1.2, 3 with 1.4 (number
#: issues 11 → 5); the retry's output is kept only when it has fewer issues.
RETRY_REPETITION_PENALTY = 1.2


class CTranslate2Translator(Translator):
    """A model directory of any supported family, converted (once, cached) to CTranslate2
    and run on CPU."""

    #: 64 sentences make 8 chunks of DECODE_CHUNK, 4 per worker: 1.15x the tokens/s of 16
    #: (chunks of 4) with constraints on the demo model; 128 gained nothing more (measured
    #: side by side). The transformers path gains nothing from larger calls (405 vs 392 tok/s).
    preferred_batch_size = 64

    def __init__(self, location: str | Path, revision: str | None = None, threads: int = 0,
                 compute_type: str = "int8", cache_root: Path | None = None, *,
                 vocabulary_map: bool = True) -> None:
        super().__init__()
        check_compute_type(compute_type)   # fail at construction, not on first use
        self.location = Path(location)
        self.revision = revision
        self.piece_tokens = piece_tokens(self.location)
        # _load refuses a location that is not a directory, whatever its family
        self.family = detect_family(self.location) if self.location.is_dir() \
            else FAMILIES["marian"]
        check_backend(self.family, "ctranslate2", self.location)
        self.threads = threads
        self.compute_type = compute_type
        self.cache_root = cache_root
        # The model's vocabulary map, if it has one, restricts the output layer of the
        # plain pass (see _decode); it changes outputs, so the signature says so.
        self.use_vmap = (vocabulary_map and self.family.name == "marian"
                         and (self.location / VMAP_FILE).is_file()
                         and _eos_is_id_zero(self.location))
        self.name = f"ctranslate2-{compute_type}" + ("+vmap" if self.use_vmap else "")
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self.converted: Path | None = None
        self._ct2: Any = None
        self._sp_source: Any = None
        self._sp_target: Any = None
        self._vocab: dict[str, int] = {}
        self._pieces: list[str] = []
        self._special: set[int] = set()
        self._kinds: list[int] = []
        self._folds: list[int] = []
        self._cases: list[int] = []
        self._unk = 0
        self._max_positions = 512
        self._eos = 0
        self._piece_cache: dict[str, list[str]] = {}
        self._workers = 1

    def needs_conversion(self) -> bool:
        """Whether loading will first convert the model (seconds; once per model and type)."""
        if self._loaded or not self.location.is_dir():
            return False
        check_model_directory(self.location)     # a damaged model fails now, not after the note
        return not cached_conversion(self.location, self.compute_type, self.cache_root)[1]

    # -- hooks -------------------------------------------------------------------------------
    def _load(self) -> None:
        if not self.location.is_dir():
            raise ModelError(f"the ctranslate2 backend needs a local model directory, not "
                             f"'{self.location}': run 'termtrans models pull' first or pass "
                             "--model DIR")
        check_model_directory(self.location)
        ctranslate2 = import_ctranslate2()
        sentencepiece = require("sentencepiece", "the ctranslate2 backend")

        self.converted = converted_model(self.location, self.compute_type, self.cache_root)
        # A small model keeps one core busy per batch better than it splits one batch over
        # two cores: one worker per core, each taking chunks of a call (measured 1.3x the
        # tokens/s of intra_threads=2 on 2 cores; 1.2x for an OPUS-MT-sized model).
        self._workers = max(1, self.threads or (os.cpu_count() or 1))
        self._ct2 = ctranslate2.Translator(
            str(self.converted), device="cpu", compute_type=self.compute_type,
            inter_threads=self._workers, intra_threads=1)
        self._sp_source = sentencepiece.SentencePieceProcessor(
            model_file=str(self.location / self.family.source_spm))
        self._sp_target = sentencepiece.SentencePieceProcessor(
            model_file=str(self.location / self.family.target_spm))
        self._vocab = self._read_vocabulary()
        self._pieces = pieces_by_id(self._vocab)
        config = json.loads((self.location / "config.json").read_text(encoding="utf-8"))
        self._special = {int(config.get(k)) for k in ("pad_token_id", "eos_token_id",
                                                       "decoder_start_token_id")
                         if config.get(k) is not None}
        self._special |= {i for i, p in enumerate(self._pieces) if self.family.is_special(p)}
        self._unk = self._vocab.get("<unk>", 0)
        self._eos = int(config.get("eos_token_id", self._vocab.get("</s>", 0)))
        self._max_positions = int(config.get("max_position_embeddings", 512))
        self._lead = list(self.family.target_prefix)
        self._kinds = piece_kinds(self._pieces)
        self._folds = piece_folds(self._pieces)
        self._cases = piece_cases(self._pieces)
        self._guarded = guarded_ids(self._pieces)
        self.annotation = term_annotation(self.location)

    def _read_vocabulary(self) -> dict[str, int]:
        """Piece → id: a MarianMT directory's ``vocab.json``; for the other families the
        converted model's own vocabulary (their tokenizers add language codes to the
        sentencepiece pieces, and the conversion lists every id's token)."""
        if self.family.name == "marian":
            vocab: dict[str, int] = json.loads(
                (self.location / "vocab.json").read_text(encoding="utf-8"))
            return vocab
        assert self.converted is not None
        pieces = _converted_vocabulary(self.converted)
        vocab = {}
        for i, piece in enumerate(pieces):
            vocab.setdefault(piece, i)
        missing = [t for t in (*self.family.language_tokens, "</s>") if t not in vocab]
        if missing:
            raise ModelError(f"{self.location}: the converted vocabulary has no "
                             f"{', '.join(missing)} token: this {self.family.title} model "
                             "cannot translate English→Vietnamese")
        return vocab

    def _encode_target(self, text: str) -> list[int]:
        return [self._vocab.get(p, self._unk)
                for p in self._sp_target.encode(text, out_type=str)]

    def _decode_target(self, ids: Sequence[int]) -> str:
        pieces = [self._pieces[i] for i in ids if i not in self._special]
        return str(self._sp_target.decode_pieces(pieces))

    def source_length(self, text: str) -> int:
        self.ensure_loaded()
        return len(self._source_pieces(text))

    @property
    def max_source_tokens(self) -> int:
        self.ensure_loaded()
        return self._max_positions - 2

    def _source_pieces(self, text: str) -> list[str]:
        # Documents ask for a sentence's length when they are split and again when
        # they are translated: tokenise each sentence once.
        pieces = self._piece_cache.get(text)
        if pieces is None:
            if len(self._piece_cache) > 100_000:
                self._piece_cache.clear()
            pieces = [*self.family.source_prefix,
                      *self._sp_source.encode(self.family.source_tag + text, out_type=str),
                      "</s>"]
            self._piece_cache[text] = pieces
        return pieces

    def _score_pieces(self, sources: Sequence[str],
                      targets: Sequence[str]) -> list[TokenScores]:
        limit = self._max_positions - 2
        src = [self._source_pieces(s) for s in sources]
        tgt = [self._sp_target.encode(t, out_type=str) for t in targets]
        cut = [len(s) > limit + 1 or len(t) >= limit for s, t in zip(src, tgt, strict=True)]
        src = [[*s[:limit], "</s>"] if c else s for s, c in zip(src, cut, strict=True)]
        tgt = [t[:limit - 1] for t in tgt]
        results = self._ct2.score_batch(src, [[*self._lead, *t] for t in tgt],
                                        max_batch_size=SCORE_BATCH_TOKENS, batch_type="tokens")
        return [TokenScores((*t, "</s>"), tuple(r.log_probs[len(self._lead):]), c)
                for t, r, c in zip(tgt, results, cut, strict=True)]

    def _generate(self, sources: Sequence[str], constraints: Sequence[Sequence[Constraint]],
                  beam: int, max_lengths: Sequence[int],
                  strict: bool = False) -> list[tuple[list[int], bool]]:
        # Strict: every CTranslate2 call of this batch suppresses the guarded pieces (they
        # reach the output only through the constraint prefixes of the repair stage). It is
        # passed down, not kept on the translator: a server decodes batches concurrently.
        pieces = [self._source_pieces(s) for s in sources]
        bans = [repeat_bans(cons, self._kinds, self._cases) for cons in constraints]
        outputs = self._decode(pieces, list(max_lengths), beam, bans, strict=strict)
        todo = [k for k, cons in enumerate(constraints)
                if cons and unmet(outputs[k], cons, self._kinds)]
        self._count("plain", len(sources) - len(todo))
        if todo:
            self._repair(todo, sources, pieces, constraints, outputs, max_lengths, bans,
                         REPAIR_POSITIONS, strict)
            retry = [k for k in todo if unmet(outputs[k], constraints[k], self._kinds)]
            if retry and REPAIR_POSITIONS:   # a wider round is far cheaper than the exact search
                self._repair(retry, sources, pieces, constraints, outputs, max_lengths, bans,
                             WIDE_REPAIR_POSITIONS, strict)
            still = [k for k in retry if unmet(outputs[k], constraints[k], self._kinds)]
            self._count("repaired", len(todo) - len(still))
            if still:
                self._fallback(still, pieces, constraints, outputs, beam, max_lengths, bans,
                               strict)
                self._count("exact", len(still))
        return [(ids, not unmet(ids, cons, self._kinds))
                for ids, cons in zip(outputs, constraints, strict=True)]

    def _count(self, stage: str, sentences: int) -> None:
        with self._stats_lock:    # batches may be decoded on several threads (the server)
            self.stats[stage] += sentences

    @staticmethod
    def _chunk(n: int) -> int:
        """Examples per CTranslate2 batch: one chunk per worker, at most 32."""
        return max(1, min(32, -(-n // CHUNK_WORKERS)))

    # -- stages 2 and 3 ----------------------------------------------------------------------
    def _ids(self, tokens: Sequence[str]) -> list[int]:
        return [self._vocab.get(t, self._unk) for t in tokens]

    def _repair(self, todo: list[int], sources: Sequence[str], pieces: list[list[str]],
                constraints: Sequence[Sequence[Constraint]], outputs: list[list[int]],
                max_lengths: Sequence[int], bans: list[list[tuple[int, ...]]],
                positions: int, strict: bool) -> None:
        requests: list[tuple[int, list[int], int]] = []
        for k in todo:
            for prefix, rest in splice_prefixes(outputs[k], constraints[k], sources[k],
                                                positions, self._kinds, self._folds):
                requests.append((k, prefix, continuation_limit(
                    len(prefix), rest, max_lengths[k], self._max_positions - 2)))
        if not requests:
            return
        candidates = self._continue(pieces, requests, bans, strict)
        scores = self._scores(pieces, requests, candidates)
        best: dict[int, tuple[tuple[int, int, float], list[int]]] = {}
        for (k, _, _), cand, score in zip(requests, candidates, scores, strict=True):
            met = len(constraints[k]) - len(unmet(cand, constraints[k], self._kinds))
            rank = (met, -repeats(cand, bans[k], self._folds), score)
            if k not in best or rank > best[k][0]:
                best[k] = (rank, cand)
        for k, ((met, _, _), cand) in best.items():
            if met > len(constraints[k]) - len(unmet(outputs[k], constraints[k], self._kinds)):
                outputs[k] = cand

    def _scores(self, pieces: list[list[str]], requests: list[tuple[int, list[int], int]],
                candidates: list[list[int]]) -> list[float]:
        """Mean log-probability of each candidate; 0 for a sentence's only candidate."""
        count = Counter(k for k, _, _ in requests)
        ranked = [i for i, (k, _, _) in enumerate(requests) if count[k] > 1]
        scores = [0.0] * len(requests)
        if ranked:
            results = self._ct2.score_batch(
                [pieces[requests[i][0]] for i in ranked],
                [[*self._lead, *(self._pieces[t] for t in candidates[i])] for i in ranked],
                max_batch_size=SCORE_BATCH_TOKENS, batch_type="tokens")
            for i, result in zip(ranked, results, strict=True):
                log_probs = result.log_probs[len(self._lead):]
                scores[i] = sum(log_probs) / max(1, len(log_probs))
        return scores

    def _continue(self, pieces: list[list[str]],
                  requests: list[tuple[int, list[int], int]],
                  bans: list[list[tuple[int, ...]]], strict: bool) -> list[list[int]]:
        """Decode each request's continuation; a request whose limit leaves no room is complete."""
        candidates = [list(prefix) for _, prefix, _ in requests]
        todo = [i for i, (_, prefix, limit) in enumerate(requests) if limit > len(prefix)]
        decoded = self._decode([pieces[requests[i][0]] for i in todo],
                               [requests[i][2] for i in todo], 1,
                               [bans[requests[i][0]] for i in todo],
                               [requests[i][1] for i in todo], strict=strict)
        for i, ids in zip(todo, decoded, strict=True):
            candidates[i] = ids
        return candidates

    def _decode(self, sources: list[list[str]], limits: list[int], beam: int,
                bans: list[list[tuple[int, ...]]],
                prefixes: list[list[int]] | None = None, *,
                strict: bool = False) -> list[list[int]]:
        """Best hypothesis per source, each held to its own length limit.

        CTranslate2 takes one ``max_decoding_length`` per call, and a sentence
        that loops runs to it, so sources are sorted by limit and cut into
        chunks of similar limits (two or more per worker, for balance), each
        submitted asynchronously with its own (the workers take chunks in turn).
        Outputs are cut to their sentence's limit, as the transformers path stops
        each sentence at its own. Only a call without prefixes uses the vocabulary
        map; should CTranslate2 still fail on one, that chunk is decoded again
        without it rather than losing the batch.

        *bans* (per source, :func:`~translate.decoding.constraints.repeat_bans`)
        are suppressed in calls without the map — the repair and guarded calls;
        a plain pass that repeats a term's tail fails verification and is
        decoded again guarded, without the map.
        """
        vmap = self.use_vmap and prefixes is None and not strict
        guarded = [[self._pieces[i]] for i in self._guarded] if strict else []

        def lead(i: int) -> list[str]:   # the family's language token, the repair prefix
            return [*self._lead, *(self._pieces[t] for t in (prefixes[i] if prefixes else ()))]

        def submit(part: list[int], use_vmap: bool, asynchronous: bool) -> Any:
            repeats = [] if use_vmap else sorted({seq for i in part for seq in bans[i]})
            suppress = guarded + [[self._pieces[t] for t in seq] for seq in repeats]
            return self._ct2.translate_batch(
                [sources[i] for i in part],
                target_prefix=None if prefixes is None and not self._lead else
                [lead(i) for i in part],
                beam_size=beam,
                max_decoding_length=len(self._lead) + max(limits[i] for i in part),
                use_vmap=use_vmap, asynchronous=asynchronous,
                suppress_sequences=suppress or None,
                repetition_penalty=RETRY_REPETITION_PENALTY if strict else 1.0)

        order = sorted(range(len(sources)), key=lambda i: limits[i])
        size = max(1, min(DECODE_CHUNK, -(-len(order) // (2 * CHUNK_WORKERS))))
        # Longest first: the workers take chunks in turn, and a long chunk taken last
        # would leave the other workers idle while it finishes.
        pending = [(part, submit(part, vmap, True)) for part in
                   (order[start:start + size]
                    for start in reversed(range(0, len(order), size)))]
        outputs: list[list[int]] = [[] for _ in sources]
        for part, futures in pending:
            try:
                hypotheses = [future.result().hypotheses[0] for future in futures]
            except (RuntimeError, IndexError):
                if not vmap:
                    raise
                self._count("vmap_retried", len(part))
                hypotheses = [r.hypotheses[0] for r in submit(part, False, False)]
            for i, hypothesis in zip(part, hypotheses, strict=True):
                outputs[i] = self._ids(hypothesis[len(self._lead):])[:limits[i]]
        return outputs

    def _fallback(self, still: list[int], pieces: list[list[str]],
                  constraints: Sequence[Sequence[Constraint]], outputs: list[list[int]],
                  beam: int, max_lengths: Sequence[int],
                  bans: list[list[tuple[int, ...]]], strict: bool) -> None:
        stepper = CTranslate2Stepper(self._ct2, [pieces[k] for k in still], self._pieces,
                                     self._chunk, self._lead)
        exact = constrained_beam_search(
            stepper, [constraints[k] for k in still], beam=beam,
            max_lengths=[max_lengths[k] for k in still], eos_id=self._eos,
            banned_ids=sorted(self._special - {self._eos}),
            piece_kinds=self._kinds, guarded_ids=self._guarded if strict else (),
            banned_sequences=[bans[k] for k in still])
        for k, decoded in zip(still, exact, strict=True):
            outputs[k] = list(decoded.token_ids)


def _converted_vocabulary(converted: Path) -> list[str]:
    """The target vocabulary of a CTranslate2 model directory, in id order."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        if (converted / f"{name}.json").is_file():
            pieces: list[str] = json.loads((converted / f"{name}.json").read_text(
                encoding="utf-8"))
            return pieces
        if (converted / f"{name}.txt").is_file():
            return (converted / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    raise ModelError(f"{converted}: no vocabulary file in the CTranslate2 model")


def _eos_is_id_zero(location: Path) -> bool:
    """Whether ``</s>`` is id 0: CTranslate2's restricted decoding maps it right only then."""
    try:
        vocab = json.loads((location / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False        # _load names the damaged file
    return isinstance(vocab, dict) and vocab.get("</s>") == 0


class CTranslate2Stepper:
    """Next-token log-probabilities from CTranslate2, for the exact constrained search.

    CTranslate2 cannot be stepped from Python under beam search, but asked to
    decode one token after a given ``target_prefix`` with
    ``return_logits_vocab`` it returns the logits at that position (the same
    values free decoding computes there). Every step therefore decodes each
    row's prefix again — no key/value cache between calls, so the cost grows
    with the square of the output length. That is acceptable for the few
    sentences the repair stage could not settle, and it keeps PyTorch out of
    the fast path.
    """

    def __init__(self, translator: Any, sources: list[list[str]], pieces: list[str],
                 chunk: Callable[[int], int], lead: Sequence[str] = ()) -> None:
        self.translator = translator
        self.lead = list(lead)
        self.chunk = chunk
        self.sources = sources
        self.pieces = pieces

    #: Upper bound of the logits one CTranslate2 call returns (they are all kept until it ends).
    MAX_CALL_BYTES = 64 << 20

    def step(self, rows: Sequence[Row]) -> Any:
        import numpy as np

        length = len(self.lead) + max(len(r.tokens) for r in rows)
        # CTranslate2 returns the logits of every prefix position: bound what one call holds.
        per_row = (length + 1) * len(self.pieces) * 4
        size = max(1, self.MAX_CALL_BYTES // per_row)
        logits = []
        for start in range(0, len(rows), size):
            part = rows[start:start + size]
            results = self.translator.translate_batch(
                [self.sources[r.sentence] for r in part],
                target_prefix=[[*self.lead, *(self.pieces[t] for t in r.tokens)] for r in part],
                beam_size=1, max_decoding_length=length + 1, return_logits_vocab=True,
                max_batch_size=self.chunk(len(part)))
            logits += [np.asarray(res.logits[0][len(self.lead) + len(r.tokens)],
                                  dtype=np.float32)
                       for res, r in zip(results, part, strict=True)]
        return log_softmax(np.stack(logits))

    def top_k(self, logprobs: Any, k: int) -> Any:
        return top_k(logprobs, k)
