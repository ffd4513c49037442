"""Training recipes: validation of the TOML file, the data mix, run-directory identity, export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from glossary.errors import AlignmentError
from tests.conftest import ROOT, patience
from translate.train.__main__ import build_mix, check_init, claim_run_dir, export
from translate.train.recipe import RECIPES, RecipeError, load_recipe

CORPUS = """
[[corpus]]
name = "news"
source = "news.en"
target = "news.vi"
repeat = 2
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder / "news.en", "The army met.\nPeople gathered.\nSame\nThe army met.\n")
    write(folder / "news.vi", "Quân đội họp.\nNgười dân tụ tập.\nSame\nQuân đội họp.\n")
    write(folder / "dev.en", "Hello.\n")
    write(folder / "dev.vi", "Xin chào.\n")
    return folder


def recipe_file(tmp_path: Path, extra: str = "") -> Path:
    return write(tmp_path / "r.toml", CORPUS + '[dev]\nsource = "dev.en"\nreference = "dev.vi"\n'
                 + f'[terms]\nglossary = "{ROOT / "seeds" / "glossary.tsv"}"\n' + extra)


def test_shipped_recipes_load_and_name_existing_data() -> None:
    names = sorted(p.stem for p in RECIPES.glob("*.toml"))
    assert {"en-vi-demo", "en-vi-demo-v1", "en-vi-demo-v3", "smoke"} <= set(names)
    for name in names:
        recipe = load_recipe(name)
        assert recipe.corpora and recipe.fingerprint()
    assert load_recipe("en-vi-demo").corpora[0].name == "alt-wikinews"


@pytest.mark.parametrize(("extra", "message"), [
    ("[model]\nd_modle = 256\n", "r.toml: model.d_modle: unknown key (valid: d_model,"),
    ("[model]\nd_model = '256'\n", "r.toml: model.d_model: expected int, got str '256'"),
    ("[shedule]\nmax_steps = 3\n", "r.toml: shedule: unknown key"),
    ("[optimisation]\nlr = -1\n", "r.toml: optimisation.lr: must not be negative"),
    ("[model\n", "r.toml: not valid TOML"),
    ("annotate_share = 1.5\n", "r.toml: terms.annotate_share: must be between 0 and 1"),
])
def test_bad_recipe_names_file_and_key(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(RecipeError) as caught:
        load_recipe(str(recipe_file(tmp_path, extra)))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_corpus_file_is_named_with_its_key(tmp_path: Path, data: Path) -> None:
    (data / "news.vi").unlink()
    recipe = load_recipe(str(recipe_file(tmp_path)))
    with pytest.raises(RecipeError, match=r"r\.toml: corpus\[0\]\.target: no such file"):
        recipe.check_files(data)


def test_unknown_recipe_name_lists_the_shipped_ones() -> None:
    with pytest.raises(RecipeError,
                       match="shipped: en-vi-demo, en-vi-demo-v1, en-vi-demo-v3, "
                             "en-vi-demo-v4, smoke"):
        load_recipe("en-vi-dmeo")


def test_corpora_of_different_lengths_are_refused(tmp_path: Path, data: Path) -> None:
    write(data / "news.vi", "Quân đội họp.\n")
    recipe = load_recipe(str(recipe_file(tmp_path)))
    with pytest.raises(AlignmentError, match=r"news\.vi:2: has 1 line\(s\) but .*news\.en has 4"):
        build_mix(recipe, data)


def test_bom_empty_lines_copies_and_duplicates_are_handled(tmp_path: Path, data: Path) -> None:
    (data / "news.en").write_bytes("\ufeffThe army met.\n\nSame\nThe army met.\n".encode())
    write(data / "news.vi", "Quân đội họp.\nTrống\nSame\nQuân đội họp.\n")
    recipe = load_recipe(str(recipe_file(tmp_path)))
    unique, mix, stats = build_mix(recipe, data)
    assert unique[0].en == "The army met."          # BOM gone
    assert [p.en for p in unique] == ["The army met."]
    assert len(mix) == 2                            # repeat = 2
    assert stats.dropped_copies == 1 and stats.dropped_duplicates == 1
    assert stats.read == {"news": 3}                # the empty-sided pair is not a pair


def test_run_directory_of_another_recipe_is_refused(tmp_path: Path, data: Path) -> None:
    run = tmp_path / "run"
    claim_run_dir(load_recipe(str(recipe_file(tmp_path))), run)
    longer = load_recipe(str(recipe_file(tmp_path, "[schedule]\nmax_steps = 9\n")))
    claim_run_dir(longer, run)                      # the schedule may change
    other = load_recipe(str(recipe_file(tmp_path, "[model]\nd_model = 64\n")))
    with pytest.raises(RecipeError, match=r"made by recipe 'r' with different settings \(model\)"):
        claim_run_dir(other, run)


def test_interrupted_export_leaves_the_old_model_whole(tmp_path: Path) -> None:
    run, out = tmp_path / "run", tmp_path / "model"
    (run / "best").mkdir(parents=True)
    write(run / "best" / "config.json", "{}")       # model.safetensors is missing
    out.mkdir()
    write(out / "model.safetensors", "old weights")
    recipe = load_recipe("smoke")
    with pytest.raises(FileNotFoundError):
        export(recipe, run, out)
    assert (out / "model.safetensors").read_text() == "old weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "run"]


def test_cli_reports_recipe_errors_on_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", CORPUS + "[vocab]\nsise = 8000\n")
    done = subprocess.run([sys.executable, "-m", "translate.train", "--recipe", str(bad),
                           "--run-dir", str(tmp_path / "run")], capture_output=True, text=True,
                          cwd=ROOT, timeout=patience(60))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"python -m translate.train: error: {bad}: vocab.sise: unknown key "
        "(valid: model_type, size)"]
    assert not (tmp_path / "run").exists()


