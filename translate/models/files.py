"""Model directories: required files, hashing, and the ``models.lock`` file.

``models.lock`` (JSON) pins every model the toolkit knows: where it comes
from (a hub id at an exact revision, or a path in this repository) and the
sha256 of each file. Loading refuses files whose hash differs from the lock,
so a translation's signature names exactly the weights that produced it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glossary.errors import ModelError
from glossary.textio import atomic_write
from translate.deps import require
from translate.models.families import (
    FAMILIES,
    detect_family,
    missing_language_tokens,
    read_model_json,
)
from translate.models.vmap import VMAP_FILE, check_vocabulary_map

WEIGHTS = ("model.safetensors", "pytorch_model.bin")
#: A sharded checkpoint's index, naming its shard files (large models ship this way).
SHARD_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
OPTIONAL = ("tokenizer_config.json", "generation_config.json", "special_tokens_map.json",
            "tokenizer.json", "target_vocab.json", "termtrans.json", "vmap.txt",
            "MODEL_CARD.md", "README.md")


def _weights(directory: Path) -> list[str]:
    """The weight files: one checkpoint, or a shard index and the shards it names."""
    for name in WEIGHTS:
        if (directory / name).is_file():
            return [name]
    for index in SHARD_INDEXES:
        path = directory / index
        if path.is_file():
            shards = read_model_json(path).get("weight_map")
            if not isinstance(shards, dict):
                raise ModelError(f"{path}: damaged model file: no weight_map")
            return [index, *sorted(set(map(str, shards.values())))]
    return []


def model_files(directory: Path) -> list[str]:
    """The files of a model directory that define its behaviour (sorted): its family's
    tokenizer and configuration files, the weights, and the optional files present."""
    family = detect_family(directory)
    missing = [name for name in family.required if not (directory / name).is_file()]
    weights = _weights(directory)
    if not weights:
        missing.append(" or ".join(WEIGHTS))
    missing += [name for name in weights if not (directory / name).is_file()]
    if missing:
        raise ModelError(f"{directory}: not a complete {family.title} model directory: "
                         f"missing {', '.join(missing)}")
    extra = [name for name in OPTIONAL
             if (directory / name).is_file() and name not in family.required]
    return sorted({*family.required, *weights, *extra})


def check_model_directory(directory: Path) -> None:
    """Fail with the damaged file's name before a loader fails with a traceback.

    Checks what loaders would otherwise trip over deep inside transformers,
    sentencepiece or safetensors: JSON files parse, sentencepiece models load,
    and a safetensors file has a complete header. Cheap (no weights are read).
    """
    model_files(directory)
    for name in ("config.json", "vocab.json", "termtrans.json", "tokenizer_config.json"):
        read_model_json(directory / name)
    sentencepiece = require("sentencepiece", "checking a model")

    family = detect_family(directory)
    for name in dict.fromkeys((family.source_spm, family.target_spm)):
        try:
            sentencepiece.SentencePieceProcessor(model_file=str(directory / name))
        except (RuntimeError, OSError):
            raise ModelError(f"{directory / name}: damaged model file: not a sentencepiece "
                             "model") from None
    missing = missing_language_tokens(family, directory)
    if missing:
        raise ModelError(f"{directory}: the tokenizer has no {', '.join(missing)} token: "
                         f"this {family.title} model cannot translate English→Vietnamese")
    for weights in sorted(directory.glob("*.safetensors")):
        if not _safetensors_header_ok(weights):
            raise ModelError(f"{weights}: damaged model file: not a complete safetensors file")
    if (directory / VMAP_FILE).is_file():
        check_vocabulary_map(directory / VMAP_FILE)


def _safetensors_header_ok(path: Path) -> bool:
    """A safetensors file: 8-byte header length, a JSON header, then every tensor's bytes."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            return False
        length = int.from_bytes(head, "little")
        if length > size - 8:
            return False
        try:
            header = json.loads(handle.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return False
    if not isinstance(header, dict):
        return False
    ends = [entry["data_offsets"][1] for key, entry in header.items()
            if key != "__metadata__" and isinstance(entry, dict) and "data_offsets" in entry]
    return 8 + length + max(ends, default=0) <= size


#: Digests already computed in this process, by (path, size, mtime, inode): one run resolves,
#: checks the conversion of and loads the same model, and a 300 MB model took ~1 s per hash.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def hash_directory(directory: Path) -> dict[str, str]:
    return {name: sha256_file(directory / name) for name in model_files(directory)}


def locked_files(directory: Path) -> dict[str, str]:
    """What ``models.lock`` records of a model directory: its files, and the files of the
    conversions it ships with (``ctranslate2-int8/model.bin``…), so those are verified too."""
    hashes = hash_directory(directory)
    for conversion in sorted(directory.glob("ctranslate2-*")):
        if conversion.is_dir():
            hashes.update({f"{conversion.name}/{f.name}": sha256_file(f)
                           for f in sorted(conversion.iterdir()) if f.is_file()})
    return hashes


def fingerprint(hashes: dict[str, str]) -> str:
    """One hash for a whole model: used in cache keys and signatures."""
    payload = json.dumps(sorted(hashes.items()), separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class LockEntry:
    name: str
    source: str                       # "hub" or "path"
    hub_id: str | None = None
    revision: str | None = None
    path: str | None = None
    description: str = ""
    license: str = ""
    files: dict[str, str] = field(default_factory=dict)
    #: what users weigh when they choose: the model family, its size, a published score
    family: str = ""
    size: str = ""
    quality: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"description": self.description, "source": self.source}
        if self.source == "hub":
            data.update(hub_id=self.hub_id, revision=self.revision)
        else:
            data["path"] = self.path
        data["license"] = self.license
        data.update({k: v for k, v in (("family", self.family), ("size", self.size),
                                       ("quality", self.quality)) if v})
        data["files"] = dict(sorted(self.files.items()))
        return data


@dataclass
class ModelsLock:
    path: Path
    entries: dict[str, LockEntry]

    @classmethod
    def read(cls, path: Path) -> ModelsLock:
        from glossary.errors import ParseError
        from glossary.textio import read_text

        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise ParseError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
        if not isinstance(data, dict) or not isinstance(data.get("models") or {}, dict):
            raise ParseError(path, None, "expected a JSON object with a 'models' object "
                             "(model name → entry)")
        entries = {}
        for name, raw in (data.get("models") or {}).items():
            if not isinstance(raw, dict):
                raise ParseError(path, None, f"model '{name}': entry must be a JSON object, "
                                 f"not {type(raw).__name__}")
            if not isinstance(raw.get("files") or {}, dict):
                raise ParseError(path, None, f"model '{name}': 'files' must map file names "
                                 "to sha256 digests")
            if raw.get("source") not in ("hub", "path"):
                raise ParseError(path, None, f"model '{name}': source must be 'hub' or 'path'")
            if raw.get("family", "marian") not in FAMILIES:
                raise ParseError(path, None, f"model '{name}': unknown family "
                                 f"'{raw['family']}' (valid: {', '.join(FAMILIES)})")
            entries[name] = LockEntry(name, raw["source"], raw.get("hub_id"), raw.get("revision"),
                                      raw.get("path"), raw.get("description", ""),
                                      raw.get("license", ""), dict(raw.get("files") or {}),
                                      str(raw.get("family", "")), str(raw.get("size", "")),
                                      str(raw.get("quality", "")))
        return cls(path, entries)

    def write(self) -> None:
        data = {"lock_version": 1,
                "models": {name: e.to_dict() for name, e in self.entries.items()}}
        with atomic_write(self.path) as handle:
            handle.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def directory(self, entry: LockEntry) -> Path | None:
        if entry.source == "path" and entry.path:
            return (self.path.parent / entry.path).resolve()
        return None


def verify(directory: Path, expected: dict[str, str], against: str = "models.lock") -> list[str]:
    """Problems (one line each) where *directory* differs from the recorded hashes."""
    problems = []
    for name, digest in sorted(expected.items()):
        file = directory / name
        if not file.is_file():
            problems.append(f"{file}: missing (recorded sha256 {digest[:12]})")
        elif sha256_file(file) != digest:
            problems.append(f"{file}: sha256 differs from {against}")
    return problems
