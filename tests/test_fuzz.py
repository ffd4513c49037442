"""Property tests (hypothesis): formats round-trip, readers never raise anything but a
ToolkitError, identity translation reproduces documents, matcher invariants hold, no spelling
of an input path is accepted as an output.

CI runs each with a bounded budget (TERMTRANS_FUZZ_EXAMPLES, default 100 examples; a
nightly profile can set thousands). Fixed seed (derandomize): the same examples each run.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.errors import ToolkitError
from glossary.formats import FORMATS, load_glossary, save_glossary
from glossary.matching import TermMatcher
from glossary.model import Glossary, Term
from tests.conftest import ROOT
from tests.translate.test_format_contract import IdentityTranslator
from translate.jobs import translate_documents
from translate.pipeline import Options, TranslationPipeline

EXAMPLES = int(os.environ.get("TERMTRANS_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIX = {"tsv": ".tsv", "csv": ".csv", "tbx": ".tbx", "po": ".po", "tmx": ".tmx"}

# Words of the domain's alphabets: ASCII, Vietnamese letters with tones, đ/Đ, digits, and
# the punctuation glossaries hold (hyphens, slashes, quotes, commas, parentheses).
LETTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "ăâêôơưđĂÂÊÔƠƯĐàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
word = st.text(alphabet=LETTERS, min_size=1, max_size=8)
joiner = st.sampled_from([" ", " ", " ", "-", "/", ", ", "'", " (", ") "])


@st.composite
def phrases(draw: st.DrawFn) -> str:
    words = draw(st.lists(word, min_size=1, max_size=4))
    out = words[0]
    for w in words[1:]:
        out += draw(joiner) + w
    return " ".join(out.split()).strip(" ,(/-'")


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    terms, seen = [], set()
    for _ in range(draw(st.integers(1, 6))):
        sources = tuple(dict.fromkeys(
            s for s in draw(st.lists(phrases(), min_size=1, max_size=2)) if s))
        if len({s.casefold() for s in sources}) < len(sources):
            continue
        target = draw(phrases())
        # rows that share a target are one concept by design: distinct targets here
        if (not sources or not target or target.casefold() in seen
                or any(s.casefold() in seen for s in sources)):
            continue
        seen.update(s.casefold() for s in (*sources, target))
        variants = tuple(v for v in draw(st.lists(phrases(), max_size=1))
                         if v and v != target)
        terms.append(Term(sources, target, variants=variants,
                          case_sensitive=draw(st.booleans())))
    return Glossary(tuple(terms))


@pytest.mark.parametrize("name", ["tsv", "csv", "tbx"])
@FUZZ
@given(glossary=glossaries())
def test_full_formats_round_trip_every_field(name: str, glossary: Glossary) -> None:
    if not len(glossary):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{SUFFIX[name]}"
        save_glossary(glossary, path)
        back = load_glossary(path)
    key = sorted((t.sources, t.target, t.variants, t.case_sensitive) for t in glossary)
    assert sorted((t.sources, t.target, t.variants, t.case_sensitive) for t in back) == key


@pytest.mark.parametrize("name", sorted(FORMATS))
@FUZZ
@given(data=st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_any_bytes_load_or_fail_with_a_toolkit_error(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{SUFFIX[name]}"
        path.write_bytes(data)
        try:
            load_glossary(path)
        except ToolkitError as exc:
            assert str(exc).startswith(str(path)) or str(path) in str(exc)


line_text = st.text(alphabet=LETTERS + " .,;:!?-*_#>`[]()<>&%{}\"'\t", max_size=60)


def _identity_round_trip(name: str, content: bytes) -> tuple[bytes, bytes | None]:
    pipeline = TranslationPipeline(IdentityTranslator(), Glossary(()), model_id="identity",
                                   options=Options(constraints=False))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / name
        source.write_bytes(content)
        out = Path(tmp) / "out" / name
        (result,) = translate_documents([source], pipeline, out_file=out)
        if result.error is not None:
            return content, None
        return content, out.read_bytes()


@FUZZ
@given(lines=st.lists(line_text, max_size=8), crlf=st.booleans(), final=st.booleans())
def test_text_documents_survive_an_identity_translation(lines: Sequence[str], crlf: bool,
                                                        final: bool) -> None:
    end = "\r\n" if crlf else "\n"
    text = end.join(line.replace("\r", "") for line in lines) + (end if final and lines else "")
    content, out = _identity_round_trip("a.txt", text.encode("utf-8"))
    assert out == content


@FUZZ
@given(blocks=st.lists(line_text, max_size=6))
def test_markdown_survives_an_identity_translation(blocks: Sequence[str]) -> None:
    text = "\n\n".join(b.replace("\r", "").strip() for b in blocks) + "\n"
    content, out = _identity_round_trip("a.md", text.encode("utf-8"))
    assert out == content


@FUZZ
@given(glossary=glossaries(), text=st.lists(st.one_of(phrases(), word), max_size=12))
def test_matches_are_ordered_disjoint_and_cover_what_they_claim(glossary: Glossary,
                                                                  text: list[str]) -> None:
    sentence = " ".join(text)
    matches = TermMatcher(glossary).find(sentence)
    for a, b in itertools.pairwise(matches):
        assert a.end <= b.start
    for m in matches:
        assert sentence[m.start:m.end] == m.text and m.text.strip() == m.text


detour = st.lists(st.sampled_from([".", "sub/..", "sub/./..", "sub/../sub/.."]), max_size=4)


@FUZZ
@given(detours=detour, link=st.sampled_from(["path", "symlink", "hardlink"]),
       other=st.booleans())
def test_an_input_under_any_spelling_is_never_an_output(detours: Sequence[str], link: str,
                                                         other: bool) -> None:
    """However the output path spells the input (detours, symlinks, hard links), translate's
    plan and the other commands' output check refuse it; another file is always allowed."""
    from glossary.errors import ConfigError
    from translate.cli.common import refuse_overwrite
    from translate.documents.inputs import plan_jobs

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "sub").mkdir()
        source = root / "a.txt"
        source.write_text("The army met.\n", encoding="utf-8")
        name = "b.txt" if other else "a.txt"
        target = root.joinpath(*detours, name)
        if link != "path":
            target = root / "link.txt"
            if not other:
                (os.symlink if link == "symlink" else os.link)(source, target)
        if other:
            refuse_overwrite([target], [source])
            assert plan_jobs([source], out_file=target).jobs[0].output == target
            return
        with pytest.raises(ConfigError, match="would overwrite"):
            refuse_overwrite([target], [source])
        with pytest.raises(ConfigError, match="would overwrite"):
            plan_jobs([source], out_file=target)
        assert source.read_text(encoding="utf-8") == "The army met.\n"


def _balance_by_definition(text: str, lines: int) -> list[str]:
    """The subtitle re-balancing rule, written the slow and obvious way: each line takes
    the cut whose length is nearest an equal share of what is left (the first on a tie)."""
    words = text.split()
    if lines <= 1 or len(words) <= 1:
        return [text]
    out: list[str] = []
    remaining = words
    for left in range(lines, 1, -1):
        goal = len(" ".join(remaining)) / left
        best = min(range(1, len(remaining)),
                   key=lambda cut: (abs(len(" ".join(remaining[:cut])) - goal), cut))
        out.append(" ".join(remaining[:best]))
        remaining = remaining[best:]
        if len(remaining) <= 1:
            break
    out.append(" ".join(remaining))
    return [line for line in out if line]


@given(words=st.lists(st.text("abcxyzàđ", min_size=1, max_size=9), max_size=30),
       lines=st.integers(1, 6))
def test_subtitle_balance_follows_its_definition(words: list[str], lines: int) -> None:
    from translate.documents.subtitles import balance

    text = " ".join(words)
    assert balance(text, lines) == _balance_by_definition(text, lines)


sentence_text = st.lists(st.sampled_from(
    [*"ab Mr.Dr,;:'’\"”?!…()-–0123\n", "The", "U.S.", "e.g.", " 06-NQ/TU", "No.", "1.5",
     "people's", " "]), max_size=24).map("".join)


@given(text=sentence_text)
@settings(max_examples=300 if os.environ.get("CI") else 1000, derandomize=True)
def test_one_sentence_shortcut_agrees_with_pysbd(text: str) -> None:
    from translate.documents import segment

    if segment._one_sentence(text) and text.strip():
        pieces = [p.strip() for p in segment._segmenter().segment(text) if p.strip()]
        assert pieces == [text.strip()]


def test_one_sentence_shortcut_agrees_with_pysbd_on_the_seed_articles() -> None:
    from translate.documents import segment

    lines = [line for article in (ROOT / "seeds" / "articles").glob("*.txt")
             for line in article.read_text(encoding="utf-8").splitlines()]
    sentences = [s for line in lines for s in segment.split_sentences(line)]
    shortcut = [s for s in sentences if segment._one_sentence(s)]
    assert len(shortcut) > 40
    for sentence in shortcut:
        assert [p.strip() for p in segment._segmenter().segment(sentence) if p.strip()] == \
            [sentence]


def _seed_documents() -> dict[str, bytes]:
    """A small valid file of every document format, to mutate."""
    import io as _io

    import docx

    made = docx.Document()
    made.add_paragraph("Prestigious people ").add_run("met").bold = True
    buffer = _io.BytesIO()
    made.save(buffer)
    seeds = {
        ".txt": b"Prestigious people met.\n\nThe Border Guard came.\n",
        ".md": b"# Title\n\nPrestigious *people* met [here](http://x.org).\n",
        ".po": b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
               b'msgid "Prestigious people met."\nmsgstr ""\n',
        ".html": b"<html><body><p>Prestigious <b>people</b> met.</p><!-- x --></body></html>",
        ".docx": buffer.getvalue(),
        ".xlf": b'<?xml version="1.0"?><xliff version="1.2"><file source-language="en" '
                b'target-language="vi" datatype="plaintext" original="a"><body>'
                b'<trans-unit id="1"><source>Prestigious <g id="1">people</g> met.</source>'
                b'</trans-unit></body></file></xliff>',
        ".srt": b"1\n00:00:01,000 --> 00:00:02,000\nPrestigious people\nmet.\n",
        ".jsonl": b'{"id": 1, "text": "Prestigious people met."}\n',
    }
    return seeds


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """*data* with a few bytes changed, cut short or spliced into itself."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "splice", "insert"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del out[at:]
        elif kind == "splice":
            out[at:at] = out[draw(st.integers(0, len(out))):][:40]
        else:
            out[at:at] = draw(st.sampled_from([b"<", b"&#x0;", b"\xff", b"\"", b"\n\n",
                                               b"\\ud800", b"]]>", b"-->", b"--!>"]))
    return bytes(out)


@pytest.mark.parametrize("suffix", sorted(_seed_documents()))
@FUZZ
@given(data=st.data())
def test_mutated_documents_read_or_fail_with_a_toolkit_error(suffix: str,
                                                             data: st.DataObject) -> None:
    """Every document reader turns a damaged file into the toolkit's one-line error naming
    the file (never an internal error), and what it reads renders back."""
    from translate.documents import get_document_format

    content = data.draw(mutated(_seed_documents()[suffix]) | st.binary(max_size=300))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(content)
        try:
            doc = get_document_format(path).read(path)
        except ToolkitError as exc:
            assert str(path) in str(exc)
            return
        texts = [unit.text for unit in doc.units]
        if doc.render_inline is not None:
            doc.render_inline(texts, [[] for _ in texts])
        else:
            doc.render(texts)