def _model_dir(path: Path, **config: int) -> Path:
    path.mkdir()
    write(path / "config.json", json.dumps({"vocab_size": 601, "d_model": 32,
                                            "encoder_layers": 2, "decoder_layers": 1,
                                            "encoder_attention_heads": 2,
                                            "encoder_ffn_dim": 64, **config}))
    for name in ("model.safetensors", "source.spm", "target.spm", "vocab.json"):
        write(path / name, name)
    return path


def test_init_from_another_architecture_or_vocabulary_is_refused(tmp_path: Path) -> None:
    smoke = load_recipe("smoke")
    assert check_init(smoke, _model_dir(tmp_path / "same"))      # its weights' fingerprint
    wider = _model_dir(tmp_path / "wide", d_model=64, vocab_size=8001)
    with pytest.raises(RecipeError) as caught:
        check_init(smoke, wider)
    assert str(caught.value) == (f"--init-from {wider}: its vocab 8000, d_model 64 differ from "
                                 f"recipe {smoke.path}'s vocab 600, d_model 32")
    (tmp_path / "same" / "vocab.json").unlink()
    with pytest.raises(RecipeError, match=r"model directory \(missing vocab\.json\)"):
        check_init(smoke, tmp_path / "same")


def _smoke_with(tmp_path: Path, model: str) -> Path:
    """The smoke recipe with its [model] table replaced by *model*."""
    text = (RECIPES / "smoke.toml").read_text(encoding="utf-8")
    head, rest = text.split("[model]\n", 1)
    tail = rest.split("\n\n", 1)[1] if "\n\n" in rest else ""
    return write(tmp_path / "grown.toml", f"{head}[model]\n{model}\n\n{tail}")


