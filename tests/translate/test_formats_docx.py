"""Word documents: formatting, links, tabs, tables, headers kept; LibreOffice opens the
output; broken, encrypted and foreign files refused with one line, the batch goes on."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from tests.conftest import SEED_GLOSSARY, patience, run_cli
from tests.translate.test_format_contract import (
    IdentityTranslator,
    docx_text,
    paragraphs,
    write_docx,
)
from translate.backends.base import Output, Translator
from translate.jobs import translate_documents
from translate.pipeline import TranslationPipeline, plan_targets

#: A random model stutters (reported as issues): these tests are about the formats, not it.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never",
        "--no-cache")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory,
               tiny_translator: Translator) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("docx")
    glossary = load_glossary(SEED_GLOSSARY)
    source = folder / "seed.docx"
    write_docx(source, paragraphs(), TermMatcher(glossary))
    pipeline = TranslationPipeline(tiny_translator, glossary, model_id="tiny")
    (result,) = translate_documents([source], pipeline, out_file=folder / "out" / "seed.docx")
    assert result.error is None and result.terms_required > 10
    assert [i for i in result.issues if i.kind in ("missing_term", "code_mismatch")] == []
    return source, folder / "out" / "seed.docx"


def test_links_tabs_tables_headers_and_styles_survive(translated: tuple[Path, Path]) -> None:
    from docx import Document

    source, out = translated
    before, after = Document(str(source)), Document(str(out))
    assert after.paragraphs[0].style.name == before.paragraphs[0].style.name == "Heading 1"
    body, old = after.element.body, before.element.body
    assert [dict(lk.attrib) for lk in body.iter(f"{W}hyperlink")] == [
        dict(lk.attrib) for lk in old.iter(f"{W}hyperlink")]
    assert len(list(body.iter(f"{W}tab"))) == len(list(old.iter(f"{W}tab"))) == 1
    cells = [c.text for c in after.tables[0].rows[0].cells]
    assert "người có uy tín" in cells[0] and "Nghị quyết số 06-NQ/TU" in cells[1]
    section = after.sections[0]
    assert section.header.paragraphs[0].text != "Ethnic minority areas"
    assert "Bộ đội Biên phòng" in section.footer.paragraphs[0].text
    assert "Kết luận số 68-KL/TW" in docx_text(out)


class TermsOnlyTranslator(IdentityTranslator):
    """Writes only the required targets, last first: the words move, the bold must follow."""

    def translate(self, sources: Sequence[str], targets: Sequence[Sequence[tuple[str, str]]],
                  *, beam: int = 4, strict: bool = False) -> list[Output]:
        texts = [" và ".join(t for _, t in reversed(pairs)) or "Không" for pairs in targets]
        return [Output(t, len(t.split()), True) for t in texts]


def test_bold_runs_follow_their_terms_when_the_order_changes(tmp_path: Path) -> None:
    from docx import Document

    glossary = load_glossary(SEED_GLOSSARY)
    source = tmp_path / "seed.docx"
    write_docx(source, paragraphs(), TermMatcher(glossary))
    pipeline = TranslationPipeline(TermsOnlyTranslator(), glossary, model_id="terms")
    (result,) = translate_documents([source], pipeline, out_file=tmp_path / "out.docx")
    assert result.error is None
    matcher = TermMatcher(glossary)
    required = {t.casefold() for pair in result.pairs for _, t in plan_targets(pair.source,
                                                                               matcher)}
    before = [r.text for p in Document(str(source)).paragraphs for r in p.runs if r.bold]
    bold = [r.text for p in Document(str(tmp_path / "out.docx")).paragraphs
            for r in p.runs if r.bold]
    assert len(bold) == len(before) > 10             # every code placed once
    on_target = [text for text in bold if text.casefold() in required]
    # the rest are acronyms merged into their concept ("(NDS)"), placed by position
    assert len(on_target) >= 0.9 * len(bold)


def test_libreoffice_opens_the_translation(translated: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("TERMTRANS_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (TERMTRANS_REQUIRE_LIBREOFFICE) but "
                        "not installed")
        pytest.skip("LibreOffice is missing (apt-get install libreoffice-writer-nogui)")
    _, out = translated
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=patience(180))
    text = (tmp_path / "seed.txt").read_text(encoding="utf-8-sig")
    assert "Kết luận số 68-KL/TW" in text and "Nghị quyết số 06-NQ/TU" in text


def _not_a_zip(path: Path) -> None:
    path.write_text("Prestigious people met.\n", encoding="utf-8")


def _missing_part(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/styles.xml", "<styles/>")


def _no_body(path: Path) -> None:
    import zipfile

    main = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            f'ContentType="{main}"/></Types>'))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'))
        package.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"></w:document>'))


def _encrypted(path: Path) -> None:
    # what Word writes for a password-protected file: an OLE compound file
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


@pytest.mark.parametrize(("make", "message"), [
    (_not_a_zip, "not a DOCX file (not a zip package"),
    (_missing_part, "no main document part"),
    (_encrypted, "encrypted (password-protected)"),
    (_no_body, "word/document.xml has no <w:body>"),
])
def test_bad_docx_is_refused_and_the_batch_goes_on(tmp_path: Path, make, message: str
                                                   ) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.docx"
    make(bad)
    good = tmp_path / "good.txt"
    good.write_text("Prestigious people met.\n", encoding="utf-8")
    result = run_cli("translate", bad, good, "-g", SEED_GLOSSARY, "--out", tmp_path / "out",
                     *TINY)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "bad.docx" in line]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "bad.docx").exists()
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8").strip()


def test_a_translated_package_is_byte_reproducible(tmp_path: Path) -> None:
    """Zip entries carry a fixed time: a re-run (from the cache) writes the same bytes."""
    import zipfile

    glossary = load_glossary(SEED_GLOSSARY)
    source = tmp_path / "seed.docx"
    write_docx(source, paragraphs(2), TermMatcher(glossary))
    outputs = []
    for name in ("a.docx", "b.docx"):
        pipeline = TranslationPipeline(TermsOnlyTranslator(), glossary, model_id="terms")
        (result,) = translate_documents([source], pipeline, out_file=tmp_path / name)
        assert result.error is None
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(tmp_path / "a.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
