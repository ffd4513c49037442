"""Peak memory and time of ``termtrans score`` on a large test set.

    python bench/bench_score_memory.py [--lines 1000000]

Writes a hypothesis and a reference of --lines lines (the seed fixture's sentences,
the damaged ones against the clean ones, repeated), scores them with BLEU, chrF++ and
TER in a child process and prints its wall time and peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed_check"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    hyp = (SEED / "damaged.vi").read_text(encoding="utf-8").splitlines()
    ref = (SEED / "clean.vi").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, lines in (("hyp.vi", hyp), ("ref.vi", ref)):
            path = Path(tmp) / name
            with path.open("w", encoding="utf-8") as out:
                for n in range(args.lines):
                    out.write(lines[n % len(lines)] + "\n")
            paths.append(path)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "translate", "score", "-i", str(paths[0]),
                               "--ref", str(paths[1]), "--json", "-"], capture_output=True,
                              text=True, cwd=ROOT)
        took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"score of {args.lines:,} lines (BLEU, chrF++, TER): exit {done.returncode}, "
          f"{took:.0f} s, peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
