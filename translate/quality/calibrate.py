"""Fit the quality estimate for a model on FLORES dev, and print how well it separates.

    python -m translate.quality.calibrate --model models/en-vi-demo \\
        --data-dir ../shared/data [--write]

The data: FLORES dev (997 pairs, also the training run's checkpoint selector,
never trained on), split by line: every figure printed is measured on the odd
lines, everything is fitted on the even lines. Two heads are fitted (see
:class:`translate.quality.estimate.Calibration`):

* *external* (``check --quality``: any translation): the human reference of every
  sentence is a clean example; five damaged copies are negatives (a phrase looped,
  the second half left in English, another sentence's reference — fluent but
  *detached* —, the last 60% dropped, the words shuffled); the model's own beam-4 and
  greedy translations count as (chrF++ − 30) / 30 against the reference (clipped to
  0–1). ``good``: the highest threshold that keeps 85% of clean references; ``bad``:
  the highest that marks at most 3% of them.
* *own* (``translate``, ``serve``: the model's own output): the model's beam-4 and
  greedy translations with the same chrF++ targets, and the same five damages of its
  beam-4 output as negatives. ``good``: the lowest threshold above which the model's
  translations have a median chrF++ of at least 50; ``bad``: the highest below which
  at most 10% of its translations of chrF++ 50 or more fall.

``--write`` stores the calibration in ``translate/quality/calibrations/<name>.json``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from glossary.errors import ToolkitError
from translate.quality.estimate import CALIBRATIONS, Calibration, Head, Label, judge
from translate.quality.signals import FEATURES, Signals, signals

DAMAGE = ("loop", "half_english", "detached", "truncated", "shuffled")


def damage(kind: str, k: int, sources: Sequence[str], refs: Sequence[str],
           rng: random.Random) -> str:
    """Reference *k* damaged the way *kind* says."""
    words = refs[k].split()
    if kind == "loop":
        at = rng.randrange(max(1, len(words) - 2))
        phrase = words[at:at + rng.choice((1, 2))]
        return " ".join(words[:at] + phrase * rng.randint(3, 5) + words[at:])
    if kind == "half_english":
        en = sources[k].split()
        return " ".join(words[:len(words) // 2] + en[len(en) // 2:])
    if kind == "detached":
        return refs[(k + 7) % len(refs)]
    if kind == "truncated":
        return " ".join(words[:max(1, round(len(words) * 0.4))])
    shuffled = words[:]
    rng.shuffle(shuffled)
    return " ".join(shuffled)


@dataclass(frozen=True)
class Example:
    line: int
    system: str         # "reference", a damage kind, or "beam4"/"greedy"
    target: str
    label: float        # what the score should read as: 1 usable, 0 not
    chrf: float


def build(sources: list[str], refs: list[str], outputs: dict[str, list[str]],
          seed: int = 1) -> list[Example]:
    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    rng = random.Random(seed)
    out: list[Example] = []
    for k, ref in enumerate(refs):
        out.append(Example(k, "reference", ref, 1.0, 100.0))
        for kind in DAMAGE:
            text = damage(kind, k, sources, refs, rng)
            out.append(Example(k, kind, text, 0.0, chrf.sentence_score(text, [ref]).score))
        for system, hyps in outputs.items():
            score = chrf.sentence_score(hyps[k], [ref]).score
            out.append(Example(k, system, hyps[k], min(1.0, max(0.0, (score - 30) / 30)),
                               score))
    return out


def fit(rows: list[list[float]], labels: list[float], l2: float = 1e-2,
        steps: int = 3000) -> tuple[list[float], list[float], list[float], float]:
    """(mean, scale, weights, bias) of a logistic regression on standardised features."""
    import numpy as np

    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float(np.mean(p - y))
    return mean.tolist(), scale.tolist(), w.tolist(), b


def external_thresholds(clean: list[int]) -> tuple[int, int]:
    """(good, bad) of the external head: see the module docstring."""
    good = max(t for t in range(101) if sum(s >= t for s in clean) >= 0.85 * len(clean))
    bad = max(t for t in range(good + 1) if sum(s < t for s in clean) <= 0.03 * len(clean))
    return good, bad


def own_thresholds(scored: list[tuple[int, float]]) -> tuple[int, int]:
    """(good, bad) of the own head from (score, sentence chrF++) of the model's outputs."""
    good = next((t for t in range(101)
                 if (above := [c for s, c in scored if s >= t])
                 and statistics.median(above) >= 50), 100)
    fine = [s for s, c in scored if c >= 50]
    bad = max(t for t in range(good + 1) if sum(s < t for s in fine) <= 0.1 * len(fine))
    return good, bad


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    def ranks(values: Sequence[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    var = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return cov / var if var else 0.0


def _share(flags: Sequence[bool]) -> float:
    return 100 * sum(flags) / max(1, len(flags))


def report(examples: list[Example], quality: list[tuple[int, Label]],
           say: Callable[[str], None]) -> dict[str, float]:
    """Print and return the held-out figures of one head."""
    pairs = list(zip(examples, quality, strict=True))
    figures: dict[str, float] = {}
    clean = [lab for e, (_, lab) in pairs if e.system == "reference"]
    if clean:
        figures["clean_good"] = _share([lab == Label.GOOD for lab in clean])
        figures["clean_bad"] = _share([lab == Label.BAD for lab in clean])
        say(f"  clean references: {figures['clean_good']:.1f}% good, "
            f"{figures['clean_bad']:.1f}% bad ({len(clean)})")
    hurt = [(e, lab) for e, (_, lab) in pairs if e.system in DAMAGE]
    figures["damaged_not_good"] = _share([lab != Label.GOOD for _, lab in hurt])
    say(f"  damaged: {figures['damaged_not_good']:.1f}% not good ({len(hurt)}): " + ", ".join(
        f"{kind} {_share([lab != Label.GOOD for e, lab in hurt if e.system == kind]):.0f}%"
        for kind in DAMAGE))
    systems = sorted({e.system for e in examples} - set(DAMAGE) - {"reference"})
    mt = [(e, q) for e, q in pairs if e.system in systems]
    figures["spearman"] = spearman([s for _, (s, _) in mt], [e.chrf for e, _ in mt])
    say(f"  Spearman(score, sentence chrF++) over {len(mt)} outputs of {', '.join(systems)}: "
        f"{figures['spearman']:.3f}")
    for system in systems:
        mine = [(e, q) for e, q in mt if e.system == system]
        say(f"  {system:8} mean chrF++ {sum(e.chrf for e, _ in mine) / len(mine):5.1f}, "
            f"mean score {sum(s for _, (s, _) in mine) / len(mine):5.1f}: " + ", ".join(
                f"{sum(lab == label for _, (_, lab) in mine)} {label} (median chrF++ "
                f"{statistics.median([e.chrf for e, (_, lab) in mine if lab == label] or [0]):.1f})"
                for label in sorted(Label, reverse=True)))
        for label in Label:
            chrfs = [e.chrf for e, (_, lab) in mine if lab == label]
            figures[f"{system}_{label}_median_chrf"] = statistics.median(chrfs or [0])
    return {k: round(v, 3) for k, v in figures.items()}


def fit_head(examples: list[Example], sigs: list[Signals], sources: list[str],
             choose: Callable[[list[Example], list[int]], tuple[int, int]],
             say: Callable[[str], None]) -> Head:
    """Fit a head on the even lines of *examples*, report it on the odd lines."""
    train = [k for k, e in enumerate(examples) if e.line % 2 == 0]
    mean, scale, weights, bias = fit([sigs[k].vector() for k in train],
                                     [examples[k].label for k in train])
    draft = Head(tuple(mean), tuple(scale), tuple(weights), bias)
    good, bad = choose([examples[k] for k in train],
                       [round(100 * draft.probability(sigs[k].vector())) for k in train])
    head = Head(tuple(mean), tuple(scale), tuple(weights), bias, good, bad)
    say(f"  thresholds: good >= {good}, bad < {bad}; weights "
        + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)))
    held = [k for k, e in enumerate(examples) if e.line % 2 == 1]
    judged = [judge(head, sources[examples[k].line], examples[k].target, sigs[k]) for k in held]
    measured = report([examples[k] for k in held], [(q.score, q.label) for q in judged], say)
    return Head(tuple(mean), tuple(scale), tuple(weights), bias, good, bad,
                {"data": "flores-dev odd lines", **measured})


