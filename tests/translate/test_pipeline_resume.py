"""Resuming an interrupted run gives the uninterrupted run's output, whatever the backend."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from glossary.formats import load_glossary
from tests.conftest import SEED_GLOSSARY
from translate.backends.base import Output
from translate.cache import TranslationCache
from translate.pipeline import Options, TranslationPipeline


class Interrupted(Exception):
    """Stands in for the SIGKILL of a real run (tested end to end in test_cli_translate)."""


class BatchDependent:
    """A backend whose output depends on a sentence's batch neighbours, as CTranslate2
    int8's does in a few sentences in a hundred (activations are quantised per batch)."""

    name = "batch-dependent"

    def __init__(self, batches_before_kill: int | None = None) -> None:
        self.batches = 0
        self.kill_after = batches_before_kill
        self.translated: list[str] = []

    def translate(self, sources: Sequence[str], constraints: object, beam: int,
                  strict: bool = False) -> list[Output]:
        if self.kill_after is not None and self.batches == self.kill_after:
            raise Interrupted
        self.batches += 1
        self.translated += sources
        # a tag of the batch, in letters: digits would be invented numbers to verification
        tag = "".join(chr(97 + int(d)) for d in str(zlib.crc32("|".join(sources).encode())))
        return [Output(f"{s} #{tag}", 2, True) for s in sources]


SOURCES = ["aa.", "bb.", "aa.", "cc.", "dd.", "ee.", "a longer one.", "bb.", "ff."]


def run(translator: BatchDependent, cache: Path) -> list[str]:
    pipeline = TranslationPipeline(translator, load_glossary(SEED_GLOSSARY),  # type: ignore[arg-type]
                                   model_id="m", options=Options(constraints=False, batch_size=2,
                                                                   quality=False),
                                   cache=TranslationCache(cache))
    return [h.text for h in pipeline.translate(SOURCES)]


@pytest.mark.parametrize("kill_after", [1, 2, 3])
def test_resumed_run_equals_uninterrupted_run(tmp_path: Path, kill_after: int) -> None:
    reference = run(BatchDependent(), tmp_path / "reference.sqlite")
    with pytest.raises(Interrupted):
        run(BatchDependent(kill_after), tmp_path / "c.sqlite")
    resumed = BatchDependent()
    assert run(resumed, tmp_path / "c.sqlite") == reference
    assert len(resumed.translated) == len(set(SOURCES)) - 2 * kill_after  # only what was left


def test_repeated_segment_is_translated_once(tmp_path: Path) -> None:
    translator = BatchDependent()
    texts = run(translator, tmp_path / "c.sqlite")
    assert sorted(translator.translated) == sorted(set(SOURCES))
    assert texts[0] == texts[2] and texts[1] == texts[7]


def test_a_hypothesis_survives_json_with_its_issues() -> None:
    import json

    from glossary.checks import Issue, Severity
    from translate.pipeline import Hypothesis

    hyp = Hypothesis("Prestigious people met 3 times.", "Họ gặp 3 lần.",
                     (("Prestigious people", "người có uy tín"), ("3", "3")),
                     (Issue("missing_term", Severity.ERROR, "", 0, "no 'người có uy tín'",
                            source_term="Prestigious people", span=None,
                            source_span=(0, 18)),), 7, from_memory=True)
    again = Hypothesis.from_dict(json.loads(json.dumps(hyp.to_dict(), ensure_ascii=False)))
    assert again == hyp


def test_signatures_print_and_parse_as_sacrebleu_does() -> None:
    from translate.signature import Signature

    signature = Signature.of(model="en-vi-demo@cb6c32d029b2", beam=4, constraints="on")
    assert str(signature) == "model:en-vi-demo@cb6c32d029b2|beam:4|constraints:on"
    assert Signature.parse(str(signature)) == signature
    assert signature.get("beam") == "4" and signature.get("glossary") is None


def _document(count: int) -> list[str]:
    """Distinct sentences of many lengths, without digits (verification would flag a tag's)."""
    names = ["".join(chr(97 + (n // 26 ** k) % 26) for k in range(3)) for n in range(count)]
    return [f"{'more ' * (n % 13)}item {name}." for n, name in enumerate(names)]


def _translate(translator: BatchDependent, cache: Path, sources: list[str]) -> list[str]:
    pipeline = TranslationPipeline(translator, load_glossary(SEED_GLOSSARY),  # type: ignore[arg-type]
                                   model_id="m", options=Options(constraints=False, batch_size=16,
                                                                   quality=False),
                                   cache=TranslationCache(cache))
    return [h.text for h in pipeline.translate(sources)]


def test_an_edit_re_decodes_only_the_batches_around_it(tmp_path: Path) -> None:
    """Batches are reused from the cache only whole, and cut where the content says: an
    inserted and a changed sentence cost a few batches, not everything sorted after them;
    the edited document's output equals a fresh run's."""
    document = _document(400)
    _translate(BatchDependent(), tmp_path / "c.sqlite", document)
    edited = [*document[:100], "more more item inserted.", *document[100:]]
    edited[300] = "more item changed."
    rerun = BatchDependent()
    texts = _translate(rerun, tmp_path / "c.sqlite", edited)
    assert len(rerun.translated) <= 4 * 16, len(rerun.translated)
    assert texts == _translate(BatchDependent(), tmp_path / "fresh.sqlite", edited)
