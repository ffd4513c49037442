"""Translation memories: --tm reuse (verified), tm export from the cache, TMX as a glossary."""

from __future__ import annotations

from pathlib import Path

from glossary.formats import load_glossary
from glossary.tmx import read_tmx
from tests.conftest import SEED_GLOSSARY, run_cli

#: A random model stutters (reported as issues): these tests are about the formats, not it.
TINY = ("--model", "tiny-random", "--backend", "transformers", "--fail-on", "never")
TMX = """<?xml version="1.0" encoding="{enc}"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence"
  o-tmf="x" adminlang="en" creationtool="x" creationtoolversion="1"/>
<body>
 <tu><tuv xml:lang="en"><seg>Prestigious people met.</seg></tuv>
     <tuv xml:lang="vi-VN"><seg>Những người <bpt i="1">&lt;b&gt;</bpt>nổi tiếng<ept
       i="1">&lt;/b&gt;</ept> đã gặp.</seg></tuv></tu>
 <tu><tuv xml:lang="en"><seg>The border guards</seg></tuv>
     <tuv xml:lang="vi"><seg>bộ đội biên phòng</seg></tuv></tu>
</body></tmx>
"""


def test_export_then_reuse_serves_every_segment_from_memory(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Prestigious people met the Border Guard.\n\nThe army of 2024 met.\n"
                       "Resolution No. 06-NQ/TU was adopted. It was read.\n", encoding="utf-8")
    first = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "--cache",
                    tmp_path / "c.sqlite", "-o", tmp_path / "first.txt")
    assert first.returncode == 0, first.stderr
    memory = tmp_path / "memory.tmx"
    exported = run_cli("tm", "export", "--cache", tmp_path / "c.sqlite", "-o", memory)
    assert exported.returncode == 0 and "4 translation unit(s)" in exported.stderr
    units = read_tmx(memory)
    assert all(u.props[0][0] == "x-termtrans-signature" for u in units)
    again = run_cli("translate", article, *TINY, "-g", SEED_GLOSSARY, "--no-cache", "--tm",
                    memory, "-o", tmp_path / "again.txt")
    assert again.returncode == 0, again.stderr
    assert "translated 0 segment(s), 0 from cache, 4 from translation memory" in again.stderr
    assert (tmp_path / "again.txt").read_bytes() == (tmp_path / "first.txt").read_bytes()


def test_memory_entries_are_verified_not_trusted(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_text(TMX.format(enc="UTF-8"), encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Prestigious people met.\n", encoding="utf-8")
    # without --fail-on never: a forbidden variant from the memory fails the run
    result = run_cli("translate", article, *TINY[:4], "-g", SEED_GLOSSARY, "--no-cache", "--tm",
                     memory, "-o", tmp_path / "out.txt")
    assert result.returncode == 1
    # the seed glossary lists "người nổi tiếng" as a wrong rendering of "prestigious people"
    assert "forbidden_variant" in result.stderr and "1 from translation memory" in result.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == \
        "Những người nổi tiếng đã gặp.\n"


def test_utf16_tmx_and_tmx_as_glossary(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_bytes(TMX.format(enc="UTF-16").encode("utf-16"))
    assert [u.target for u in read_tmx(memory)][1] == "bộ đội biên phòng"
    terms = load_glossary(memory)
    assert {t.target for t in terms} == {"Những người nổi tiếng đã gặp.", "bộ đội biên phòng"}


def test_empty_or_one_language_tmx_is_an_error(tmp_path: Path) -> None:
    memory = tmp_path / "m.tmx"
    memory.write_text('<tmx version="1.4"><header srclang="en"/><body/></tmx>',
                      encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Hello.\n", encoding="utf-8")
    result = run_cli("translate", article, *TINY, "--tm", memory)
    assert result.returncode == 2
    assert "m.tmx: no translation units with both en and vi text" in result.stderr
    assert not (tmp_path / "a.vi.txt").exists()