def test_a_deeper_decoder_grows_from_a_model_only_when_the_recipe_says_so(
        tmp_path: Path) -> None:
    base = "d_model = 32\nencoder_layers = 2\ndecoder_layers = 2\nheads = 2\nffn = 64"
    shallow = _model_dir(tmp_path / "shallow")                   # 1 decoder layer
    with pytest.raises(RecipeError, match=r"its decoder_layers 1 differ from recipe .*"
                                          r"'s decoder_layers 2$"):
        check_init(load_recipe(str(_smoke_with(tmp_path, base))), shallow)
    grow = load_recipe(str(_smoke_with(tmp_path, base + "\ngrow = true")))
    assert check_init(grow, shallow)
    deeper = _model_dir(tmp_path / "deeper", decoder_layers=3)     # never shrunk
    with pytest.raises(RecipeError, match=r"its decoder_layers 3 differ"):
        check_init(grow, deeper)
    with pytest.raises(RecipeError, match=r"model\.grow: expected bool"):
        load_recipe(str(_smoke_with(tmp_path, base + '\ngrow = "yes"')))
    # off, grow is not part of a recipe's identity: runs made before it existed resume
    assert "grow" not in load_recipe("smoke").identity()["model"]
    assert grow.identity()["model"]["grow"] is True


def test_grown_decoder_keeps_every_weight_and_copies_the_top_layer() -> None:
    import torch
    from transformers import MarianConfig, MarianMTModel

    from translate.train.__main__ import grow_decoder

    torch.manual_seed(0)
    model = MarianMTModel(MarianConfig(vocab_size=50, d_model=16, encoder_layers=1,
                                       decoder_layers=2, encoder_attention_heads=2,
                                       decoder_attention_heads=2, encoder_ffn_dim=32,
                                       decoder_ffn_dim=32, pad_token_id=49,
                                       decoder_start_token_id=49))
    grown = grow_decoder(model, 4)
    assert grown.config.decoder_layers == 4 and model.config.decoder_layers == 2
    old, new = model.state_dict(), grown.state_dict()
    assert all(torch.equal(old[k], new[k]) for k in old)
    for layer in (2, 3):
        for key in [k for k in old if k.startswith("model.decoder.layers.1.")]:
            twin = key.replace("layers.1.", f"layers.{layer}.")
            assert torch.equal(new[twin], old[key])
            assert new[twin].data_ptr() != old[key].data_ptr()     # trained apart


def test_a_run_directory_started_from_other_weights_is_refused(tmp_path: Path,
                                                               data: Path) -> None:
    recipe = load_recipe(str(recipe_file(tmp_path)))
    claim_run_dir(recipe, tmp_path / "run", "aaaa")
    claim_run_dir(recipe, tmp_path / "run", "aaaa")
    with pytest.raises(RecipeError, match=r"started from other weights \(aaaa, now random\)"):
        claim_run_dir(recipe, tmp_path / "run")


def test_export_keeps_the_card_and_a_map_of_the_same_tokenizer(tmp_path: Path) -> None:
    run, out = tmp_path / "run", tmp_path / "model"
    (run / "best").mkdir(parents=True)
    (run / "tokenizer").mkdir()
    for name in ("config.json", "generation_config.json", "model.safetensors"):
        write(run / "best" / name, "{}")
    write(run / "best" / "scores.json", '{"step": 1}')
    for name in ("source.spm", "target.spm", "vocab.json"):
        write(run / "tokenizer" / name, "tok")
    out.mkdir()
    for name in ("source.spm", "target.spm", "vocab.json"):
        write(out / name, "tok")
    write(out / "MODEL_CARD.md", "card")
    write(out / "vmap.txt", "map")
    (out / "ctranslate2-int8").mkdir()
    assert export(load_recipe("smoke"), run, out)
    assert (out / "MODEL_CARD.md").read_text() == "card" and (out / "vmap.txt").is_file()
    assert not (out / "ctranslate2-int8").exists()          # made from the old weights
    write(run / "tokenizer" / "vocab.json", "another vocabulary")
    assert export(load_recipe("smoke"), run, out)
    assert (out / "MODEL_CARD.md").is_file() and not (out / "vmap.txt").exists()
