"""Stored glossaries: uploaded once, used by id, kept in SQLite across restarts.

Field names follow DeepL's glossary API (``glossary_id``, ``name``,
``source_lang``, ``target_lang``, ``entry_count``, ``creation_time``). An upload
goes through the toolkit's own readers (the TSV/CSV sniffing, the TBX reader
that refuses entity declarations) from a private temporary file, so the server
accepts exactly what ``termtrans glossary validate`` accepts; the validated
glossary is stored as canonical TSV.
"""

from __future__ import annotations

import io
import sqlite3
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from glossary.errors import InputError, ToolkitError
from glossary.formats import FORMATS, load_glossary
from glossary.model import Glossary

SCHEMA = "termtrans-glossaries-1"
UPLOAD_FORMATS = ("tsv", "csv", "tbx")


class StoreError(ToolkitError):
    """A glossary request the store refuses: the message is safe to show to the client."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StoredGlossary:
    glossary_id: str
    name: str
    entry_count: int
    creation_time: str
    source_lang: str = "en"
    target_lang: str = "vi"

    def to_dict(self) -> dict[str, object]:
        return {"glossary_id": self.glossary_id, "name": self.name, "ready": True,
                "source_lang": self.source_lang, "target_lang": self.target_lang,
                "creation_time": self.creation_time, "entry_count": self.entry_count}


def parse_glossary(data: bytes, entries_format: str, name: str) -> Glossary:
    """Validate uploaded glossary content with the file readers; errors name *name*."""
    fmt = entries_format.lower()
    if fmt not in UPLOAD_FORMATS:
        raise StoreError(f"unknown entries_format '{entries_format}' "
                         f"(valid: {', '.join(UPLOAD_FORMATS)})")
    if not data.strip():
        raise StoreError(f"glossary '{name}' is empty")
    with tempfile.TemporaryDirectory(prefix="termtrans-upload-") as tmp:
        path = Path(tmp) / f"entries.{fmt}"
        path.write_bytes(data)
        try:
            glossary = load_glossary(path, fmt)
        except InputError as exc:
            raise StoreError(str(exc).replace(str(path), name)) from None
    if not len(glossary):
        raise StoreError(f"glossary '{name}' has no entries")
    return glossary


def to_tsv(glossary: Glossary) -> str:
    """The canonical TSV of *glossary* (what ``GET /glossaries/{id}/entries`` returns)."""
    buffer = io.StringIO()
    FORMATS["tsv"].write(glossary, buffer)
    return buffer.getvalue()


class GlossaryStore:
    """SQLite-backed glossaries under the server's data directory (thread-safe)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._loaded: dict[str, Glossary] = {}
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                     timeout=30)
        tables = {r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            self._conn.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                f"INSERT INTO meta VALUES ('schema', '{SCHEMA}');"
                "CREATE TABLE glossaries (glossary_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
                "entry_count INTEGER NOT NULL, creation_time TEXT NOT NULL, tsv TEXT NOT NULL)")
        else:
            row = (self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                   if "meta" in tables else None)
            if row is None or row[0] != SCHEMA:
                self._conn.close()
                raise ToolkitError(f"{path}: not a termtrans glossary store; "
                                   "choose another --data-dir")

    def add(self, name: str, glossary: Glossary) -> StoredGlossary:
        if not name.strip():
            raise StoreError("a glossary needs a 'name'")
        stored = StoredGlossary(uuid.uuid4().hex, name.strip(), glossary.source_count,
                                datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            self._conn.execute("INSERT INTO glossaries VALUES (?, ?, ?, ?, ?)",
                               (stored.glossary_id, stored.name, stored.entry_count,
                                stored.creation_time, to_tsv(glossary)))
        return stored

    def list(self) -> list[StoredGlossary]:
        with self._lock:
            rows = self._conn.execute("SELECT glossary_id, name, entry_count, creation_time "
                                      "FROM glossaries ORDER BY creation_time, name").fetchall()
        return [StoredGlossary(*row) for row in rows]

    def get(self, glossary_id: str) -> StoredGlossary:
        with self._lock:
            row = self._conn.execute("SELECT glossary_id, name, entry_count, creation_time "
                                     "FROM glossaries WHERE glossary_id = ?",
                                     (glossary_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown glossary_id '{glossary_id}'", 404)
        return StoredGlossary(*row)

    def entries(self, glossary_id: str) -> str:
        with self._lock:
            row = self._conn.execute("SELECT tsv FROM glossaries WHERE glossary_id = ?",
                                     (glossary_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown glossary_id '{glossary_id}'", 404)
        return str(row[0])

    def load(self, glossary_id: str) -> Glossary:
        """The stored glossary, read back through the TSV reader."""
        found = self._loaded.get(glossary_id)
        if found is None:
            stored = self.get(glossary_id)
            found = parse_glossary(self.entries(glossary_id).encode("utf-8"), "tsv",
                                   f"glossary {stored.name}")
            self._loaded[glossary_id] = found
        return found

    def delete(self, glossary_id: str) -> None:
        with self._lock:
            gone = self._conn.execute("DELETE FROM glossaries WHERE glossary_id = ?",
                                      (glossary_id,)).rowcount
        if not gone:
            raise StoreError(f"unknown glossary_id '{glossary_id}'", 404)
        self._loaded.pop(glossary_id, None)

    def close(self) -> None:
        self._conn.close()
