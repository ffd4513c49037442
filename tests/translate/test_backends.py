"""Contract tests every backend passes: same interface, same term guarantee.

The models have random weights, so the guarantee is proved where it is
hardest: the model never produces a term by itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from glossary.checks import REGISTRY, Segment, analyse
from glossary.errors import ConfigError, ModelError
from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from glossary.model import Glossary, Term
from tests.conftest import FIXTURES, ROOT, SEED_GLOSSARY, run_cli
from translate.backends import BACKENDS, make_translator
from translate.backends.base import Translator
from translate.backends.ctranslate2_backend import CTranslate2Translator
from translate.decoding.constraints import CONNECTOR, FREE, JOINER, Constraint, piece_kinds
from translate.decoding.repair import match_constraints
from translate.models.convert import MANIFEST, converted_model
from translate.pipeline import Options, TranslationPipeline

SOURCES = (FIXTURES / "seed_check" / "source.en").read_text(encoding="utf-8").splitlines()
BACKEND_NAMES = ["transformers", "ctranslate2-int8", "ctranslate2-float32",
                 "ctranslate2-int8+vmap"]
#: the other model families, on the backend that runs them (CTranslate2, int8)
FAMILY_NAMES = ["nllb", "m2m100", "madlad"]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(SEED_GLOSSARY)


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture(scope="session")
def ct2_translators(tiny_model: Path, tiny_vmap_model: Path,
                    ct2_cache: Path) -> dict[str, CTranslate2Translator]:
    made = {}
    for model, compute_type in ((tiny_model, "int8"), (tiny_model, "float32"),
                                (tiny_vmap_model, "int8")):
        translator = CTranslate2Translator(model, threads=2, compute_type=compute_type,
                                           cache_root=ct2_cache)
        translator.ensure_loaded()
        made[translator.name] = translator
    assert set(made) == set(BACKEND_NAMES) - {"transformers"}
    return made


@pytest.fixture(scope="session")
def family_translators(tiny_family_models: dict[str, Path],
                       ct2_cache: Path) -> dict[str, CTranslate2Translator]:
    made = {}
    for family, model in tiny_family_models.items():
        made[family] = CTranslate2Translator(model, threads=2, cache_root=ct2_cache)
        made[family].ensure_loaded()
    return made


@pytest.fixture(params=BACKEND_NAMES + FAMILY_NAMES)
def backend(request: pytest.FixtureRequest, tiny_translator: Translator,
            ct2_translators: dict[str, CTranslate2Translator],
            family_translators: dict[str, CTranslate2Translator]) -> Iterator[Translator]:
    if request.param == "transformers":
        yield tiny_translator
    else:
        yield {**ct2_translators, **family_translators}[request.param]


@pytest.mark.parametrize("beam", [1, 4])
def test_every_seed_term_and_code_is_in_the_output(backend: Translator, glossary: Glossary,
                                                   beam: int) -> None:
    pipeline = TranslationPipeline(backend, glossary, model_id="tiny",
                                   options=Options(beam=beam, batch_size=8))
    hyps = pipeline.translate(SOURCES)
    matcher = TermMatcher(glossary)
    for hyp in hyps:      # a random model stutters: that is reported, not a broken guarantee
        assert hyp.guarantee_kept, (hyp.source, hyp.text, [i.message for i in hyp.issues])
        analysis = analyse(Segment("t", 1, hyp.source, hyp.text), matcher)
        assert all(h.ok for h in analysis.hits)
        assert not list(REGISTRY["code_mismatch"].segment_fn(analysis))  # type: ignore[misc]
    assert sum(len(h.required) for h in hyps) >= 35


@pytest.mark.parametrize(("source", "targets"), [
    ("The all-people defence posture and the defence posture.",
     ["thế trận quốc phòng toàn dân", "thế trận phòng thủ"]),
    ("Prestigious people met prestigious people again.",
     ["người có uy tín", "người có uy tín"]),
    ("Resolution No. 06-NQ/TU and Decree No. 21/2019/NĐ-CP.",
     ["Nghị quyết số 06-NQ/TU", "Nghị định số 21/2019/NĐ-CP"]),
])
def test_overlapping_and_repeated_terms(backend: Translator, source: str,
                                        targets: list[str]) -> None:
    glossary = Glossary((Term(("all-people defence posture",), "thế trận quốc phòng toàn dân"),
                         Term(("defence posture",), "thế trận phòng thủ"),
                         Term(("prestigious people",), "người có uy tín")))
    (hyp,) = TranslationPipeline(backend, glossary, model_id="tiny").translate([source])
    assert hyp.guarantee_kept, hyp.text
    for target in set(targets):
        assert hyp.text.lower().count(target.lower()) >= targets.count(target)


def test_unspellable_target_goes_through_a_placeholder(backend: Translator) -> None:
    weird = "Ꝑ龍 ⟦Δ⟧"   # characters the tiny vocabulary has never seen
    glossary = Glossary((Term(("Steering Committee",), weird),))
    assert backend.make_constraint(weird, set()).placeholder is not None
    (hyp,) = TranslationPipeline(backend, glossary, model_id="tiny").translate(
        ["The Steering Committee met."])
    assert weird in hyp.text and hyp.guarantee_kept


def test_batches_with_different_constraints(backend: Translator) -> None:
    outputs = backend.translate(
        ["Peaceful evolution.", "Border Guard and militia.", "Nothing here."],
        [[("Peaceful evolution", "diễn biến hòa bình")],
         [("Border Guard", "Bộ đội Biên phòng"), ("militia", "dân quân")], []], beam=3)
    assert "diễn biến hòa bình" in outputs[0].text
    assert "Bộ đội Biên phòng" in outputs[1].text and "dân quân" in outputs[1].text
    assert all(o.constraints_met for o in outputs)
    assert all(o.tokens > 0 for o in outputs)


def test_interface_reports_lengths(backend: Translator) -> None:
    assert backend.max_source_tokens > 100
    assert backend.source_length("Border Guard.") >= 3


# -- CTranslate2 specifics --------------------------------------------------------------------

def test_tokenisation_matches_the_transformers_backend(
        tiny_translator: Translator, ct2_translators: dict[str, CTranslate2Translator],
        glossary: Glossary) -> None:
    fast = ct2_translators["ctranslate2-int8"]
    for term in glossary.terms:
        for text in term.allowed:
            ids = tiny_translator._encode_target(text)
            assert fast._encode_target(text) == ids, text
            assert fast._decode_target(ids) == tiny_translator._decode_target(ids)
    for sentence in SOURCES:
        assert fast.source_length(sentence) == tiny_translator.source_length(sentence)


def test_float32_plain_output_equals_transformers(
        tiny_translator: Translator, ct2_translators: dict[str, CTranslate2Translator]) -> None:
    sentences = SOURCES[:4]
    exact = tiny_translator.translate(sentences, [[] for _ in sentences], beam=1)
    fast = ct2_translators["ctranslate2-float32"].translate(sentences,
                                                            [[] for _ in sentences], beam=1)
    assert [o.text for o in fast] == [o.text for o in exact]


def test_fast_path_stages_are_counted(ct2_translators: dict[str, CTranslate2Translator]) -> None:
    fast = ct2_translators["ctranslate2-int8"]
    before = sum(fast.stats.values())
    fast.translate([*SOURCES[:3], "No terms at all."],
                   [[("Border Guard", "Bộ đội Biên phòng")]] * 3 + [[]], beam=2)
    assert sum(fast.stats.values()) - before == 4
    assert set(fast.stats) <= {"plain", "repaired", "exact"}


def test_exact_fallback_settles_what_repair_cannot(
        ct2_translators: dict[str, CTranslate2Translator],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import translate.backends.ctranslate2_backend as fast_module

    monkeypatch.setattr(fast_module, "REPAIR_POSITIONS", 0)     # no repair candidates
    fast = ct2_translators["ctranslate2-int8"]
    before = fast.stats["exact"]
    (out,) = fast.translate(["The Border Guard met prestigious people."],
                            [[("Border Guard", "Bộ đội Biên phòng"),
                              ("prestigious people", "người có uy tín")]], beam=2)
    assert fast.stats["exact"] == before + 1
    assert out.constraints_met
    assert "Bộ đội Biên phòng" in out.text and "người có uy tín" in out.text


def test_exact_stage_on_float32_equals_the_transformers_search(
        tiny_translator: Translator, ct2_translators: dict[str, CTranslate2Translator],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import translate.backends.ctranslate2_backend as fast_module

    monkeypatch.setattr(fast_module, "REPAIR_POSITIONS", 0)     # straight to the exact stage
    fast = ct2_translators["ctranslate2-float32"]
    targets = [[("Border Guard", "Bộ đội Biên phòng"), ("06-NQ/TU", "06-NQ/TU")]] * 3
    before = fast.stats["exact"]
    got = fast.translate(SOURCES[:3], targets, beam=3)
    want = tiny_translator.translate(SOURCES[:3], targets, beam=3)
    assert fast.stats["exact"] - before == 3
    assert [o.text for o in got] == [o.text for o in want]
    assert all(o.constraints_met for o in got)


def test_fast_path_never_loads_pytorch(tiny_model: Path, ct2_cache: Path,
                                       ct2_translators: dict[str, CTranslate2Translator]) -> None:
    code = f"""
