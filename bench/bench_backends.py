"""transformers fp32 vs CTranslate2 int8, with and without constraints, in one run.

    python bench/bench_backends.py [--model DIR|NAME] [--beam 4] [--repeats 3]
                                   [--flores N] [--seed N] [--threads 2]

Inputs (fixed): every sentence of the seed articles plus the English side of
FLORES dev (all 997 lines, or the first --flores), whose Vietnamese side is the
reference, from ../shared/data. Each configuration runs in its own process (so peak RSS is its
own), loads the model, translates a warm-up slice, then the full set; the
repeats are interleaved across configurations (A B C D, D C B A, ...) so
machine noise hits all of them alike, and the median is reported. Prints
tokens/s, sentences/s, peak RSS, BLEU/chrF++ on the FLORES part, term success
on the seed part, how the fast path settled its constraints, and the ratios
(also per part: the seed sentences are dense with terms, FLORES has few).
When the model has a vocabulary map (vmap.txt), a fifth configuration runs
the fast path with constraints on the full vocabulary, to show what the map
brings on its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "flores-dev"
CONFIGS = {
    "transformers fp32": ("transformers", False, False),
    "transformers fp32 + constraints": ("transformers", True, False),
    "ctranslate2 int8": ("ctranslate2", False, True),
    "ctranslate2 int8 + constraints": ("ctranslate2", True, True),
    # Only run when the model has a vocabulary map: what the map itself brings.
    "ctranslate2 int8 + constraints, no vmap": ("ctranslate2", True, False),
}
NO_VMAP = "ctranslate2 int8 + constraints, no vmap"


def inputs(flores: int, seed_limit: int | None = None) -> tuple[list[str], list[str], list[str]]:
    from translate.documents.segment import MAX_SOURCE_TOKENS, split_long, split_sentences

    # Sentences as documents deliver them: long ones split at the pipeline's limit.
    seed = [piece for a in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
            for line in a.read_text(encoding="utf-8").splitlines()
            for s in split_sentences(line)
            for piece in split_long(s, lambda text: len(text.split()) * 2, MAX_SOURCE_TOKENS)]
    seed = list(dict.fromkeys(seed))[:seed_limit]
    src = (DATA / "dev.en").read_text(encoding="utf-8").splitlines()[:flores]
    ref = (DATA / "dev.vi").read_text(encoding="utf-8").splitlines()[:flores]
    return seed, src, ref


def worker(args: argparse.Namespace) -> None:
    from glossary.checks import Segment, analyse
    from glossary.formats import load_glossary
    from glossary.matching import TermMatcher
    from translate.backends import make_translator
    from translate.models import resolve_model
    from translate.pipeline import Options, TranslationPipeline

    backend, constrained, vocabulary_map = CONFIGS[args.worker]
    seed, flores, _ = inputs(args.flores, args.seed)
    resolved = resolve_model(args.model)
    translator = make_translator(backend, resolved.location, resolved.revision, args.threads,
                                 vocabulary_map=vocabulary_map)
    glossary = load_glossary(ROOT / "seeds" / "glossary.tsv")
    pipeline = TranslationPipeline(translator, glossary, model_id=resolved.model_id,
                                   options=Options(beam=args.beam, constraints=constrained))
    pipeline.translate(seed[:8])                       # warm-up: load, first batches
    stats = getattr(translator, "stats", None)
    if stats is not None:
        stats.clear()
    # The parts are timed apart: the seed sentences are dense with glossary terms, the
    # FLORES ones have almost none, and the constraint cost differs accordingly.
    parts = {}
    hyps = []
    for part, sentences in (("seed", seed), ("flores", flores)):
        start = time.perf_counter()
        done = pipeline.translate(sentences)
        parts[part] = {"seconds": time.perf_counter() - start,
                       "tokens": sum(h.tokens for h in done)}
        hyps += done
    seconds = sum(p["seconds"] for p in parts.values())
    matcher = TermMatcher(glossary)
    hits = [h for hyp in hyps[:len(seed)]
            for h in analyse(Segment("b", 1, hyp.source, hyp.text), matcher).hits]
    json.dump({"seconds": seconds, "tokens": sum(h.tokens for h in hyps), "parts": parts,
               "sentences": len(hyps), "terms": len(hits), "terms_ok": sum(h.ok for h in hits),
               "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "flores": [h.text for h in hyps[len(seed):]],
               "stages": dict(stats) if stats is not None else {},
               "signature": pipeline.signature}, sys.stdout, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--flores", type=int, default=997,
                        help="FLORES dev lines (default: all 997)")
    parser.add_argument("--seed", type=int, default=None,
                        help="only the first N seed-article sentences (large models)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", choices=list(CONFIGS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    import sacrebleu

    from translate.models import resolve_model
    from translate.models.vmap import VMAP_FILE

    seed, flores, refs = inputs(args.flores, args.seed)
    location = resolve_model(args.model).location
    has_vmap = (Path(location) / VMAP_FILE).is_file()
    # Convert first, in a process of its own: a conversion loads PyTorch, and the peak
    # memory of the configuration that happened to run first would count it.
    subprocess.run([sys.executable, "-m", "translate", "models", "convert", location],
                   cwd=ROOT, check=True, capture_output=True)
    configs = [name for name in CONFIGS if has_vmap or name != NO_VMAP]
    print(f"{len(seed)} seed-article sentences + {len(flores)} FLORES dev sentences, "
          f"beam {args.beam}, {args.threads} threads, {args.repeats} interleaved repeats")
    runs: dict[str, list[dict]] = {name: [] for name in configs}
    order = configs
    for repeat in range(args.repeats):
        for name in order if repeat % 2 == 0 else reversed(order):
            cmd = [sys.executable, __file__, "--worker", name, "--beam", str(args.beam),
                   "--flores", str(args.flores), "--threads", str(args.threads)]
            if args.seed is not None:
                cmd += ["--seed", str(args.seed)]
            if args.model:
                cmd += ["--model", args.model]
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
            if done.returncode != 0:
                sys.exit(f"{name} failed:\n{done.stderr[-2000:]}")
            runs[name].append(json.loads(done.stdout))
            print(f"  {name}: {runs[name][-1]['seconds']:.1f} s", flush=True)

    rows = {}
    for name, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        last = results[-1]
        bleu = sacrebleu.corpus_bleu(last["flores"], [refs]).score if refs else float("nan")
        chrf = sacrebleu.corpus_chrf(last["flores"], [refs], word_order=2).score if refs \
            else float("nan")
        part_tok_s = {part: values["tokens"] / statistics.median(
            r["parts"][part]["seconds"] for r in results)
            for part, values in last["parts"].items() if values["tokens"]}
        rows[name] = {"seconds": seconds, "tok_s": last["tokens"] / seconds,
                      "part_tok_s": part_tok_s,
                      "sent_s": last["sentences"] / seconds,
                      "rss": max(r["rss_mb"] for r in results), "bleu": bleu, "chrf": chrf,
                      "terms": f"{last['terms_ok']}/{last['terms']}",
                      "term_rate": 100 * last["terms_ok"] / max(1, last["terms"]),
                      "stages": last["stages"], "signature": last["signature"]}
    print()
    print(f"{'configuration':40} {'tok/s':>8} {'sent/s':>7} {'peak MB':>8} {'BLEU':>6} "
          f"{'chrF++':>7} {'terms':>9}")
    for name, r in rows.items():
        print(f"{name:40} {r['tok_s']:8.1f} {r['sent_s']:7.2f} {r['rss']:8.0f} {r['bleu']:6.2f} "
              f"{r['chrf']:7.2f} {r['terms']:>9} ({r['term_rate']:.1f}%)")
    fast, slow = rows["ctranslate2 int8 + constraints"], rows["transformers fp32 + constraints"]
    plain_fast, plain_slow = rows["ctranslate2 int8"], rows["transformers fp32"]
    print()
    print(f"speed, with constraints:    ctranslate2 int8 / transformers fp32 = "
          f"{fast['tok_s'] / slow['tok_s']:.2f}× tokens/s "
          f"({fast['sent_s'] / slow['sent_s']:.2f}× sentences/s)")
    for part, label in (("seed", "seed-article part"), ("flores", "FLORES part")):
        if part in fast["part_tok_s"] and part in slow["part_tok_s"]:
            print(f"  {label + ':':19} {fast['part_tok_s'][part] / slow['part_tok_s'][part]:.2f}× "
                  f"tokens/s ({fast['part_tok_s'][part]:.0f} vs "
                  f"{slow['part_tok_s'][part]:.0f})")
    print(f"speed, without constraints: ctranslate2 int8 / transformers fp32 = "
          f"{plain_fast['tok_s'] / plain_slow['tok_s']:.2f}× tokens/s")
    print(f"constraint cost (time with / without): transformers "
          f"{slow['seconds'] / plain_slow['seconds']:.2f}×, ctranslate2 "
          f"{fast['seconds'] / plain_fast['seconds']:.2f}×")
    print("int8 quality (FLORES, no constraints): BLEU "
          f"{plain_fast['bleu'] - plain_slow['bleu']:+.2f}, chrF++ "
          f"{plain_fast['chrf'] - plain_slow['chrf']:+.2f} vs transformers fp32")
    print(f"peak memory: ctranslate2 / transformers = {fast['rss'] / slow['rss']:.2f} "
          f"(with constraints), {plain_fast['rss'] / plain_slow['rss']:.2f} (without)")
    if NO_VMAP in rows:
        full = rows[NO_VMAP]
        print(f"vocabulary map (ctranslate2 int8 + constraints, with / without): "
              f"{fast['tok_s'] / full['tok_s']:.2f}× tokens/s, BLEU "
              f"{fast['bleu'] - full['bleu']:+.2f}, chrF++ {fast['chrf'] - full['chrf']:+.2f}")
    print(f"fast path, how constraints were settled: {fast['stages']}")
    print(f"signatures: {slow['signature']}\n            {fast['signature']}")


if __name__ == "__main__":
    main()
