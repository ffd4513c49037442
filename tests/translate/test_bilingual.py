"""The bilingual readers: one per format, found by suffix, the same contract for every
member (a new format is one entry of ``translate.bilingual.FORMATS``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from glossary.errors import ConfigError
from glossary.tmx import MemoryUnit, write_tmx
from tests.conftest import SEED_GLOSSARY, run_cli
from translate.bilingual import FORMATS, bilingual_format, plan_pairs, read_bilingual

SOURCE = "Prestigious people met under Resolution No. 06-NQ/TU."
TARGET = "Người có uy tín đã họp theo Nghị quyết số 06-NQ/TU."


def _po(folder: Path) -> tuple[Path, Path | None]:
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "vi"}
    catalogue.append(polib.POEntry(msgid=SOURCE, msgstr=TARGET))
    catalogue.save(str(folder / "news.po"))
    return folder / "news.po", None


def _xliff(folder: Path) -> tuple[Path, Path | None]:
    (folder / "news.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '<file source-language="en" target-language="vi" datatype="plaintext" '
        'original="news"><body>\n'
        f'<trans-unit id="1"><source>{SOURCE}</source><target>{TARGET}</target>'
        '</trans-unit>\n</body></file></xliff>\n', encoding="utf-8")
    return folder / "news.xlf", None


def _tmx(folder: Path) -> tuple[Path, Path | None]:
    stream = io.StringIO()
    write_tmx([MemoryUnit(SOURCE, TARGET, 0)], stream, "test")
    (folder / "news.tmx").write_text(stream.getvalue(), encoding="utf-8")
    return folder / "news.tmx", None


def _pair(suffix: str) -> Callable[[Path], tuple[Path, Path | None]]:
    def make(folder: Path) -> tuple[Path, Path | None]:
        (folder / f"news.en{suffix}").write_text(f"{SOURCE}\n", encoding="utf-8")
        (folder / f"news.vi{suffix}").write_text(f"{TARGET}\n", encoding="utf-8")
        return folder / f"news.en{suffix}", folder / f"news.vi{suffix}"
    return make


MAKERS = {"po": _po, "xliff": _xliff, "tmx": _tmx, "markdown": _pair(".md"),
          "aligned": _pair(".txt")}


def test_every_format_has_a_contract_case() -> None:
    assert set(MAKERS) == set(FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_reader_gives_the_pair_with_its_line(name: str, tmp_path: Path) -> None:
    first, second = MAKERS[name](tmp_path)
    assert bilingual_format(first, second).name == name
    read = read_bilingual(first, second)
    (segment,) = read.segments
    assert (segment.source, segment.target) == (SOURCE, TARGET)
    assert segment.line >= 1 and read.name == str(second or first)
    # check reads every one of them the same way, through the command line
    args = [first] if second is None else [first, second]
    checked = run_cli("check", *args, "-g", SEED_GLOSSARY, "--format", "compact")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_lone_file_of_another_format_names_the_ones_that_stand_alone(tmp_path: Path
                                                                       ) -> None:
    with pytest.raises(ConfigError, match=r"\.po, \.xlf, \.xliff, \.tmx"):
        bilingual_format(tmp_path / "notes.txt")
    assert plan_pairs([Path("a.po"), Path("b.en"), Path("b.vi"), Path("c.tmx")]) == [
        (Path("a.po"), None), (Path("b.en"), Path("b.vi")), (Path("c.tmx"), None)]
    with pytest.raises(ConfigError, match="needs its translation file"):
        plan_pairs([Path("a.en")])
