"""The figures of a model card, measured in one run and scored with ``termtrans score``.

    python bench/eval_model.py [--model NAME|DIR] [--backend auto] [--beam 4] [--out DIR]

Test sets (from ../shared/data, never trained on):
  * FLORES dev (997 sentences, out of domain);
  * VLSP 2020 news test (1,220 sentences; evaluation only, read from ../shared/data);
  * IWSLT'15 tst2013 (1,268 TED sentences; Moses-tokenised and XML-escaped in the
    source files, detokenised here before translating and scoring);
  * "term sentences": every sentence of those sets and of tst2012 that contains a
    seed-glossary term, plus the 16 seed-article sentences of
    tests/fixtures/seed_check with their reference translations
    (clean.vi) — the sentences where the glossary matters.
Each set is translated with the seed glossary enforced and without it; hypotheses,
references and `termtrans score` JSON go to --out. VLSP and FLORES are also translated
clause by clause, as document lines are (long sentences cut at the segmenter's piece
length), and both outputs are scored by source length. Also prints term success on all
seed-article sentences and output tokens/s at the chosen beam.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def test_sets() -> dict[str, tuple[list[str], list[str]]]:
    from glossary.formats import load_glossary
    from glossary.matching import TermMatcher
    from translate.train.data import detokenize

    def lines(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()

    flores = (lines(DATA / "flores-dev" / "dev.en"), lines(DATA / "flores-dev" / "dev.vi"))
    iwslt = {name: ([detokenize(x) for x in lines(DATA / "iwslt15-en-vi" / f"{name}.en")],
                    [detokenize(x) for x in lines(DATA / "iwslt15-en-vi" / f"{name}.vi")])
             for name in ("tst2012", "tst2013")}
    matcher = TermMatcher(load_glossary(ROOT / "seeds" / "glossary.tsv"))
    seed_dir = ROOT / "tests" / "fixtures" / "seed_check"
    term_src, term_ref = lines(seed_dir / "source.en"), lines(seed_dir / "clean.vi")
    for src, ref in (flores, *iwslt.values()):
        for s, r in zip(src, ref, strict=True):
            if matcher.find(s):
                term_src.append(s)
                term_ref.append(r)
    vlsp = DATA / "vlsp20-news-test"
    sets = {"flores-dev": flores, "iwslt-tst2013": iwslt["tst2013"]}
    if (vlsp / "test.en").is_file():      # evaluation only: read here, never copied
        sets["vlsp20-news"] = (lines(vlsp / "test.en"), lines(vlsp / "test.vi"))
    return {**sets, "term-sentences": (term_src, term_ref)}


def compare_speed(translator: object, baseline: object, sources: list[str], beam: int,
                  rounds: int = 3) -> None:
    """Output tokens/s of two models side by side, interleaved (the machine is noisy)."""
    from glossary.model import Glossary
    from translate.pipeline import Options, TranslationPipeline

    speeds: dict[str, list[float]] = {"model": [], "baseline": []}
    for _ in range(rounds):
        for label, backend in (("model", translator), ("baseline", baseline)):
            pipeline = TranslationPipeline(
                backend, Glossary(()), model_id=label,  # type: ignore[arg-type]
                options=Options(beam=beam))
            start = time.perf_counter()
            hyps = pipeline.translate(sources)
            speeds[label].append(sum(h.tokens for h in hyps) / (time.perf_counter() - start))
    model, base = sorted(speeds["model"])[rounds // 2], sorted(speeds["baseline"])[rounds // 2]
    print(f"\nspeed, {len(sources)} FLORES dev sentences, beam {beam}, no glossary, "
          f"median of {rounds} interleaved rounds: model {model:.0f} tokens/s, baseline "
          f"{base:.0f} tokens/s, ratio {model / base:.2f}")


def first_pass_rate(translator: object, sources: list[str], glossary: object,
                    beam: int) -> None:
    """Share of sentences with required targets whose plain first pass already had all of
    them (CTranslate2: the rest go through prefix repair or the exact search)."""
    from glossary.matching import TermMatcher
    from translate.pipeline import plan_targets

    stats = getattr(translator, "stats", None)
    if stats is None:
        return
    matcher = TermMatcher(glossary)  # type: ignore[arg-type]
    todo = [(s, plan) for s in dict.fromkeys(sources) if (plan := plan_targets(s, matcher))]
    before = dict(stats)
    translator.translate([s for s, _ in todo], [p for _, p in todo],  # type: ignore[attr-defined]
                         beam=beam)
    repaired = sum(stats[k] - before.get(k, 0) for k in ("repaired", "exact"))
    print(f"first pass already had every required target in {len(todo) - repaired} of "
          f"{len(todo)} constrained sentences ({100 * (len(todo) - repaired) / len(todo):.1f}%;"
          f" the rest were repaired)")


#: Source-length buckets (words) for the long-sentence table: the seed articles' sentences
#: are mostly in the last two.
BUCKETS = ((1, 15), (16, 30), (31, 45), (46, 10_000))


def by_length(name: str, src: list[str], refs: list[str], outputs: dict[str, list[str]]
              ) -> None:
    """chrF++ of each output by source length: whether long sentences fall apart, and
    whether translating them clause by clause (as documents are) helps."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    print(f"\n{name}: chrF++ by source length (words)")
    print("| words | sentences | " + " | ".join(outputs) + " |")
    print("|---|---:|" + "---:|" * len(outputs))
    for low, high in (*BUCKETS, (0, 10_000)):
        keep = [i for i, s in enumerate(src) if low <= len(s.split()) <= high]
        if not keep:
            continue
        scores = [chrf.corpus_score([hyps[i] for i in keep], [[refs[i] for i in keep]]).score
                  for hyps in outputs.values()]
        label = "all" if low == 0 else f"{low}–{high}" if high < 10_000 else f"{low}+"
        print(f"| {label} | {len(keep)} | " + " | ".join(f"{x:.2f}" for x in scores) + " |")


