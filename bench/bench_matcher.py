"""Matcher/checker throughput: 10,000 segments against a 10,000-term glossary.

Prints, from one run on the same inputs, the trie matcher next to a naive
baseline (one compiled regex alternation of every source form, the usual
first attempt) and the full ``check`` pipeline, with the ratios between them.
Median of several repeats after a warm-up; the machine is noisy, so compare
ratios, not absolute seconds across runs.

    python bench/bench_matcher.py [--terms 10000] [--segments 10000] [--repeats 3]
                                  [--skip-naive]

The full check is timed on one process and on ``termtrans check``'s default for large
inputs (one process per CPU); --skip-naive leaves out the regex baseline, which takes
about 100x the trie's time (for 100,000 segments).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from glossary.checks import Segment, check_segments
from glossary.checks.parallel import auto_jobs
from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from glossary.model import Glossary, Term

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("border security ethnic minority defence posture people hearts village elders "
         "province district commune militia police mobilisation resolution committee "
         "council party cell front national region military force station guard").split()


def synthetic_glossary(n: int, seed: Glossary) -> Glossary:
    rng = random.Random(7)
    terms = list(seed)
    seen = {s.lower() for t in terms for s in t.sources}
    while len(terms) < n:
        source = " ".join(rng.sample(WORDS, rng.randint(2, 4))) + f" {rng.randint(1, 99999)}"
        if source not in seen:
            seen.add(source)
            terms.append(Term((source,), f"thuật ngữ {len(terms)}"))
    return Glossary(tuple(terms))


def segments(n: int) -> list[Segment]:
    sources = [line for f in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
               for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [s.strip() + "." for line in sources for s in line.split(". ") if len(s) > 20]
    rng = random.Random(11)
    return [Segment("bench.vi", i + 1, rng.choice(sentences), "bản dịch thế trận lòng dân")
            for i in range(n)]


def timed(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    glossary = synthetic_glossary(args.terms, load_glossary(ROOT / "seeds" / "glossary.tsv"))
    segs = segments(args.segments)
    texts = [s.source for s in segs]

    build = timed(lambda: TermMatcher(glossary), 1)
    matcher = TermMatcher(glossary)
    forms = sorted({s for t in glossary for s in t.sources}, key=len, reverse=True)
    naive = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b", re.IGNORECASE)

    trie = timed(lambda: [matcher.find(t) for t in texts], args.repeats)
    regex = (float("nan") if args.skip_naive
             else timed(lambda: [naive.findall(t) for t in texts], args.repeats))
    check = timed(lambda: check_segments(segs, glossary, matcher=matcher), args.repeats)
    jobs = auto_jobs(len(segs))
    parallel = timed(lambda: check_segments(segs, glossary, jobs=jobs), args.repeats)
    hits = sum(len(matcher.find(t)) for t in texts)

    print(f"glossary: {len(glossary)} terms, {glossary.source_count} source forms; "
          f"segments: {len(segs)} ({sum(map(len, texts)) / 1e6:.2f} M chars); "
          f"term occurrences: {hits}")
    print(f"{'what':38} {'seconds':>8} {'segments/s':>11}")
    rows = [("build matcher (once)", build), ("trie matcher (find)", trie)]
    if not args.skip_naive:
        rows.append(("naive regex alternation (findall)", regex))
    for name, secs in (*rows,
                       ("full check (match + all checks)", check),
                       (f"full check on {jobs} processes", parallel)):
        rate = "" if name.startswith("build") else f"{len(segs) / secs:11.0f}"
        print(f"{name:38} {secs:8.3f} {rate}")
    if not args.skip_naive:
        print(f"ratio naive regex / trie matcher: {regex / trie:.2f}x")
    print(f"ratio one process / {jobs} processes (full check): {check / parallel:.2f}x")
    print(f"peak memory of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