import sys
from pathlib import Path
import translate.backends.ctranslate2_backend as fast_module
fast_module.REPAIR_POSITIONS = 0
fast = fast_module.CTranslate2Translator(Path({str(tiny_model)!r}), threads=1,
                                         cache_root=Path({str(ct2_cache)!r}))
(out,) = fast.translate(["The Border Guard met prestigious people."],
                        [[("Border Guard", "Bộ đội Biên phòng")]], beam=2)
assert out.constraints_met and fast.stats["exact"] == 1, (out, fast.stats)
assert "torch" not in sys.modules, "the fast path imported PyTorch"
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize(("ids", "wanted", "missing"), [
    ([5, 6, 7, 3], [(6, 7)], []),
    ([5, 6, 7, 3], [(6, 7), (6, 7)], [(6, 7)]),          # needed twice, present once
    ([6, 7, 6, 7], [(6, 7), (6, 7)], []),
    ([6, 7, 9], [(6, 7)], [(6, 7)]),                     # 9 is a word-internal piece: fused
    ([1, 6, 7, 8], [(6, 7, 8), (7, 8)], [(7, 8)]),       # tokens are not shared
    ([6, 7, 8, 9], [(6, 7)], [(6, 7)]),                  # "75" "." "5": 75.5 is not 75
    ([6, 7, 8, 3], [(6, 7)], []),                        # "75" "." then a word: a full stop
])
def test_match_constraints(ids: list[int], wanted: list[tuple[int, ...]],
                           missing: list[tuple[int, ...]]) -> None:
    kinds = [FREE] * 8 + [CONNECTOR, JOINER]
    constraints = [Constraint(w, str(w)) for w in wanted]
    _, unmet = match_constraints(ids, constraints, kinds)
    assert [c.token_ids for c in unmet] == missing


