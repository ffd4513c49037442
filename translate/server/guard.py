"""Who may call the server and how often: hashed API keys and per-key rate limits.

The key file holds one ``sha256:<hex>`` line per key (an optional label after
it, ``#`` comments), never a key itself, so a leaked file grants nothing;
``termtrans api-key FILE`` makes a key and appends its hash. Keys are compared
by hash in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from glossary.errors import ConfigError, InputError
from glossary.textio import read_lines

_LINE = re.compile(r"sha256:([0-9a-f]{64})(?:\s+(.*))?")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKeys:
    """The hashes of the keys that may call the server (label by hash)."""

    hashes: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> ApiKeys:
        hashes: dict[str, str] = {}
        for number, line in enumerate(read_lines(path), 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            match = _LINE.fullmatch(text)
            if match is None:
                raise InputError(path, number, "not a hashed key ('sha256:<64 hex digits>' "
                                 "[label]); create keys with 'termtrans api-key FILE'")
            hashes[match.group(1)] = (match.group(2) or "").strip()
        if not hashes:
            raise ConfigError(f"{path}: no API keys in the file; "
                              "create one with 'termtrans api-key FILE'")
        return cls(hashes)

    def identify(self, key: str | None) -> str | None:
        """The key's hash when it is one of ours, else None."""
        if not key:
            return None
        digest = hash_key(key)
        for known in self.hashes:
            if hmac.compare_digest(known, digest):
                return known
        return None


def new_key(path: Path, label: str = "") -> str:
    """Make a random key, append its hash (and *label*) to *path*, return the key."""
    if any(c in label for c in "\r\n"):
        raise ConfigError("a key label is one line")
    key = secrets.token_urlsafe(24)
    line = f"sha256:{hash_key(key)}" + (f"  {label}" if label else "") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return key


class RateLimiter:
    """A token bucket per caller: *per_minute* requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, caller: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(caller, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * self.per_minute / 60)
            if tokens < 1:
                self._buckets[caller] = (tokens, now)
                return False
            self._buckets[caller] = (tokens - 1, now)
            if len(self._buckets) > 100_000:   # forget idle callers rather than grow forever
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            return True

    def retry_after(self, caller: str) -> int:
        """Whole seconds until *caller* has a request again (a 429's ``Retry-After``)."""
        with self._lock:
            tokens, then = self._buckets.get(caller, (float(self.per_minute), time.monotonic()))
        elapsed = time.monotonic() - then
        missing = 1 - min(float(self.per_minute), tokens + elapsed * self.per_minute / 60)
        return max(1, math.ceil(missing * 60 / max(self.per_minute, 1)))
