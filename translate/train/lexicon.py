"""Rebuild the quality estimate's coverage lexicon from a training run's word alignment
(:mod:`translate.quality.lexicon` reads it at run time; this side needs the training
stack, so it lives with training)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from translate.quality.lexicon import LEXICON, build, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translate.train.lexicon",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--recipe", default="en-vi-demo-v3")
    parser.add_argument("--run-dir", required=True, help="a run directory of the recipe "
                        "(its alignment.txt is reused, or computed there)")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", default=str(LEXICON))
    args = parser.parse_args(argv)
    from translate.train.__main__ import build_mix
    from translate.train.align import align
    from translate.train.recipe import load_recipe

    recipe = load_recipe(args.recipe)
    unique, _, _ = build_mix(recipe, Path(args.data_dir))
    pairs = [(p.en, p.vi) for p in unique]
    Path(args.run_dir).mkdir(parents=True, exist_ok=True)
    links, _ = align(pairs, Path(args.run_dir) / "alignment.txt")
    lexicon = build(pairs, links)
    write(lexicon, Path(args.out))
    print(f"{len(lexicon)} English words from {len(pairs)} aligned pairs → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
