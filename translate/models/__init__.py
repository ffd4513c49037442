"""Finding, verifying and loading models named on the command line.

``--model`` takes a local MarianMT directory, a name from ``models.lock``, or
a hub id. Without ``--model`` the first locked model shipped in the
repository that is present is used (the project's trained model once it
lands, else the tiny random demo model), so everything works offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from glossary.errors import ModelError
from translate.models.families import detect_family
from translate.models.files import LockEntry, ModelsLock, fingerprint, hash_directory, verify
from translate.settings import lock_path

DEFAULT_ORDER = ("en-vi-demo", "tiny-random")


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    location: str          # a directory, or a hub id
    revision: str | None
    fingerprint: str

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.fingerprint[:12]}"

    @property
    def notice(self) -> str | None:
        """What a run says once about the model: the model card's notice (a demo model says
        so on every run) and a non-commercial licence (NLLB-200's CC BY-NC 4.0)."""
        notices = [n for n in (self._card_notice(), self._license_notice()) if n]
        return " ".join(notices) or None

    def _card_notice(self) -> str | None:
        card = Path(self.location) / "termtrans.json"
        try:
            notice = json.loads(card.read_text(encoding="utf-8")).get("notice")
        except (OSError, ValueError, AttributeError):
            return None
        return notice if isinstance(notice, str) and notice else None

    def _license_notice(self) -> str | None:
        directory = Path(self.location)
        if not directory.is_dir():
            return None
        try:
            family = detect_family(directory)
        except ModelError:
            return None
        if not family.non_commercial:
            return None
        return (f"{self.name} is a {family.title} model, licensed {family.license}: "
                "non-commercial use only.")


def _local(name: str, directory: Path, expected: dict[str, str], check: bool) -> ResolvedModel:
    hashes = hash_directory(directory)
    if check and expected:
        problems = verify(directory, expected)
        if problems:
            raise ModelError(f"model '{name}' does not match models.lock: {problems[0]}"
                             + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
                             + "; re-pull it, or pass --no-verify to use it anyway")
    return ResolvedModel(name, str(directory), None, fingerprint(hashes))


def _hub(entry: LockEntry, check: bool) -> ResolvedModel:
    directory = cached_snapshot(entry)
    if directory is None:
        raise ModelError(
            f"model '{entry.name}' ({entry.hub_id}@{(entry.revision or 'main')[:12]}) is not "
            "downloaded and the model hub cannot be reached from here: run "
            f"'termtrans models pull {entry.name}' on a machine with internet access, or pass "
            "--model DIR with a local copy")
    return _local(entry.name, directory, entry.files, check)


def cached_snapshot(entry: LockEntry) -> Path | None:
    """The local Hugging Face cache directory of a hub entry, if it was downloaded."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(entry.hub_id or "", revision=entry.revision,
                                      local_files_only=True))
    except Exception:   # huggingface_hub raises many types for "not cached"
        return None


def resolve_model(spec: str | None, *, lock: Path | None = None,
                  check: bool = True) -> ResolvedModel:
    """Turn a ``--model`` value (or None for the default) into a loadable model."""
    path = lock_path(lock)
    models = ModelsLock.read(path) if path.is_file() else ModelsLock(path, {})
    if spec is None or spec == "default":
        for name in DEFAULT_ORDER:
            entry = models.entries.get(name)
            directory = models.directory(entry) if entry else None
            if entry and directory and directory.is_dir():
                return _local(name, directory, entry.files, check)
        raise ModelError(f"no default model found (looked for {', '.join(DEFAULT_ORDER)} in "
                         f"{path}); pass --model DIR")
    candidate = Path(spec)
    if candidate.is_dir():
        resolved = candidate.resolve()
        for entry in models.entries.values():
            if models.directory(entry) == resolved:
                return _local(entry.name, resolved, entry.files, check)
        return _local(candidate.name, resolved, {}, check)
    if spec in models.entries:
        entry = models.entries[spec]
        directory = models.directory(entry)
        if directory is not None:
            if not directory.is_dir():
                raise ModelError(f"model '{spec}': directory {directory} does not exist")
            return _local(spec, directory, entry.files, check)
        return _hub(entry, check)
    for entry in models.entries.values():
        if entry.hub_id == spec:
            return _hub(entry, check)
    if "/" in spec and not candidate.exists():
        return _hub(LockEntry(spec, "hub", hub_id=spec), check=False)
    known = ", ".join(models.entries) or "none"
    raise ModelError(f"unknown model '{spec}': not a directory, not in {path} (known: {known})")
