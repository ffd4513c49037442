"""The contract every document format meets, one test run per registered format.

(1) A round trip with an identity translation reproduces the file byte for byte,
or differs only as documented in ``IDENTITY_DIFFERENCES``. (2) The seed article
in that format comes out with every glossary term and code enforced and
verified. (3) A second run with the same cache translates nothing and writes
the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from glossary.model import Glossary
from tests.conftest import ROOT, SEED_GLOSSARY
from translate.backends.base import Output, TokenScores, Translator
from translate.cache import TranslationCache
from translate.documents import FORMATS
from translate.jobs import translate_documents
from translate.pipeline import Options, TranslationPipeline

ARTICLE = sorted((ROOT / "seeds" / "articles").glob("*.txt"))[0]
#: Formats whose output cannot equal the input even when nothing is translated.
IDENTITY_DIFFERENCES = {"po": "fills msgstr and marks entries fuzzy; updates the header",
                        "xliff": "fills <target> and its state; re-serialised by ElementTree",
                        "jsonl": "adds a \"translation\" field to every record",
                        "parquet": "adds a translation column (the table re-written by pyarrow)"}


class IdentityTranslator(Translator):
    """Returns each sentence unchanged: what a round trip through a format must survive."""

    name = "identity"

    def _load(self) -> None:
        return None

    def _encode_target(self, text: str) -> list[int]:
        return [ord(c) for c in text]

    def _decode_target(self, ids: Sequence[int]) -> str:
        return "".join(map(chr, ids))

    def _generate(self, sources: Sequence[str], constraints: Sequence[Sequence[object]],
                  beam: int, max_lengths: Sequence[int], strict: bool = False
                  ) -> list[tuple[list[int], bool]]:
        return [(self._encode_target(s), True) for s in sources]

    def source_length(self, text: str) -> int:
        return len(text.split())

    def _score_pieces(self, sources: Sequence[str],
                      targets: Sequence[str]) -> list[TokenScores]:
        return [TokenScores((*t.split(), "</s>"), (0.0,) * (len(t.split()) + 1))
                for t in targets]

    @property
    def max_source_tokens(self) -> int:
        return 10_000

    def translate(self, sources: Sequence[str], targets: Sequence[Sequence[tuple[str, str]]],
                  *, beam: int = 4, strict: bool = False) -> list[Output]:
        return [Output(s, len(s.split()), True) for s in sources]


def paragraphs(limit: int = 6) -> list[str]:
    return [p for p in ARTICLE.read_text(encoding="utf-8").splitlines() if p.strip()][:limit]


def marked(paragraph: str, matcher: TermMatcher, open_: str, close: str) -> str:
    """*paragraph* (escaped) with each glossary term wrapped in inline markup."""
    out, at = [], 0
    for match in matcher.find(paragraph):
        out.append(html.escape(paragraph[at:match.start], quote=False))
        out.append(open_ + html.escape(match.text, quote=False) + close)
        at = match.end
    out.append(html.escape(paragraph[at:], quote=False))
    return "".join(out)


def write_docx(path: Path, texts: list[str], matcher: TermMatcher) -> None:
    """A Word document of *texts*: a heading, the terms in bold, a hyperlink, a tab, a
    table, a header and a footer (built with python-docx, as Word files are read)."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_heading("Border areas and people", 1)
    for text in texts:
        para = doc.add_paragraph()
        at = 0
        for match in matcher.find(text):
            para.add_run(text[at:match.start])
            para.add_run(match.text).bold = True
            at = match.end
        para.add_run(text[at:])
    para = doc.add_paragraph("Read ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), doc.part.relate_to("https://example.org/a?x=1",
                                            RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run, text_ = OxmlElement("w:r"), OxmlElement("w:t")
    text_.text = "the article"
    run.append(text_)
    link.append(run)
    para._p.append(link)
    para.add_run(" online.").add_tab()
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Prestigious people met."
    table.cell(0, 1).text = "Resolution No. 06-NQ/TU was issued."
    doc.sections[0].header.paragraphs[0].text = "Ethnic minority areas"
    doc.sections[0].footer.paragraphs[0].text = "Border Guard news"
    doc.save(str(path))


def docx_text(path: Path) -> str:
    """Every paragraph's text of a DOCX file (body, tables, header, footer), one per line."""
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def parquet_text(path: Path) -> str:
    """The translation column of a Parquet output, one row per line."""
    import pyarrow.parquet as pq

    return "\n".join(pq.read_table(path).column("translation").to_pylist())


def seed_document(fmt: str, folder: Path) -> Path:
    """The seed article in format *fmt* (HTML with the terms in bold and a link)."""
    texts = paragraphs()
    matcher = TermMatcher(load_glossary(SEED_GLOSSARY))
    if fmt == "txt":
        path = folder / "seed.txt"
        path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    elif fmt == "md":
        path = folder / "seed.md"
        path.write_text("# Border areas\n\n" + "\n\n".join(texts) + "\n", encoding="utf-8")
    elif fmt == "po":
        path = folder / "seed.po"
        body = "".join(f'\n#: article.txt:{n}\nmsgid "{t.replace(chr(34), chr(92) + chr(34))}"'
                       '\nmsgstr ""\n' for n, t in enumerate(texts, 1))
        path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                        '"Language: vi\\n"\n' + body, encoding="utf-8")
    elif fmt == "html":
        path = folder / "seed.html"
        body = "\n".join(f"  <p>{marked(t, matcher, '<b>', '</b>')}</p>" for t in texts)
        path.write_text(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
            "  <title>Ethnic minority areas</title>\n  <style>p { margin: 0 }</style>\n"
            "</head>\n<body>\n  <h1>Border <em>areas</em> &amp; people</h1>\n"
            f"{body}\n  <p><a href=\"https://example.org/a?x=1&amp;y=2\" title=\"The source\">"
            "Read the article</a> &#8212; <code>id=42</code></p>\n"
            "  <script>var t = '<p>no</p>';</script>\n</body>\n</html>\n", encoding="utf-8")
    elif fmt == "srt":
        path = folder / "seed.srt"
        cues = []
        for n, t in enumerate(texts[:4], 1):
            words = t.split()
            half = len(words) // 2
            cues.append(f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},900\n"
                        f"{' '.join(words[:half])}\n{' '.join(words[half:])}\n")
        path.write_text("\n".join(cues), encoding="utf-8")
    elif fmt == "jsonl":
        path = folder / "seed.jsonl"
        path.write_text("".join(json.dumps({"id": f"p{n}", "text": t, "source": "seed"}) + "\n"
                                for n, t in enumerate(texts, 1)), encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = folder / "seed.parquet"
        pq.write_table(pa.table({"id": list(range(1, len(texts) + 1)), "text": texts,
                                 "source": ["seed"] * len(texts)}), path)
    elif fmt == "docx":
        path = folder / "seed.docx"
        write_docx(path, texts, matcher)
    elif fmt == "xliff":
        path = folder / "seed.xlf"
        bold = '<g id="b" ctype="bold">'
        units = "".join(f'\n   <trans-unit id="{n}"><source>'
                        f'{marked(t, matcher, bold, "</g>")}'
                        "</source></trans-unit>" for n, t in enumerate(texts, 1))
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                        'xmlns="urn:oasis:names:tc:xliff:document:1.2">\n <file '
                        'source-language="en" target-language="vi" datatype="plaintext" '
                        f'original="seed.txt">\n  <body>{units}\n  </body>\n </file>\n'
                        "</xliff>\n", encoding="utf-8")
    else:
        raise AssertionError(f"no seed fixture for format {fmt}: add one here")
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_identity_round_trip(fmt: str, tmp_path: Path) -> None:
    source = seed_document(fmt, tmp_path)
    pipeline = TranslationPipeline(IdentityTranslator(), Glossary(()), model_id="identity",
                                   options=Options(constraints=False))
    out = tmp_path / "out" / source.name
    (result,) = translate_documents([source], pipeline, out_file=out)
    assert result.error is None
    if fmt in IDENTITY_DIFFERENCES:
        assert out.read_bytes() != source.read_bytes()
    else:
        assert out.read_bytes() == source.read_bytes()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_seed_terms_enforced_verified_and_resumable(fmt: str, tmp_path: Path,
                                                    tiny_translator: Translator) -> None:
    source = seed_document(fmt, tmp_path)
    glossary = load_glossary(SEED_GLOSSARY)
    cache = TranslationCache(tmp_path / "cache.sqlite")

    def run(out: Path) -> tuple[TranslationPipeline, bytes]:
        pipeline = TranslationPipeline(tiny_translator, glossary, model_id="tiny", cache=cache)
        (result,) = translate_documents([source], pipeline, out_file=out)
        assert result.error is None
        assert result.terms_required > 10
        assert [i for i in result.issues if i.kind in ("missing_term", "code_mismatch")] == []
        return pipeline, out.read_bytes()

    first, output = run(tmp_path / "a" / source.name)
    second, again = run(tmp_path / "b" / source.name)
    assert first.translated > 0 and second.translated == 0 and again == output
    text = (docx_text(tmp_path / "a" / source.name) if fmt == "docx"
            else parquet_text(tmp_path / "a" / source.name) if fmt == "parquet"
            else output.decode("utf-8"))
    if fmt != "srt":   # the subtitles take the first four paragraphs only
        assert "Kết luận số 68-KL/TW" in text
    if fmt == "srt":
        assert [line for line in text.splitlines() if "-->" in line] == [
            line for line in source.read_text().splitlines() if "-->" in line]
    if fmt == "xliff":
        assert text.count("<target") == len(paragraphs())
        assert text.count("<g ") == 2 * source.read_text().count("<g ")
    if fmt == "html":
        assert text.count("<b>") == text.count("</b>") == source.read_text().count("<b>")
        assert '<html lang="vi">' in text and "<code>id=42</code>" in text
        assert "<script>var t = '<p>no</p>';</script>" in text
        assert re.search(r'title="[^"]+"', text)


class EmptyTranslator(IdentityTranslator):
    """Returns nothing: a model that stops at once (random weights, a broken checkpoint)."""

    def translate(self, sources: Sequence[str], targets: Sequence[Sequence[tuple[str, str]]],
                  *, beam: int = 4, strict: bool = False) -> list[Output]:
        return [Output("", 0, True) for _ in sources]


def test_an_empty_translation_is_reported_not_passed(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The meeting ended.\nThe village elders met again.", encoding="utf-8")
    pipeline = TranslationPipeline(EmptyTranslator(), Glossary(()), model_id="empty",
                                   options=Options(quality=False))
    (result,) = translate_documents([source], pipeline, out_dir=tmp_path / "out")
    assert [(i.kind, i.line) for i in result.issues] == [("untranslated", 1),
                                                         ("untranslated", 2)]
    assert "the translation is empty" in result.issues[0].message
