"""Train the project's EN→VI MarianMT model from a recipe, resumably.

    python -m translate.train --recipe en-vi-demo --data-dir ../shared/data \\
        --run-dir RUN --export models/en-vi-demo

Steps: (1) build the mix the recipe declares (corpora with their repeats,
filters, the glossary's entries, term-annotated copies) and a joint
sentencepiece vocabulary; (2) train a MarianMTModel with label smoothing,
inverse-sqrt learning rate and token-based batches, checkpointing every
``schedule.save_every`` steps (atomic writes) and resuming from the last
checkpoint when started again with the same ``--run-dir`` (a run directory
made by a different recipe is refused); (3) score chrF++/BLEU on the dev set
every ``schedule.eval_every`` steps, keep the best, stop after
``schedule.patience`` evaluations without gain; (4) average the last
evaluated checkpoints and keep the average if it scores better on dev;
(5) export the selected weights atomically in the layout MarianTokenizer loads.

``--init-from MODEL_DIR`` continues training from a shipped model (same
vocabulary and architecture as the recipe; a fresh optimiser with the recipe's
warm-up): its tokenizer is reused, its dev score is measured first, and only a
checkpoint that beats it is kept and exported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from glossary.errors import ToolkitError
from glossary.formats import load_glossary
from translate.models.tiny import train_joint_spm, write_marian_vocab
from translate.train.data import (
    MARKERS,
    MixStats,
    Pair,
    annotate,
    annotate_aligned,
    filter_pairs,
    mine_dictionary,
    nfc_pair,
    read_pairs,
)
from translate.train.recipe import Recipe, RecipeError, load_recipe


def log(run: Path, **record: Any) -> None:
    record["time"] = round(time.time(), 1)
    with (run / "log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps(record, ensure_ascii=False), flush=True)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")


def check_init(recipe: Recipe, init: Path) -> str:
    """Refuse an ``--init-from`` model whose vocabulary or architecture is not the
    recipe's (one line naming both); return a fingerprint of its weights."""
    missing = [n for n in ("config.json", "model.safetensors", *TOKENIZER_FILES)
               if not (init / n).is_file()]
    if missing:
        raise RecipeError(f"--init-from {init}: not a MarianMT model directory "
                          f"(missing {', '.join(missing)})")
    config = json.loads((init / "config.json").read_text(encoding="utf-8"))
    spec = recipe.model
    theirs = {"vocab": config.get("vocab_size", 0) - 1, "d_model": config.get("d_model"),
              "encoder_layers": config.get("encoder_layers"),
              "decoder_layers": config.get("decoder_layers"),
              "heads": config.get("encoder_attention_heads"),
              "ffn": config.get("encoder_ffn_dim")}
    ours = {"vocab": recipe.vocab.size, "d_model": spec.d_model,
            "encoder_layers": spec.encoder_layers, "decoder_layers": spec.decoder_layers,
            "heads": spec.heads, "ffn": spec.ffn}
    differ = [k for k in ours if ours[k] != theirs[k]
              and not (k == "decoder_layers" and spec.grow and theirs[k] < ours[k])]
    if differ:
        raise RecipeError(
            f"--init-from {init}: its {', '.join(f'{k} {theirs[k]}' for k in differ)} "
            f"differ from recipe {recipe.path}'s {', '.join(f'{k} {ours[k]}' for k in differ)}")
    digest = hashlib.sha256()
    with (init / "model.safetensors").open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def claim_run_dir(recipe: Recipe, run: Path, init: str = "") -> None:
    """Record the recipe (and the weights it starts from) in *run*, or refuse a run
    directory made by another recipe or from other initial weights."""
    run.mkdir(parents=True, exist_ok=True)
    stamp = run / "recipe.json"
    if stamp.is_file():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("init", "") != init:
            raise RecipeError(
                f"{recipe.path}: run directory {run} was started from other weights "
                f"({saved.get('init') or 'random'}, now {init or 'random'}): use a new --run-dir")
        if saved.get("fingerprint") != recipe.fingerprint():
            ours = recipe.identity()
            differ = sorted(k for k in ours if saved.get("identity", {}).get(k) != ours[k])
            raise RecipeError(
                f"{recipe.path}: run directory {run} was made by recipe "
                f"{saved.get('name')!r} with different settings ({', '.join(differ)}); "
                "resuming would mix two trainings: use a new --run-dir")
        return
    write_atomic(stamp, json.dumps({"name": recipe.name, "fingerprint": recipe.fingerprint(),
                                    "init": init, "identity": recipe.identity()}, indent=1,
                                   ensure_ascii=False))


