"""Where inline codes land after translation: the share placed around the right words.

    python bench/bench_inline.py [--model M] [--sentences 50]

Takes the first --sentences seed-article sentences that hold a glossary term or a
number, writes them as an HTML page with every term in <b>, the first number in
<a href> and the first capitalised name (not a term, not sentence-initial) in <i>,
translates the page with `termtrans translate` (default model, seed glossary), and
checks each code in the output: a <b> is right when it holds exactly its term's
target, an <a> its number, an <i> its name. Terms and numbers are in the output by
construction (enforced); a name is only when the model copies it — otherwise its
<i> is placed by position, and there is no right answer to compare with, so those
are counted apart. Markup is never dropped or duplicated (counts printed too).
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.codes import find_numbers  # noqa: E402
from glossary.formats import load_glossary  # noqa: E402
from glossary.matching import TermMatcher, concept_mentions  # noqa: E402
from translate.documents.segment import split_sentences  # noqa: E402

GLOSSARY = ROOT / "seeds" / "glossary.tsv"
NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+")


def sentences(count: int, matcher: TermMatcher) -> list[str]:
    found = []
    for article in sorted((ROOT / "seeds" / "articles").glob("*.txt")):
        for line in article.read_text(encoding="utf-8").splitlines():
            for sentence in split_sentences(line):
                if ((concept_mentions(sentence, matcher.find(sentence))
                     or find_numbers(sentence)) and len(sentence.split()) <= 80):
                    found.append(sentence)
    return found[:count]


def marked(sentence: str, matcher: TermMatcher) -> tuple[str, list[tuple[str, str]]]:
    """The sentence as HTML with its codes, and what each code should hold (tag, text)."""
    spans = [(m.start, m.end, "b", m.term.target)
             for m in concept_mentions(sentence, matcher.find(sentence))]
    number = next((n for n in find_numbers(sentence)
                   if not any(s < n.end and n.start < e for s, e, _, _ in spans)), None)
    if number is not None:
        spans.append((number.start, number.end, "a", number.text))
    for name in NAME.finditer(sentence):
        if name.start() > 0 and not any(s < name.end() and name.start() < e
                                        for s, e, _, _ in spans):
            spans.append((name.start(), name.end(), "i", name.group()))
            break
    out, at, expected = [], 0, []
    for start, end, tag, want in sorted(spans):
        out.append(html.escape(sentence[at:start], quote=False))
        open_ = '<a href="https://example.org/">' if tag == "a" else f"<{tag}>"
        out.append(f"{open_}{html.escape(sentence[start:end], quote=False)}</{tag}>")
        expected.append((tag, want))
        at = end
    out.append(html.escape(sentence[at:], quote=False))
    return "".join(out), expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--sentences", type=int, default=50)
    args = parser.parse_args()
    matcher = TermMatcher(load_glossary(GLOSSARY))
    chosen = sentences(args.sentences, matcher)
    pages = [marked(s, matcher) for s in chosen]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "inline.html"
        page.write_text("<!DOCTYPE html>\n<html lang=\"en\"><body>\n" + "\n".join(
            f"<p>{body}</p>" for body, _ in pages) + "\n</body></html>\n", encoding="utf-8")
        command = [sys.executable, "-m", "translate", "translate", str(page), "-g",
                   str(GLOSSARY), "--out", str(Path(tmp) / "out"), "--no-cache"]
        if args.model:
            command += ["--model", args.model]
        subprocess.run(command, check=False, capture_output=True)
        out = (Path(tmp) / "out" / "inline.html").read_text(encoding="utf-8")
    paragraphs = re.findall(r"<p>(.*?)</p>", out, re.S)
    tags = {"b": "bold around a glossary term", "a": "link around a number",
            "i": "italic around a name"}
    right = dict.fromkeys(tags, 0)
    total = dict.fromkeys(tags, 0)
    placed = dict.fromkeys(tags, 0)
    absent = 0
    for body, (_, expected) in zip(paragraphs, pages, strict=True):
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        for tag in tags:
            got = [html.unescape(x) for x in re.findall(rf"<{tag}(?: [^>]*)?>(.*?)</{tag}>",
                                                        body)]
            placed[tag] += len(got)
            for want in (w for t, w in expected if t == tag):
                if tag == "i" and want.casefold() not in text.casefold():
                    absent += 1       # the model did not copy the name: placed by position
                    continue
                total[tag] += 1
                hit = next((g for g in got if g.casefold() == want.casefold()), None)
                if hit is not None:
                    got.remove(hit)
                    right[tag] += 1
    print(f"{len(chosen)} sentences")
    for tag, label in tags.items():
        print(f"  {label:28} {right[tag]}/{total[tag]} around the right words "
              f"({100 * right[tag] / max(1, total[tag]):.0f}%), {placed[tag]} placed")
    print(f"  italic names the translation does not contain (placed by position): {absent}")
    every, count = sum(right.values()), sum(total.values())
    print(f"  all checkable codes          {every}/{count} ({100 * every / max(1, count):.0f}%)")

if __name__ == "__main__":
    main()