def clause_by_clause(pipeline: object, segmenter: object, src: list[str]) -> list[str]:
    """Each sentence translated as a document line is: cut into the segmenter's pieces,
    the pieces translated, the outputs joined with the line's own spacing."""
    from translate.documents.segment import join_pieces

    pieces = [segmenter.pieces(s) for s in src]  # type: ignore[attr-defined]
    flat = [p for ps in pieces for p in ps]
    texts = iter(h.text for h in pipeline.translate(flat))  # type: ignore[attr-defined]
    return [join_pieces(s, ps, [next(texts) for _ in ps]) for s, ps in zip(src, pieces,
                                                                            strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "eval")
    parser.add_argument("--baseline", default=None,
                        help="another model: its tokens/s are measured beside this one's")
    args = parser.parse_args()

    from glossary.checks import Segment, analyse
    from glossary.formats import load_glossary
    from glossary.matching import TermMatcher
    from glossary.model import Glossary
    from translate.backends import make_translator
    from translate.documents.segment import Segmenter
    from translate.models import resolve_model
    from translate.pipeline import Options, TranslationPipeline

    resolved = resolve_model(args.model)
    translator = make_translator(args.backend, resolved.location, resolved.revision,
                                 args.threads)
    glossary = load_glossary(ROOT / "seeds" / "glossary.tsv")
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    outputs: dict[str, list[str]] = {}
    for name, (src, ref) in test_sets().items():
        files = {"ref": args.out / f"{name}.ref.vi", "src": args.out / f"{name}.src.en"}
        files["ref"].write_text("\n".join(ref) + "\n", encoding="utf-8")
        files["src"].write_text("\n".join(src) + "\n", encoding="utf-8")
        for label, terms in (("glossary", glossary), ("plain", Glossary(()))):
            pipeline = TranslationPipeline(translator, terms, model_id=resolved.model_id,
                                           options=Options(beam=args.beam))
            start = time.perf_counter()
            hyps = pipeline.translate(src)
            seconds = time.perf_counter() - start
            hyp_path = args.out / f"{name}.{label}.vi"
            hyp_path.write_text("\n".join(h.text for h in hyps) + "\n", encoding="utf-8")
            if label == "glossary":
                outputs[name] = [h.text for h in hyps]
            scored = subprocess.run(
                [sys.executable, "-m", "translate", "score", "-i", str(hyp_path),
                 "-r", str(files["ref"]), "--src", str(files["src"]),
                 "-g", str(ROOT / "seeds" / "glossary.tsv"), "-w", "2", "--json", "-"],
                capture_output=True, text=True, cwd=ROOT, check=False)
            if scored.returncode not in (0, 1):
                sys.exit(f"termtrans score failed: {scored.stderr}")
            (args.out / f"{name}.{label}.score.json").write_text(scored.stdout,
                                                                 encoding="utf-8")
            rows.append((name, label, len(src), json.loads(scored.stdout), seconds,
                         sum(h.tokens for h in hyps)))
            print(f"{name:15} {label:9} done in {seconds:.1f} s", flush=True)

    matcher = TermMatcher(glossary)
    segmenter = Segmenter.for_model(translator, matcher)      # as documents are split
    enforced = TranslationPipeline(translator, glossary, model_id=resolved.model_id,
                                   options=Options(beam=args.beam))
    for name in ("vlsp20-news", "flores-dev"):
        if name not in outputs:
            continue
        src, ref = test_sets()[name]
        clauses = clause_by_clause(enforced, segmenter, src)
        (args.out / f"{name}.clauses.vi").write_text("\n".join(clauses) + "\n",
                                                    encoding="utf-8")
        by_length(name, src, ref, {"whole sentence": outputs[name],
                                   "clause by clause": clauses})
    seed = [piece for a in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
            for line in a.read_text(encoding="utf-8").splitlines()
            for piece in segmenter.pieces(line)]
    pipeline = TranslationPipeline(translator, glossary, model_id=resolved.model_id,
                                   options=Options(beam=args.beam))
    hits = [h for hyp in pipeline.translate(seed)
            for h in analyse(Segment("s", 1, hyp.source, hyp.text), matcher).hits]

    print(f"\nmodel {resolved.model_id}, backend {translator.name}, beam {args.beam}")
    print("| test set | sentences | glossary | BLEU | chrF++ | TER | term success | tokens/s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for name, label, n, report, seconds, tokens in rows:
        term = report.get("terms", {}).get("success_rate")
        print(f"| {name} | {n} | {'enforced' if label == 'glossary' else 'none'} | "
              f"{report['bleu']['score']:.2f} | {report['chrf']['score']:.2f} | "
              f"{report['ter']['score']:.2f} | {'–' if term is None else f'{term:.1f}%'} | "
              f"{tokens / seconds:.0f} |")
    print(f"\nseed articles, all {len(seed)} sentences: term success with the glossary "
          f"{sum(h.ok for h in hits)}/{len(hits)}")
    first_pass_rate(translator, test_sets()["term-sentences"][0] + seed, glossary, args.beam)
    print(f"signature: {pipeline.signature}")
    if args.baseline:
        base = resolve_model(args.baseline)
        other = make_translator(args.backend, base.location, base.revision, args.threads)
        compare_speed(translator, other, test_sets()["flores-dev"][0][:300], args.beam)


if __name__ == "__main__":
    main()
