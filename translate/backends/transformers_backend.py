"""MarianMT through transformers/PyTorch, decoded with the constrained beam search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from glossary.errors import ModelError
from translate.backends.base import TokenScores, Translator
from translate.decoding.beam import Row, constrained_beam_search
from translate.decoding.constraints import (
    Constraint,
    guarded_ids,
    piece_cases,
    piece_kinds,
    repeat_bans,
)
from translate.deps import TORCH_HINT, require
from translate.models.families import check_backend, detect_family
from translate.models.files import check_model_directory
from translate.models.vocab import piece_tokens, pieces_by_id, term_annotation


def _import_transformers() -> Any:
    require("torch", "the transformers backend", TORCH_HINT)
    require("sentencepiece", "the transformers backend")
    return require("transformers", "the transformers backend", TORCH_HINT)


class TransformersTranslator(Translator):
    """A MarianMT model from a local directory (or a hub id when online)."""

    name = "transformers"

    def __init__(self, location: str | Path, revision: str | None = None,
                 threads: int = 0) -> None:
        super().__init__()
        self.location = str(location)
        self.revision = revision
        self.threads = threads
        self.piece_tokens = piece_tokens(Path(self.location))   # a hub id has no card here
        if Path(self.location).is_dir():     # MarianMT only: refused before any loading
            check_backend(detect_family(Path(self.location)), "transformers",
                          Path(self.location))
        self.model: Any = None
        self.tokenizer: Any = None
        self._kinds: list[int] = []
        self._cases: list[int] = []

    def _load(self) -> None:
        transformers = _import_transformers()
        import warnings

        import torch

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")

        if self.threads:
            torch.set_num_threads(self.threads)
        if Path(self.location).is_dir():
            check_model_directory(Path(self.location))
        try:
            self.tokenizer = transformers.MarianTokenizer.from_pretrained(
                self.location, revision=self.revision)
            self.model = transformers.MarianMTModel.from_pretrained(
                self.location, revision=self.revision)
        except OSError as exc:
            where = "directory" if Path(self.location).exists() else "hub id"
            raise ModelError(f"cannot load model {where} '{self.location}': "
                             f"{str(exc).splitlines()[0]}") from None
        self.model.eval()
        self.annotation = term_annotation(Path(self.location))
        pieces = pieces_by_id(self.tokenizer.get_vocab())
        self._kinds = piece_kinds(pieces)
        self._guarded = guarded_ids(pieces)
        self._cases = piece_cases(pieces)

    def _encode_target(self, text: str) -> list[int]:
        ids = self.tokenizer(text_target=[text]).input_ids[0]
        return [i for i in ids if i != self.tokenizer.eos_token_id]

    def _decode_target(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True))

    def source_length(self, text: str) -> int:
        self.ensure_loaded()
        return len(self.tokenizer(text).input_ids)

    @property
    def max_source_tokens(self) -> int:
        self.ensure_loaded()
        return int(self.model.config.max_position_embeddings) - 2

    def _score_pieces(self, sources: Sequence[str],
                      targets: Sequence[str]) -> list[TokenScores]:
        import torch

        limit = self.max_source_tokens
        out = []
        for source, target in zip(sources, targets, strict=True):
            enc = self.tokenizer([source], truncation=True, max_length=limit + 1,
                                 return_tensors="pt")
            labels = self.tokenizer(text_target=[target], truncation=True,
                                    max_length=limit, return_tensors="pt").input_ids
            truncated = (self.source_length(source) > limit + 1
                         or len(self._encode_target(target)) >= limit)
            with torch.inference_mode():
                logits = self.model(**enc, labels=labels).logits[0]
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            ids = labels[0].tolist()
            values = [float(logprobs[k, t]) for k, t in enumerate(ids)]
            pieces = tuple(self.tokenizer.convert_ids_to_tokens(ids))
            out.append(TokenScores(pieces, tuple(values), truncated))
        return out

    def _generate(self, sources: Sequence[str], constraints: Sequence[Sequence[Constraint]],
                  beam: int, max_lengths: Sequence[int],
                  strict: bool = False) -> list[tuple[list[int], bool]]:
        batch = self.tokenizer(list(sources), return_tensors="pt", padding=True)
        config = self.model.config
        stepper = MarianStepper(self.model, batch.input_ids, batch.attention_mask,
                                int(config.decoder_start_token_id))
        results = constrained_beam_search(
            stepper, constraints, beam=beam, max_lengths=max_lengths,
            eos_id=int(config.eos_token_id), banned_ids=[int(config.pad_token_id)],
            piece_kinds=self._kinds, guarded_ids=self._guarded if strict else (),
            banned_sequences=[repeat_bans(c, self._kinds, self._cases) for c in constraints])
        return [(list(r.token_ids), r.constraints_met) for r in results]


class MarianStepper:
    """Steps a MarianMT decoder one token at a time with a key/value cache.

    The self-attention cache follows the beam (reordered by parent rows every
    step); the cross-attention cache and encoder states depend only on the
    sentence, so they are reordered only when the rows' sentences change (a
    sentence finished, or the first step fanned out to the beam) — with a
    small model that reordering was a sixth of the decoding time.
    """

    def __init__(self, model: Any, input_ids: Any, attention_mask: Any, start_id: int) -> None:
        import torch

        self._torch = torch
        self.model = model
        self.start_id = start_id
        with torch.inference_mode():
            encoder = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask)
        self.encoder_states = encoder.last_hidden_state
        self.encoder_mask = attention_mask
        self.cache: Any = None
        self.sentences = list(range(int(input_ids.shape[0])))

    def step(self, rows: Sequence[Row]) -> Any:
        torch = self._torch
        sentences = [r.sentence for r in rows]
        with torch.inference_mode():
            if self.cache is None:
                last = torch.full((len(rows), 1), self.start_id, dtype=torch.long)
            else:
                index = torch.tensor([r.parent for r in rows], dtype=torch.long)
                self.cache.self_attention_cache.reorder_cache(index)
                if sentences != self.sentences:
                    self.cache.cross_attention_cache.reorder_cache(index)
                    self.encoder_states = self.encoder_states.index_select(0, index)
                    self.encoder_mask = self.encoder_mask.index_select(0, index)
                last = torch.tensor([[r.tokens[-1]] for r in rows], dtype=torch.long)
            self.sentences = sentences
            out = self.model(encoder_outputs=(self.encoder_states,),
                             attention_mask=self.encoder_mask, decoder_input_ids=last,
                             past_key_values=self.cache, use_cache=True)
            self.cache = out.past_key_values
            return torch.log_softmax(out.logits[:, -1, :].float(), dim=-1).numpy()

    def top_k(self, logprobs: Any, k: int) -> Any:
        return self._torch.from_numpy(logprobs).topk(k, dim=-1).indices.numpy()