def build_mix(recipe: Recipe, data_dir: Path) -> tuple[list[Pair], list[Pair], MixStats]:
    """(unique filtered pairs, the repeated training mix, statistics) of the recipe's corpora."""
    unique: list[Pair] = []
    mix: list[Pair] = []
    seen: set[Pair] = set()
    read: dict[str, int] = {}
    kept: dict[str, int] = {}
    drops = [0, 0, 0]
    duplicates = 0
    f = recipe.filters
    for corpus in recipe.corpora:
        pairs = read_pairs(data_dir / corpus.source, data_dir / corpus.target)
        if corpus.max_lines:
            pairs = pairs[:corpus.max_lines]
        read[corpus.name] = len(pairs)
        pairs, dropped = filter_pairs([nfc_pair(p) for p in pairs], f.max_words,
                                      f.max_length_ratio, f.drop_copies)
        drops = [a + b for a, b in zip(drops, dropped, strict=True)]
        if f.dedupe:
            fresh = [p for p in dict.fromkeys(pairs) if p not in seen]
            duplicates += len(pairs) - len(fresh)
            pairs = fresh
            seen.update(pairs)
        kept[corpus.name] = len(pairs)
        unique += pairs
        mix += pairs * corpus.repeat
    stats = MixStats(read, kept, drops[0], drops[1], drops[2], duplicates)
    return unique, mix, stats


def annotated_copies(recipe: Recipe, unique: list[Pair], run: Path) -> tuple[list[Pair], int]:
    """Term-annotated copies: glossary terms plus aligned phrases (``terms.align``), or
    glossary terms plus a dictionary mined from short pairs (v1/v2 recipes)."""
    glossary = load_glossary(recipe.terms.glossary)
    seed, share = recipe.optimisation.seed, recipe.terms.annotate_share
    if not recipe.terms.align:
        return annotate(unique, mine_dictionary(unique) + list(glossary), share, seed)
    from translate.train.align import align

    links, computed = align([(p.en, p.vi) for p in unique], run / "alignment.txt")
    log(run, event="aligned", pairs=len(unique),
        cache="computed" if computed else "reused")
    return annotate_aligned(unique, links, glossary, share, seed)


def make_tokenizer(recipe: Recipe, unique: list[Pair], gloss_pairs: list[Pair], tok: Path,
                   init: Path | None) -> None:
    """The joint sentencepiece model and Marian vocabulary: the ``--init-from`` model's own,
    or trained on the unrepeated mix."""
    tok.mkdir(exist_ok=True)
    if init is not None:
        for name in TOKENIZER_FILES:
            shutil.copyfile(init / name, tok / name)
        return
    corpus = [p.en for p in unique] + [p.vi for p in unique] + [p.vi for p in gloss_pairs] * 5
    model_file = train_joint_spm(corpus, tok / "spm", recipe.vocab.size, symbols=MARKERS,
                                 model_type=recipe.vocab.model_type)
    for name in ("source.spm", "target.spm"):
        shutil.copyfile(model_file, tok / name)
    write_marian_vocab(tok / "source.spm", tok / "vocab.json")


