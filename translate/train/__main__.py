"""Train the project's EN→VI MarianMT model on CPU, resumably.

    python -m translate.train --data-dir ../shared/data --run-dir RUN --export models/en-vi-demo

Steps: (1) build the training set (demo-corpus + docs-prose, the seed glossary's
entries, term-annotated copies) and a joint sentencepiece vocabulary; (2)
train a MarianMTModel with label smoothing, inverse-sqrt learning rate and
token-based batches; checkpoint every ``--save-every`` steps (atomic writes)
and resume from the last checkpoint when started again with the same
``--run-dir``; (3) score chrF++/BLEU on FLORES dev every ``--eval-every``
steps, keep the best, stop early after ``--patience`` evaluations without
gain; (4) export the best checkpoint in the layout MarianTokenizer loads.
Deterministic for a given seed and thread count. ``--smoke`` trains a few
steps on a small slice (for CI).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import time
from pathlib import Path
from typing import Any

from glossary.formats import load_glossary
from translate.models.tiny import train_joint_spm, write_marian_vocab
from translate.train.data import MARKERS, Pair, annotate, mine_dictionary, read_pairs


def log(run: Path, **record: Any) -> None:
    record["time"] = round(time.time(), 1)
    with (run / "log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps(record, ensure_ascii=False), flush=True)


def prepare(args: argparse.Namespace, run: Path) -> None:
    """Write the training text and the tokenizer into *run* (once)."""
    if (run / "prepared.json").is_file():
        return
    data = Path(args.data_dir)
    pairs = read_pairs(data / "demo-corpus" / "train.en", data / "demo-corpus" / "train.vi")
    pairs += read_pairs(data / "docs-prose" / "train.en", data / "docs-prose" / "train.vi")
    glossary = load_glossary(args.glossary)
    gloss_pairs = [Pair(s, t.target) for t in glossary for s in t.sources]
    if args.smoke:
        pairs = pairs[:2000]
    dictionary = mine_dictionary(pairs) + list(glossary)
    annotated, count = annotate(pairs, dictionary, args.annotate_share, args.seed)
    train = pairs + annotated + gloss_pairs * args.glossary_repeat
    random.Random(args.seed).shuffle(train)
    (run / "train.en").write_text("\n".join(p.en for p in train) + "\n", encoding="utf-8")
    (run / "train.vi").write_text("\n".join(p.vi for p in train) + "\n", encoding="utf-8")
    tok = run / "tokenizer"
    tok.mkdir(exist_ok=True)
    corpus = [p.en for p in pairs] + [p.vi for p in pairs] + [p.vi for p in gloss_pairs] * 5
    model_file = train_joint_spm(corpus, tok / "spm", args.vocab_size, symbols=MARKERS)
    for name in ("source.spm", "target.spm"):
        shutil.copyfile(model_file, tok / name)
    write_marian_vocab(tok / "source.spm", tok / "vocab.json")
    info = {"pairs": len(pairs), "annotated": count, "glossary_pairs": len(gloss_pairs),
            "dictionary": len(dictionary), "train_lines": len(train)}
    (run / "prepared.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    log(run, event="prepared", **info)


def batches(lengths: list[tuple[int, int]], max_tokens: int, seed: int) -> list[list[int]]:
    """Token-budget batches of similar-length pairs, in a seeded random order."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out: list[list[int]] = []
    chunk = 20_000
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: max(lengths[i]))
        batch: list[int] = []
        longest = 0
        for i in part:
            longest_new = max(longest, *lengths[i])
            if batch and longest_new * (len(batch) + 1) > max_tokens:
                out.append(batch)
                batch, longest_new = [], max(lengths[i])
            batch.append(i)
            longest = longest_new
        if batch:
            out.append(batch)
    rng.shuffle(out)
    return out


