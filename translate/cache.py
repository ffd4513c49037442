"""A SQLite cache of translated segments, so interrupted runs resume.

Keys hash everything that determines an output (model fingerprint, glossary
hash, decoding options, toolkit version, source text), so a cache can never
serve a translation made under other settings. Each batch is committed as
soon as it is translated; a run killed with SIGKILL loses at most the batch
in flight. A cache file that is corrupt or from another schema version is
moved aside (``*.corrupt-N``) and rebuilt: it only ever costs time.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from glossary.errors import CacheError

SCHEMA = "3"   # 3: sources and signatures kept, for `termtrans tm export`


def _retry_busy(statement: Callable[[], object], tries: int = 200) -> None:
    """Run *statement*, waiting while another process holds the new database's lock (a
    journal-mode switch does not wait on SQLite's busy timeout)."""
    for attempt in range(tries):
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables once, whoever else is creating the same new cache right now
    (parallel CI jobs on first use): one writer at a time, idempotent statements."""
    _retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, "
                     "value TEXT NOT NULL)")
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
        conn.execute("CREATE TABLE IF NOT EXISTS segments (key TEXT PRIMARY KEY, "
                     "text TEXT NOT NULL, tokens INTEGER NOT NULL, met INTEGER NOT NULL, "
                     "source TEXT NOT NULL, context TEXT NOT NULL)")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is None or row[0] != SCHEMA:
        raise sqlite3.DatabaseError("schema mismatch")


def segment_key(context: str, source: str) -> str:
    return hashlib.sha256(f"{context}\x00{source}".encode()).hexdigest()


def cached_segments(path: str | Path) -> int:
    """How many segments a cache file holds (0 if it is missing or unreadable).

    Read-only and safe while another process writes (WAL), so a run's progress
    can be watched from outside — resume tests and benchmarks do that.
    """
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0])
    except sqlite3.Error:
        return 0


class _ForeignDatabase(sqlite3.DatabaseError):
    """A valid SQLite database that is not a termtrans cache: never ours to move."""


class TranslationCache:
    """Translated segments in SQLite, shared by runs and by ``termtrans serve``.

    Only this tool's own files are ever set aside: a file that is not SQLite at all, or a
    termtrans cache with another schema or damaged, is renamed ``*.corrupt-N`` and rebuilt;
    another program's database, a directory or a lock/permission problem is an error.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rebuilt_from: Path | None = None
        if self.path.is_dir():
            raise CacheError(f"{self.path}: is a directory, not a cache file; "
                             "choose another --cache")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = self._open()
        except _ForeignDatabase as exc:
            raise CacheError(f"{self.path}: is another program's SQLite database ({exc}); "
                             "choose another --cache") from None
        except sqlite3.OperationalError as exc:   # locked, read-only, permission denied
            raise CacheError(f"{self.path}: cannot open the cache: {exc}") from None
        except OSError as exc:
            raise CacheError(f"{self.path}: cannot create the cache: "
                             f"{exc.strerror or exc}") from None
        except sqlite3.DatabaseError:   # not SQLite at all, or our own file damaged/outdated
            self.rebuilt_from = self._move_aside()
            self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            # Look before touching: switching a foreign database to WAL would change it.
            tables = {r[0] for r in
                      conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                raise _ForeignDatabase("tables: " + ", ".join(sorted(tables)[:5]))
            _retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"))
            conn.execute("PRAGMA synchronous=NORMAL")
            if tables and "meta" in tables:
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None or row[0] != SCHEMA:
                    raise sqlite3.DatabaseError("schema mismatch")
                check = conn.execute("PRAGMA quick_check").fetchone()
                if check is None or check[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
            else:
                _create_schema(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        for n in range(1, 1000):
            target = self.path.with_name(f"{self.path.name}.corrupt-{n}")
            if not target.exists():
                try:
                    self.path.rename(target)
                    for suffix in ("-wal", "-shm"):
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                except OSError as exc:
                    raise CacheError(f"{self.path}: cache is unusable and cannot be moved "
                                     f"aside: {exc}") from None
                return target
        raise CacheError(f"{self.path}: too many corrupt cache copies beside it")

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, int, bool]]:
        found: dict[str, tuple[str, int, bool]] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, text, tokens, met in self.conn.execute(
                    f"SELECT key, text, tokens, met FROM segments WHERE key IN ({marks})", chunk):
                found[key] = (text, tokens, bool(met))
        return found

    def put_many(self, rows: Iterable[tuple[str, str, int, bool, str]], context: str) -> None:
        """Store (key, translation, tokens, constraints met, source) rows made under
        *context* (the run's signature) in one transaction."""
        try:
            with self.conn:
                self.conn.execute("BEGIN")
                self.conn.executemany(
                    "INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?, ?)",
                    [(k, t, n, int(m), src, context) for k, t, n, m, src in rows])
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot write the cache: {exc}") from None

    def translations(self) -> Iterator[tuple[str, str, str]]:
        """Every (source, translation, signature) in the cache, oldest first."""
        yield from self.conn.execute(
            "SELECT source, text, context FROM segments ORDER BY rowid")

    def close(self) -> None:
        self.conn.close()
