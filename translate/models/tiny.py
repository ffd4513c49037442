"""Build tiny MarianMT models (random weights, real sentencepiece vocabulary).

Used by the tests and as a last-resort demo model: it translates badly, but
it has the exact layout ``MarianMTModel``/``MarianTokenizer`` load, so every
code path — constraints, placeholders, caching, documents — runs for real.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import chdir
from pathlib import Path

#: Special-token ids of a MarianMT sentencepiece model (the other families' differ).
MARIAN_IDS = {"eos_id": 0, "unk_id": 1, "bos_id": -1, "pad_id": -1}


def train_joint_spm(lines: Iterable[str], prefix: Path, vocab_size: int,
                    symbols: Iterable[str] = (), model_type: str = "unigram",
                    ids: dict[str, int] | None = None) -> Path:
    """Train one sentencepiece model for both languages; returns the ``.model`` path."""
    import sentencepiece as spm

    # A fixed corpus file name: sentencepiece records it in the model file.
    corpus = prefix.with_name(prefix.name + ".corpus.txt")
    with corpus.open("w", encoding="utf-8") as f:
        for line in lines:
            if line.strip():
                f.write(line.strip() + "\n")
    try:
        with chdir(prefix.parent):   # relative names: the model file records them
            spm.SentencePieceTrainer.train(
                input=corpus.name, model_prefix=prefix.name, vocab_size=vocab_size,
                character_coverage=1.0, model_type=model_type, hard_vocab_limit=False,
                num_threads=1, **(ids or MARIAN_IDS),   # type: ignore[arg-type]
                minloglevel=2, normalization_rule_name="identity",
                user_defined_symbols=list(symbols), input_sentence_size=2_000_000,
                shuffle_input_sentence=True)
    finally:
        corpus.unlink(missing_ok=True)
    return prefix.with_name(prefix.name + ".model")


def write_marian_vocab(spm_model: Path, out: Path) -> dict[str, int]:
    """Write ``vocab.json`` (piece → id, ``<pad>`` last) for a sentencepiece model."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    out.write_text(json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8")
    return vocab


def build_tiny_marian(out_dir: str | Path, corpus: Iterable[str], *, vocab_size: int = 600,
                      d_model: int = 32, layers: int = 1, seed: int = 0,
                      eos_bias: float = 4.0, heads: int = 2, ffn: int | None = None,
                      activation: str = "gelu") -> Path:
    """Create a random-weight MarianMT model directory from a small text corpus.

    *eos_bias* is added to the end-of-sentence logit so random outputs stay short
    (fast demos and tests); decoding still cannot end before constraints are met.
    The shape arguments also build full-size random models for speed benchmarks
    (``bench/opus_shaped.py``); *ffn* defaults to twice *d_model*.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model_file = train_joint_spm(corpus, out / "spm", vocab_size)
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(model_file.read_bytes())
    model_file.unlink()
    (out / "spm.vocab").unlink(missing_ok=True)
    vocab = write_marian_vocab(out / "source.spm", out / "vocab.json")
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads,
        encoder_ffn_dim=ffn or 2 * d_model, decoder_ffn_dim=ffn or 2 * d_model,
        activation_function=activation, max_position_embeddings=512, pad_token_id=pad,
        eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True, scale_embedding=True)
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.eval()
    with torch.no_grad():
        model.final_logits_bias[0, 0] += eos_bias
    model.save_pretrained(out)
    tokenizer = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                                str(out / "vocab.json"), source_lang="en", target_lang="vi")
    tokenizer.save_pretrained(out)
    return out


def demo_corpus(root: Path) -> list[str]:
    """The text the shipped tiny demo model's vocabulary is trained on (all in the repo)."""
    lines: list[str] = []
    for article in sorted((root / "seeds" / "articles").glob("*.txt")):
        lines += article.read_text(encoding="utf-8").splitlines()
    for row in (root / "seeds" / "glossary.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = row.split("\t")
        lines += [cells[1], *cells[2].split("|"), *cells[3].split("|")]
    return [line for line in lines if line.strip()]


def main() -> None:
    """``python -m translate.models.tiny OUT`` rebuilds the tiny random demo model."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    from translate.settings import CHECKOUT_ROOT

    build_tiny_marian(args.out, demo_corpus(CHECKOUT_ROOT), vocab_size=1000, d_model=32, seed=0)


if __name__ == "__main__":
    main()
