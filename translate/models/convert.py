"""Convert a MarianMT directory to CTranslate2, once, into a verified cache.

Converted models are keyed by the source model's fingerprint and the
quantisation, so a changed source model can never be served by a stale
conversion. Each conversion is written to a temporary directory and renamed
into place, with a manifest recording what it was made from and the sha256 of
every file it holds; a conversion whose files no longer match is moved aside
and redone rather than loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from glossary.errors import ModelError
from translate.deps import TORCH_HINT, require
from translate.models.files import fingerprint, hash_directory, sha256_file, verify
from translate.models.vmap import VMAP_FILE
from translate.settings import conversions_root

COMPUTE_TYPES = ("int8", "int8_float32", "float32")
MANIFEST = "termtrans-conversion.json"


def check_compute_type(compute_type: str) -> None:
    if compute_type not in COMPUTE_TYPES:
        raise ModelError(f"unknown compute type '{compute_type}' "
                         f"(valid: {', '.join(COMPUTE_TYPES)})")


def import_ctranslate2() -> Any:
    return require("ctranslate2", "the ctranslate2 backend")


def conversions(source: Path, cache_root: Path | None = None) -> list[Path]:
    """The conversions of *source* as it is now: shipped with it, and cached."""
    key = fingerprint(hash_directory(source))
    shipped = sorted(p for p in source.glob("ctranslate2-*") if p.is_dir())
    root = cache_root or conversions_root()
    if not root.is_dir():
        return shipped
    return shipped + sorted(
        p for p in root.iterdir()
        if p.is_dir() and p.name.startswith(key[:16] + "-") and ".corrupt-" not in p.name)


def verify_conversion(directory: Path) -> list[str]:
    """Problems of a cached conversion (empty when its files match its manifest)."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"{directory}: no readable {MANIFEST}"]
    files = manifest.get("files") or {}
    if not files:
        return [f"{directory}: {MANIFEST} lists no files"]
    return verify(directory, files, "the conversion manifest")


def shipped_conversion(source: Path, compute_type: str) -> Path:
    """Where a model directory carries its own conversion (``ctranslate2-int8/``): the
    shipped default model does, so translating with it needs neither PyTorch nor
    transformers (the ``translate`` extra alone)."""
    return source / f"ctranslate2-{compute_type}"


def _intact(target: Path, key: str) -> bool:
    """Whether *target* is a conversion of the model fingerprinted *key*, files intact."""
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("source_fingerprint") == key and not verify_conversion(target)


def cached_conversion(source: Path, compute_type: str,
                      cache_root: Path | None = None) -> tuple[Path, bool]:
    """Where *source*'s conversion at *compute_type* lives, and whether it is there intact:
    the one the model ships with, else the user cache's."""
    key = fingerprint(hash_directory(source))
    shipped = shipped_conversion(source, compute_type)
    if shipped.is_dir() and _intact(shipped, key):
        return shipped, True
    target = (cache_root or conversions_root()) / f"{key[:16]}-{compute_type}"
    return target, _intact(target, key)


def converted_model(source: Path, compute_type: str, cache_root: Path | None = None,
                    *, ship: bool = False) -> Path:
    """The CTranslate2 directory for *source* at *compute_type*, converting if needed;
    *ship* writes the conversion into the model directory itself, to be shipped (and
    locked) with it."""
    check_compute_type(compute_type)
    ctranslate2 = import_ctranslate2()
    target, ready = cached_conversion(source, compute_type, cache_root)
    if ship:
        target, ready = shipped_conversion(source, compute_type), target.parent == source
    if ready:
        return target
    hashes = hash_directory(source)
    key = fingerprint(hashes)
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    if target.exists() and ship:
        # the conversion of the model's previous weights: replaced, not kept beside the
        # model (it would be shipped and locked with it)
        target.rename(work / "stale")
    elif target.exists():   # incomplete or damaged: keep it for inspection, never load it
        aside = target.with_name(f"{target.name}.corrupt-{os.getpid()}")
        shutil.rmtree(aside, ignore_errors=True)
        target.rename(aside)
    try:
        out = work / "model"
        _convert(ctranslate2, source, out, compute_type)
        files = {p.name: sha256_file(p) for p in sorted(out.iterdir()) if p.is_file()}
        (out / MANIFEST).write_text(json.dumps({
            "source": source.name if ship else str(source), "source_fingerprint": key,
            "source_files": hashes,
            "compute_type": compute_type, "ctranslate2": ctranslate2.__version__,
            "files": files}, indent=1) + "\n", encoding="utf-8")
        os.replace(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert(ctranslate2: Any, source: Path, out: Path, compute_type: str) -> None:
    import warnings

    transformers = require("transformers", "converting a model for CTranslate2", TORCH_HINT)
    require("torch", "converting a model for CTranslate2", TORCH_HINT)
    from ctranslate2.converters import TransformersConverter

    quantization = None if compute_type == "float32" else compute_type
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    with warnings.catch_warnings(), _language_codes_kept():
        warnings.simplefilter("ignore")
        try:
            vmap = source / VMAP_FILE
            TransformersConverter(str(source)).convert(
                str(out), vmap=str(vmap) if vmap.is_file() else None,
                quantization=quantization, force=True)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{source}: CTranslate2 conversion failed: "
                             f"{str(exc).splitlines()[0] if str(exc) else exc!r}; "
                             "--backend transformers runs the model unconverted") from None


@contextmanager
def _language_codes_kept() -> Iterator[None]:
    """Convert M2M-100 with its language codes in the vocabulary.

    CTranslate2 (4.8) builds the vocabulary from ``tokenizer.get_vocab()``, which for
    transformers 5's ``M2M100Tokenizer`` holds the sentencepiece pieces only: ``__vi__``
    would be lost and every translation start from ``<unk>``. For the conversion, the
    loader registered for ``M2M100Config`` (CTranslate2's private registry, pinned by a
    test) reads every id through the tokenizer instead, as the model's embedding rows are.
    """
    from ctranslate2.converters import transformers as loaders

    original = loaders._MODEL_LOADERS["M2M100Config"]

    class Loader(type(original)):  # type: ignore[misc]
        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            tokens = super().get_vocabulary(model, tokenizer)
            codes = getattr(tokenizer, "lang_token_to_id", {})
            if not codes or all(code in tokens for code in codes):
                return list(tokens)
            names = [tokenizer.convert_ids_to_tokens(i)
                     for i in range(model.config.vocab_size)]
            seen: set[str] = set()
            for i, name in enumerate(names):     # unused rows read as <unk>: name them
                if name in seen:
                    names[i] = f"madeupword{i}"
                seen.add(names[i])
            return names

    loaders._MODEL_LOADERS["M2M100Config"] = Loader()
    try:
        yield
    finally:
        loaders._MODEL_LOADERS["M2M100Config"] = original