def ablation(examples: list[Example], sigs: list[Signals],
             say: Callable[[str], None]) -> None:
    """Each signal's contribution: the held-out Spearman(score, chrF++) on the model's
    outputs when the head is fitted without it."""
    train = [k for k, e in enumerate(examples) if e.line % 2 == 0]
    held = [k for k, e in enumerate(examples)
            if e.line % 2 == 1 and e.system not in DAMAGE and e.system != "reference"]

    def rho(drop: int | None) -> float:
        rows = [[0.0 if i == drop else x for i, x in enumerate(sigs[k].vector())]
                for k in range(len(examples))]
        mean, scale, weights, bias = fit([rows[k] for k in train],
                                         [examples[k].label for k in train])
        head = Head(tuple(mean), tuple(scale), tuple(weights), bias)
        return spearman([head.probability(rows[k]) for k in held],
                        [examples[k].chrf for k in held])

    full = rho(None)
    say(f"  ablation (held-out Spearman {full:.3f} with every signal): " + ", ".join(
        f"without {name} {rho(i) - full:+.3f}" for i, name in enumerate(FEATURES)))


def own_examples(sources: list[str], refs: list[str], outputs: dict[str, list[str]],
                 seed: int = 3) -> list[Example]:
    """The model's translations (chrF++ targets) and damaged copies of its beam-4 ones."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    rng = random.Random(seed)
    beam = outputs["beam4"]
    out = [e for e in build(sources, refs, outputs) if e.system in outputs]
    for k in range(len(sources)):
        for kind in DAMAGE:
            text = damage(kind, k, sources, beam, rng)
            out.append(Example(k, kind, text, 0.0, chrf.sentence_score(text, [refs[k]]).score))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translate.quality.calibrate",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--model", default="models/en-vi-demo")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--lines", type=int, default=0, help="first N lines only (a smoke run)")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--ablation", action="store_true",
                        help="also print each signal's contribution (refitted without it)")
    args = parser.parse_args(argv)
    try:
        from translate.backends import make_translator
        from translate.models import resolve_model

        data = Path(args.data_dir) / "flores-dev"
        sources = (data / "dev.en").read_text(encoding="utf-8").splitlines()
        refs = (data / "dev.vi").read_text(encoding="utf-8").splitlines()
        if args.lines:
            sources, refs = sources[:args.lines], refs[:args.lines]
        resolved = resolve_model(args.model)
        translator = make_translator("ctranslate2", resolved.location)
        outputs = {f"beam{b}" if b > 1 else "greedy":
                   [o.text for o in translator.translate(sources, [[]] * len(sources), beam=b)]
                   for b in (4, 1)}
        heads = {}
        for name, examples in (("external", build(sources, refs, outputs)),
                               ("own", own_examples(sources, refs, outputs))):
            scored = translator.score([sources[e.line] for e in examples],
                                      [e.target for e in examples])
            sigs = [signals(sources[e.line], e.target, s)
                    for e, s in zip(examples, scored, strict=True)]
            print(f"{resolved.model_id}, {name} head ({len(examples)} examples):")
            heads[name] = fit_head(examples, sigs, sources, CHOOSE[name], print)
            if args.ablation:
                ablation(examples, sigs, print)
        calibration = Calibration(resolved.model_id, heads["own"], heads["external"])
        if args.write:
            CALIBRATIONS.mkdir(exist_ok=True)
            path = CALIBRATIONS / f"{resolved.name}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(calibration.to_json(), encoding="utf-8")
            tmp.replace(path)
            print(f"wrote {path}")
    except ToolkitError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


CHOOSE: dict[str, Callable[[list[Example], list[int]], tuple[int, int]]] = {
    "external": lambda examples, scores: external_thresholds(
        [s for e, s in zip(examples, scores, strict=True) if e.system == "reference"]),
    "own": lambda examples, scores: own_thresholds(
        [(s, e.chrf) for e, s in zip(examples, scores, strict=True) if e.system not in DAMAGE]),
}


if __name__ == "__main__":
    sys.exit(main())
