"""What the operator chose for a server, validated once."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from glossary.errors import ConfigError
from translate.pipeline import DEFAULT_BEAM

if TYPE_CHECKING:
    from translate.build import EngineConfig

#: How ``termtrans serve`` hands its settings to each uvicorn worker process.
SETTINGS_ENV = "TERMTRANS_SERVE_SETTINGS"


@dataclass(frozen=True)
class ServerSettings:
    """Every knob of ``termtrans serve``; the defaults are the CLI's."""

    host: str = "127.0.0.1"
    port: int = 5000
    model: str | None = None
    backend: str = "auto"
    glossaries: tuple[Path, ...] = ()
    api_keys: Path | None = None
    data_dir: Path = field(default_factory=lambda: default_data_dir())
    cache: Path | None = None
    no_cache: bool = False
    #: Characters per request (all of ``q`` together); LibreTranslate's --char-limit.
    char_limit: int = 10_000
    #: Characters to translate in one uploaded file (its distinct sentences).
    file_char_limit: int = 500_000
    #: Strings in one ``q`` list; LibreTranslate's --batch-limit.
    batch_limit: int = 100
    #: Bytes of one request body (uploads included).
    body_limit: int = 5 * 1024 * 1024
    #: Requests per minute per API key (per client address on an open server); 0: no limit.
    req_limit: int = 0
    cors_origins: tuple[str, ...] = ()
    #: Seconds a translated file stays downloadable.
    file_ttl: int = 3600
    #: How long the batcher waits for more requests after the first one arrives.
    batch_window_ms: float = 5.0
    #: Sentences per decoder call at most.
    max_batch: int = 64
    beam: int = DEFAULT_BEAM
    threads: int = 0
    #: Seconds a translation request may take (queue and decoding); then a 503.
    request_timeout: float = 300.0
    #: Batches decoded at once over the one model; 0: two on CTranslate2, one otherwise.
    parallel_batches: int = 0
    verify_model: bool = True

    def __post_init__(self) -> None:
        for name in ("char_limit", "file_char_limit", "batch_limit", "body_limit", "file_ttl",
                     "max_batch", "beam"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be at least 1")
        if not 0 <= self.parallel_batches <= 16:
            raise ConfigError("--parallel-batches must be between 0 (automatic) and 16")
        if self.req_limit < 0:
            raise ConfigError("--req-limit must be 0 (no limit) or more")
        if not 0 < self.request_timeout <= 86400:
            raise ConfigError("--request-timeout must be between 0 and 86400 seconds")
        if not 0 <= self.batch_window_ms <= 1000:
            raise ConfigError("--batch-window must be between 0 and 1000 ms")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"--port {self.port} is not a TCP port")


    def engine_config(self) -> EngineConfig:
        """The pipeline configuration every request is translated with: sentence-level
        cache reuse (a batch mixes whoever asked at once)."""
        from translate.build import EngineConfig

        return EngineConfig(model=self.model, backend=self.backend, beam=self.beam,
                            batch_size=self.max_batch, threads=self.threads,
                            verify_model=self.verify_model, cache_by_batch=False)

    def to_env(self) -> None:
        """Put these settings in the environment, for the worker processes uvicorn starts."""
        os.environ[SETTINGS_ENV] = json.dumps(asdict(self), default=str)

    @classmethod
    def from_env(cls) -> ServerSettings:
        """The settings :meth:`to_env` stored (paths and tuples restored, validated again)."""
        raw = json.loads(os.environ[SETTINGS_ENV])
        paths = {"data_dir", "api_keys", "cache"}
        values = {}
        for spec in fields(cls):
            value = raw.get(spec.name)
            if spec.name in paths and value is not None:
                value = Path(value)
            elif spec.name == "glossaries":
                value = tuple(Path(p) for p in value)
            elif isinstance(value, list):
                value = tuple(value)
            values[spec.name] = value
        return cls(**values)


def default_data_dir() -> Path:
    """Stored glossaries and translated files live here unless --data-dir says otherwise."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "termtrans" / "server"
