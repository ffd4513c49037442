"""The CTranslate2 path's repair stage: cheap, bounded, and enough for ordinary sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from tests.conftest import FIXTURES, SEED_GLOSSARY
from translate.backends.ctranslate2_backend import CTranslate2Translator
from translate.decoding.repair import continuation_limit

SOURCES = (FIXTURES / "seed_check" / "source.en").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def talkative_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random model that writes long outputs (and loops), as weak real models do."""
    from tests.conftest import tiny_corpus
    from translate.models.tiny import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("talkative") / "model", tiny_corpus(),
                             vocab_size=700, seed=5, eos_bias=0.0)


@pytest.fixture
def fast(talkative_model: Path, tmp_path_factory: pytest.TempPathFactory) -> CTranslate2Translator:
    translator = CTranslate2Translator(talkative_model, threads=2,
                                       cache_root=tmp_path_factory.mktemp("ct2"))
    translator.ensure_loaded()
    return translator


def seed_targets() -> list[list[tuple[str, str]]]:
    matcher = TermMatcher(load_glossary(SEED_GLOSSARY))
    return [[(m.term.source, m.term.target) for m in matcher.find(s)] for s in SOURCES]


def test_repair_settles_seed_sentences_without_the_exact_stage(
        fast: CTranslate2Translator) -> None:
    targets = seed_targets()
    assert sum(map(len, targets)) >= 20
    outputs = fast.translate(SOURCES, targets, beam=2)
    assert all(o.constraints_met for o in outputs)
    assert fast.stats["repaired"] > 0            # a random model never writes terms itself
    assert fast.stats["exact"] == 0              # the slow last resort was not needed
    assert all(o.tokens > 20 for o in outputs)    # the model wrote: repair had to decode


@pytest.mark.parametrize(("prefix", "rest", "budget", "ceiling", "limit"), [
    (30, 0, 100, 510, 30),          # the plain output ended here: the prefix is the candidate
    (30, 4, 100, 510, 42),          # a short rest gets the minimum slack (8)
    (30, 40, 100, 510, 90),         # a long one gets half again
    (30, 200, 100, 510, 130),       # never beyond the sentence's own budget after the prefix
    (400, 200, 300, 510, 510),      # nor beyond the model's positions
])
def test_continuation_limit(prefix: int, rest: int, budget: int, ceiling: int,
                            limit: int) -> None:
    assert continuation_limit(prefix, rest, budget, ceiling) == limit


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_each_sentence_keeps_its_own_length_budget(talkative_model: Path, backend: str,
                                                   tmp_path: Path) -> None:
    """A looping model stops at each sentence's budget, not at the longest one's in its batch."""
    from translate.backends import make_translator

    translator = make_translator(backend, str(talkative_model), threads=1)
    if isinstance(translator, CTranslate2Translator):
        translator.cache_root = tmp_path
    sources = ["Yes.", SOURCES[0], "No.", SOURCES[1]]
    outputs = translator.translate(sources, [[] for _ in sources], beam=2)
    budgets = [2 * translator.source_length(s) + 10 for s in sources]
    assert all(o.tokens <= b for o, b in zip(outputs, budgets, strict=True))
    assert outputs[1].tokens > budgets[0]          # the long sentence ran past the short budget
