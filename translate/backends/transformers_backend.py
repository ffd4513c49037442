"""MarianMT through transformers/PyTorch, decoded with the constrained beam search."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from glossary.errors import MissingDependencyError, ModelError
from translate.backends.base import Translator
from translate.decoding.beam import constrained_beam_search
from translate.decoding.constraints import Constraint


def _import_transformers() -> Any:
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            f"the transformers backend needs PyTorch and transformers ({exc.name} is missing): "
            "pip install torch==2.13.0 transformers sentencepiece") from None
    return transformers


class TransformersTranslator(Translator):
    """A MarianMT model from a local directory (or a hub id when online)."""

    name = "transformers"

    def __init__(self, location: str | Path, revision: str | None = None,
                 threads: int = 0) -> None:
        super().__init__()
        self.location = str(location)
        self.revision = revision
        self.threads = threads
        self.model: Any = None
        self.tokenizer: Any = None
        self._joiners: list[int] = []

    def _load(self) -> None:
        transformers = _import_transformers()
        import warnings

        import torch

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")

        if self.threads:
            torch.set_num_threads(self.threads)
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
        card = Path(self.location) / "termtrans.json"
        if card.is_file():
            markers = json.loads(card.read_text(encoding="utf-8")).get("term_annotation")
            if markers:
                self.annotation = (markers["start"], markers["sep"], markers["end"])
        vocab = self.tokenizer.get_vocab()
        self._joiners = [i for piece, i in vocab.items()
                         if piece and piece[0].isalnum()]

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

    def _generate(self, sources: Sequence[str], constraints: Sequence[Sequence[Constraint]],
                  beam: int, max_lengths: Sequence[int]) -> list[tuple[list[int], bool]]:
        batch = self.tokenizer(list(sources), return_tensors="pt", padding=True)
        config = self.model.config
        results = constrained_beam_search(
            self.model, batch.input_ids, batch.attention_mask, constraints, beam=beam,
            max_lengths=max_lengths, eos_id=int(config.eos_token_id),
            start_id=int(config.decoder_start_token_id),
            banned_ids=[int(config.pad_token_id)], joiner_ids=self._joiners)
        return [(list(r.token_ids), r.constraints_met) for r in results]
