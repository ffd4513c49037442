"""What the quality estimate costs, measured side by side in one run.

    python bench/bench_quality.py [--model DIR] [--repeats 3] [--segments 12000]

(1) Translates the seed-article sentences through the pipeline (no cache) with
and without the quality estimate, alternating, after a warm-up, and prints the
median times and their ratio (the issue's budget: at most 1.25). (2) Scores
--segments existing translations with the external head, as
``termtrans check --quality`` does (FLORES dev references, repeated; the
budget: under 2 minutes on 2 cores), and prints segments per second.
How well the estimate separates is printed by ``python -m translate.quality.calibrate``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.formats import load_glossary  # noqa: E402
from translate.backends import make_translator  # noqa: E402
from translate.documents.segment import split_sentences  # noqa: E402
from translate.models import resolve_model  # noqa: E402
from translate.pipeline import Options, TranslationPipeline  # noqa: E402
from translate.quality import QualityEstimator  # noqa: E402

ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
FLORES = ROOT.parent / "shared" / "data" / "flores-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--segments", type=int, default=12_000)
    args = parser.parse_args()
    resolved = resolve_model(args.model)
    translator = make_translator("auto", resolved.location, resolved.revision)
    glossary = load_glossary(ROOT / "seeds" / "glossary.tsv")
    sentences = [s for a in ARTICLES for line in a.read_text(encoding="utf-8").splitlines()
                 for s in split_sentences(line) if s.strip()]

    def run(quality: bool) -> float:
        pipeline = TranslationPipeline(translator, glossary, model_id=resolved.model_id,
                                       options=Options(quality=quality))
        start = time.perf_counter()
        pipeline.translate(sentences)
        return time.perf_counter() - start

    run(True)                                   # warm-up: loading, first batches
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.repeats):
        for quality in (False, True):
            times[quality].append(run(quality))
    plain, scored = statistics.median(times[False]), statistics.median(times[True])
    print(f"{resolved.model_id}, {len(sentences)} seed sentences, median of {args.repeats}:")
    print(f"  translate without the estimate {plain:6.2f} s")
    print(f"  translate with the estimate    {scored:6.2f} s")
    print(f"  ratio {scored / plain:.2f}x (budget 1.25x)")

    sources = (FLORES / "dev.en").read_text(encoding="utf-8").splitlines()
    refs = (FLORES / "dev.vi").read_text(encoding="utf-8").splitlines()
    reps = -(-args.segments // len(sources))
    src, tgt = (sources * reps)[:args.segments], (refs * reps)[:args.segments]
    estimator = QualityEstimator(translator, resolved.model_id)
    start = time.perf_counter()
    labels = [q.label for q in estimator.estimate(src, tgt)]
    took = time.perf_counter() - start
    print(f"check --quality's scoring: {len(src):,} FLORES dev references in {took:.1f} s "
          f"({len(src) / took:,.0f} segments/s; budget 120 s); "
          + ", ".join(f"{sum(str(label) == name for label in labels)} {name}"
                      for name in ("good", "review", "bad")))


if __name__ == "__main__":
    main()
