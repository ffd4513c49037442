"""Sentence splitting in linear time: one line of N sentences vs N lines of one sentence.

    python bench/bench_linear.py [--sentences 8000]

pysbd's time grows with the square of a text's length; ``split_sentences``
segments long text a window at a time. Prints both timings, their ratio (the
hardening issue's budget: at most 1.5 at 8,000 sentences) and whether the
windowed split equals pysbd's own on the longest text pysbd finishes quickly.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translate.documents.segment import _segmenter, split_sentences

SENTENCES = ("The army met the people in the province on Monday.",
             "Resolution No. 06-NQ/TU was issued by Mr. Nguyen on 5 March.",
             "It cost 3.5 billion VND, e.g. for roads and schools.")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=8000)
    args = parser.parse_args()
    lines = [SENTENCES[i % 3] for i in range(args.sentences)]
    start = time.perf_counter()
    separate = [s for line in lines for s in split_sentences(line)]
    apart = time.perf_counter() - start
    start = time.perf_counter()
    joined = split_sentences(" ".join(lines))
    together = time.perf_counter() - start
    print(f"{args.sentences:,} sentences: as {args.sentences:,} lines {apart:.2f} s, as one "
          f"line {together:.2f} s, ratio {together / apart:.2f} (budget 1.5); "
          f"same sentences: {separate == joined}")
    text = " ".join(lines[:1500])
    same = split_sentences(text) == [s.strip() for s in _segmenter().segment(text) if s.strip()]
    print(f"windowed split equals pysbd's on a 1,500-sentence line: {same}")


if __name__ == "__main__":
    main()
