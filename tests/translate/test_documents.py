from __future__ import annotations

from pathlib import Path

import polib
import pytest

from glossary.formats import load_glossary
from tests.conftest import SEED_GLOSSARY
from translate.backends.base import Translator
from translate.documents import get_document_format
from translate.documents.segment import split_long, split_sentences
from translate.jobs import translate_documents
from translate.pipeline import Options, TranslationPipeline


@pytest.fixture
def pipeline(tiny_translator: Translator) -> TranslationPipeline:
    return TranslationPipeline(tiny_translator, load_glossary(SEED_GLOSSARY), model_id="tiny",
                               options=Options(beam=1, batch_size=8))


def test_sentence_splitting_keeps_abbreviations_and_codes() -> None:
    text = ("Mr. Tang said the NDS is ensured under Resolution No. 06-NQ/TU. Dr. Le agreed. "
            "It costs 9.6 billion VND.")
    assert split_sentences(text) == [
        "Mr. Tang said the NDS is ensured under Resolution No. 06-NQ/TU.", "Dr. Le agreed.",
        "It costs 9.6 billion VND."]


def test_long_sentences_are_split_not_truncated() -> None:
    sentence = " ".join(["word"] * 5000)
    pieces = split_long(sentence, lambda s: len(s.split()), 200)
    assert all(len(p.split()) <= 200 for p in pieces)
    assert " ".join(pieces) == sentence
    clauses = split_long("a b c; d e f, g h", lambda s: len(s.split()), 3)
    assert clauses == ["a b c;", "d e f,", "g h"]


def test_text_keeps_line_alignment_and_blank_lines(tmp_path: Path,
                                                   pipeline: TranslationPipeline) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Prestigious people met.\n\n   \nMilitary Region 3. Border Guard.\n",
                      encoding="utf-8")
    (result,) = translate_documents([source], pipeline, out_dir=tmp_path / "out")
    lines = (tmp_path / "out" / "a.txt").read_text(encoding="utf-8").split("\n")
    assert len(lines) == 5 and lines[1] == "" and lines[2] == "   " and lines[4] == ""
    assert "người có uy tín" in lines[0].lower()
    assert "Quân khu 3" in lines[3] and "Bộ đội Biên phòng" in lines[3]
    assert result.issues == [] and result.segments == 3


def test_markdown_structure_is_kept(tmp_path: Path, pipeline: TranslationPipeline) -> None:
    source = tmp_path / "a.md"
    source.write_text(
        "# Prestigious people\n\n"
        "- Border Guard work\n- Read **peaceful evolution** at [the site](https://x.org/a).\n\n"
        "```\ncode Border Guard stays\n```\n\n"
        "| term | note |\n|---|---|\n| militia | `keep` |\n\n"
        "> Military Region 3 news\n", encoding="utf-8")
    translate_documents([source], pipeline, out_dir=tmp_path / "out")
    out = (tmp_path / "out" / "a.md").read_text(encoding="utf-8")
    lines = out.split("\n")
    assert lines[0].startswith("# ") and "người có uy tín" in lines[0].lower()
    assert lines[2].startswith("- ") and "Bộ đội Biên phòng" in lines[2]
    assert lines[3].startswith("- ") and "**" in lines[3] and "](https://x.org/a)" in lines[3]
    assert "diễn biến hòa bình" in lines[3].lower()
    assert "```\ncode Border Guard stays\n```" in out
    assert "|---|---|" in out and "`keep`" in out and "dân quân" in out.lower()
    assert any(line.startswith("> ") and "Quân khu 3" in line for line in lines)


def test_po_fills_msgstr_keeps_comments_and_marks_fuzzy(tmp_path: Path,
                                                        pipeline: TranslationPipeline) -> None:
    source = tmp_path / "a.po"
    source.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        "#. a comment\n#: src/x.c:1\nmsgid \"Border Guard\"\nmsgstr \"\"\n\n"
        'msgid "Done already"\nmsgstr "Đã xong"\n\n'
        'msgid "%d prestigious person"\nmsgid_plural "%d prestigious people"\n'
        'msgstr[0] ""\n', encoding="utf-8")
    translate_documents([source], pipeline, out_file=tmp_path / "b.po")
    po = polib.pofile(str(tmp_path / "b.po"))
    first, done, plural = list(po)
    assert "Bộ đội Biên phòng" in first.msgstr and first.comment == "a comment"
    assert "fuzzy" in first.flags and first.occurrences == [("src/x.c", "1")]
    assert done.msgstr == "Đã xong" and "fuzzy" not in done.flags
    assert "người có uy tín" in plural.msgstr_plural[0] and "%d" in plural.msgstr_plural[0]


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"<!-- only markup -->\n"])
def test_empty_and_markup_only_documents(tmp_path: Path, pipeline: TranslationPipeline,
                                         content: bytes) -> None:
    source = tmp_path / "a.md"
    source.write_bytes(content)
    (result,) = translate_documents([source], pipeline, out_dir=tmp_path / "out")
    assert result.error is None and result.segments == 0
    assert (tmp_path / "out" / "a.md").read_bytes() == content


def test_bad_file_is_reported_and_others_still_done(tmp_path: Path,
                                                    pipeline: TranslationPipeline) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok line\n\xff\xfe broken\n")
    good = tmp_path / "good.txt"
    good.write_text("Border Guard.\n", encoding="utf-8")
    results = translate_documents([bad, good], pipeline, out_dir=tmp_path / "out")
    assert results[0].error == f"{bad}:2: not valid UTF-8: byte(s) ff at column 1; " \
                               "re-save the file as UTF-8"
    assert not (tmp_path / "out" / "bad.txt").exists()
    assert (tmp_path / "out" / "good.txt").is_file()


