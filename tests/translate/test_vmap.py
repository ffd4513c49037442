"""Vocabulary maps: how they are built, checked, converted and used by the fast path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from glossary.errors import AlignmentError
from tests.conftest import FIXTURES
from translate.backends import make_translator
from translate.backends.ctranslate2_backend import CTranslate2Translator
from translate.cli import app
from translate.models.convert import converted_model
from translate.models.vmap import VMAP_FILE, build_vocabulary_map, read_pairs

SEED = FIXTURES / "seed_check"
SOURCES = (SEED / "source.en").read_text(encoding="utf-8").splitlines()


def single_piece_words(model: Path, count: int) -> list[str]:
    """Words each of the model's tokenisers keeps as one piece (so rules are easy to predict)."""
    import json

    import sentencepiece

    sps = [sentencepiece.SentencePieceProcessor(model_file=str(model / name))
           for name in ("source.spm", "target.spm")]
    vocab = json.loads((model / "vocab.json").read_text(encoding="utf-8"))
    words = [p[1:] for p in sorted(vocab) if p.startswith("▁") and len(p) > 3 and p[1:].isalpha()
             and all(sp.encode(p[1:], out_type=str) == [p] for sp in sps)]
    assert len(words) >= count
    return words[:count]


def rules(lines: list[str]) -> dict[str, list[str]]:
    return {key: targets.split(" ") for key, targets in (line.split("\t") for line in lines)}


def test_candidates_are_the_piece_itself_then_by_dice(tiny_model: Path) -> None:
    e1, e2, v1, v2 = single_piece_words(tiny_model, 4)
    pairs = [(e1, v1)] * 5 + [(e2, v2)] * 4 + [(f"{e1} {e2}", f"{v1} {v2}")]
    table = rules(build_vocabulary_map(tiny_model, pairs, per_source=1, always=1))
    assert table[""] == [f"▁{v1}"]                 # the most frequent target piece
    assert table[f"▁{e1}"] == [f"▁{e1}", f"▁{v1}"]  # itself, then Dice 2·6/(6+6) over 2·1/(6+5)
    assert table[f"▁{e2}"] == [f"▁{e2}", f"▁{v2}"]
    assert len(table) == 3                           # only pieces seen in the source side


def test_more_candidates_per_piece_are_kept_in_order(tiny_model: Path) -> None:
    pairs = list(zip(SOURCES, (SEED / "clean.vi").read_text(encoding="utf-8").splitlines(),
                     strict=True))
    narrow = rules(build_vocabulary_map(tiny_model, pairs, per_source=2, always=10))
    wide = rules(build_vocabulary_map(tiny_model, pairs, per_source=8, always=50))
    assert len(narrow[""]) == 10 and len(wide[""]) == 50
    assert wide[""][:10] == narrow[""]
    for key, targets in narrow.items():
        if key:
            assert targets[0] == key and len(targets) <= 3
            assert wide[key][:len(targets)] == targets


