"""What a 600M NLLB-200 model costs on this machine, next to the shipped demo model.

    python bench/bench_families.py [--work DIR] [--threads 2] [--rounds 3]

The hub is unreachable here, so the real weights cannot be measured; speed and memory
depend on the shapes, not the weights. This builds a random-weight model with
nllb-200-distilled-600M's shapes (d_model 1024, 12+12 layers, 16 heads, FFN 4096, 256,206
embedding rows) once under --work, converts it to CTranslate2 int8 as the backend does,
and measures, in the same run and alternating the two models:

* decoding cost per target token at beam 4 with the backend's thread settings, each
  sentence forced to the same output length (a random model never stops by itself), and
  the cost of a 40-token sentence (a long seed-article sentence);
* peak resident memory of a process that loads the model and translates (each model in
  its own process).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NLLB_600M = {"d_model": 1024, "encoder_layers": 12, "decoder_layers": 12,
             "encoder_attention_heads": 16, "decoder_attention_heads": 16,
             "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096, "vocab_size": 256206,
             "max_position_embeddings": 1024, "activation_function": "relu"}
SENTENCE_TOKENS = 40


def build(work: Path) -> Path:
    out = work / "nllb-600m-random"
    if not (out / "model.safetensors").is_file():
        from translate.models.tiny import demo_corpus
        from translate.models.tiny_families import build_tiny_family

        build_tiny_family("nllb", out, demo_corpus(ROOT), vocab_size=2000, shape=NLLB_600M)
    return out


def measure(model: str, threads: int, cache: str) -> None:
    """In a child process: load, translate 8 sentences at a fixed length, print JSON."""
    from translate.backends.ctranslate2_backend import CTranslate2Translator

    sources = [line for line in (ROOT / "tests" / "fixtures" / "seed_check" / "source.en")
               .read_text(encoding="utf-8").splitlines() if line][:8]
    fast = CTranslate2Translator(Path(model), threads=threads, cache_root=Path(cache))
    started = time.perf_counter()
    fast.ensure_loaded()
    loaded = time.perf_counter() - started
    pieces = [fast._source_pieces(s) for s in sources]
    lead = [list(fast.family.target_prefix)] * len(pieces) if fast.family.target_prefix \
        else None
    fast._ct2.translate_batch(pieces[:1], target_prefix=lead and lead[:1], beam_size=4,
                              max_decoding_length=4)            # warm-up
    started = time.perf_counter()
    results = fast._ct2.translate_batch(
        pieces, target_prefix=lead, beam_size=4, max_batch_size=4,
        min_decoding_length=SENTENCE_TOKENS, max_decoding_length=SENTENCE_TOKENS)
    seconds = time.perf_counter() - started
    tokens = sum(len(r.hypotheses[0]) for r in results)
    print(json.dumps({"load_s": loaded, "seconds": seconds, "tokens": tokens,
                      "sentences": len(sources),
                      "peak_rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: per address space, so unlike ru_maxrss
    it does not inherit the parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(model: Path, threads: int, cache: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--child", str(model), "--threads",
                             str(threads), "--cache", str(cache)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def interleaved(models: dict[str, Path], threads: int, cache: Path, rounds: int
                ) -> dict[str, list[dict[str, float]]]:
    """Each model measured once a round, in turn (the machine is noisy), after a first
    untimed call that converts it; prints the conditions."""
    for model in models.values():
        child(model, threads, cache)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in models}
    for _ in range(rounds):
        for name, model in models.items():
            runs[name].append(child(model, threads, cache))
    print(f"beam 4, {threads} threads, int8, {SENTENCE_TOKENS} target tokens per "
          f"sentence, best of {rounds} rounds (alternating)")
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "bench-families")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--cache")
    args = parser.parse_args()
    if args.child:
        measure(args.child, args.threads, args.cache)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    models = {"en-vi-demo": ROOT / "models" / "en-vi-demo", "nllb-600M-shaped": build(args.work)}
    runs = interleaved(models, args.threads, args.work / "conversions", args.rounds)
    best = {}
    for name, results in runs.items():
        fastest = min(results, key=lambda r: r["seconds"])
        per_token = fastest["seconds"] / fastest["tokens"] * 1000
        best[name] = per_token
        print(f"{name:18} {per_token:7.1f} ms/token  "
              f"{per_token * SENTENCE_TOKENS / 1000:6.2f} s per {SENTENCE_TOKENS}-token "
              f"sentence  load {fastest['load_s']:5.1f} s  peak RSS "
              f"{max(r['peak_rss_mb'] for r in results):7.0f} MB")
    print(f"ratio nllb-600M-shaped / en-vi-demo: "
          f"{best['nllb-600M-shaped'] / best['en-vi-demo']:.1f}x per token")


if __name__ == "__main__":
    main()