def prepare(recipe: Recipe, data_dir: Path, run: Path, init: Path | None = None) -> None:
    """Write the training text and the tokenizer into *run* (once per run directory)."""
    if (run / "prepared.json").is_file():
        return
    unique, mix, stats = build_mix(recipe, data_dir)
    glossary = load_glossary(recipe.terms.glossary)
    gloss_pairs = [Pair(s, t.target) for t in glossary for s in t.sources]
    annotated, count = annotated_copies(recipe, unique, run)
    train = mix + annotated + gloss_pairs * recipe.terms.glossary_repeat
    random.Random(recipe.optimisation.seed).shuffle(train)
    write_atomic(run / "train.en", "\n".join(p.en for p in train) + "\n")
    write_atomic(run / "train.vi", "\n".join(p.vi for p in train) + "\n")
    make_tokenizer(recipe, unique, gloss_pairs, run / "tokenizer", init)
    info = {"read": stats.read, "kept": stats.kept, "dropped_long": stats.dropped_long,
            "dropped_ratio": stats.dropped_ratio, "dropped_copies": stats.dropped_copies,
            "dropped_duplicates": stats.dropped_duplicates, "pairs": len(unique),
            "annotated": count, "glossary_pairs": len(gloss_pairs),
            "train_lines": len(train)}
    write_atomic(run / "prepared.json", json.dumps(info, indent=1))
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


def evaluate(model: Any, tokenizer: Any, sources: list[str], refs: list[str]) -> dict[str, Any]:
    """Greedy chrF++/BLEU on the dev set (batched by length: padding costs CPU time)."""
    import torch
    from sacrebleu.metrics import BLEU, CHRF

    model.eval()
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    hyps = [""] * len(sources)
    with torch.inference_mode():
        for start in range(0, len(order), 48):
            index = order[start:start + 48]
            enc = tokenizer([sources[i] for i in index], return_tensors="pt", padding=True,
                            truncation=True, max_length=256)
            limit = min(256, int(enc.input_ids.shape[1] * 2) + 10)
            out = model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=limit)
            for i, text in zip(index, tokenizer.batch_decode(out, skip_special_tokens=True),
                               strict=True):
                hyps[i] = text
    model.train()
    return {"chrf": round(CHRF(word_order=2).corpus_score(hyps, [refs]).score, 2),
            "bleu": round(BLEU().corpus_score(hyps, [refs]).score, 2), "sample": hyps[0]}


def save_torch(path: Path, state: Any) -> None:
    import torch

    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def grow_decoder(model: Any, layers: int) -> Any:
    """*model* with *layers* decoder layers: its own, then copies of its top layer."""
    import copy

    from transformers import MarianMTModel

    config = copy.deepcopy(model.config)
    old = config.decoder_layers
    config.decoder_layers = layers
    grown = MarianMTModel(config)
    state = model.state_dict()
    top = f"model.decoder.layers.{old - 1}."
    for n in range(old, layers):
        state.update({k.replace(top, f"model.decoder.layers.{n}."): v.clone()
                      for k, v in model.state_dict().items() if k.startswith(top)})
    grown.load_state_dict(state, strict=True)
    grown.generation_config = model.generation_config
    return grown


