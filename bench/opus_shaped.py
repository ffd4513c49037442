"""Build a random-weight MarianMT with the shapes of Helsinki-NLP/opus-mt-en-vi.

    python bench/opus_shaped.py [OUT] [--vocab-size 32000]

The hub is unreachable here, so the production model cannot be measured; its
speed, though, depends on its shapes, not its weights. This builds a model
with opus-mt-en-vi's architecture (d_model 512, 6+6 layers, 8 heads, FFN 2048,
swish) and a sentencepiece vocabulary trained on the demo corpus in
../shared/data (opus-mt-en-vi has 53,685 pieces; the corpus supports about
32k), so that ``bench/bench_backends.py --model OUT`` measures the backends
where matrix work, not per-step overhead, dominates. Its outputs are not
translations and it never writes a glossary term by itself, so every term
sentence goes through the fast path's repair stage: a pessimistic case for it.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from translate.models.tiny import build_tiny_marian

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "demo-corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "out" / "opus-shaped")
    parser.add_argument("--vocab-size", type=int, default=32000)
    parser.add_argument("--eos-bias", type=float, default=0.0,
                        help="added to the end-of-sentence logit (output length)")
    args = parser.parse_args()
    lines = [line for name in ("train.en", "train.vi")
             for line in itertools.islice(
                 (CORPUS / name).read_text(encoding="utf-8").splitlines(), 200_000)]
    build_tiny_marian(args.out, lines, vocab_size=args.vocab_size, d_model=512, layers=6,
                      heads=8, ffn=2048, activation="swish", seed=1, eos_bias=args.eos_bias)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
