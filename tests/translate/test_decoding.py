"""The constraint guarantee, proved with a random-weight model: terms hold even when
the model is bad."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from glossary.model import Glossary, Term
from tests.conftest import FIXTURES, SEED_GLOSSARY
from translate.backends.base import Translator
from translate.decoding.beam import Row, constrained_beam_search, top_k
from translate.decoding.constraints import FREE, Constraint, repeat_bans
from translate.pipeline import Options, TranslationPipeline, plan_targets

SOURCES = (FIXTURES / "seed_check" / "source.en").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def glossary():  # type: ignore[no-untyped-def]
    return load_glossary(SEED_GLOSSARY)


def test_no_constraints_gives_plain_output_and_reports_it(tiny_translator: Translator,
                                                          glossary) -> None:
    pipeline = TranslationPipeline(tiny_translator, glossary, model_id="tiny",
                                   options=Options(beam=2, constraints=False))
    hyps = pipeline.translate(SOURCES[:4])
    assert all(h.required == () for h in hyps)
    assert any(not h.ok for h in hyps)   # a random model does not produce the terms


def test_unconstrained_beam_one_equals_transformers_greedy(tiny_translator: Translator) -> None:
    import torch

    model, tok = tiny_translator.model, tiny_translator.tokenizer  # type: ignore[attr-defined]
    sentences = SOURCES[:3]
    batch = tok(sentences, return_tensors="pt", padding=True)
    with torch.no_grad():
        model.final_logits_bias[0, tok.eos_token_id] -= 20.0   # long outputs to compare
    try:
        reference = model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=30,
                                   bad_words_ids=[[tok.pad_token_id]])
        ours = tiny_translator._generate(sentences, [[], [], []], 1, [40, 40, 40])
    finally:
        with torch.no_grad():
            model.final_logits_bias[0, tok.eos_token_id] += 20.0
    for row, (ids, _met) in zip(reference.tolist(), ours, strict=True):
        assert len(ids) >= 29 and ids[:29] == row[1:30]   # HF forces EOS at its limit


def test_plan_protects_codes_numbers_urls(glossary) -> None:
    plan = plan_targets("See https://example.org/a?b=1 for Decree No. 21/2019/NĐ-CP, "
                        "1,436 households and 9.6 billion.", TermMatcher(glossary))
    assert ("https://example.org/a?b=1", "https://example.org/a?b=1") in plan
    assert ("Decree No. 21/2019/NĐ-CP", "Nghị định số 21/2019/NĐ-CP") in plan
    assert ("1,436", "1,436") in plan and ("9.6 billion", "9.6 tỷ") in plan   # an amount
    # a date's day written as an ordinal is a number to keep ("ngày 17"); other ordinals
    # ("the 13th Congress") are words
    dated = plan_targets("Issued on May 17th by the 13th Congress.", TermMatcher(glossary))
    assert ("17", "17") in dated and ("May", "tháng 5") in dated
    assert not [pair for pair in dated if pair[0].startswith("13")]


def test_signature_names_model_backend_beam_glossary(tiny_translator: Translator,
                                                     glossary) -> None:
    pipeline = TranslationPipeline(tiny_translator, glossary, model_id="tiny@abc",
                                   options=Options(beam=3))
    # the version is the installed package's: one source for metadata and signatures
    version = importlib.metadata.version("termtrans")
    assert pipeline.signature == (f"model:tiny@abc|backend:transformers|beam:3|constraints:on|"
                                  f"glossary:{glossary.short_hash}|version:{version}")


def test_model_directory_layout(tiny_model: Path) -> None:
    for name in ("config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"):
        assert (tiny_model / name).is_file()
    assert isinstance(tiny_model, Path)


def test_inline_annotation_for_term_aware_models(tiny_translator: Translator) -> None:
    assert tiny_translator.annotation is None   # the random model was not trained with it
    tiny_translator.annotation = ("<t>", "<=>", "</t>")
    try:
        text = tiny_translator.annotate(
            "Prestigious people under Resolution No. 5 met prestigious people.",
            [("Prestigious people", "người có uy tín"), ("5", "5"),
             ("prestigious people", "người có uy tín")])
        assert text == ("<t> Prestigious people <=> người có uy tín </t> under Resolution No. 5 "
                        "met <t> prestigious people <=> người có uy tín </t>.")
        # plan_targets lists terms before amounts and months: each is placed where it is
        source = "On February 5, 9.6 billion VND went to prestigious people."
        plan = plan_targets(source, TermMatcher(Glossary(
            (Term(("prestigious people",), "người có uy tín"),))))
        assert plan[0][1] == "người có uy tín"
        assert tiny_translator.annotate(source, plan) == (
            "On <t> February <=> tháng 2 </t> 5, <t> 9.6 billion VND <=> 9.6 tỷ đồng </t> "
            "went to <t> prestigious people <=> người có uy tín </t>.")
        (out,) = tiny_translator.translate(["Prestigious people met."],
                                           [[("Prestigious people", "người có uy tín")]])
        assert "người có uy tín" in out.text
    finally:
        tiny_translator.annotation = None


class LoopingStepper:
    """A toy model stuck in a repetition loop: token 5 is always likely, EOS less so."""

    EOS = 0

    def __init__(self) -> None:
        self.steps = 0

    def step(self, rows: Sequence[Row]) -> np.ndarray:
        self.steps += 1
        out = np.full((len(rows), 10), -8.0, dtype=np.float32)
        out[:, 5] = -0.05
        out[:, self.EOS] = -3.0
        return out

    def top_k(self, logprobs: np.ndarray, k: int) -> np.ndarray:
        return top_k(logprobs, k)


@pytest.mark.parametrize(("patience", "runs_to_limit"), [(2.0, False), (1e9, True)])
def test_patience_stops_a_repetition_loop(patience: float, runs_to_limit: bool) -> None:
    stepper = LoopingStepper()
    (out,) = constrained_beam_search(stepper, [[Constraint((7, 8), "x")]], beam=4,
                                     max_lengths=[200], eos_id=LoopingStepper.EOS,
                                     patience=patience)
    assert out.constraints_met
    assert any(out.token_ids[i:i + 2] == (7, 8) for i in range(len(out.token_ids)))
    assert (stepper.steps >= 199) is runs_to_limit


def test_search_needs_no_pytorch() -> None:
    code = ("import sys\nfrom translate.decoding.beam import constrained_beam_search\n"
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


class TailRepeatingStepper:
    """A toy model that, once it has written 7 8, wants to write 7 8 again."""

    EOS = 0

    def step(self, rows: Sequence[Row]) -> np.ndarray:
        out = np.full((len(rows), 10), -8.0, dtype=np.float32)
        for i, row in enumerate(rows):
            last = row.tokens[-1] if row.tokens else None
            if last == 7:
                out[i, 8] = -0.1
            elif last == 8:
                out[i, 7] = -0.1
                out[i, 3] = -2.0
            else:
                out[i, 7 if last is None else self.EOS] = -0.1
        return out

    def top_k(self, logprobs: np.ndarray, k: int) -> np.ndarray:
        return top_k(logprobs, k)


@pytest.mark.parametrize("beam", [1, 4])
def test_banned_repeat_of_a_term_tail_is_not_generated(beam: int) -> None:
    term = Constraint((7, 8), "người có uy tín")
    bans = repeat_bans([term], [FREE] * 10)
    assert bans == [(7, 8, 7, 8)]
    (free,) = constrained_beam_search(TailRepeatingStepper(), [[term]], beam=beam,
                                      max_lengths=[12], eos_id=0)
    (out,) = constrained_beam_search(TailRepeatingStepper(), [[term]], beam=beam,
                                     max_lengths=[12], eos_id=0, banned_sequences=[bans])
    assert free.token_ids[:4] == (7, 8, 7, 8)      # what the model does unbanned
    assert out.constraints_met and out.token_ids[:2] == (7, 8)
    assert not any(out.token_ids[i:i + 4] == (7, 8, 7, 8) for i in range(len(out.token_ids)))
