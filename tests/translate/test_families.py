"""Model families beyond MarianMT (NLLB-200, M2M-100, MADLAD-400): found from a directory,
run by the fast path with the term guarantee (the backend contract in ``test_backends.py``
runs on each), and refused in one line where they cannot run.

The models are tiny and random, built at test time with each family's real configuration
and tokenizer classes, so no download is needed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from glossary.errors import ModelError
from tests.conftest import ROOT, SEED_GLOSSARY, run_cli
from translate.backends import make_translator
from translate.backends.ctranslate2_backend import CTranslate2Translator
from translate.models.convert import converted_model
from translate.models.families import FAMILIES, detect_family
from translate.models.files import check_model_directory, model_files

ARTICLE = sorted((ROOT / "seeds" / "articles").glob("*.txt"))[3]


@pytest.mark.parametrize("family", ["nllb", "m2m100", "madlad"])
def test_family_is_found_from_the_directory(tiny_family_models: dict[str, Path],
                                            family: str) -> None:
    directory = tiny_family_models[family]
    assert detect_family(directory) is FAMILIES[family]
    check_model_directory(directory)
    assert "config.json" in model_files(directory)


@pytest.mark.parametrize("family", ["nllb", "m2m100", "madlad"])
def test_language_tokens_frame_the_decoding(tiny_family_models: dict[str, Path],
                                            tmp_path: Path, family: str) -> None:
    fast = CTranslate2Translator(tiny_family_models[family], threads=1, cache_root=tmp_path)
    (out,) = fast.translate(["Prestigious people met in Hà Giang."],
                            [[("Prestigious people", "Người có uy tín")]], beam=2)
    assert out.constraints_met and "Người có uy tín" in out.text
    for token in FAMILIES[family].language_tokens:      # never text, never in the output
        assert token not in out.text
    scores = fast.score(["The heart."], [out.text])[0]
    assert scores.pieces[-1] == "</s>" and len(scores.log_probs) == len(scores.pieces)


def test_unsupported_architecture_lists_the_families(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelError, match=r"unsupported architecture 'bert' \(supported "
                       r"families: marian .*nllb .*m2m100 .*madlad"):
        make_translator("ctranslate2", str(tmp_path))
    result = run_cli("translate", "--model", tmp_path, "-g", SEED_GLOSSARY, ARTICLE,
                     "-o", tmp_path / "out.txt")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.txt").exists()


def test_tokenizer_without_the_vietnamese_code_is_refused(tiny_family_models: dict[str, Path],
                                                          tmp_path: Path) -> None:
    nllb = tmp_path / "nllb"
    shutil.copytree(tiny_family_models["nllb"], nllb)
    tokenizer = json.loads((nllb / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["added_tokens"] = [t for t in tokenizer["added_tokens"]
                                 if t["content"] != "vie_Latn"]
    (nllb / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    with pytest.raises(ModelError, match="the tokenizer has no vie_Latn token"):
        check_model_directory(nllb)
    m2m = tmp_path / "m2m"
    shutil.copytree(tiny_family_models["m2m100"], m2m)
    config = json.loads((m2m / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["language_codes"] = "wmt21"        # the WMT-21 models have no Vietnamese
    (m2m / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="no __en__, __vi__ token"):
        CTranslate2Translator(m2m, cache_root=tmp_path).ensure_loaded()


def test_transformers_backend_refuses_another_family(tiny_family_models: dict[str, Path],
                                                     tmp_path: Path) -> None:
    result = run_cli("translate", "--model", tiny_family_models["nllb"], "--backend",
                     "transformers", "-g", SEED_GLOSSARY, ARTICLE, "-o", tmp_path / "out.txt")
    assert result.returncode == 2, result.stderr
    assert "NLLB-200 models run on --backend ctranslate2, not transformers" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_interrupted_conversion_is_never_used(tiny_family_models: dict[str, Path],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import translate.models.convert as convert

    real = convert._convert

    def interrupted(ctranslate2: object, source: Path, out: Path, compute_type: str) -> None:
        real(ctranslate2, source, out, compute_type)
        (out / "model.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(convert, "_convert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        converted_model(tiny_family_models["m2m100"], "int8", tmp_path)
    assert not list(tmp_path.iterdir())          # nothing half-written is left to load
    monkeypatch.setattr(convert, "_convert", real)
    fast = CTranslate2Translator(tiny_family_models["m2m100"], cache_root=tmp_path)
    (out,) = fast.translate(["The militia met."], [[("militia", "dân quân")]], beam=1)
    assert "dân quân" in out.text


def test_m2m100_conversion_keeps_the_language_codes(tiny_family_models: dict[str, Path],
                                                    tmp_path: Path) -> None:
    # CTranslate2's private loader registry, which the conversion patches for M2M-100
    from ctranslate2.converters import transformers as loaders

    assert "M2M100Config" in loaders._MODEL_LOADERS
    target = converted_model(tiny_family_models["m2m100"], "int8", tmp_path)
    vocabulary = json.loads((target / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert "__vi__" in vocabulary and "__en__" in vocabulary
    assert len(vocabulary) == len(set(vocabulary))


def test_translate_and_cache_with_a_family_model(tiny_family_models: dict[str, Path],
                                                 tmp_path: Path) -> None:
    args = ("translate", "--model", tiny_family_models["nllb"], "-g", SEED_GLOSSARY, ARTICLE,
            "--cache", tmp_path / "cache.sqlite", "--fail-on", "never")
    first = run_cli(*args, "-o", tmp_path / "a.txt")
    assert first.returncode == 0, first.stderr
    assert "licensed CC-BY-NC-4.0: non-commercial use only" in first.stderr
    assert first.stderr.count("non-commercial") == 1          # once per run
    second = run_cli(*args, "-o", tmp_path / "b.txt")
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()
    assert "0 from cache" not in second.stderr


def test_models_list_and_info_tell_users_what_to_pull(tiny_family_models: dict[str, Path]
                                                      ) -> None:
    listed = run_cli("models", "list")
    assert listed.returncode == 0, listed.stderr
    for name in ("nllb-200-distilled-600M", "m2m100_418M", "madlad400-3b-mt"):
        assert name in listed.stdout
    assert "CC-BY-NC-4.0" in listed.stdout and "55.9" in listed.stdout
    info = run_cli("models", "info", tiny_family_models["madlad"])
    assert info.returncode == 0, info.stderr
    assert "family: MADLAD-400 (T5)" in info.stdout
    assert "inline term annotations: no" in info.stdout
    demo = run_cli("models", "info", "en-vi-demo")
    assert "inline term annotations: yes" in demo.stdout
    unknown = run_cli("models", "info", "no-such-model")
    assert unknown.returncode == 2 and "known:" in unknown.stderr


def test_pull_offline_fails_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli("models", "pull", "nllb-200-distilled-600M",
                     env={"HF_ENDPOINT": "https://127.0.0.1:9"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot download facebook/nllb-200-distilled-600M" in result.stderr


def test_first_pull_pins_the_revision_and_the_files(tiny_family_models: dict[str, Path],
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub

    import translate.cli.models_cmd as models_cmd

    lock = tmp_path / "models.lock"
    shutil.copy(ROOT / "models.lock", lock)
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = tmp_path / "hub" / "snapshots" / commit       # the Hub cache's layout
    shutil.copytree(tiny_family_models["nllb"], snapshot)
    asked = []

    def download(repo_id: str, revision: str | None = None, **_: object) -> str:
        asked.append((repo_id, revision))
        return str(snapshot)

    monkeypatch.setattr(models_cmd, "_hub_reachable", lambda hub_id: None)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", download)
    result = run_cli("models", "pull", "nllb-200-distilled-600M", "--lock", lock)
    assert result.returncode == 0, result.stderr
    assert asked == [("facebook/nllb-200-distilled-600M", None)]
    entry = json.loads(lock.read_text(encoding="utf-8"))["models"]["nllb-200-distilled-600M"]
    assert entry["revision"] == commit and "sentencepiece.bpe.model" in entry["files"]
    (snapshot / "config.json").write_text("{}")           # changed on disk: refused now
    again = run_cli("models", "pull", "nllb-200-distilled-600M", "--lock", lock)
    assert again.returncode == 1 and "sha256 differs" in again.stderr
    assert asked[-1] == ("facebook/nllb-200-distilled-600M", commit)


def test_vocabulary_map_is_refused_for_another_family(tiny_family_models: dict[str, Path],
                                                      tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text("a\n")
    result = run_cli("models", "vmap", tiny_family_models["m2m100"], "--source-text", text,
                     "--target-text", text)
    assert result.returncode == 2 and "vocabulary maps are for MarianMT" in result.stderr


@pytest.mark.parametrize(("family", "options"), [
    ("nllb", {"src_lang": "eng_Latn"}), ("m2m100", {"src_lang": "en"}), ("madlad", {})])
def test_source_tokens_are_the_family_tokenizers(tiny_family_models: dict[str, Path],
                                                 tmp_path: Path, family: str,
                                                 options: dict[str, str]) -> None:
    # what the model was trained on: transformers' tokenizer of the family, language code
    # (NLLB, M2M-100) or target tag (MADLAD-400, tokenised with the text) included
    from transformers import AutoTokenizer

    directory = tiny_family_models[family]
    tokenizer = AutoTokenizer.from_pretrained(str(directory), **options)
    fast = CTranslate2Translator(directory, cache_root=tmp_path)
    for text in ("The people's heart-and-mind posture is strong.",
                 "Resolution No. 06-NQ/TU was issued in Hà Giang in 2024."):
        tagged = FAMILIES[family].source_tag + text
        expected = tokenizer.convert_ids_to_tokens(tokenizer(tagged).input_ids)
        assert fast.source_length(text) == len(expected)
        assert fast._source_pieces(text) == expected


def test_models_info_names_a_damaged_directory(tiny_family_models: dict[str, Path],
                                               tmp_path: Path) -> None:
    copy = tmp_path / "nllb"
    shutil.copytree(tiny_family_models["nllb"], copy)
    (copy / "sentencepiece.bpe.model").unlink()
    result = run_cli("models", "info", copy)
    assert result.returncode == 1
    assert "files: damaged:" in result.stdout and "sentencepiece.bpe.model" in result.stdout


def test_distributing_files_needs_the_ray_engine(tmp_path: Path) -> None:
    result = run_cli("translate", ARTICLE, "-o", tmp_path / "out.txt", "--distribute", "files")
    assert result.returncode == 2 and "needs --engine ray" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_a_sharded_checkpoint_is_locked_and_checked_shard_by_shard(
        tiny_family_models: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "madlad"
    shutil.copytree(tiny_family_models["madlad"], copy)
    shard = "model-00001-of-00001.safetensors"
    (copy / "model.safetensors").rename(copy / shard)
    index = copy / "model.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": {"shared.weight": shard}}), encoding="utf-8")
    assert {index.name, shard} <= set(model_files(copy))
    check_model_directory(copy)
    (copy / shard).write_bytes((copy / shard).read_bytes()[:100])        # cut short
    with pytest.raises(ModelError, match=f"{shard}: damaged model file"):
        check_model_directory(copy)
    (copy / shard).unlink()
    with pytest.raises(ModelError, match=f"missing {shard}"):
        model_files(copy)
    index.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=r"index\.json: damaged model file: no weight_map"):
        model_files(copy)
