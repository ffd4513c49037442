"""Constraint overhead and resume, measured side by side in one run.

    python bench/bench_translate.py [--model DIR] [--beam 4] [--repeats 3] [--backend B]

(1) Decodes the seed-article sentences that contain glossary terms at the
same beam with and without constraints (median of repeats after a warm-up),
on each backend (the exact search on transformers, the CTranslate2 fast
path), and prints the time ratio and term success of both. (2) Kills a
``termtrans translate`` of the seed articles with SIGKILL halfway, re-runs it
and reports how many segments the second run translated and whether the
output is byte-identical to an uninterrupted run.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from translate.backends import make_translator
from translate.cache import cached_segments
from translate.documents.segment import split_sentences
from translate.models import resolve_model
from translate.pipeline import Options, TranslationPipeline

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))


def term_sentences() -> list[str]:
    matcher = TermMatcher(load_glossary(ROOT / "seeds" / "glossary.tsv"))
    sentences = [s for a in ARTICLES for line in a.read_text(encoding="utf-8").splitlines()
                 for s in split_sentences(line)]
    return [s for s in dict.fromkeys(sentences) if matcher.find(s)]


def overhead(model: str | None, beam: int, repeats: int, backend: str) -> None:
    resolved = resolve_model(model)
    translator = make_translator(backend, resolved.location, resolved.revision)
    glossary = load_glossary(ROOT / "seeds" / "glossary.tsv")
    sentences = term_sentences()
    pipelines = {constrained: TranslationPipeline(
        translator, glossary, model_id=resolved.model_id,
        options=Options(beam=beam, constraints=constrained)) for constrained in (False, True)}
    for pipeline in pipelines.values():
        pipeline.translate(sentences[:4])                  # warm-up
    times: dict[bool, list[float]] = {False: [], True: []}
    hyps = {}
    for repeat in range(repeats):                          # interleaved: noise hits both alike
        for constrained in (False, True) if repeat % 2 == 0 else (True, False):
            start = time.perf_counter()
            hyps[constrained] = pipelines[constrained].translate(sentences)
            times[constrained].append(time.perf_counter() - start)
    checked = TranslationPipeline(translator, glossary, model_id="x")
    rows = {}
    for constrained, done in hyps.items():
        terms_ok = sum(1 for h in done if not checked.verify(h.source, h.text))
        rows[constrained] = (statistics.median(times[constrained]),
                             sum(h.tokens for h in done), terms_ok)
    print(f"{translator.name}: model {resolved.model_id}, beam {beam}, "
          f"{len(sentences)} seed sentences with terms")
    print(f"{'decoding':15} {'seconds':>8} {'tokens':>7} {'tokens/s':>9} {'verified ok':>12}")
    for constrained, (secs, tokens, ok) in rows.items():
        name = "constrained" if constrained else "unconstrained"
        print(f"{name:15} {secs:8.2f} {tokens:7d} {tokens / secs:9.1f} "
              f"{ok:5d}/{len(sentences)}")
    print(f"time ratio constrained / unconstrained: {rows[True][0] / rows[False][0]:.2f}x")
    per_token = (rows[True][0] / rows[True][1]) / (rows[False][0] / rows[False][1])
    print(f"time-per-token ratio constrained / unconstrained: {per_token:.2f}x "
          "(outputs differ in length: constraints add tokens)")


def resume() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "translate", "translate", *map(str, ARTICLES), "-g",
                str(ROOT / "seeds" / "glossary.tsv"), "--batch-size", "4", "--quiet"]
        subprocess.run([*base, "--out", f"{tmp}/ref", "--cache", f"{tmp}/ref.sqlite"],
                       check=True)
        cache = Path(tmp) / "c.sqlite"
        proc = subprocess.Popen([*base, "--out", f"{tmp}/out", "--cache", str(cache)])
        rows = 0
        while proc.poll() is None and rows < 60:
            time.sleep(0.2)
            rows = cached_segments(cache)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        partial = list(Path(f"{tmp}/out").glob("*.txt")) if Path(f"{tmp}/out").exists() else []
        again = subprocess.run([*base[:-1], "--out", f"{tmp}/out", "--cache", str(cache)],
                               capture_output=True, text=True, check=True)
        summary = next(x for x in again.stderr.splitlines() if x.startswith("translated "))
        same = all((Path(tmp) / "out" / a.name).read_bytes()
                   == (Path(tmp) / "ref" / a.name).read_bytes() for a in ARTICLES)
        complete = all(p.read_bytes() == (Path(tmp) / "ref" / p.name).read_bytes()
                       for p in partial)
        print(f"killed with SIGKILL after {rows} cached segments; output files left: "
              f"{len(partial)}, each complete: {complete}")
        print(f"re-run: {summary.split(';')[0]}; byte-identical to uninterrupted run: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", action="append", default=None,
                        help="backends to measure (repeatable; default: transformers and "
                        "ctranslate2)")
    args = parser.parse_args()
    for backend in args.backend or ["transformers", "ctranslate2"]:
        overhead(args.model, args.beam, args.repeats, backend)
        print()
    resume()


if __name__ == "__main__":
    main()