def evaluate(model: Any, tokenizer: Any, sources: list[str], refs: list[str]) -> dict[str, float]:
    import torch
    from sacrebleu.metrics import BLEU, CHRF

    model.eval()
    hyps: list[str] = []
    with torch.inference_mode():
        for start in range(0, len(sources), 32):
            enc = tokenizer(sources[start:start + 32], return_tensors="pt", padding=True,
                            truncation=True, max_length=256)
            out = model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=200)
            hyps += tokenizer.batch_decode(out, skip_special_tokens=True)
    model.train()
    return {"chrf": CHRF(word_order=2).corpus_score(hyps, [refs]).score,
            "bleu": BLEU().corpus_score(hyps, [refs]).score, "sample": hyps[0]}  # type: ignore[dict-item]


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(args: argparse.Namespace) -> None:
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(args.threads)
    run = Path(args.run_dir)
    run.mkdir(parents=True, exist_ok=True)
    prepare(args, run)
    tok_dir = run / "tokenizer"
    tokenizer = MarianTokenizer(str(tok_dir / "source.spm"), str(tok_dir / "target.spm"),
                                str(tok_dir / "vocab.json"))
    ids_file = run / "ids.pt"
    if ids_file.is_file():
        src_ids, tgt_ids = torch.load(ids_file)
    else:
        en = (run / "train.en").read_text(encoding="utf-8").splitlines()
        vi = (run / "train.vi").read_text(encoding="utf-8").splitlines()
        src_ids = tokenizer(en, truncation=True, max_length=args.max_len).input_ids
        tgt_ids = tokenizer(text_target=vi, truncation=True, max_length=args.max_len).input_ids
        torch.save((src_ids, tgt_ids), ids_file)
    lengths = [(len(s), len(t)) for s, t in zip(src_ids, tgt_ids, strict=True)]
    pad = tokenizer.pad_token_id
    config = MarianConfig(
        vocab_size=len(tokenizer.get_vocab()), d_model=args.d_model,
        encoder_layers=args.layers, decoder_layers=args.layers,
        encoder_attention_heads=args.heads, decoder_attention_heads=args.heads,
        encoder_ffn_dim=args.ffn, decoder_ffn_dim=args.ffn, max_position_embeddings=512,
        pad_token_id=pad, eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=pad,
        forced_eos_token_id=tokenizer.eos_token_id, dropout=args.dropout,
        share_encoder_decoder_embeddings=True, scale_embedding=True)
    torch.manual_seed(args.seed)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        num_beams=4, max_length=256, bad_words_ids=[[pad]], decoder_start_token_id=pad,
        eos_token_id=tokenizer.eos_token_id, forced_eos_token_id=tokenizer.eos_token_id,
        pad_token_id=pad)
    optim = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9,
                              weight_decay=0.0)

    def lr_at(step: int) -> float:
        step = max(step, 1)
        return args.lr * min(step / args.warmup, math.sqrt(args.warmup / step))

    state: dict[str, Any] = {"step": 0, "epoch": 0, "batch": 0, "best": -1.0, "bad_evals": 0}
    checkpoint = run / "checkpoint.pt"
    if checkpoint.is_file():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optim.load_state_dict(saved["optim"])
        state = saved["state"]
        torch.set_rng_state(saved["rng"])
        log(run, event="resumed", **state)
    data = Path(args.data_dir) / "flores-dev"
    dev_src = (data / "dev.en").read_text(encoding="utf-8").splitlines()[:args.dev_lines]
    dev_ref = (data / "dev.vi").read_text(encoding="utf-8").splitlines()[:args.dev_lines]
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=args.smoothing)
    model.train()
    started = time.time()
    window: list[float] = []
    while state["step"] < args.max_steps:
        order = batches(lengths, args.batch_tokens, args.seed + state["epoch"])
        while state["batch"] < len(order):
            if (time.time() - started) / 60 > args.max_minutes or state["step"] >= args.max_steps:
                break
            index = order[state["batch"]]
            src = [src_ids[i] for i in index]
            tgt = [tgt_ids[i] for i in index]
            s_len = max(map(len, src))
            t_len = max(map(len, tgt))
            input_ids = torch.tensor([s + [pad] * (s_len - len(s)) for s in src])
            labels = torch.tensor([t + [-100] * (t_len - len(t)) for t in tgt])
            out = model(input_ids=input_ids, attention_mask=(input_ids != pad).long(),
                        labels=labels)
            loss = loss_fn(out.logits.reshape(-1, out.logits.shape[-1]), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            for group in optim.param_groups:
                group["lr"] = lr_at(state["step"] + 1)
            optim.step()
            optim.zero_grad(set_to_none=True)
            state["step"] += 1
            state["batch"] += 1
            window.append(loss.item())
            if state["step"] % 50 == 0:
                log(run, event="train", step=state["step"], epoch=state["epoch"],
                    loss=round(sum(window) / len(window), 4), lr=lr_at(state["step"]))
                window = []
            if state["step"] % args.eval_every == 0:
                scores = evaluate(model, tokenizer, dev_src, dev_ref)
                log(run, event="eval", step=state["step"], **scores)
                if scores["chrf"] > state["best"]:
                    state["best"], state["bad_evals"] = scores["chrf"], 0
                    model.save_pretrained(run / "best")
                    (run / "best" / "scores.json").write_text(
                        json.dumps({"step": state["step"], **scores}, ensure_ascii=False))
                else:
                    state["bad_evals"] += 1
            if state["step"] % args.save_every == 0:
                save_checkpoint(checkpoint, {"model": model.state_dict(),
                                             "optim": optim.state_dict(), "state": state,
                                             "rng": torch.get_rng_state()})
            if state["bad_evals"] >= args.patience:
                break
        else:
            state["epoch"] += 1
            state["batch"] = 0
            continue
        break
    save_checkpoint(checkpoint, {"model": model.state_dict(), "optim": optim.state_dict(),
                                 "state": state, "rng": torch.get_rng_state()})
    if not (run / "best").is_dir():
        model.save_pretrained(run / "best")
    log(run, event="stopped", **state)
    if args.export:
        export(run, Path(args.export), args)


def export(run: Path, out: Path, args: argparse.Namespace) -> None:
    """Copy the best checkpoint and tokenizer into the shipped model layout."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "generation_config.json", "model.safetensors"):
        if (run / "best" / name).is_file():
            shutil.copyfile(run / "best" / name, out / name)
    for name in ("source.spm", "target.spm", "vocab.json"):
        shutil.copyfile(run / "tokenizer" / name, out / name)
    (out / "termtrans.json").write_text(json.dumps({
        "term_annotation": {"start": MARKERS[0], "sep": MARKERS[1], "end": MARKERS[2]},
        "recipe": vars(args)}, indent=1, default=str) + "\n", encoding="utf-8")
    log(run, event="exported", to=str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--data-dir", default="../shared/data")
    add("--run-dir", required=True)
    add("--export", default=None)
    add("--glossary", default="seeds/glossary.tsv")
    add("--vocab-size", type=int, default=8000)
    add("--d-model", type=int, default=256)
    add("--layers", type=int, default=3)
    add("--heads", type=int, default=4)
    add("--ffn", type=int, default=1024)
    add("--dropout", type=float, default=0.1)
    add("--smoothing", type=float, default=0.1)
    add("--lr", type=float, default=7e-4)
    add("--warmup", type=int, default=800)
    add("--batch-tokens", type=int, default=4000)
    add("--max-len", type=int, default=128)
    add("--max-steps", type=int, default=200_000)
    add("--max-minutes", type=float, default=1e9)
    add("--eval-every", type=int, default=500)
    add("--save-every", type=int, default=100)
    add("--patience", type=int, default=10)
    add("--dev-lines", type=int, default=200)
    add("--annotate-share", type=float, default=0.3)
    add("--glossary-repeat", type=int, default=5)
    add("--threads", type=int, default=2)
    add("--seed", type=int, default=1)
    add("--smoke", action="store_true", help="tiny slice and model, a few steps (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.vocab_size, args.d_model, args.layers, args.ffn = 600, 32, 1, 64
        args.heads, args.eval_every, args.save_every = 2, 20, 10
        args.max_steps, args.dev_lines, args.batch_tokens = min(args.max_steps, 30), 16, 800
    train(args)


if __name__ == "__main__":
    main()