def test_counting_in_chunks_gives_the_same_map(tiny_model: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import translate.models.vmap as vmap_module

    pairs = list(zip(SOURCES, (SEED / "clean.vi").read_text(encoding="utf-8").splitlines(),
                     strict=True))
    whole = build_vocabulary_map(tiny_model, pairs)
    monkeypatch.setattr(vmap_module, "_CHUNK", 1)     # 16 partial counts, merged every 8
    assert build_vocabulary_map(tiny_model, pairs) == whole


def test_misaligned_training_text_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.en").write_text("one\ntwo\nthree\n", encoding="utf-8")
    (tmp_path / "a.vi").write_text("một\nhai\n", encoding="utf-8")
    with pytest.raises(AlignmentError, match=r"a\.vi:3: has 2 line\(s\) but .*a\.en has 3"):
        read_pairs(tmp_path / "a.en", tmp_path / "a.vi")


def test_cli_builds_the_map_into_the_model(tiny_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)

    def build(target_text: Path) -> Result:
        return CliRunner().invoke(app, ["models", "vmap", str(copy), "--source-text",
                                        str(SEED / "source.en"), "--target-text",
                                        str(target_text), "--per-source", "3"])

    result = build(SEED / "clean.vi")
    assert result.exit_code == 0, result.output
    lines = (copy / VMAP_FILE).read_text(encoding="utf-8").splitlines()
    assert f"{copy / VMAP_FILE}: {len(lines)} rules" in result.output
    assert all(len(rule) <= 4 for key, rule in rules(lines).items() if key)
    short = tmp_path / "short.vi"
    short.write_text("một\n", encoding="utf-8")
    for bad, message in ((short, "short.vi:2: has 1 line(s)"),
                         (tmp_path / "nope.vi", "nope.vi: cannot read file")):
        failed = build(bad)
        assert failed.exit_code == 2 and message in failed.output, failed.output
        assert len(failed.output.strip().splitlines()) == 1
    assert (copy / VMAP_FILE).read_text(encoding="utf-8").splitlines() == lines  # kept
    assert not list(copy.glob(".*.part"))


def test_conversion_carries_the_map_and_the_name_says_so(tiny_vmap_model: Path,
                                                         tmp_path: Path) -> None:
    target = converted_model(tiny_vmap_model, "int8", tmp_path)
    assert (target / VMAP_FILE).read_bytes() == (tiny_vmap_model / VMAP_FILE).read_bytes()
    assert make_translator("ctranslate2", str(tiny_vmap_model)).name == "ctranslate2-int8+vmap"
    off = make_translator("ctranslate2", str(tiny_vmap_model), vocabulary_map=False)
    assert off.name == "ctranslate2-int8"


def identity_map_model(tiny_model: Path, directory: Path) -> Path:
    """A copy whose map allows each source piece only itself: outputs echo source pieces."""
    import json

    copy = directory / "model"
    shutil.copytree(tiny_model, copy)
    vocab = json.loads((copy / "vocab.json").read_text(encoding="utf-8"))
    (copy / VMAP_FILE).write_text("\t\n" + "".join(f"{p}\t{p}\n" for p in vocab),
                                  encoding="utf-8")
    return copy


def test_plain_pass_decodes_over_the_candidates_only(tiny_model: Path, tmp_path: Path) -> None:
    model = identity_map_model(tiny_model, tmp_path)
    mapped = CTranslate2Translator(model, threads=2, cache_root=tmp_path / "c")
    full = CTranslate2Translator(model, threads=2, cache_root=tmp_path / "c",
                                 vocabulary_map=False)
    outside = 0
    for source in SOURCES[:8]:         # one per call: a batch's candidates are its union
        (a,) = mapped.translate([source], [[]], beam=2)
        (b,) = full.translate([source], [[]], beam=2)
        assert set(a.text) <= set(source) | {" "}, (source, a.text)
        outside += not set(b.text) <= set(source) | {" "}
    assert outside >= 4                 # the random model wanders off without the map


def test_terms_are_met_when_the_map_excludes_them(tiny_model: Path, tmp_path: Path) -> None:
    model = identity_map_model(tiny_model, tmp_path)
    fast = CTranslate2Translator(model, threads=2, cache_root=tmp_path / "c")
    required = [("Border Guard", "Bộ đội Biên phòng"), ("prestigious people", "người có uy tín")]
    (out,) = fast.translate(["The Border Guard met prestigious people."], [required], beam=4)
    assert out.constraints_met
    assert "Bộ đội Biên phòng" in out.text and "người có uy tín" in out.text


def test_a_failing_mapped_decode_is_redone_without_the_map(
        tiny_vmap_model: Path, tmp_path: Path) -> None:
    fast = CTranslate2Translator(tiny_vmap_model, threads=2, cache_root=tmp_path / "c")
    fast.ensure_loaded()
    expected = CTranslate2Translator(tiny_vmap_model, threads=2, cache_root=tmp_path / "c",
                                     vocabulary_map=False).translate(
        SOURCES[:5], [[] for _ in range(5)], beam=2)

    class Broken:
        def result(self) -> None:
            raise RuntimeError("vector::_M_range_check: __n (which is 9) >= this->size()")

    class Failing:
        """CTranslate2 as it fails on some mapped decodes: the futures raise an index error."""

        def __init__(self, real: object) -> None:
            self.real = real

        def translate_batch(self, sources: list[list[str]], **kwargs: object) -> object:
            if kwargs.get("use_vmap"):
                return [Broken() for _ in sources]
            return self.real.translate_batch(sources, **kwargs)  # type: ignore[attr-defined]

    fast._ct2 = Failing(fast._ct2)
    out = fast.translate(SOURCES[:5], [[] for _ in range(5)], beam=2)
    assert [o.text for o in out] == [o.text for o in expected]
    assert fast.stats["vmap_retried"] == 5


def test_map_is_not_used_unless_eos_is_id_zero(tiny_vmap_model: Path, tmp_path: Path) -> None:
    """CTranslate2 maps </s> through a table it never clears; only id 0 is always right."""
    import json

    copy = tmp_path / "model"
    shutil.copytree(tiny_vmap_model, copy)
    vocab = json.loads((copy / "vocab.json").read_text(encoding="utf-8"))
    other = next(piece for piece, index in vocab.items() if index == 5)
    vocab["</s>"], vocab[other] = 5, vocab["</s>"]
    (copy / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    assert make_translator("ctranslate2", str(tiny_vmap_model)).name.endswith("+vmap")
    assert make_translator("ctranslate2", str(copy)).name == "ctranslate2-int8"