class Trainer:
    """One training run: the model, optimiser and run state, in named steps."""

    def __init__(self, recipe: Recipe, data_dir: Path, run: Path, threads: int,
                 init: Path | None = None) -> None:
        import torch
        from transformers import MarianTokenizer

        torch.set_num_threads(threads)
        self.recipe, self.run, self.init = recipe, run, init
        tok = run / "tokenizer"
        self.tokenizer = MarianTokenizer(str(tok / "source.spm"), str(tok / "target.spm"),
                                         str(tok / "vocab.json"))
        self.src_ids, self.tgt_ids = self._token_ids()
        self.lengths = [(len(s), len(t)) for s, t in zip(self.src_ids, self.tgt_ids,
                                                         strict=True)]
        self.model = self._new_model(init)
        opt = recipe.optimisation
        self.optim = torch.optim.AdamW(self.model.parameters(), lr=opt.lr, betas=(0.9, 0.98),
                                       eps=1e-9, weight_decay=0.0)
        self.state: dict[str, Any] = {"step": 0, "epoch": 0, "batch": 0, "best": -1.0,
                                      "bad_evals": 0, "evaluated": []}
        self.loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100,
                                                 label_smoothing=opt.smoothing)
        dev = recipe.dev
        self.dev_src = (data_dir / dev.source).read_text(encoding="utf-8").splitlines()
        self.dev_ref = (data_dir / dev.reference).read_text(encoding="utf-8").splitlines()
        if dev.lines:
            self.dev_src, self.dev_ref = self.dev_src[:dev.lines], self.dev_ref[:dev.lines]
        (run / "ckpt").mkdir(exist_ok=True)

    def _token_ids(self) -> tuple[list[list[int]], list[list[int]]]:
        import torch

        ids_file = self.run / "ids.pt"
        if ids_file.is_file():
            loaded: tuple[list[list[int]], list[list[int]]] = torch.load(ids_file)
            return loaded
        max_len = self.recipe.optimisation.max_len
        en = (self.run / "train.en").read_text(encoding="utf-8").splitlines()
        vi = (self.run / "train.vi").read_text(encoding="utf-8").splitlines()
        src = self.tokenizer(en, truncation=True, max_length=max_len).input_ids
        tgt = self.tokenizer(text_target=vi, truncation=True, max_length=max_len).input_ids
        save_torch(ids_file, (src, tgt))
        return src, tgt

    def _new_model(self, weights: Path | None = None) -> Any:
        """A model of the recipe's architecture: random, or *weights*' (same shape, checked)."""
        import torch
        from transformers import GenerationConfig, MarianConfig, MarianMTModel

        spec = self.recipe.model
        tok = self.tokenizer
        pad, eos = tok.pad_token_id, tok.eos_token_id
        if weights is not None:
            model = MarianMTModel.from_pretrained(str(weights), dropout=spec.dropout)
            if model.config.decoder_layers < spec.decoder_layers:     # checked: spec.grow
                model = grow_decoder(model, spec.decoder_layers)
            model.train()
            return model
        config = MarianConfig(
            vocab_size=len(tok.get_vocab()), d_model=spec.d_model,
            encoder_layers=spec.encoder_layers, decoder_layers=spec.decoder_layers,
            encoder_attention_heads=spec.heads, decoder_attention_heads=spec.heads,
            encoder_ffn_dim=spec.ffn, decoder_ffn_dim=spec.ffn, max_position_embeddings=512,
            pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad,
            forced_eos_token_id=eos, dropout=spec.dropout,
            share_encoder_decoder_embeddings=True, scale_embedding=True)
        torch.manual_seed(self.recipe.optimisation.seed)
        model = MarianMTModel(config)
        model.generation_config = GenerationConfig(
            num_beams=4, max_length=256, bad_words_ids=[[pad]], decoder_start_token_id=pad,
            eos_token_id=eos, forced_eos_token_id=eos, pad_token_id=pad)
        return model

    def lr_at(self, step: int) -> float:
        opt = self.recipe.optimisation
        step = max(step, 1)
        return opt.lr * min(step / opt.warmup, math.sqrt(opt.warmup / step))

    def resume(self) -> None:
        import torch

        checkpoint = self.run / "checkpoint.pt"
        if not checkpoint.is_file():
            if self.init is not None:    # the bar to beat: the --init-from model as it is
                from transformers import MarianMTModel

                start = MarianMTModel.from_pretrained(str(self.init))
                scores = evaluate(start, self.tokenizer, self.dev_src, self.dev_ref)
                self.state["best"] = scores["chrf"]
                log(self.run, event="baseline", init=str(self.init), **scores)
            return
        saved = torch.load(checkpoint, weights_only=False)
        self.model.load_state_dict(saved["model"])
        self.optim.load_state_dict(saved["optim"])
        self.state = {"evaluated": [], **saved["state"]}
        kept = self.run / "best" / "scores.json"
        if kept.is_file():    # an average kept after the last checkpoint raised the bar
            best = json.loads(kept.read_text(encoding="utf-8")).get("chrf", -1.0)
            self.state["best"] = max(self.state["best"], best)
        torch.set_rng_state(saved["rng"])
        log(self.run, event="resumed", **{k: v for k, v in self.state.items()
                                          if k != "evaluated"})

    def checkpoint(self) -> None:
        import torch

        save_torch(self.run / "checkpoint.pt", {
            "model": self.model.state_dict(), "optim": self.optim.state_dict(),
            "state": self.state, "rng": torch.get_rng_state()})

    def step(self, index: list[int]) -> float:
        """One optimiser step on the batch of training-pair indices *index*."""
        import torch

        pad = self.tokenizer.pad_token_id
        src = [self.src_ids[i] for i in index]
        tgt = [self.tgt_ids[i] for i in index]
        s_len, t_len = max(map(len, src)), max(map(len, tgt))
        input_ids = torch.tensor([s + [pad] * (s_len - len(s)) for s in src])
        labels = torch.tensor([t + [-100] * (t_len - len(t)) for t in tgt])
        out = self.model(input_ids=input_ids, attention_mask=(input_ids != pad).long(),
                         labels=labels)
        loss = self.loss_fn(out.logits.reshape(-1, out.logits.shape[-1]), labels.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        for group in self.optim.param_groups:
            group["lr"] = self.lr_at(self.state["step"] + 1)
        self.optim.step()
        self.optim.zero_grad(set_to_none=True)
        self.state["step"] += 1
        self.state["batch"] += 1
        return float(loss.item())

    def evaluate_and_keep(self) -> None:
        """Score on dev, keep the best weights and the last evaluated checkpoints."""
        step = self.state["step"]
        scores = evaluate(self.model, self.tokenizer, self.dev_src, self.dev_ref)
        log(self.run, event="eval", step=step, **scores)
        keep = max(self.recipe.schedule.average_last, 1)
        save_torch(self.run / "ckpt" / f"step-{step}.pt", self.model.state_dict())
        evaluated = [*self.state["evaluated"], step]
        for old in evaluated[:-keep]:
            (self.run / "ckpt" / f"step-{old}.pt").unlink(missing_ok=True)
        self.state["evaluated"] = evaluated[-keep:]
        gain = scores["chrf"] - self.state["best"]
        if gain > 0:
            self._save_best(self.model, {"step": step, **scores})
            self.state["best"] = scores["chrf"]
        if gain > 0 and gain >= self.recipe.schedule.min_gain:
            self.state["bad_evals"] = 0
        else:
            self.state["bad_evals"] += 1

    def _save_best(self, model: Any, scores: dict[str, Any]) -> None:
        tmp = self.run / "best.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        (tmp / "scores.json").write_text(json.dumps(scores, ensure_ascii=False),
                                         encoding="utf-8")
        shutil.rmtree(self.run / "best", ignore_errors=True)
        os.replace(tmp, self.run / "best")

    def average(self) -> None:
        """Average the last evaluated checkpoints; keep the average if dev says it is better."""
        import torch

        steps = self.state["evaluated"]
        if self.recipe.schedule.average_last < 2 or len(steps) < 2:
            return
        states = [torch.load(self.run / "ckpt" / f"step-{s}.pt") for s in steps]
        averaged = {k: sum(s[k].float() for s in states) / len(states)
                    if states[0][k].is_floating_point() else states[0][k] for k in states[0]}
        model = self._new_model()
        model.load_state_dict(averaged)
        scores = evaluate(model, self.tokenizer, self.dev_src, self.dev_ref)
        log(self.run, event="averaged", steps=steps, **scores)
        if scores["chrf"] > self.state["best"]:
            self.state["best"] = scores["chrf"]
            self._save_best(model, {"step": self.state["step"], "averaged": steps, **scores})

    def train(self, max_steps: int, max_minutes: float) -> None:
        schedule = self.recipe.schedule
        started = time.time()
        window: list[float] = []
        while True:
            order = batches(self.lengths, self.recipe.optimisation.batch_tokens,
                            self.recipe.optimisation.seed + self.state["epoch"])
            while self.state["batch"] < len(order):
                if (self.state["step"] >= max_steps
                        or (time.time() - started) / 60 > max_minutes
                        or self.state["bad_evals"] >= schedule.patience):
                    return
                window.append(self.step(order[self.state["batch"]]))
                step = self.state["step"]
                if step % 50 == 0:
                    log(self.run, event="train", step=step, epoch=self.state["epoch"],
                        loss=round(sum(window) / len(window), 4), lr=self.lr_at(step))
                    window = []
                if step % schedule.eval_every == 0:
                    self.evaluate_and_keep()
                if step % schedule.save_every == 0:
                    self.checkpoint()
            self.state["epoch"] += 1
            self.state["batch"] = 0

    def finish(self) -> None:
        self.checkpoint()
        if not (self.run / "best").is_dir() and self.init is None:
            self._save_best(self.model, {"step": self.state["step"]})
        converged = self.state["bad_evals"] >= self.recipe.schedule.patience
        self.average()
        log(self.run, event="stopped", converged=converged,
            **{k: v for k, v in self.state.items() if k != "evaluated"})


