"""Linear time on any input: one line of N sentences vs N lines of one sentence, and
the format rebuilders on their worst shapes.

    python bench/bench_linear.py [--sentences 8000] [--runs 20000] [--cue-lines 1000]

pysbd's time grows with the square of a text's length; ``split_sentences``
segments long text a window at a time. Prints both timings, their ratio (the
hardening issue's budget: at most 1.5 at 8,000 sentences) and whether the
windowed split equals pysbd's own on the longest text pysbd finishes quickly.

Then the rebuilders, side by side with the same text without the hard shape: a DOCX
paragraph of --runs formatted runs put back around a translation (a reworded one, so
codes must search for their words) against the same words in one run, and an SRT cue of
--cue-lines lines re-balanced against a cue of two lines (budget: under 10 s each).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translate.documents.inline import Code, Inline
from translate.documents.segment import _segmenter, split_sentences
from translate.documents.subtitles import balance

SENTENCES = ("The army met the people in the province on Monday.",
             "Resolution No. 06-NQ/TU was issued by Mr. Nguyen on 5 March.",
             "It cost 3.5 billion VND, e.g. for roads and schools.")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=20000)
    parser.add_argument("--cue-lines", type=int, default=1000)
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
    rebuilders(args.runs, args.cue_lines)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rebuilders(runs: int, cue_lines: int) -> None:
    words = [f"word{i}" for i in range(runs)]
    # a "translation" that drops every third word: codes cannot all sit where they were
    reworded = " ".join(w.upper() for i, w in enumerate(words) if i % 3)
    many = Inline(" ".join(words), tuple(
        Code(start, start + len(w), "<b>", "</b>") for w, start in _offsets(words)))
    one = Inline(" ".join(words), (Code(0, len(" ".join(words)), "<b>", "</b>"),))
    hard, easy = _timed(lambda: many.render(reworded)), _timed(lambda: one.render(reworded))
    print(f"inline codes: {runs:,} runs {hard:.2f} s, one run {easy:.2f} s "
          f"(budget: under 10 s)")
    cue = " ".join(f"Line {i} of the cue says something." for i in range(cue_lines))
    hard, easy = _timed(lambda: balance(cue, cue_lines)), _timed(lambda: balance(cue, 2))
    print(f"subtitle cue: {cue_lines:,} lines {hard:.3f} s, 2 lines {easy:.3f} s "
          f"(budget: under 10 s)")


def _offsets(words: list[str]) -> list[tuple[str, int]]:
    out, at = [], 0
    for word in words:
        out.append((word, at))
        at += len(word) + 1
    return out


if __name__ == "__main__":
    main()
