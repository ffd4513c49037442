"""The seed articles as HTML, DOCX and XLIFF through `termtrans translate`, and TM reuse.

    python bench/bench_formats.py [--model M]

Renders the five seed articles in each format (paragraphs; glossary terms in bold /
<g> codes), translates each set with the default model and the seed glossary, and
prints per format: required terms and codes, verification issues, term success
(`termtrans check` of the plain text pairs recovered from the output) and whether
every document code of the source appears byte-exact. Then the translation memory:
the plain-text articles are translated into a fresh cache, the cache is exported
with `termtrans tm export`, and the articles are translated again with `--tm` and no
cache: the share of segments served from the memory and both run times, side by side.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.codes import find_codes  # noqa: E402
from glossary.formats import load_glossary  # noqa: E402
from glossary.matching import TermMatcher  # noqa: E402
from tests.translate.test_format_contract import marked, write_docx  # noqa: E402

GLOSSARY = ROOT / "seeds" / "glossary.tsv"
ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))


def paragraphs(article: Path) -> list[str]:
    return [p for p in article.read_text(encoding="utf-8").splitlines() if p.strip()]


def render(fmt: str, article: Path, folder: Path, matcher: TermMatcher) -> Path:
    texts = paragraphs(article)
    path = folder / f"{article.stem}.{fmt}"
    if fmt == "html":
        body = "\n".join(f"<p>{marked(t, matcher, '<b>', '</b>')}</p>" for t in texts)
        path.write_text(f'<!DOCTYPE html>\n<html lang="en"><body>\n{body}\n</body></html>\n',
                        encoding="utf-8")
    elif fmt == "docx":
        write_docx(path, texts, matcher)
    else:
        bold = '<g id="b" ctype="bold">'
        units = "".join(f'<trans-unit id="{n}"><source>{marked(t, matcher, bold, "</g>")}'
                        "</source></trans-unit>\n" for n, t in enumerate(texts, 1))
        path = folder / f"{article.stem}.xlf"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                        'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file '
                        'source-language="en" target-language="vi" datatype="plaintext" '
                        f'original="a.txt"><body>\n{units}</body></file></xliff>\n',
                        encoding="utf-8")
    return path


def output_texts(fmt: str, path: Path) -> list[str]:
    """The translated paragraphs of an output file, markup removed."""
    if fmt == "docx":   # after the heading, the article's paragraphs (then the fixture's extras)
        from docx import Document

        return [p.text for p in Document(str(path)).paragraphs[1:-1]]
    raw = path.read_text(encoding="utf-8")
    if fmt == "html":
        found = re.findall(r"<p>(.*?)</p>", raw, re.S)
    else:
        found = re.findall(r"<target[^>]*>(.*?)</target>", raw, re.S)
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in found]


def termtrans(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "translate", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    model = ["--model", args.model] if args.model else []
    matcher = TermMatcher(load_glossary(GLOSSARY))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'format':8} {'required':>8} {'issues':>6} {'term success':>13} "
              f"{'codes byte-exact':>17}")
        for fmt in ("html", "docx", "xliff"):
            sources = [render(fmt, a, folder, matcher) for a in ARTICLES]
            out = folder / f"out-{fmt}"
            termtrans("translate", *sources, "-g", GLOSSARY, "--out", out, "--no-cache",
                      "--report-json", folder / f"{fmt}.json", *model)
            report = json.loads((folder / f"{fmt}.json").read_text(encoding="utf-8"))
            required = sum(f["terms_required"] for f in report["files"])
            issues = sum(len(f["issues"]) for f in report["files"])
            src_lines, hyp_lines = [], []
            for article, source in zip(ARTICLES, sources, strict=True):
                texts = output_texts(fmt, out / source.name)
                src_lines += paragraphs(article)
                hyp_lines += texts
            (folder / "s.en").write_text("\n".join(src_lines) + "\n", encoding="utf-8")
            (folder / "h.vi").write_text("\n".join(hyp_lines) + "\n", encoding="utf-8")
            check = termtrans("check", folder / "s.en", folder / "h.vi", "-g", GLOSSARY,
                              "--format", "json")
            summary = json.loads(check.stdout)["summary"]
            codes = [c.text for line in src_lines for c in find_codes(line)]
            exact = sum(code in hyp for code, hyp in
                        ((c.text, h) for s, h in zip(src_lines, hyp_lines, strict=True)
                         for c in find_codes(s)))
            print(f"{fmt:8} {required:8d} {issues:6d} "
                  f"{summary['terms_ok']:>6}/{summary['terms_checked']:<6} "
                  f"{exact:>8}/{len(codes):<8}")
        cache = folder / "tm-cache.sqlite"
        started = time.perf_counter()
        termtrans("translate", *ARTICLES, "-g", GLOSSARY, "--out", folder / "tm1", "--cache",
                  cache, "--report-json", folder / "tm1.json", *model)
        first = time.perf_counter() - started
        termtrans("tm", "export", "-o", folder / "memory.tmx", "--cache", cache)
        started = time.perf_counter()
        termtrans("translate", *ARTICLES, "-g", GLOSSARY, "--out", folder / "tm2", "--no-cache",
                  "--tm", folder / "memory.tmx", "--report-json", folder / "tm2.json", *model)
        second = time.perf_counter() - started
        again = json.loads((folder / "tm2.json").read_text(encoding="utf-8"))
        # distinct segments: a sentence repeated across the articles is looked up once
        segments = (again["segments_from_memory"] + again["segments_translated"]
                    + again["segments_from_cache"])
        same = all((folder / "tm1" / a.name).read_bytes() == (folder / "tm2" / a.name)
                   .read_bytes() for a in ARTICLES)
        print(f"translation memory: {again['segments_from_memory']}/{segments} distinct segments "
              f"served from the TMX of a previous run; {first:.1f} s without it, "
              f"{second:.1f} s with it ({first / second:.1f}x); outputs identical: {same}")


if __name__ == "__main__":
    main()
