"""HTML, XLIFF and SRT specifics: inline codes, malformed and hostile files, check reads XLIFF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glossary.xliff import xliff_segments
from tests.conftest import SEED_GLOSSARY, run_cli
from translate.documents import get_document_format
from translate.documents.htmldoc import parse_html
from translate.documents.inline import Code, Inline

#: A random model stutters (reported as issues): these tests are about the formats, not it.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never",
        "--no-cache")
XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="{lang}" datatype="plaintext" original="a.txt">
  <body>
   <trans-unit id="1"><source>Prestigious people met the <g id="1">Border Guard</g>.</source>
    <note>keep me</note></trans-unit>
   <trans-unit id="2"><source>Two sentences here. And here.</source>
    <seg-source><mrk mtype="seg" mid="a">Two sentences here.</mrk> <mrk mtype="seg"
     mid="b">And here.</mrk></seg-source></trans-unit>
   <trans-unit id="3"><source>Done already.</source><target>Đã xong.</target></trans-unit>
  </body>
 </file>
</xliff>
"""
XLIFF_20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="vi">
 <file id="f1">
  <unit id="u1"><segment id="s1">
   <source>Prestigious people met <pc id="1">today</pc>.<ph id="2"/></source></segment></unit>
 </file>
</xliff>
"""


def test_codes_around_terms_follow_the_terms_target() -> None:
    inline = Inline("Prestigious people met the Border Guard.",
                    (Code(0, 18, "<b>", "</b>"), Code(27, 39, "<i>", "</i>")))
    out = inline.render("Bộ đội Biên phòng gặp người có uy tín.",
                        [("Prestigious people", "người có uy tín"),
                         ("Border Guard", "Bộ đội Biên phòng")])
    assert out == "<i>Bộ đội Biên phòng</i> gặp <b>người có uy tín</b>."


def test_codes_are_never_dropped_duplicated_or_crossed() -> None:
    inline = Inline("one two three four five",
                    (Code(0, 7, "<a>", "</a>"), Code(4, 7, "<b>", "</b>", parent=0),
                     Code(8, 13, "<c>", "</c>"), Code(23, 23, "<br/>")))
    for translation in ("x", "một hai ba bốn năm sáu bảy", "", "hai"):
        out = inline.render(translation)
        for tag in ("<a>", "</a>", "<b>", "</b>", "<c>", "</c>", "<br/>"):
            assert out.count(tag) == 1, (translation, out)
        assert out.index("<a>") <= out.index("<b>") <= out.index("</b>") <= out.index("</a>")


def test_malformed_html_is_read_as_browsers_do(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<p>Prestigious people <b>met\n<p>Border Guard</i> here<div>x &amp; y",
                    encoding="utf-8")
    doc = get_document_format(page).read(page)
    assert [u.text for u in doc.units] == ["Prestigious people met", "Border Guard here",
                                           "x & y"]
    assert doc.render([u.text for u in doc.units]) == page.read_text(encoding="utf-8")
    upper = doc.render([u.text.upper() for u in doc.units])
    assert "<b>MET" in upper and "</i>" in upper and "X &amp; Y" in upper


def test_huge_html_is_refused_with_its_size(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    with page.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = run_cli("translate", page, *TINY, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "huge.html: file is 50 MiB; HTML files over 20 MiB are refused" in result.stderr
    assert not (tmp_path / "out" / "huge.html").exists()


def test_subtitles_rebalanced_and_bad_timestamps_named(tmp_path: Path) -> None:
    from translate.documents.subtitles import balance

    assert balance("một hai ba bốn năm sáu", 2) == ["một hai ba", "bốn năm sáu"]
    assert balance("một", 2) == ["một"]
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:xx --> 00:00:04,000\n"
                   "Bye.\n", encoding="utf-8")
    result = run_cli("translate", bad, *TINY, "--out", tmp_path / "out")
    assert result.returncode == 2 and "bad.srt:6: bad timestamp '00:00:xx'" in result.stderr


@pytest.mark.parametrize("xliff", [XLIFF_12.format(lang="vi"), XLIFF_20])
def test_xliff_targets_filled_codes_kept_and_checkable(tmp_path: Path, xliff: str) -> None:
    source = tmp_path / "a.xlf"
    source.write_text(xliff, encoding="utf-8")
    out = tmp_path / "a.vi.xlf"
    result = run_cli("translate", source, *TINY, "-g", SEED_GLOSSARY, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    if "1.2" in xliff:
        assert text.count('state="needs-review-translation"') == 2
        assert '<mrk mtype="seg" mid="a">' in text.split("<target")[2]
        assert "<note>keep me</note>" in text and "<target>Đã xong.</target>" in text
        assert text.split("<target")[1].count('<g id="1">') == 1
    else:
        assert 'state="translated"' in text and text.count('<pc id="1"') == 2
        assert text.count('<ph id="2"') == 2
    assert "người có uy tín" in text.lower()
    pairs = xliff_segments(out)
    assert pairs and all(p.target for p in pairs)
    checked = run_cli("check", out, "-g", SEED_GLOSSARY, "--format", "json")
    assert checked.returncode in (0, 1) and '"missing_term"' not in checked.stdout


@pytest.mark.parametrize(("content", "message"), [
    (XLIFF_12.format(lang="fr"), "a.xlf:3: target language is 'fr'; termtrans translates"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     '<xliff version="1.2"><file><body/></file></xliff>', "entity declaration 'e' refused"),
    ('<xliff version="3.0"/>', "unsupported XLIFF version '3.0'"),
    ("<xliff version='1.2'><file>", "XML syntax error"),
])
def test_bad_xliff_is_one_line_and_nothing_written(tmp_path: Path, content: str,
                                                    message: str) -> None:
    source = tmp_path / "a.xlf"
    source.write_text(content, encoding="utf-8")
    result = run_cli("translate", source, *TINY, "--out", tmp_path / "out")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / "a.xlf").exists()


def test_html_character_references_come_out_byte_for_byte(tmp_path: Path) -> None:
    page = tmp_path / "e.html"
    page.write_text("<p>The Border Guard &raquo; met &copy; 2024&nbsp;people &#8220;here&#8221; "
                    "&amp; there.</p>\n", encoding="utf-8")
    result = run_cli("translate", page, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "o.html")
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "o.html").read_text(encoding="utf-8")
    for ref in ("&raquo;", "&copy;", "&nbsp;", "&#8220;", "&#8221;"):
        assert out.count(ref) == 1, (ref, out)
    assert "»" not in out and "©" not in out        # not decoded into characters


@pytest.mark.parametrize("xliff", [XLIFF_12.format(lang="vi"), XLIFF_20], ids=["1.2", "2.0"])
def test_xliff_units_estimated_below_good_say_so(tmp_path: Path, xliff: str) -> None:
    source = tmp_path / "a.xlf"
    source.write_text(xliff, encoding="utf-8")
    result = run_cli("translate", source, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "o.xlf")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "o.xlf").read_text(encoding="utf-8")
    if "1.2" in xliff:      # the random model's output is not good: a note on each unit
        assert text.count('<note from="termtrans"') == 2, text
        assert re.search(r'priority="[13]">estimated quality (bad|review) \(score \d+', text)
    else:
        assert re.search(r'subState="termtrans:(bad|review)"', text), text


def test_meta_descriptions_are_translated_and_other_meta_kept(tmp_path: Path) -> None:
    page = tmp_path / "m.html"
    page.write_text('<html><head><meta name="description" content="Prestigious people met.">'
                    '<meta name="viewport" content="width=device-width">'
                    '<meta property="og:title" content="The Border Guard"></head>'
                    "<body><p>The army met.</p></body></html>\n", encoding="utf-8")
    result = run_cli("translate", page, *TINY, "-g", SEED_GLOSSARY, "-o", tmp_path / "o.html")
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="description" content="[^"]*người có uy tín', out, re.I), out
    assert re.search(r'<meta property="og:title" content="[^"]*Bộ đội Biên phòng', out), out
    assert '<meta name="viewport" content="width=device-width">' in out


@pytest.mark.parametrize("comment", ["<!-- note --!>", "<!-->", "<!--->", "<!-- a -- b -->"])
def test_comments_end_where_browsers_end_them(comment: str) -> None:
    source = f"<p>One.</p>{comment}<p>Two people met.</p>"
    doc = parse_html(source)
    assert [u.text for u in doc.units] == ["One.", "Two people met."]
    assert doc.render_inline is not None
    assert doc.render_inline(["Một.", "Hai người đã gặp."], [[], []]) == \
        f"<p>Một.</p>{comment}<p>Hai người đã gặp.</p>"
