"""Recall and false alarms of `termtrans check` on planted errors (issue 14's figures).

    python bench/bench_verification.py [--pairs 200] [--errors 60] [--seed 7]

The clean set: the 16 seed-domain sentences of tests/fixtures/seed_check
(source.en / clean.vi) plus human-translated news pairs from
../shared/data/alt-wikinews (training data, CC BY 4.0; read at run time, never
copied into the repository) that contain numbers, chosen with a fixed seed, their
tone-mark placement made uniform (new style: ALT mixes both, which check reports).
The damaged set plants one error each in --errors distinct lines, ten kinds in
turn: added, duplicated and changed numbers, a garbled date, an added code, an
added placeholder, an added tag, a duplicated enforced term, an untranslated line
and two swapped lines. A planted error counts as caught when `check` reports an
issue on its line (on either line of a swap) that the clean set does not have.
Prints recall per kind, the false alarms on the clean set, and check throughput on
--paragraphs segments of 3–4 of those sentences (60–120 words).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.checks import Segment, check_segments  # noqa: E402
from glossary.checks.parallel import auto_jobs  # noqa: E402
from glossary.formats import load_glossary  # noqa: E402
from glossary.matching import TermMatcher  # noqa: E402
from glossary.normalize import ToneStyle, convert_tone_style  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEED = ROOT / "tests" / "fixtures" / "seed_check"
KINDS = ("added_number", "duplicated_number", "changed_number", "garbled_date", "added_code",
         "added_placeholder", "added_tag", "duplicated_term", "untranslated", "swapped_lines",
         "stutter", "phrase_loop", "lost_month", "lost_scale", "code_fragment")
_MONTH_VI = re.compile(r"\btháng\s+(?:\d{1,2}|[^\W\d]+(?:\s+(?:một|hai))?)", re.IGNORECASE)
_SCALE_VI = re.compile(r"(\d)\s+(?:triệu|tỷ|tỉ|nghìn|ngàn)\b")


def clean_pairs(count: int, seed: int) -> list[tuple[str, str]]:
    src = (SEED / "source.en").read_text(encoding="utf-8").splitlines()
    ref = (SEED / "clean.vi").read_text(encoding="utf-8").splitlines()
    pairs = [(s, r) for s, r in zip(src, ref, strict=True) if s.strip()]
    en = (DATA / "alt-wikinews" / "train.en").read_text(encoding="utf-8").splitlines()
    vi = (DATA / "alt-wikinews" / "train.vi").read_text(encoding="utf-8").splitlines()
    # ALT's references mix the old (hoà) and new (hòa) tone placement, which `check`
    # rightly reports; the clean set is put in the new style so that it is clean.
    news = [(s, convert_tone_style(t, ToneStyle.NEW))
            for s, t in zip(en, vi, strict=True) if re.search(r"\d", s)]
    random.Random(seed).shuffle(news)
    news = [(s, t) for s, t in news if not s.startswith(WRONG_REFERENCES)]
    return pairs + news[:count - len(pairs)]


#: ALT references that are wrong, which `check` rightly reports: left out of the clean set.
#: "on Dec. 2 residents" is translated "ngày 2 tháng mười, hai cư dân" (2 October, two residents).
WRONG_REFERENCES = ("However, on Dec. 2 residents of Caledonia",)


def plant(kind: str, source: str, target: str, rng: random.Random,
          terms: TermMatcher) -> str | None:
    """*target* with one error of *kind*, or None when this pair cannot carry it."""
    numbers = list(re.finditer(r"\d+", target))
    if kind == "added_number":
        words = target.split()
        words.insert(rng.randrange(1, len(words)), str(rng.randrange(13, 97)))
        return " ".join(words)
    if kind == "duplicated_number" and numbers:
        m = numbers[-1]
        return f"{target[:m.end()]} {m.group()[:max(1, len(m.group()) - 1)]}{target[m.end():]}"
    if kind == "changed_number" and numbers:
        m = numbers[0]
        digit = str((int(m.group()[-1]) + 3) % 10)
        return target[:m.end() - 1] + digit + target[m.end():]
    if kind == "garbled_date":
        year = re.search(r"\b(19|20)\d\d\b", target)
        if year:
            return f"{target[:year.start()]}{year.group()[2:]}vv{year.group()[2:]} " \
                   f"{target[year.start():]}"
        return None
    if kind == "added_code":
        return target.rstrip(".") + " 0/TU/TU/TU."
    if kind == "added_placeholder":
        return target.rstrip(".") + rng.choice([" %s.", " {n}.", " {{ x }}."])
    if kind == "added_tag":
        return target.replace(" ", " <strong>", 1)
    if kind == "duplicated_term":
        for match in terms.find(source):
            form = match.term.target
            at = target.casefold().find(form.casefold())
            if at >= 0 and len(form.split()) >= 2:
                tail = " ".join(target[at:at + len(form)].split()[-2:])
                return f"{target[:at + len(form)]} {tail}{target[at + len(form):]}"
        return None
    if kind == "untranslated":
        return source
    return plant_output_damage(kind, source, target, rng)


def plant_output_damage(kind: str, source: str, target: str, rng: random.Random) -> str | None:
    """The damage a looping model does: stutters, lost months and scales, invented codes."""
    words = target.split()
    if kind == "stutter" and len(words) > 3:
        k = rng.randrange(1, len(words) - 1)
        if not words[k].isalpha():
            return None
        return " ".join(words[:k + 1] + [words[k]] * rng.randint(2, 4) + words[k + 1:])
    if kind == "phrase_loop" and len(words) > 6:
        k = rng.randrange(0, len(words) - 3)
        phrase = words[k:k + 2]
        if not all(w.isalpha() for w in phrase):
            return None
        return " ".join(words[:k + 2] + phrase * 2 + words[k + 2:])
    if kind == "lost_month" and re.search(r"\b(?:January|February|March|April|June|July|August|"
                                          r"September|October|November|December)\s+\d", source):
        month = _MONTH_VI.search(target)
        return target[:month.start()] + target[month.end():] if month else None
    if kind == "lost_scale" and re.search(r"\d\s+(?:million|billion|thousand)\b", source):
        return _SCALE_VI.sub(r"\1", target, count=1)
    if kind == "code_fragment":
        return target.rstrip(".") + " No-KL/TWL/TWL/Ph."
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--errors", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--paragraphs", type=int, default=12_000,
                        help="paragraph-length segments for the throughput figure")
    args = parser.parse_args()
    glossary = load_glossary(ROOT / "seeds" / "glossary.tsv")
    matcher = TermMatcher(glossary)
    pairs = clean_pairs(args.pairs, args.seed)
    rng = random.Random(args.seed)
    damaged = [t for _, t in pairs]
    planted: list[tuple[str, tuple[int, ...]]] = []
    used: set[int] = set()
    order = list(range(len(pairs)))
    for n in range(args.errors):
        kind = KINDS[n % len(KINDS)]
        rng.shuffle(order)
        for i in order:
            if kind == "swapped_lines":
                if i + 1 >= len(pairs) or {i, i + 1} & used:
                    continue
                if not (re.search(r"\d", damaged[i]) and re.search(r"\d", damaged[i + 1])):
                    continue
                damaged[i], damaged[i + 1] = damaged[i + 1], damaged[i]
                planted.append((kind, (i, i + 1)))
                used |= {i, i + 1}
                break
            if i in used:
                continue
            new = plant(kind, pairs[i][0], damaged[i], rng, matcher)
            if new is not None and new != damaged[i]:
                damaged[i] = new
                planted.append((kind, (i,)))
                used.add(i)
                break

    def segments(targets: list[str], name: str) -> list[Segment]:
        return [Segment(name, n + 1, s, t, "source.en", n + 1)
                for n, ((s, _), t) in enumerate(zip(pairs, targets, strict=True))]

    clean = check_segments(segments([t for _, t in pairs], "clean.vi"), glossary)
    bad = check_segments(segments(damaged, "damaged.vi"), glossary)
    before = {(i.line, i.kind, i.message) for i in clean.issues}
    new_lines = {i.line for i in bad.issues if (i.line, i.kind, i.message) not in before}
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for kind, lines in planted:
        total[kind] += 1
        caught[kind] += any(line + 1 in new_lines for line in lines)
    print(f"{len(pairs)} pairs, {len(planted)} planted errors")
    for kind in KINDS:
        print(f"  {kind:18} {caught[kind]}/{total[kind]}")
    recall = 100 * sum(caught.values()) / max(1, len(planted))
    print(f"recall {recall:.1f}% ({sum(caught.values())}/{len(planted)})")
    print(f"false alarms on the clean set: {len(clean.issues)}")
    for issue in clean.issues:
        print(f"  clean.vi:{issue.line}: {issue.kind}: {issue.message}")
    paragraphs = []
    for n in range(args.paragraphs):
        picked = [pairs[rng.randrange(len(pairs))] for _ in range(rng.randint(3, 4))]
        paragraphs.append(Segment("p.vi", n + 1, " ".join(a for a, _ in picked),
                                  " ".join(b for _, b in picked), "p.en", n + 1))
    words = sum(len(p.source.split()) for p in paragraphs) / len(paragraphs)
    jobs = auto_jobs(len(paragraphs))
    timings = {}
    for label, count in ((f"{jobs} processes (termtrans check's default)", jobs),
                         ("1 process", 1)):
        start = time.perf_counter()
        report = check_segments(paragraphs, glossary, jobs=count)
        timings[label] = (time.perf_counter() - start, len(report.issues))
    print(f"check throughput: {len(paragraphs):,} paragraphs of {words:.0f} words on average, "
          f"{len(glossary)}-term glossary:")
    for label, (took, issues) in timings.items():
        print(f"  {label:40} {took:5.1f} s ({len(paragraphs) / took:,.0f}/s, {issues} issues)")
    (fast, _), (slow, _) = timings.values()
    print(f"  ratio 1 process / {jobs} processes: {slow / fast:.2f}x")

if __name__ == "__main__":
    main()
