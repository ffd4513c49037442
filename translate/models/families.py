"""Model families: what the toolkit needs to know about each kind of translation model.

A family is found from a model directory's ``config.json`` (``model_type``) and its tokenizer
configuration, so ``--model DIR`` takes a local copy of any of them. Each family says which
files define a model, how a source sentence is tokenised (the sentencepiece model, the
language tokens around it), how the target language is forced (a target prefix token, or a
source tag), which tokens are never text, which backends run it, and its licence.

The term guarantee (guarded decoding, prefix repair, verification) does not depend on the
model's internals: it needs the pieces of the vocabulary, the target prefix and a decoder to
ask. Inline term annotations are the exception: only a model trained with them (the
project's own, its ``termtrans.json`` says so) copies them; other families rely on the
decoder alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from glossary.errors import ModelError


@dataclass(frozen=True)
class Family:
    """One kind of model, as the backends and the model tools see it."""

    name: str
    title: str
    #: ``config.json``'s ``model_type``
    model_type: str
    #: the sentencepiece models for source and target text (the same file when shared)
    source_spm: str
    target_spm: str
    #: files besides the weights that must be present
    required: tuple[str, ...]
    #: tokens put before the source pieces (the source language's code)
    source_prefix: tuple[str, ...]
    #: tokens the decoder is forced to start with (the target language's code)
    target_prefix: tuple[str, ...]
    #: vocabulary entries that are never text: language codes, tags, padding words
    special_pattern: str
    #: backends that run it (registry names without the compute type)
    backends: tuple[str, ...]
    #: the licence of the family's published weights ("" where it depends on the model)
    license: str = ""
    #: text put before the source before it is tokenised (MADLAD-400's target-language tag:
    #: its tokenizer reads "<2vi> " + text, tag and all, as the model was trained)
    source_tag: str = ""

    @property
    def non_commercial(self) -> bool:
        return non_commercial(self.license)

    @property
    def language_tokens(self) -> tuple[str, ...]:
        """The tokens the vocabulary must hold for English→Vietnamese."""
        return (*self.source_prefix, *self.target_prefix,
                *([self.source_tag.strip()] if self.source_tag else []))

    def is_special(self, piece: str) -> bool:
        return re.fullmatch(self.special_pattern, piece) is not None


FAMILIES: dict[str, Family] = {family.name: family for family in (
    Family("marian", "MarianMT", "marian",
           "source.spm", "target.spm", ("config.json", "source.spm", "target.spm", "vocab.json"),
           (), (), r"<pad>|</s>", ("transformers", "ctranslate2")),
    Family("nllb", "NLLB-200", "m2m_100", "sentencepiece.bpe.model", "sentencepiece.bpe.model",
           ("config.json", "sentencepiece.bpe.model"), ("eng_Latn",), ("vie_Latn",),
           r"<s>|<pad>|</s>|<mask>|[a-z]{3}_[A-Z][a-z]{3}|madeupword\d+", ("ctranslate2",),
           "CC-BY-NC-4.0"),
    Family("m2m100", "M2M-100", "m2m_100", "sentencepiece.bpe.model", "sentencepiece.bpe.model",
           ("config.json", "sentencepiece.bpe.model", "vocab.json"), ("__en__",), ("__vi__",),
           r"<s>|<pad>|</s>|__[a-z]{2,3}__|madeupword\d+", ("ctranslate2",), "MIT"),
    Family("madlad", "MADLAD-400 (T5)", "t5", "spiece.model", "spiece.model",
           ("config.json", "spiece.model"), (), (),
           r"<pad>|</s>|<2[^>]+>|<extra_id_\d+>", ("ctranslate2",), "Apache-2.0", "<2vi> "),
)}


def non_commercial(license: str) -> bool:
    """Whether a licence identifier forbids commercial use (CC BY-NC and its variants)."""
    return "-NC" in license


def read_model_json(path: Path) -> dict[str, object]:
    """A model directory's JSON file as an object ({} when absent); a damaged one is a
    one-line error naming it (and the line), not a loader's traceback."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{path}: damaged model file: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}:{exc.lineno}: damaged model file: invalid JSON "
                         f"({exc.msg})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: damaged model file: expected a JSON object, not "
                         f"{type(data).__name__}")
    return data


def supported() -> str:
    return ", ".join(f"{f.name} ({f.title}, model_type '{f.model_type}')"
                     for f in FAMILIES.values())


def detect_family(directory: Path) -> Family:
    """The family of a model directory, from its configuration; one line listing the
    supported families when it is none of them. NLLB and M2M-100 share an architecture
    and are told apart by their tokenizer."""
    if not (directory / "config.json").is_file():
        return FAMILIES["marian"]     # model_files names the missing file
    model_type = read_model_json(directory / "config.json").get("model_type")
    if model_type == "m2m_100":
        tokenizer = str(read_model_json(directory / "tokenizer_config.json").get(
            "tokenizer_class", ""))
        return FAMILIES["nllb" if tokenizer.startswith("Nllb") else "m2m100"]
    for family in FAMILIES.values():
        if family.model_type == model_type:
            return family
    raise ModelError(f"{directory / 'config.json'}: unsupported architecture "
                     f"'{model_type}' (supported families: {supported()})")


def check_backend(family: Family, backend: str, directory: Path) -> None:
    """Refuse a backend that cannot run the family, in one line naming the ones that can."""
    if backend.split("-")[0] not in family.backends:
        raise ModelError(f"{directory}: {family.title} models run on --backend "
                         f"{' or '.join(family.backends)}, not {backend}")


def missing_language_tokens(family: Family, directory: Path) -> list[str]:
    """The family's English/Vietnamese tokens its tokenizer files do not define (checked
    before a conversion that would take minutes for a real model)."""
    if family.name == "nllb" and (directory / "tokenizer.json").is_file():
        added = read_model_json(directory / "tokenizer.json").get("added_tokens")
        names = {t.get("content") for t in (added if isinstance(added, list) else [])
                 if isinstance(t, dict)}
        return [t for t in family.language_tokens if t not in names]
    if family.name == "m2m100":
        codes = read_model_json(directory / "tokenizer_config.json").get(
            "language_codes", "m2m100")
        return [] if codes == "m2m100" else list(family.language_tokens)
    if family.name == "madlad":
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor(
            model_file=str(directory / family.source_spm))
        return [t for t in family.language_tokens
                if processor.piece_to_id(t) == processor.unk_id()]
    return []
