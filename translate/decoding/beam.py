"""Lexically constrained beam search over an encoder-decoder model's forward pass.

Hand-written because transformers 5 removed constrained beam search
(``force_words_ids``/``Constraint``) and CTranslate2/Marian never had it. The
search is dynamic beam allocation (Post & Vilar, NAACL 2018): at each step a
hypothesis may extend with (a) its top-k tokens, (b) every token that
advances an unmet constraint; candidates are grouped in *banks* by how many
constraint tokens they have produced and the beam is filled round-robin from
the fullest bank down, so hypotheses that honour constraints survive without
crowding out fluent ones. End-of-sentence is blocked until every constraint
is met, and a hypothesis that would otherwise run out of length is forced to
emit its remaining constraint tokens — so every finished output contains
every constraint, whatever the model's quality. Sentences of a batch carry
their own constraints; beams of all sentences run through one batched
forward pass with a reordered key/value cache.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.decoding.constraints import Constraint, ConstraintState


@dataclass
class _Hyp:
    tokens: list[int]
    score: float
    state: ConstraintState
    row: int


@dataclass(frozen=True)
class Decoded:
    """Best finished hypothesis of one sentence."""

    token_ids: tuple[int, ...]
    score: float
    constraints_met: bool


def _select_banked(cands: list[tuple[float, _Hyp, int, ConstraintState]],
                   beam: int) -> list[tuple[float, _Hyp, int, ConstraintState]]:
    banks: dict[int, list[tuple[float, _Hyp, int, ConstraintState]]] = {}
    for cand in cands:
        banks.setdefault(cand[3].progress, []).append(cand)
    ordered = [sorted(banks[k], key=lambda c: -c[0]) for k in sorted(banks, reverse=True)]
    chosen: list[tuple[float, _Hyp, int, ConstraintState]] = []
    depth = 0
    while len(chosen) < beam and any(depth < len(b) for b in ordered):
        for bank in ordered:
            if depth < len(bank) and len(chosen) < beam:
                chosen.append(bank[depth])
        depth += 1
    return chosen


def constrained_beam_search(model: Any, input_ids: Any, attention_mask: Any,
                            constraints: Sequence[Sequence[Constraint]], *, beam: int,
                            max_lengths: Sequence[int], eos_id: int, start_id: int,
                            banned_ids: Sequence[int] = (), joiner_ids: Sequence[int] = (),
                            length_penalty: float = 1.0) -> list[Decoded]:
    """Decode a batch; ``constraints[i]`` and ``max_lengths[i]`` belong to sentence *i*.

    ``joiner_ids`` are word-internal pieces (no leading "▁"); they may not
    directly follow a completed constraint, so a term or code never fuses
    with the next word ("06-NQ/TUaaa").
    """
    import torch

    batch = int(input_ids.shape[0])
    with torch.inference_mode():
        encoder = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask)
        enc_h = encoder.last_hidden_state
        enc_mask = attention_mask
        hyps: list[list[_Hyp]] = [[_Hyp([], 0.0, ConstraintState(tuple(constraints[b])), b)]
                                  for b in range(batch)]
        finished: list[list[tuple[float, list[int], bool]]] = [[] for _ in range(batch)]
        active = set(range(batch))
        last = torch.full((batch, 1), start_id, dtype=torch.long)
        cache = None
        banned = list(banned_ids)
        joiners = torch.tensor(sorted(set(joiner_ids)), dtype=torch.long)
        k = max(beam, 1) + 1
        while active:
            out = model(encoder_outputs=(enc_h,), attention_mask=enc_mask,
                        decoder_input_ids=last, past_key_values=cache, use_cache=True)
            cache = out.past_key_values
            logprobs = torch.log_softmax(out.logits[:, -1, :].float(), dim=-1)
            if banned:
                logprobs[:, banned] = -math.inf
            if len(joiners):
                glued = [h.row for b in active for h in hyps[b] if h.state.just_met]
                if glued:
                    rows = torch.tensor(glued, dtype=torch.long)
                    logprobs[rows.unsqueeze(1), joiners.unsqueeze(0)] = -math.inf
            top_vals, top_idx = logprobs.topk(min(k, logprobs.shape[-1]), dim=-1)
            top_vals_l, top_idx_l = top_vals.tolist(), top_idx.tolist()
            next_hyps: list[_Hyp] = []
            parents: list[int] = []
            for b in sorted(active):
                cands: list[tuple[float, _Hyp, int, ConstraintState]] = []
                limit = max_lengths[b]
                for hyp in hyps[b]:
                    state = hyp.state
                    if state.remaining and len(hyp.tokens) + state.remaining >= limit - 1:
                        forced = state.forced_token()
                        tokens = {forced} if forced is not None else {eos_id}
                    else:
                        tokens = set(top_idx_l[hyp.row]) | state.next_tokens()
                        if not state.done or not hyp.tokens:   # never an empty output
                            tokens.discard(eos_id)
                    row_vals = dict(zip(top_idx_l[hyp.row], top_vals_l[hyp.row], strict=True))
                    for token in tokens:
                        value = row_vals.get(token)
                        if value is None:
                            value = float(logprobs[hyp.row, token])
                        cands.append((hyp.score + value, hyp, token,
                                      state if token == eos_id else state.advance(token)))
                at_limit = len(hyps[b][0].tokens) + 1 >= limit
                ends = [c for c in cands if c[2] == eos_id]
                grow = [c for c in cands if c[2] != eos_id]
                if beam <= 1:
                    best = max(cands, key=lambda c: c[0])
                    ends, grow = ([best], []) if best[2] == eos_id else ([], [best])
                for score, hyp, _token, state in ends:
                    norm = score / max(len(hyp.tokens) + 1, 1) ** length_penalty
                    finished[b].append((norm, hyp.tokens, state.done))
                chosen = grow if beam <= 1 else _select_banked(grow, beam)
                if at_limit:
                    for score, hyp, token, state in chosen:
                        if state.done:
                            norm = score / (len(hyp.tokens) + 1) ** length_penalty
                            finished[b].append((norm, [*hyp.tokens, token], True))
                    chosen = []
                best_open = max((c[0] / (len(c[1].tokens) + 1) ** length_penalty
                                 for c in chosen), default=-math.inf)
                best_done = max((f[0] for f in finished[b] if f[2]), default=-math.inf)
                enough = len(finished[b]) >= max(beam, 1) and best_done >= best_open
                if not chosen or enough:
                    active.discard(b)
                    hyps[b] = []
                    continue
                hyps[b] = []
                for score, hyp, token, state in chosen:
                    new = _Hyp([*hyp.tokens, token], score, state, len(next_hyps))
                    next_hyps.append(new)
                    parents.append(hyp.row)
                    hyps[b].append(new)
            if not next_hyps:
                break
            index = torch.tensor(parents, dtype=torch.long)
            cache.reorder_cache(index)
            enc_h = enc_h.index_select(0, index)
            enc_mask = enc_mask.index_select(0, index)
            last = torch.tensor([[h.tokens[-1]] for h in next_hyps], dtype=torch.long)
    results = []
    for b in range(batch):
        done = [f for f in finished[b] if f[2]] or finished[b]
        if not done:
            results.append(Decoded((), -math.inf, not constraints[b]))
            continue
        top = max(done, key=lambda f: f[0])
        results.append(Decoded(tuple(top[1]), top[0], top[2]))
    return results
