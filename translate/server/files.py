"""Uploaded and translated files for ``/translate_file`` and ``/download_file``.

Each upload gets a fresh directory named by a random id under the data
directory; the client's file name is reduced to a safe base name (no
directories, no ``..``, no control characters), so nothing can be written or
read outside that directory. Downloads are addressed as ``<id>.<name>`` (as
LibreTranslate does) and expire after the server's ``--file-ttl``.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from translate.server.store import StoreError

_SAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)
_TOKEN = re.compile(r"([0-9a-f]{32})\.(.+)")


def safe_name(name: str) -> str:
    """The base name of a client-supplied file name, stripped of anything unsafe."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = _SAFE.sub("_", base).strip(" .")
    if not base or base.startswith("."):
        raise StoreError(f"unusable file name '{name}'")
    return base[-120:]


@dataclass(frozen=True)
class Upload:
    token: str
    folder: Path
    source: Path

    @property
    def output(self) -> Path:
        return self.folder / "out" / f"{self.source.stem}.vi{self.source.suffix}"


class FileArea:
    """The directory of uploads and translated files, with expiry."""

    def __init__(self, root: Path, ttl_seconds: int) -> None:
        self.root = root
        self.ttl = ttl_seconds
        root.mkdir(parents=True, exist_ok=True)

    def new_upload(self, name: str, data: bytes) -> Upload:
        self.expire()
        token = uuid.uuid4().hex
        folder = self.root / token
        folder.mkdir()
        (folder / "out").mkdir()
        source = folder / safe_name(name)
        source.write_bytes(data)
        return Upload(token, folder, source)

    def discard(self, upload: Upload) -> None:
        shutil.rmtree(upload.folder, ignore_errors=True)

    def download_name(self, upload: Upload) -> str:
        return f"{upload.token}.{upload.output.name}"

    def find(self, name: str) -> Path:
        """The translated file a download name points at (404 when gone or unknown)."""
        self.expire()
        match = _TOKEN.fullmatch(name)
        if match is None or safe_name(match.group(2)) != match.group(2):
            raise StoreError(f"no such file '{name}'", 404)
        path = self.root / match.group(1) / "out" / match.group(2)
        if not path.is_file():
            raise StoreError(f"no such file '{name}' (files expire after {self.ttl} s)", 404)
        return path

    def expire(self) -> None:
        cutoff = time.time() - self.ttl
        for folder in self.root.iterdir():
            try:
                if folder.is_dir() and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue
