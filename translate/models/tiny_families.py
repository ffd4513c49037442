"""Tiny random models of the other families (NLLB-200, M2M-100, MADLAD-400), built at test time.

Each has the files and special tokens of the real model's hub directory — its configuration
class, its tokenizer class with the family's language codes, a sentencepiece model trained on a
little text — with a few layers of random weights, so the backends' contract tests run the
same code a downloaded model runs, without a download.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from translate.models.tiny import train_joint_spm

#: sentencepiece ids of the fairseq-style families (NLLB, M2M-100) and of T5 (MADLAD-400)
FAIRSEQ_IDS = {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3}
T5_IDS = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}
#: MADLAD-400 target-language tags (the real vocabulary has one per language)
MADLAD_TAGS = ("<2vi>", "<2en>", "<2fr>")


def _shape(**extra: Any) -> dict[str, Any]:
    return {**{"d_model": 16, "encoder_layers": 1, "decoder_layers": 1,
            "encoder_attention_heads": 2, "decoder_attention_heads": 2,
            "encoder_ffn_dim": 32, "decoder_ffn_dim": 32, "max_position_embeddings": 512,
            "scale_embedding": True}, **extra}


def _save(model: Any, out: Path, eos_bias: float, eos: int) -> None:
    """Save with the end-of-sentence logit raised so random outputs stay short."""
    import torch

    with torch.no_grad():
        head = model.get_output_embeddings()
        if getattr(head, "bias", None) is not None:
            head.bias[eos] += eos_bias
        else:
            head.weight[eos] *= 1.0 + eos_bias
    model.save_pretrained(out)


def _nllb(out: Path, lines: list[str], vocab_size: int, eos_bias: float,
          shape: dict[str, Any]) -> None:
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    train_joint_spm(lines, out / "sentencepiece.bpe", vocab_size, model_type="bpe",
                    ids=FAIRSEQ_IDS)
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "NllbTokenizer"}))
    tokenizer = NllbTokenizer.from_pretrained(
        str(out), extra_special_tokens=FAIRSEQ_LANGUAGE_CODES, src_lang="eng_Latn",
        tgt_lang="vie_Latn")
    tokenizer.save_pretrained(out)
    config = M2M100Config(**_shape(**{
        "vocab_size": len(tokenizer), "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
        "decoder_start_token_id": 2, **shape}))
    _save(M2M100ForConditionalGeneration(config), out, eos_bias, 2)


def _m2m100(out: Path, lines: list[str], vocab_size: int, eos_bias: float,
            shape: dict[str, Any]) -> None:
    import sentencepiece
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    model = train_joint_spm(lines, out / "sentencepiece.bpe", vocab_size, model_type="bpe",
                            ids=FAIRSEQ_IDS)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(model))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(out / "vocab.json"), str(model), src_lang="en",
                                tgt_lang="vi")
    tokenizer.save_pretrained(out)
    # as the real checkpoints: the pieces, then 100 language codes and 8 padding words
    size = len(vocab) + len(tokenizer.lang_token_to_id) + tokenizer.num_madeup_words
    config = M2M100Config(**_shape(**{
        "vocab_size": size, "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
        "decoder_start_token_id": 2, **shape}))
    _save(M2M100ForConditionalGeneration(config), out, eos_bias, 2)


def _madlad(out: Path, lines: list[str], vocab_size: int, eos_bias: float,
            shape: dict[str, Any]) -> None:
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    train_joint_spm(lines, out / "spiece", vocab_size, symbols=MADLAD_TAGS, ids=T5_IDS)
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "T5Tokenizer"}))
    tokenizer = T5Tokenizer.from_pretrained(str(out), extra_ids=0)
    tokenizer.save_pretrained(out)
    t5: dict[str, Any] = {      # the T5 v1.1 layout MADLAD-400 uses
        "vocab_size": len(tokenizer), "d_model": 16, "d_kv": 8, "d_ff": 32, "num_layers": 1,
        "num_decoder_layers": 1, "num_heads": 2, "feed_forward_proj": "gated-gelu",
        "tie_word_embeddings": False, "pad_token_id": 0, "eos_token_id": 1,
        "decoder_start_token_id": 0, **shape}
    config = T5Config(**t5)
    _save(T5ForConditionalGeneration(config), out, eos_bias, 1)


BUILDERS: dict[str, Callable[[Path, list[str], int, float, dict[str, Any]], None]] = {
    "nllb": _nllb, "m2m100": _m2m100, "madlad": _madlad}


def build_tiny_family(family: str, out_dir: str | Path, corpus: Iterable[str], *,
                      vocab_size: int = 400, seed: int = 0, eos_bias: float = 4.0,
                      shape: dict[str, Any] | None = None) -> Path:
    """A random-weight model directory of *family* (``nllb``, ``m2m100``, ``madlad``).

    *shape* overrides the configuration (layers, widths, the embedding rows): the
    benchmark builds a model of a real checkpoint's size this way, random weights and all.
    """
    import torch
    import transformers

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    torch.manual_seed(seed)
    BUILDERS[family](out, [line for line in corpus if line.strip()], vocab_size, eos_bias,
                     shape or {})
    for leftover in out.glob("*.vocab"):
        leftover.unlink()
    return out
