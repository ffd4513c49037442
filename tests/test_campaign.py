"""The hardening campaign's failures (issue #16), one row each, re-run through the real CLI.

Every row is a hostile or unusual input that once lost data, leaked a file, hung, printed
a traceback or answered with the wrong exit code. Each now runs as a user would run it, in
its own directory: the exit code, the one error line that names the problem, no traceback,
and every file that must survive byte for byte. ``pytest -v tests/test_campaign.py`` is the
list of cases with their outcome.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SEED_GLOSSARY, patience, run_cli

ARTICLE = "The Border Guard met prestigious people.\nResolution No. 06-NQ/TU was issued.\n"
PAIR_SOURCE = "Prestigious people met.\n"
PAIR_TARGET = "Người có uy tín đã gặp.\n"


def _tbx(body: str, declaration: str = "UTF-8") -> bytes:
    return (f'<?xml version="1.0" encoding="{declaration}"?>\n<martif type="TBX" xml:lang="en">'
            f"<text><body>{body}</body></text></martif>\n").encode()


TBX_ENTRY = ('<termEntry><langSet xml:lang="en"><tig><term>national defence</term></tig>'
             '</langSet><langSet xml:lang="vi"><tig><term>quốc phòng</term></tig></langSet>'
             "</termEntry>")


def _po(header: str, entries: str = "") -> bytes:
    return (f'msgid ""\nmsgstr ""\n{header}\n\n{entries}').encode()


PO_HEADER = '"Content-Type: text/plain; charset=UTF-8\\n"'


@dataclass(frozen=True)
class Case:
    """One campaign row: files to create, the command, and what must hold afterwards."""

    args: tuple[str, ...]
    files: dict[str, bytes] = field(default_factory=dict)
    code: int = 2
    #: Words the error line (exit 2) or the printed findings or result (exit 1, 0) hold.
    says: str = ""
    #: Files that must not exist afterwards (no half-written output).
    absent: tuple[str, ...] = ()
    #: Extra setup in the case's directory (FIFOs, foreign databases, directories).
    setup: Callable[[Path], None] | None = None
    #: (file, text) pairs: after the run *file* must contain *text*.
    check: tuple[tuple[str, str], ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def _fifo(tmp: Path) -> None:
    os.mkfifo(tmp / "pipe.txt")


def _foreign_db(tmp: Path) -> None:
    with sqlite3.connect(tmp / "app.db") as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.execute("INSERT INTO users VALUES ('ada')")


def _directory(name: str) -> Callable[[Path], None]:
    return lambda tmp: (tmp / name).mkdir()


def _existing_output(tmp: Path) -> None:
    (tmp / "a.vi.txt").write_text("an editor's work\n", encoding="utf-8")


def _long_term(tmp: Path) -> None:
    term = " ".join(["border"] * 400)
    (tmp / "long.tsv").write_text(f"{term}\t{'biên giới ' * 400}\n", encoding="utf-8")
    (tmp / "long.txt").write_text(f"The {term} met.\n", encoding="utf-8")


def _lock(content: object) -> dict[str, bytes]:
    return {"lock.json": json.dumps(content).encode()}


def _model(tmp: Path, config: bytes | None = None, weights: bytes | None = None) -> None:
    source = Path(__file__).resolve().parent.parent / "models" / "tiny-random"
    target = tmp / "model"
    target.mkdir()
    for item in source.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    if config is not None:
        (target / "config.json").write_bytes(config)
    if weights is not None:
        (target / "model.safetensors").write_bytes(weights)


T = ("-g", "g.tsv", "--no-cache")          # translate with the seed glossary, default model
G = {"g.tsv": SEED_GLOSSARY.read_bytes(), "a.txt": ARTICLE.encode()}
PAIR = {"g.tsv": SEED_GLOSSARY.read_bytes(), "src.en": PAIR_SOURCE.encode(),
        "tgt.vi": PAIR_TARGET.encode()}
CHECK = ("check", "src.en", "tgt.vi", "-g", "g.tsv")
SCORE = ("score", "-i", "tgt.vi", "--ref", "tgt.vi")

CASES: dict[str, Case] = {
    # -- data loss: an output onto an input -------------------------------------------------
    "translate -o onto the input": Case(("translate", "a.txt", "-o", "a.txt", *T), G,
                                        says="overwrite"),
    "translate --out . beside the input": Case(("translate", "a.txt", "--out", ".", *T), G,
                                               says="overwrite"),
    "translate -o ./x/../a.txt": Case(("translate", "a.txt", "-o", "./x/../a.txt", *T), G,
                                      says="overwrite"),
    "translate -o onto the glossary": Case(("translate", "a.txt", "-o", "g.tsv", *T), G,
                                           says="overwrite"),
    "translate --report-json onto the input": Case(
        ("translate", "a.txt", "-o", "out.txt", "--report-json", "a.txt", *T), G,
        says="overwrite", absent=("out.txt",)),
    "translate --report onto the glossary": Case(
        ("translate", "a.txt", "-o", "out.txt", "--report", "g.tsv", *T), G,
        says="overwrite", absent=("out.txt",)),
    "check -o onto the source": Case((*CHECK, "-o", "src.en"), PAIR, says="overwrite"),
    "check -o onto its --baseline": Case((*CHECK, "--baseline", "b.json", "-o", "b.json"),
                                         {**PAIR, "b.json": b"{}"}, says="overwrite"),
    "score --json onto the hypothesis": Case((*SCORE, "--json", "tgt.vi"), PAIR,
                                             says="overwrite"),
    "score --junit onto the reference": Case((*SCORE, "--junit", "tgt.vi"), PAIR,
                                             says="overwrite"),
    "glossary convert onto its source": Case(("glossary", "convert", "g.tsv", "g.tsv"), G,
                                             says="overwrite"),
    "implicit a.vi.txt already there": Case(("translate", "a.txt", *T), G,
                                            setup=_existing_output, says="--force",
                                            check=(("a.vi.txt", "an editor's work"),)),
    # -- security: parsers that cannot be steered -------------------------------------------
    "PO glossary whose content is a path": Case(
        ("glossary", "show", "evil.po"),
        {"evil.po": str(Path(__file__).resolve().parent / "fixtures" / "po").encode()},
        says="evil.po:1"),
    "PO glossary naming /etc/passwd": Case(("glossary", "validate", "p.po"),
                                           {"p.po": b"/etc/passwd"}, code=1, says="p.po:1"),
    "PO document whose content is a path": Case(
        ("translate", "evil.po", "-o", "out.po", *T),
        {"evil.po": b"/etc/passwd", "g.tsv": SEED_GLOSSARY.read_bytes()},
        says="evil.po:1", absent=("out.po",)),
    "PO nplurals=100000000": Case(
        ("glossary", "validate", "big.po"),
        {"big.po": _po(PO_HEADER + '\n"Plural-Forms: nplurals=100000000; plural=0;\\n"')},
        code=1, says="nplurals"),
    "PO document nplurals=1000000": Case(
        ("translate", "big.po", "-o", "out.po", *T),
        {"big.po": _po(PO_HEADER + '\n"Plural-Forms: nplurals=1000000; plural=0;\\n"',
                       'msgid "Border"\nmsgstr ""\n'),
         "g.tsv": SEED_GLOSSARY.read_bytes()},
        says="nplurals", absent=("out.po",)),
    "TBX nested 1,000 deep": Case(("glossary", "validate", "deep.tbx"),
                                  {"deep.tbx": _tbx("<p>" * 1000 + "</p>" * 1000)},
                                  code=1, says="deep"),
    "TBX declaring ISO-8859-1": Case(("glossary", "show", "l1.tbx"),
                                     {"l1.tbx": _tbx(TBX_ENTRY, "ISO-8859-1")}, code=0,
                                     says="quốc phòng"),
    "TBX entity bomb": Case(("glossary", "validate", "bomb.tbx"), {
        "bomb.tbx": b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<martif>&b;</martif>\n'},
        code=1, says="bomb.tbx"),
    "FIFO input (the batch goes on)": Case(
        ("translate", "pipe.txt", "a.txt", "--out", "out", *T), G, setup=_fifo,
        says="not a regular file", check=(("out/a.txt", "06-NQ/TU"),)),
    "input over --max-file-size (the batch goes on)": Case(
        ("translate", "big.txt", "a.txt", "--out", "out", "--max-file-size", "1", *T),
        {**G, "big.txt": b"The army met.\n" * 100_000}, says="over the 1 MiB limit",
        absent=("out/big.txt",), check=(("out/a.txt", "06-NQ/TU"),)),
    "check with a FIFO source": Case(("check", "pipe.txt", "tgt.vi", "-g", "g.tsv"), PAIR,
                                     setup=_fifo, says="pipe.txt: not a regular file"),
    "score /dev/zero": Case(("score", "-i", "/dev/zero", "--ref", "tgt.vi"), PAIR,
                            says="/dev/zero: not a regular file"),
    "glossary from a FIFO": Case(("glossary", "validate", "pipe.tsv"), code=1,
                                 setup=lambda tmp: os.mkfifo(tmp / "pipe.tsv"),
                                 says="pipe.tsv: not a regular file"),
    "/dev/zero input": Case(("translate", "/dev/zero", "-o", "out.txt", *T), G,
                            says="not a regular file", absent=("out.txt",)),
    "--cache at another program's database": Case(
        ("translate", "a.txt", "-o", "out.txt", "-g", "g.tsv", "--cache", "app.db"), G,
        setup=_foreign_db, says="another program", absent=("app.db.corrupt-1", "out.txt")),
    "--cache at a directory": Case(
        ("translate", "a.txt", "-o", "out.txt", "-g", "g.tsv", "--cache", "cachedir"), G,
        setup=_directory("cachedir"), says="is a directory",
        absent=("cachedir.corrupt-1", "out.txt")),
    "NUL in a glossary term": Case(("glossary", "validate", "n.tsv"),
                                   {"n.tsv": b"border\x00guard\tbi\xc3\xaan\n"}, code=1,
                                   says="n.tsv:1"),
    "escape in a glossary term": Case(("glossary", "validate", "e.tsv"),
                                      {"e.tsv": b"border\x1b[31m\tbi\xc3\xaan\n"},
                                      code=1, says="e.tsv:1"),
    "U+202E in a glossary term": Case(("glossary", "validate", "b.tsv"),
                                      {"b.tsv": "border\u202e\tbiên\n".encode()},
                                      code=1, says="b.tsv:1"),
    # -- silent corruption ------------------------------------------------------------------
    "Markdown front matter": Case(
        ("translate", "a.md", "-o", "out.md", *T),
        {"a.md": b"---\ntitle: Border Guard\ntags: [defence]\n---\n\nThe Border Guard met.\n",
         "g.tsv": SEED_GLOSSARY.read_bytes()}, code=0,
        check=(("out.md", "---\ntitle: Border Guard\ntags: [defence]\n---\n"),)),
    "Markdown reference-link label": Case(
        ("translate", "a.md", "-o", "out.md", *T),
        {"a.md": b"Read [the report][border].\n\n[border]: https://example.org/b\n",
         "g.tsv": SEED_GLOSSARY.read_bytes()}, code=0,
        check=(("out.md", "][border]"), ("out.md", "[border]: https://example.org/b"))),
    "Markdown hard line break": Case(
        ("translate", "a.md", "-o", "out.md", *T),
        {"a.md": b"The Border Guard met.\\\nThe meeting ended.\n",
         "g.tsv": SEED_GLOSSARY.read_bytes()}, code=0, check=(("out.md", "\\\n"),)),
    "Markdown entity &copy;": Case(
        ("translate", "a.md", "-o", "out.md", *T, "--fail-on", "never"),
        {"a.md": b"The Border Guard &copy; 2024 met.\n", "g.tsv": SEED_GLOSSARY.read_bytes()},
        code=0, check=(("out.md", "&copy;"),)),
    "CRLF text file": Case(("translate", "a.txt", "-o", "out.txt", *T),
                           {"a.txt": ARTICLE.replace("\n", "\r\n").encode(),
                            "g.tsv": SEED_GLOSSARY.read_bytes()},
                           code=0, check=(("out.txt", "\r\n"),)),
    "PO glossary unterminated string": Case(
        ("glossary", "validate", "u.po"),
        {"u.po": _po(PO_HEADER, 'msgid "The army\nmsgstr "Quân đội"\n')},
        code=1, says="u.po:5: unterminated string"),
    "term longer than the model's input": Case(
        ("translate", "long.txt", "-o", "out.txt", "-g", "long.tsv", "--no-cache"),
        setup=_long_term, says="long.txt:1: a sentence longer than the model's input",
        absent=("out.txt",)),
    # -- tracebacks: write errors, empty inputs, absurd values, damaged files ---------------
    "check -o into a directory": Case((*CHECK, "-o", "d"), PAIR, setup=_directory("d"),
                                      says="Is a directory"),
    "score --json into a directory": Case((*SCORE, "--json", "d"), PAIR,
                                          setup=_directory("d"), says="Is a directory"),
    "score --junit into a directory": Case((*SCORE, "--junit", "d"), PAIR,
                                           setup=_directory("d"), says="Is a directory"),
    "glossary convert into a directory": Case(("glossary", "convert", "g.tsv", "d"), G,
                                              setup=_directory("d"), says="d"),
    "translate --report into a directory": Case(
        ("translate", "a.txt", "-o", "out.txt", "--report", "d", *T), G,
        setup=_directory("d"), says="d"),
    "translate --report-json into a directory": Case(
        ("translate", "a.txt", "-o", "out.txt", "--report-json", "d", *T), G,
        setup=_directory("d"), says="d"),
    "cache under a regular file": Case(
        ("translate", "a.txt", "-o", "out.txt", "-g", "g.tsv", "--cache", "g.tsv/c.sqlite"),
        G, says="cache", absent=("out.txt",)),
    "cache home under a regular file": Case(
        ("translate", "a.txt", "-o", "out.txt", "-g", "g.tsv"), G, says="cache",
        env={"XDG_CACHE_HOME": "g.tsv/home", "TERMTRANS_HOME": ""}, absent=("out.txt",)),
    "score with empty files": Case(("score", "-i", "e.vi", "--ref", "e.vi"), {"e.vi": b""},
                                   says="empty"),
    "score --width -1": Case((*SCORE, "--width", "-1"), PAIR, says="--width"),
    "score --paired-bs-n 1000000000": Case(
        ("score", "-i", "tgt.vi", "-i", "tgt.vi", "--ref", "tgt.vi", "--paired-bs",
         "--paired-bs-n", "1000000000"), PAIR, says="--paired-bs-n"),
    "score --paired-bs-n 0": Case(("score", "-i", "tgt.vi", "-i", "tgt.vi", "--ref",
                                   "tgt.vi", "--paired-bs", "--paired-bs-n", "0"), PAIR,
                                  says="--paired-bs-n"),
    "score --confidence-n -5": Case((*SCORE, "--confidence", "--confidence-n", "-5"), PAIR,
                                    says="--confidence-n"),
    "score --min-term-success 150": Case((*SCORE, "--min-term-success", "150"), PAIR,
                                         says="--min-term-success"),
    "models.lock is a JSON list": Case(("models", "list"), _lock([1, 2]), says="lock.json",
                                       env={"TERMTRANS_MODELS_LOCK": "lock.json"}),
    "models.lock with a string entry": Case(
        ("models", "list"), _lock({"version": 1, "models": {"x": "y"}}), says="lock.json",
        env={"TERMTRANS_MODELS_LOCK": "lock.json"}),
    "config.json is []": Case(
        ("translate", "a.txt", "-o", "out.txt", "--model", "model", "--backend",
         "ctranslate2", *T), G, setup=lambda tmp: _model(tmp, config=b"[]"),
        says="config.json", absent=("out.txt",)),
    "malformed safetensors header": Case(
        ("translate", "a.txt", "-o", "out.txt", "--model", "model", "--backend",
         "transformers", *T), G,
        setup=lambda tmp: _model(tmp, weights=b"\xff\xff\xff\xff\x00\x00\x00\x00{bad"),
        says="model.safetensors", absent=("out.txt",)),
    "--threads 100000": Case(("translate", "a.txt", "-o", "out.txt", "--threads", "100000",
                              *T), G, says="--threads", absent=("out.txt",)),
    "--threads -1": Case(("translate", "a.txt", "-o", "out.txt", "--threads", "-1", *T), G,
                         says="--threads", absent=("out.txt",)),
    "--beam 0": Case(("translate", "a.txt", "-o", "out.txt", "--beam", "0", *T), G,
                     says="--beam", absent=("out.txt",)),
    "check --jobs 100000": Case((*CHECK, "--jobs", "100000"), PAIR, says="--jobs"),
    # -- issue 26: what "0 issues" missed ------------------------------------------------------
    **{f"check finds {name}": Case(("check", "s.en", "t.vi", "-g", "g.tsv", "-f", "compact"),
                                   {"g.tsv": SEED_GLOSSARY.read_bytes(),
                                    "s.en": f"{en}\n".encode(), "t.vi": f"{vi}\n".encode()},
                                   code=0 if " warning: " in f" {says}" else 1, says=says)
       for name, en, vi, says in (
           ("a lost scale", "It cost 5 million VND.", "Nó tốn 5 VND.",
            "number_mismatch: amount '5 million VND' lost its scale"),
           ("a lost scale and unit", "It cost 3.5 billion VND.", "Nó tốn 3.5.",
            "lost its scale and its unit"),
           ("a lost percent", "Prices rose 20 percent.", "Giá tăng 20.", "lost its unit"),
           ("a lost month", "On 5 March 2024 he left.", "Vào 5 ngày thứ 2024 năm anh ấy đi.",
            "date_mismatch: the month of '5 March 2024'"),
           ("a lost month with a weekday", "It opened on 17 May 2021.",
            "Nó mở cửa thứ năm là 17 ngày là năm 2021.", "the month of '17 May 2021'"),
           ("an invented code fragment", "Resolution No. 06-NQ/TU was issued.",
            "Nghị quyết số 06-NQ/TU Ren-Q/TU được ban hành.",
            "code-like 'Ren-Q/TU' in the translation is not in the source"),
           ("a code fragment without digits", "Conclusion No. 68-KL/TW was issued.",
            "Kết luận số 68-KL/TW No-KL/TWL/TWL/TWL/Ph được ban hành.",
            "code-like 'No-KL/TWL/TWL/TWL/Ph'"),
           ("a code fragment after a Vietnamese word", "Conclusion No. 68-KL/TW was issued.",
            "Kết luận số 68-KL/TW tám-KL/TWL/TW được ban hành.",
            "code-like 'tám-KL/TWL/TW'"),
           ("a one-word stutter", "The People's Council met.",
            "Hội đồng nhân dân dân dân dân đã họp.", "error: repetition: 'dân' repeated 4"),
           ("a phrase loop", "The press met.", "Báo chí báo chí đã họp.",
            "warning: repetition: 'Báo chí' repeated 2"),
           ("a doubled English word", "The military met.", "Military Military đã họp.",
            "warning: repetition: 'Military' repeated 2"),
           ("a cell of separators", "Hoanh Mo", "------------------",
            "error: no_words: the translation '------------------' has no words"),
           ("a word cut into separators", "Binh Lieu", "Tiếng Bi------",
            "error: repetition: a run of 6 '-' that the source does not have"),
       )},
    **{f"check accepts {name}": Case(("check", "s.en", "t.vi", "-g", "g.tsv"),
                                     {"g.tsv": SEED_GLOSSARY.read_bytes(),
                                      "s.en": f"{en}\n".encode(), "t.vi": f"{vi}\n".encode()},
                                     code=0, says="0 issue")
       for name, en, vi in (
           ("a scale in words", "It cost 3.5 billion VND.", "Nó tốn 3,5 tỷ đồng."),
           ("a scale in digits", "It cost 5 million VND.", "Nó tốn 5.000.000 đồng."),
           ("a month in words", "On 5 March 2024 he left.", "Ngày 5 tháng Ba năm 2024 anh ấy đi."),
           ("a numeric date", "On 5 March 2024 he left.", "Ngày 5/3/2024 anh ấy đi."),
           ("Vietnamese reduplication", "He is always there.", "Anh ấy luôn luôn ở đó."),
           ("and/or", "Use one and/or the other.", "Dùng cái này và/hoặc cái kia."),
       )},
    "Hugo shortcodes and template tags in Markdown": Case(
        ("translate", "s.md", "-o", "out.md", *T, "--fail-on", "never"),
        {**G, "s.md": b'The Border Guard met. See {{< ref "news/a" >}} for more.\n\n'
                      b"{{% notice info %}}\nPrestigious people met.\n{{% /notice %}}\n\n"
                      b"Read {% include note.html %} and <%= title %> here.\n"},
        code=0, check=(("out.md", '{{< ref "news/a" >}}'), ("out.md", "{{% notice info %}}\n"),
                       ("out.md", "\n{{% /notice %}}\n"), ("out.md", "{% include note.html %}"),
                       ("out.md", "<%= title %>"))),
    "an ERB tag is one placeholder, not printf": Case(
        ("check", "s.en", "t.vi", "-g", "g.tsv", "-f", "compact"),
        {"g.tsv": SEED_GLOSSARY.read_bytes(), "s.en": b"Hello <% if x %> there.\n",
         "t.vi": b"Xin ch\xc3\xa0o % i b\xe1\xba\xa1n.\n"}, code=1,
        says="placeholder_mismatch: '<% if x %>' from the source is not in the translation"),
    "a DeepL CSV with a header and en,de rows": Case(
        ("glossary", "validate", "d.csv"),
        {"d.csv": b"source,target,source_lang,target_lang\nborder guard,Grenzschutz,en,de\n"},
        code=1, says="d.csv:2: row is for en → de"),
    "a Markdown pair with an extra paragraph says where": Case(
        ("check", "q.md", "q.vi.md", "-g", "g.tsv"),
        {"g.tsv": SEED_GLOSSARY.read_bytes(),
         "q.md": b"# Title\n\nIn 2020 we met.\n\nIn 2021 we met.\n\nIn 2022 they left.\n",
         "q.vi.md": "# Tiêu đề\n\nNăm 2020 gặp.\n\nMột đoạn thêm.\n\nNăm 2021 gặp.\n\n"
                    "Năm 2022 đi.\n".encode()},
        says="q.vi.md:5: has 5 text unit(s) but q.md has 4; the structures part here"),
    **{f"JSONL with {name}": Case(("translate", "r.jsonl", "-o", "out.jsonl", *T),
                                  {**G, "r.jsonl": b'{"id": 1, "text": "The army met."}\n'
                                                   + record + b"\n"},
                                  says=f"r.jsonl:2: not JSON: {says}", absent=("out.jsonl",))
       for name, record, says in (
           ("a lone surrogate", b'{"id": 2, "text": "Hello \\ud800 there"}',
            "a lone surrogate (an unpaired"),
           ("nesting 3,000 deep", b'{"id": 2, "text": "x", "n": ' + b"[" * 3000
            + b"]" * 3000 + b"}", "nested too deeply"),
           ("a 5,000-digit integer", b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
            "Exceeds the limit"))},
    # -- issue 28: no internal error --------------------------------------------------------
    "SRT timestamp of 999999999999 hours": Case(
        ("translate", "big.srt", "-o", "out.srt", *T),
        {**G, "big.srt": b"1\n999999999999:00:00,000 --> 999999999999:00:01,000\nHi.\n"},
        says="big.srt:2: bad timestamp '999999999999:00:00,000'", absent=("out.srt",)),
    "HTML marked section of an unknown keyword": Case(
        ("translate", "m.html", "-o", "out.html", *T, "--fail-on", "never"),
        {**G, "m.html": b"<p>Hello <![IIIICDATA[ x ]]> the army met.</p>\n"},
        code=0, check=(("out.html", "<![IIIICDATA[ x ]]>"),)),
    "XLIFF declaring an unknown encoding": Case(
        ("translate", "e.xlf", "-o", "out.xlf", *T, "--fail-on", "never"),
        {**G, "e.xlf": b'<?xml version="1.0" encoding="x-unknown-enc"?>\n<xliff version="1.2">'
                       b"<file><body><trans-unit id=\"1\"><source>The army met.</source>"
                       b"</trans-unit></body></file></xliff>\n"},
        code=0, check=(("out.xlf", "<target"),)),
    "XLIFF declaring ISO-8859-1 over UTF-8 bytes": Case(
        ("translate", "w.xlf", "-o", "out.xlf", *T, "--fail-on", "never"),
        {**G, "w.xlf": '<?xml version="1.0" encoding="ISO-8859-1"?>\n<xliff version="1.2">'
                       '<file source-language="en" target-language="vi"><body>'
                       '<trans-unit id="1"><source>The army met.</source>'
                       "<target>Quân đội họp.</target></trans-unit>"
                       '<trans-unit id="2"><source>Hi.</source></trans-unit>'
                       "</body></file></xliff>\n".encode()},
        code=0, check=(("out.xlf", "Quân đội họp."),)),
    # -- issue 28, round 2: faithful outputs ------------------------------------------------
    "a BOM in an HTML page is kept": Case(
        ("translate", "b.html", "-o", "out.html", *T, "--fail-on", "never"),
        {**G, "b.html": b"\xef\xbb\xbf<p>The army met.</p>\n"},
        code=0, check=(("out.html", "\ufeff<p>"),)),
    "a BOM in a subtitle file is kept": Case(
        ("translate", "b.srt", "-o", "out.srt", *T, "--fail-on", "never"),
        {**G, "b.srt": b"\xef\xbb\xbf1\n00:00:01,000 --> 00:00:02,000\nThe army met.\n"},
        code=0, check=(("out.srt", "\ufeff1\n00:00:01,000"),)),
    "an HTML comment closed with --!>": Case(
        ("translate", "c.html", "-o", "out.html", *T, "--fail-on", "never"),
        {**G, "c.html": b"<p>One.</p><!-- note --!><p>The army met.</p>\n"},
        code=0, check=(("out.html", "<!-- note --!><p>"),)),
    "Parquet ids that are NaN": Case(
        ("translate", "n.parquet", "-o", "out.parquet", *T),
        {**G}, setup=lambda d: _parquet(d / "n.parquet", {"id": [1.0, float("nan")],
                                                           "text": ["a b", "c d"]}),
        says="n.parquet:2: id nan is not a string or a finite number",
        absent=("out.parquet",)),
    "a Parquet dataset that has a translation column": Case(
        ("translate", "t.parquet", "-o", "out.parquet", *T),
        {**G}, setup=lambda d: _parquet(d / "t.parquet", {"id": [1], "text": ["a b"],
                                                           "translation": ["x"]}),
        says="already has a 'translation' column (--overwrite replaces it)",
        absent=("out.parquet",)),
    "a JSONL record that has a translation field": Case(
        ("translate", "t.jsonl", "-o", "out.jsonl", *T),
        {**G, "t.jsonl": b'{"id": 1, "text": "The army met.", "translation": "x"}\n'},
        says='t.jsonl:1: already has a "translation" field', absent=("out.jsonl",)),
    # -- messages ---------------------------------------------------------------------------
    "line 100 is not an emoji": Case(
        ("glossary", "validate", "g100.tsv"),
        {"g100.tsv": "".join(f"term {n}\tthuật ngữ {n}\n" for n in range(99)).encode()
         + b"broken line without a tab\n"}, code=1, says="g100.tsv:100:"),
}


def _parquet(path: Path, columns: dict[str, list[object]]) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)


@pytest.mark.parametrize("name", list(CASES))
def test_campaign_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    for file, content in case.files.items():
        (tmp_path / file).write_bytes(content)
    if case.setup is not None:
        case.setup(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    env = {k: (str(tmp_path / v) if "/" in v or v.endswith(".json") else v)
           for k, v in case.env.items()}
    result = run_cli(*case.args, cwd=tmp_path, env=env)
    assert result.returncode == case.code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("termtrans: error")]
    if case.code == 2 and errors:              # the toolkit's own one-line error
        assert len(errors) == 1 and case.says in errors[0], result.stderr
    elif case.code == 2:                       # a usage error: the option and its range
        assert case.says in result.stderr and "Invalid value" in result.stderr, result.stderr
    else:                                      # findings (1) or a result (0) on stdout
        assert case.says in result.stdout, result.stdout
    for path, content in before.items():      # nothing that was there is changed
        if path.name not in {f for f, _ in case.check}:
            assert path.read_bytes() == content, path
    for file in case.absent:
        assert not (tmp_path / file).exists(), file
    for file, text in case.check:      # bytes: CRLF must be there as written
        assert text.encode() in (tmp_path / file).read_bytes(), file


def test_outputs_through_links_to_devices_are_written_through_not_replaced(
        tmp_path: Path) -> None:
    """`-o /dev/stdout` once renamed a temporary file over the device link; a full disk was a
    traceback. Links in the test's own directory stand in for /dev, so a regression breaks
    nothing outside it."""
    for file, content in PAIR.items():
        (tmp_path / file).write_bytes(content)
    (tmp_path / "null").symlink_to("/dev/null")
    (tmp_path / "full").symlink_to("/dev/full")
    ok = run_cli(*CHECK, "-o", "null", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "null").is_symlink() and Path("/dev/null").is_char_device()
    full = run_cli(*CHECK, "--format", "json", "-o", "full", cwd=tmp_path)
    assert full.returncode == 2 and "Traceback" not in full.stderr
    assert full.stderr.strip().splitlines()[-1] == \
        "termtrans: error: full: No space left on device"
    assert (tmp_path / "full").is_symlink()


def test_an_output_that_is_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    for file, content in PAIR.items():
        (tmp_path / file).write_bytes(content)
    (tmp_path / "reports").mkdir()
    (tmp_path / "latest.json").symlink_to("reports/run.json")
    (tmp_path / "reports" / "run.json").write_text("old\n", encoding="utf-8")
    result = run_cli(*CHECK, "--format", "json", "-o", "latest.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "latest.json").is_symlink()
    assert json.loads((tmp_path / "reports" / "run.json").read_text(encoding="utf-8"))


def test_a_document_translates_the_same_whatever_the_shared_cache_saw(tmp_path: Path) -> None:
    """CTranslate2 int8 output depends slightly on a sentence's batch neighbours; a cache
    that served sentences one by one made a document's translation depend on which other
    documents had filled it. Batches are now reused only whole."""
    article = sorted((Path(__file__).resolve().parent.parent / "seeds" / "articles")
                     .glob("*.txt"))[0].read_text(encoding="utf-8").splitlines()
    (tmp_path / "x.txt").write_text("\n".join(article[:12]) + "\n", encoding="utf-8")
    (tmp_path / "y.txt").write_text("\n".join(article[2:8] + article[20:26]) + "\n",
                                    encoding="utf-8")
    common = ("-g", str(SEED_GLOSSARY), "--fail-on", "never")
    fresh = run_cli("translate", "x.txt", "-o", "fresh.txt", "--cache", "a.sqlite", *common,
                    cwd=tmp_path)
    other = run_cli("translate", "y.txt", "-o", "y.vi.txt", "--cache", "b.sqlite", *common,
                    cwd=tmp_path)
    after = run_cli("translate", "x.txt", "-o", "after.txt", "--cache", "b.sqlite", *common,
                    cwd=tmp_path)
    assert fresh.returncode == other.returncode == after.returncode == 0, after.stderr
    assert (tmp_path / "after.txt").read_bytes() == (tmp_path / "fresh.txt").read_bytes()
    again = run_cli("translate", "x.txt", "-o", "again.txt", "--cache", "b.sqlite", *common,
                    cwd=tmp_path)
    assert "translated 0 segment(s)" in again.stderr      # now every batch is cached whole
    assert (tmp_path / "again.txt").read_bytes() == (tmp_path / "fresh.txt").read_bytes()


def test_a_closed_stdout_is_one_line_and_o_file_still_works(tmp_path: Path) -> None:
    """`termtrans check … >&-`: no internal error; with -o the report is written."""
    import subprocess
    import sys

    (tmp_path / "s.en").write_text(PAIR_SOURCE, encoding="utf-8")
    (tmp_path / "t.vi").write_text(PAIR_TARGET, encoding="utf-8")
    base = [sys.executable, "-m", "translate", "check", "s.en", "t.vi", "-g",
            str(SEED_GLOSSARY)]

    def closed() -> None:
        os.close(1)

    bare = subprocess.run(base, cwd=tmp_path, stderr=subprocess.PIPE, text=True,
                          preexec_fn=closed, timeout=patience(120))
    assert bare.returncode == 2
    assert bare.stderr.strip() == ("termtrans: error: standard output is closed; write the "
                                   "output to a file with -o FILE")
    to_file = subprocess.run([*base, "-o", "r.txt"], cwd=tmp_path, stderr=subprocess.PIPE,
                             text=True, preexec_fn=closed, timeout=patience(120))
    assert to_file.returncode == 0, to_file.stderr
    assert "0 issue(s)" in (tmp_path / "r.txt").read_text(encoding="utf-8")
