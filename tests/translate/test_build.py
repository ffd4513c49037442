"""One way through the code: every entry point builds its pipeline from one
``EngineConfig`` and cuts text with one ``Segmenter``."""

from __future__ import annotations

import inspect
import json
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from glossary.errors import ConfigError, InputError
from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from tests.conftest import SEED_GLOSSARY, run_cli
from translate import Engine
from translate.build import EngineConfig, build_pipeline, load_model
from translate.cli.serve_cmd import serve
from translate.documents.segment import Segmenter
from translate.pipeline import DEFAULT_BEAM
from translate.server.settings import SETTINGS_ENV, ServerSettings

PARAGRAPH = ("Prestigious people met under Resolution No. 06-NQ/TU on 5 February 2020. "
             "The province spent 9.6 billion VND on 1,436 households.")


@pytest.mark.parametrize("bad", [{"beam": 0}, {"beam": 65}, {"batch_size": 0},
                                 {"threads": -1}])
def test_engine_config_refuses_impossible_values(bad: dict[str, int]) -> None:
    with pytest.raises(ConfigError, match=next(iter(bad)).replace("_", " ")):
        EngineConfig(**bad)


def test_the_api_and_the_cli_translate_a_paragraph_alike(tmp_path: Path,
                                                          tiny_model: Path) -> None:
    source = tmp_path / "p.txt"
    source.write_text(PARAGRAPH + "\n", encoding="utf-8")
    out = tmp_path / "p.vi.txt"
    report = tmp_path / "run.json"
    done = run_cli("translate", source, "-o", out, "--model", tiny_model, "--backend",
                   "transformers", "--no-cache", "-g", SEED_GLOSSARY, "--fail-on", "never",
                   "--report-json", report)
    assert done.returncode == 0, done.stderr
    engine = Engine(model=str(tiny_model), glossary=SEED_GLOSSARY, backend="transformers")
    assert engine.translate_text(PARAGRAPH) + "\n" == out.read_text(encoding="utf-8")
    assert engine.signature == json.loads(report.read_text(encoding="utf-8"))["signature"]
    assert engine.config.beam == DEFAULT_BEAM


def test_build_pipeline_shares_a_loaded_model(tiny_model: Path) -> None:
    config = EngineConfig(model=str(tiny_model), backend="transformers", beam=2)
    loaded = load_model(config)
    glossary = load_glossary(SEED_GLOSSARY)
    one = build_pipeline(config, glossary, model=loaded)
    other = build_pipeline(config, None, model=loaded)
    assert one.translator is other.translator is loaded.translator
    assert "beam:2" in one.signature and one.glossary.short_hash != other.glossary.short_hash


def test_a_long_sentence_is_cut_outside_its_terms() -> None:
    matcher = TermMatcher(load_glossary(SEED_GLOSSARY))
    words = lambda text: len(text.split())                         # noqa: E731
    segmenter = Segmenter(words, 5, matcher)
    assert segmenter.pieces("a b c d e f g h") == ["a b c d e", "f g h"]
    # the greedy cut would fall between "prestigious" and "people": it moves before them
    assert segmenter.pieces("a b c d prestigious people f g") == ["a b c d",
                                                                "prestigious people f g"]
    assert segmenter.lines("short line\na b c d prestigious people f g")[1] == [
        "a b c d", "prestigious people f g"]
    # without a glossary nothing is known to keep together
    assert Segmenter(words, 5).pieces("a b c d prestigious people") == [
        "a b c d prestigious", "people"]


def test_only_a_term_longer_than_the_input_is_refused_with_the_line() -> None:
    matcher = TermMatcher(load_glossary(SEED_GLOSSARY))
    segmenter = Segmenter(lambda text: len(text.split()), 1, matcher)
    with pytest.raises(InputError, match=r"^notes\.txt:7: .*'prestigious people'"):
        segmenter.pieces("prestigious people met", path="notes.txt", line=7)


def test_server_settings_round_trip_through_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ServerSettings(port=5050, glossaries=(tmp_path / "a.tsv",), cache=tmp_path / "c",
                              cors_origins=("https://cms.example",), beam=2, max_batch=8,
                              data_dir=tmp_path / "data")
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    settings.to_env()
    assert ServerSettings.from_env() == settings
    engine = settings.engine_config()
    assert (engine.beam, engine.batch_size, engine.cache_by_batch) == (2, 8, False)


def test_serve_options_default_to_the_settings_defaults() -> None:
    options = inspect.signature(serve).parameters
    names = {"batch_window": "batch_window_ms"}
    defaults = {f.name: f.default for f in fields(ServerSettings) if f.default is not MISSING}
    checked = [name for name in options if names.get(name, name) in defaults]
    for name in checked:
        assert options[name].default == defaults[names.get(name, name)], name
    assert len(checked) >= 15


def test_the_python_api_keeps_every_term_of_a_long_sentence() -> None:
    # the same text the server answers (tests/server/test_api.py): 80 terms, cut 4 times
    engine = Engine(model="tiny-random", glossary=SEED_GLOSSARY, backend="transformers")
    out = engine.translate_text("prestigious people met " * 80 + "today.")
    assert out.lower().count("người có uy tín") == 80


def test_a_model_card_can_ask_for_shorter_pieces(tmp_path: Path) -> None:
    from translate.models.vocab import piece_tokens

    (tmp_path / "termtrans.json").write_text('{"decoding": {"piece_tokens": 40}}',
                                             encoding="utf-8")
    assert piece_tokens(tmp_path) == 40
    assert piece_tokens(tmp_path / "elsewhere") is None

    class Model:
        max_source_tokens = 510
        piece_tokens: int | None = 40

        def source_length(self, text: str) -> int:
            return len(text.split())

    assert Segmenter.for_model(Model()).limit == 40
    Model.piece_tokens = None
    assert Segmenter.for_model(Model()).limit == 200      # MAX_SOURCE_TOKENS
    # the shipped demo model asks for it (measured in its MODEL_CARD.md)
    engine = Engine(backend="transformers")
    assert engine.pipeline.translator.piece_tokens == 40
