"""Model file hashing: computed once per process, never stale."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from translate.models.files import sha256_file


def test_digest_follows_the_file_and_is_not_recomputed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"a" * 4096)
    first = sha256_file(weights)
    assert first == hashlib.sha256(b"a" * 4096).hexdigest()
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self)
                        or real_open(self, *a, **k))
    assert sha256_file(weights) == first and not opened          # remembered
    with real_open(weights, "r+b") as handle:                     # same size, new content
        handle.write(b"b")
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert sha256_file(weights) == hashlib.sha256(b"b" + b"a" * 4095).hexdigest()
