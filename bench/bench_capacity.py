"""What a bigger default model would cost to decode: the capacity question of model v3.

    python bench/bench_capacity.py [--work DIR] [--threads 2] [--rounds 3]

Decoding speed depends on the shapes, not the weights, so this builds random-weight
MarianMT models with the shipped model's tokenizer and the shapes under consideration:

* ``shipped-shape``: d_model 256, 6 encoder + 2 decoder layers (v2 and v3);
* ``decoder-3``: one more decoder layer;
* ``d_model-384``: d_model 384, FFN 1536, 6 heads, 6 + 2 layers;

converts each to CTranslate2 int8 as the backend does, and measures them in the same run,
alternating, with the shipped model itself: cost per target token at beam 4 (each
sentence forced to 40 target tokens, a long seed-article sentence) and peak memory, each
model in its own process (``bench_families.child``). Ratios are to ``shipped-shape``
(random weights like the others; the shipped model's own row shows the noise). The design
rule of issue #25: a bigger default must decode within 1.5x of the shipped model's time per
token.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_families import interleaved

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "en-vi-demo"
#: Shapes to weigh against the shipped one (config.json overrides).
VARIANTS: dict[str, dict[str, int]] = {
    "shipped-shape": {},
    "decoder-3": {"decoder_layers": 3},
    "d_model-384": {"d_model": 384, "encoder_ffn_dim": 1536, "decoder_ffn_dim": 1536,
                    "encoder_attention_heads": 6, "decoder_attention_heads": 6},
}
LIMIT = 1.5


def build(work: Path, name: str, overrides: dict[str, int]) -> Path:
    """A random-weight model with the shipped tokenizer and *overrides* applied."""
    out = work / name
    if (out / "model.safetensors").is_file():
        return out
    from transformers import MarianConfig, MarianMTModel

    config = MarianConfig.from_pretrained(SHIPPED)
    for key, value in overrides.items():
        setattr(config, key, value)
    MarianMTModel(config).save_pretrained(out)
    for name_ in ("source.spm", "target.spm", "vocab.json", "generation_config.json"):
        shutil.copyfile(SHIPPED / name_, out / name_)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "bench-capacity")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    models = {"shipped": SHIPPED, **{name: build(args.work, name, overrides)
                                     for name, overrides in VARIANTS.items()}}
    runs = interleaved(models, args.threads, args.work / "conversions", args.rounds)
    best = {name: min(r["seconds"] / r["tokens"] for r in results) * 1000
            for name, results in runs.items()}
    for name, per_token in best.items():
        ratio = per_token / best["shipped-shape"]
        verdict = "" if name.startswith("shipped") else (
            f"  {'within' if ratio <= LIMIT else 'over'} the {LIMIT}x rule")
        print(f"{name:14} {per_token:6.2f} ms/token  {ratio:4.2f}x shipped-shape  peak RSS "
              f"{max(r['peak_rss_mb'] for r in runs[name]):5.0f} MB{verdict}")


if __name__ == "__main__":
    main()