def _keep_from_previous(old: Path, new: Path) -> None:
    """Carry over what the weights do not decide: the model card (to be updated by hand),
    and the vocabulary map when the tokenizer is the same (``--init-from``). A conversion
    is not carried: it was made from the old weights."""
    if not old.is_dir():
        return
    if (old / "MODEL_CARD.md").is_file():
        shutil.copyfile(old / "MODEL_CARD.md", new / "MODEL_CARD.md")
    same = all((old / n).is_file() and (old / n).read_bytes() == (new / n).read_bytes()
               for n in TOKENIZER_FILES)
    if same and (old / "vmap.txt").is_file():
        shutil.copyfile(old / "vmap.txt", new / "vmap.txt")


def export(recipe: Recipe, run: Path, out: Path) -> bool:
    """Copy the selected weights and the tokenizer into *out*, atomically; False when no
    checkpoint was selected (nothing beat the ``--init-from`` model).

    The model is assembled in a sibling temporary directory and swapped in with
    renames, so an interrupted export never leaves a half-written model behind.
    """
    if not (run / "best").is_dir():
        return False
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)           # mkdtemp's 0700 would become the model's mode
    try:
        for name in ("config.json", "generation_config.json", "model.safetensors"):
            shutil.copyfile(run / "best" / name, tmp / name)
        for name in TOKENIZER_FILES:
            shutil.copyfile(run / "tokenizer" / name, tmp / name)
        _keep_from_previous(out, tmp)
        scores = json.loads((run / "best" / "scores.json").read_text(encoding="utf-8"))
        # decoding advice measured for the model it replaces (re-measure with eval_model)
        card = out / "termtrans.json"
        decoding = (json.loads(card.read_text(encoding="utf-8")).get("decoding")
                    if card.is_file() else None)
        (tmp / "termtrans.json").write_text(json.dumps({
            "term_annotation": {"start": MARKERS[0], "sep": MARKERS[1], "end": MARKERS[2]},
            "recipe": recipe.as_dict(), "selected": scores,
            **({"decoding": decoding} if decoding else {}),
            **({"notice": recipe.notice} if recipe.notice else {})}, indent=1, ensure_ascii=False)
            + "\n", encoding="utf-8")
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(run, event="exported", to=str(out))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translate.train",
                                     description=(__doc__ or "").split("\n\n")[0])
    add = parser.add_argument
    add("--recipe", default="en-vi-demo",
        help="a recipe file, or the name of one in translate/train/recipes")
    add("--data-dir", default="../shared/data", help="relative corpus paths resolve here")
    add("--run-dir", required=True, help="checkpoints and logs (keep it outside the repo)")
    add("--export", default=None, help="write the selected model to this directory")
    add("--max-steps", type=int, default=None, help="override schedule.max_steps")
    add("--max-minutes", type=float, default=1e9, help="stop (and checkpoint) after this")
    add("--threads", type=int, default=2)
    add("--init-from", default=None, metavar="MODEL_DIR",
        help="continue from this model's weights and tokenizer (same vocabulary and "
             "architecture as the recipe); only checkpoints that beat it are kept")
    args = parser.parse_args(argv)
    try:
        recipe = load_recipe(args.recipe)
        data_dir = Path(args.data_dir)
        recipe.check_files(data_dir)
        run = Path(args.run_dir)
        init = Path(args.init_from) if args.init_from else None
        claim_run_dir(recipe, run, check_init(recipe, init) if init else "")
        prepare(recipe, data_dir, run, init)
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        trainer = Trainer(recipe, data_dir, run, args.threads, init)
        trainer.resume()
        trainer.train(args.max_steps or recipe.schedule.max_steps, args.max_minutes)
        trainer.finish()
        if args.export and not export(recipe, run, Path(args.export)):
            print(f"{parser.prog}: nothing exported: no evaluation beat the --init-from "
                  f"model's dev chrF++ ({trainer.state['best']}); {args.export} is unchanged",
                  file=sys.stderr)
            return 1
    except ToolkitError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