@pytest.mark.parametrize(("piece", "kind"), [
    ("▁Nghị", FREE), ("aaa", JOINER), ("5", JOINER), (".5", JOINER), (",000", JOINER),
    ("_số", JOINER), ("_", JOINER), ("\u0301", JOINER), ("-_", JOINER), ("đ", JOINER),
    (".", CONNECTOR), ("/", CONNECTOR), ("%", FREE), ('"', FREE), ("</s>", FREE), ("", FREE),
])
def test_piece_kinds(piece: str, kind: int) -> None:
    assert piece_kinds([piece]) == [kind]


def test_conversion_is_cached_verified_and_redone_when_damaged(tiny_model: Path,
                                                               tmp_path: Path) -> None:
    first = converted_model(tiny_model, "int8", tmp_path)
    manifest = json.loads((first / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["compute_type"] == "int8" and "model.bin" in manifest["files"]
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert converted_model(tiny_model, "int8", tmp_path) == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp      # not converted again
    with (first / "model.bin").open("r+b") as handle:              # bit rot
        handle.seek(100)
        handle.write(b"\0\0\0\0")
    again = converted_model(tiny_model, "int8", tmp_path)
    assert again == first
    assert json.loads((again / MANIFEST).read_text(encoding="utf-8"))["files"] == \
        manifest["files"]
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temp left


def test_changed_source_model_gets_its_own_conversion(tiny_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    first = converted_model(copy, "int8", tmp_path / "cache")
    config = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    config["max_position_embeddings"] = 256
    (copy / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert converted_model(copy, "int8", tmp_path / "cache") != first


def test_bad_names_list_the_valid_ones(tiny_model: Path) -> None:
    with pytest.raises(ConfigError, match="valid: auto, transformers, ctranslate2"):
        make_translator("marian-cpp", str(tiny_model))
    with pytest.raises(ModelError, match="valid: int8, int8_float32, float32"):
        CTranslate2Translator(tiny_model, compute_type="int4")
    with pytest.raises(ModelError, match="needs a local model directory"):
        make_translator("ctranslate2", "Helsinki-NLP/opus-mt-en-vi").ensure_loaded()
    assert "ctranslate2" in BACKENDS


def test_cli_translate_with_the_fast_backend(tmp_path: Path, tiny_model: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The Border Guard met prestigious people under Resolution No. "
                      "06-NQ/TU.\n", encoding="utf-8")
    result = run_cli("translate", source, "--model", tiny_model, "--backend", "ctranslate2",
                     "-g", SEED_GLOSSARY, "--no-cache", "-o", tmp_path / "a.vi.txt",
                     env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "a.vi.txt").read_text(encoding="utf-8")
    assert "Bộ đội Biên phòng" in out and "Nghị quyết số 06-NQ/TU" in out
    assert "backend:ctranslate2-int8" in result.stderr


def test_models_convert_and_verify_cover_conversions(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    made = run_cli("models", "convert", "tiny-random", env=env)
    assert made.returncode == 0, made.stderr
    (converted,) = (tmp_path / "termtrans" / "ctranslate2").iterdir()
    ok = run_cli("models", "verify", "tiny-random", env=env)
    assert ok.returncode == 0 and f"conversion {converted.name}: ok" in ok.stdout
    with (converted / "model.bin").open("ab") as handle:
        handle.write(b"tampered")
    bad = run_cli("models", "verify", "tiny-random", env=env)
    assert bad.returncode == 1 and "differs from the conversion manifest" in bad.stdout


def test_auto_picks_the_fast_backend_for_local_models(tiny_model: Path) -> None:
    from translate.backends import pick_backend

    assert pick_backend(str(tiny_model)) == "ctranslate2"
    assert pick_backend("Helsinki-NLP/opus-mt-en-vi") == "transformers"   # needs a download
    assert make_translator("auto", str(tiny_model)).name == "ctranslate2-int8"


def test_too_long_sentence_is_a_clear_error(backend: Translator) -> None:
    from glossary.errors import InputError

    long_sentence = " ".join(["Border Guard"] * 400)
    with pytest.raises(InputError, match="longer than the model's"):
        backend.translate([long_sentence], [[]], beam=1)


def test_annotation_that_would_overflow_falls_back_to_plain_input(
        ct2_translators: dict[str, CTranslate2Translator],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast = ct2_translators["ctranslate2-int8"]
    seen: list[str] = []

    def record(sources, constraints, beam, max_lengths, strict=False):  # type: ignore[no-untyped-def]
        seen.extend(sources)
        return [([5], True) for _ in sources]

    monkeypatch.setattr(fast, "annotation", ("<t>", "<=>", "</t>"))
    monkeypatch.setattr(fast, "_generate", record)
    short = "The militia met."
    crowded = " ".join(["militia"] * 150)
    assert fast.source_length(crowded) <= fast.max_source_tokens
    fast.translate([short, crowded], [[("militia", "dân quân")],
                                      [("militia", "dân quân")] * 150], beam=1)
    assert seen[0] == "The <t> militia <=> dân quân </t> met."
    assert seen[1] == crowded          # annotated, it would pass the model's limit


DAMAGE = {
    "config.json": (lambda b: b"{not json", r"config.json:1: damaged model file: invalid JSON"),
    "vocab.json": (lambda b: b"\xff\xfe{}", r"vocab.json: damaged model file: not UTF-8"),
    "source.spm": (lambda b: b"garbage", r"source.spm: damaged model file: not a sentencepiece"),
    "model.safetensors": (lambda b: b[:len(b) // 2],
                          r"model.safetensors: damaged model file: not a complete safetensors"),
    "vmap.txt": (lambda b: "\t▁và\n▁the ▁và\n".encode(),
                 r"vmap.txt:2: damaged vocabulary map: expected '<source n-gram> TAB"),
}


@pytest.mark.parametrize("backend_name", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("damaged", list(DAMAGE))
def test_damaged_model_file_is_named(tiny_model: Path, tmp_path: Path, backend_name: str,
                                     damaged: str) -> None:
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    damage, message = DAMAGE[damaged]
    original = (copy / damaged).read_bytes() if (copy / damaged).is_file() else b""
    (copy / damaged).write_bytes(damage(original))
    with pytest.raises(ModelError, match=message):   # at construction or on first use
        make_translator(backend_name, str(copy)).ensure_loaded()


def test_auto_names_the_light_extra_when_ctranslate2_is_missing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On the core install the shipped model needs the translate extra, not PyTorch."""
    import importlib.util

    from translate.backends import pick_backend

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ctranslate2" else real(name, *a))
    assert pick_backend(str(ROOT / "models" / "en-vi-demo")) == "ctranslate2"
    assert pick_backend(str(tmp_path)) == "transformers"      # nothing shipped: converting
    assert pick_backend("Helsinki-NLP/opus-mt-en-vi") == "transformers"


def test_shipping_a_new_conversion_replaces_the_stale_one(tiny_model: Path, tmp_path: Path
                                                          ) -> None:
    """A model's weights changed: --ship converts them anew in the model directory, and
    the old conversion is gone (not kept beside the model, where it would be locked)."""
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    shipped = converted_model(model, "int8", tmp_path / "cache", ship=True)
    assert shipped.parent == model
    before = json.loads((shipped / MANIFEST).read_text(encoding="utf-8"))["source_fingerprint"]
    (model / "MODEL_CARD.md").write_text("# a new card\n", encoding="utf-8")   # new weights
    again = converted_model(model, "int8", tmp_path / "cache", ship=True)
    assert again == shipped
    after = json.loads((again / MANIFEST).read_text(encoding="utf-8"))["source_fingerprint"]
    assert after != before
    assert sorted(p.name for p in model.iterdir() if p.is_dir()) == [shipped.name]
    assert not [p for p in model.iterdir() if p.name.startswith(".")]     # no temp left