def test_unknown_document_type_lists_supported() -> None:
    from glossary.errors import ConfigError

    with pytest.raises(ConfigError, match=r"supported: \.txt"):
        get_document_format(Path("a.odt"))


def test_markdown_markup_goes_around_the_terms_target(tmp_path: Path,
                                                      pipeline: TranslationPipeline) -> None:
    source = tmp_path / "a.md"
    source.write_text(
        "The **Border Guard** met [prestigious people](https://x.org/a \"t\") in `code`.\n\n"
        "An escaped \\* star &amp; the *militia* of\nMilitary Region 3.\n", encoding="utf-8")
    (result,) = translate_documents([source], pipeline, out_dir=tmp_path / "out")
    out = (tmp_path / "out" / "a.md").read_text(encoding="utf-8").split("\n")
    assert [p.source for p in result.pairs] == [
        "The Border Guard met prestigious people in <x1/>.",
        "An escaped * star <x1/> the militia of Military Region 3."]   # entities protected
    assert "**Bộ đội Biên phòng**" in out[0]            # the whole block, codes put back
    assert "[người có uy tín](https://x.org/a \"t\")" in out[0] and "`code`" in out[0]
    assert "*dân quân*" in out[2].lower() and "Quân khu 3" in out[2] and "&amp;" in out[2]


def test_front_matter_crlf_and_hard_breaks_survive(tmp_path: Path,
                                                   pipeline: TranslationPipeline) -> None:
    page = tmp_path / "index.md"
    page.write_bytes(b"---\r\ntitle: Prestigious people\r\ntags: [militia]\r\n---\r\n\r\n"
                     b"# Border Guard\r\n\r\nThe militia met  \r\nprestigious people.\r\n"
)
    toml = tmp_path / "post.md"
    toml.write_text('+++\ntitle = "Border Guard"\n+++\nThe militia met.\n', encoding="utf-8")
    plain = tmp_path / "a.txt"
    plain.write_bytes(b"Prestigious people met.\r\n\r\nThe militia met.\r\n")
    results = translate_documents([page, toml, plain], pipeline, out_dir=tmp_path / "out")
    assert all(r.error is None for r in results)
    out = (tmp_path / "out" / "index.md").read_bytes().decode("utf-8")
    assert out.startswith("---\r\ntitle: Prestigious people\r\ntags: [militia]\r\n---\r\n")
    assert "\n" not in out.replace("\r\n", "")             # every line end is CRLF
    body = out.split("---\r\n", 2)[2]
    assert "dân quân" in body.lower() and "  \r\n" in body    # the hard break is kept
    assert (tmp_path / "out" / "post.md").read_text(encoding="utf-8").startswith(
        '+++\ntitle = "Border Guard"\n+++\n')
    text = (tmp_path / "out" / "a.txt").read_bytes()
    assert text.count(b"\r\n") == 3 and b"\n" not in text.replace(b"\r\n", b"")


def test_reference_link_labels_are_kept(tmp_path: Path, pipeline: TranslationPipeline) -> None:
    page = tmp_path / "a.md"
    page.write_text("See the [Border Guard] and [the militia][] and [prestigious people][pp].\n\n"
                    "[Border Guard]: https://x.org/bg\n[the militia]: https://x.org/m\n"
                    "[pp]: https://x.org/pp\n", encoding="utf-8")
    translate_documents([page], pipeline, out_dir=tmp_path / "out")
    out = (tmp_path / "out" / "a.md").read_text(encoding="utf-8")
    assert "[Border Guard]" in out and "[the militia][]" in out   # the labels: the links
    assert "][pp]" in out and "[prestigious people]" not in out    # its text translated
    assert out.endswith("[Border Guard]: https://x.org/bg\n[the militia]: https://x.org/m\n"
                        "[pp]: https://x.org/pp\n")


def test_a_long_line_is_split_as_pysbd_splits_it_a_window_at_a_time() -> None:
    from translate.documents.segment import WINDOW, _segmenter, split_sentences

    sentences = ("The army met the people in the province on Monday.",
                 "Resolution No. 06-NQ/TU was issued by Mr. Nguyen on 5 March.",
                 "It cost 3.5 billion VND, e.g. for roads.", "Dr. Lan said so.")
    line = " ".join(sentences[i % 4] for i in range(300))
    assert len(line) > 4 * WINDOW
    assert split_sentences(line) == [s.strip() for s in _segmenter().segment(line) if s.strip()]
    word = "x" * (WINDOW + 10)                 # one "sentence" longer than a window
    assert "".join(split_sentences(f"{word} and more. Next one.")).replace(" ", "") == \
        f"{word}andmore.Nextone."


@pytest.mark.parametrize(("name", "content"), [
    ("a.txt", "Prestigious people met.\r\n"),
    ("a.html", "<p>Prestigious people met.</p>\n"),
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nPrestigious people met.\n"),
    ("a.md", "# Prestigious people\n"),
])
def test_a_byte_order_mark_is_kept(tmp_path: Path, pipeline: TranslationPipeline,
                                   name: str, content: str) -> None:
    """Windows editors and subtitle tools write UTF-8 with a BOM (and read it back)."""
    source = tmp_path / name
    source.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    (result,) = translate_documents([source], pipeline, out_dir=tmp_path / "out")
    assert result.error is None, result.error
    data = (tmp_path / "out" / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    plain = tmp_path / f"plain-{name}"
    plain.write_text(content, encoding="utf-8", newline="")
    translate_documents([plain], pipeline, out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / plain.name).read_bytes().startswith(b"\xef\xbb\xbf")
