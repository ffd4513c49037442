"""``termtrans serve`` (the HTTP API and web page) and ``termtrans api-key`` (its keys)."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from glossary.formats import load_glossaries
from translate.cli.common import THREADS_MAX, handle_errors, stderr
from translate.deps import SERVE_HINT, require
from translate.server.guard import ApiKeys, new_key
from translate.server.settings import ServerSettings, default_data_dir

#: The server's defaults: the options below read theirs from here.
_D = ServerSettings


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = _D.host,
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = _D.port,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Model directory, models.lock name, or hub id "
        "(default: the shipped model).")] = None,
    backend: Annotated[str, typer.Option("--backend", help="Decoding backend.")] = _D.backend,
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", help="Server-wide glossary applied to every request "
        "(repeatable: merged).")] = None,
    api_keys: Annotated[Path | None, typer.Option(
        "--api-keys", help="File of hashed API keys (make one with 'termtrans api-key'); "
        "without it the server is open.")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Stored glossaries and translated files "
        "(default: ~/.local/share/termtrans/server).")] = None,
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="SQLite translation cache (default: the CLI's, shared).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
    char_limit: Annotated[int, typer.Option("--char-limit", help="Characters per request.")
                          ] = _D.char_limit,
    file_char_limit: Annotated[int, typer.Option(
        "--file-char-limit", help="Characters to translate in one uploaded file.")
    ] = _D.file_char_limit,
    batch_limit: Annotated[int, typer.Option("--batch-limit", help="Texts in one q list.")
                           ] = _D.batch_limit,
    body_limit: Annotated[int, typer.Option("--body-limit", help="Bytes per request body "
                                            "(file uploads included).")] = _D.body_limit,
    req_limit: Annotated[int, typer.Option(
        "--req-limit", help="Requests per minute per API key (per address on an open "
        "server); 0: no limit.")] = _D.req_limit,
    cors: Annotated[list[str] | None, typer.Option(
        "--cors-origin", help="Allow browser calls from this origin (repeatable; "
        "off by default).")] = None,
    file_ttl: Annotated[int, typer.Option("--file-ttl", help="Seconds a translated file "
                                          "stays downloadable.")] = _D.file_ttl,
    batch_window: Annotated[float, typer.Option(
        "--batch-window", help="Milliseconds to wait for more requests to batch.")
    ] = _D.batch_window_ms,
    max_batch: Annotated[int, typer.Option("--max-batch", help="Sentences per decoder call.")
                         ] = _D.max_batch,
    beam: Annotated[int, typer.Option("--beam", min=1, max=64)] = _D.beam,
    threads: Annotated[int, typer.Option("--threads", min=0, max=THREADS_MAX,
                                         help="CPU threads per worker "
                                         "(0: library default).")] = _D.threads,
    parallel_batches: Annotated[int, typer.Option(
        "--parallel-batches", help="Batches decoded at once over one model (0: 2 on "
        "CTranslate2, 1 on transformers).")] = _D.parallel_batches,
    request_timeout: Annotated[float, typer.Option(
        "--request-timeout", help="Seconds a translation request may take, queue included "
        "(then 503 with Retry-After); the work of a client that disconnects is dropped.")
    ] = _D.request_timeout,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes (each "
                                         "loads its own model).")] = 1,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", help="Trust X-Forwarded-For/-Proto from these proxy "
        "addresses (comma-separated); by default no client can choose the address its "
        "--req-limit is counted under.")] = None,
    limit_concurrency: Annotated[int, typer.Option(
        "--limit-concurrency", min=1, help="Connections served at once; more get 503.")
    ] = 200,
    keep_alive: Annotated[int, typer.Option(
        "--timeout-keep-alive", min=1, help="Seconds an idle keep-alive connection is kept.")
    ] = 5,
    verify_model: Annotated[bool, typer.Option(
        "--verify/--no-verify", help="Check model files against models.lock.")] = _D.verify_model,
) -> None:
    """Serve a LibreTranslate-compatible HTTP API (and a web page) with verified glossaries."""
    uvicorn = require("uvicorn", "termtrans serve", SERVE_HINT)
    require("starlette", "termtrans serve", SERVE_HINT)
    require("multipart", "termtrans serve", SERVE_HINT)
    settings = ServerSettings(
        host=host, port=port, model=model, backend=backend, glossaries=tuple(glossary or ()),
        api_keys=api_keys, data_dir=data_dir or default_data_dir(), cache=cache,
        no_cache=no_cache,
        char_limit=char_limit, file_char_limit=file_char_limit, batch_limit=batch_limit,
        body_limit=body_limit,
        req_limit=req_limit, cors_origins=tuple(cors or ()), file_ttl=file_ttl,
        batch_window_ms=batch_window, max_batch=max_batch, beam=beam, threads=threads,
        parallel_batches=parallel_batches, request_timeout=request_timeout,
        verify_model=verify_model)
    # Fail on bad keys or glossaries here, with a one-line error, not in a worker.
    if api_keys is not None:
        ApiKeys.load(api_keys)
    terms = load_glossaries(list(settings.glossaries)) if settings.glossaries else None
    _announce(settings, len(terms) if terms is not None else 0)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    settings.to_env()
    uvicorn.run("translate.server.app:app_from_environment", factory=True, host=host,
                port=port, workers=workers, access_log=False, log_level="info",
                timeout_graceful_shutdown=30, proxy_headers=forwarded_allow_ips is not None,
                forwarded_allow_ips=forwarded_allow_ips, limit_concurrency=limit_concurrency,
                timeout_keep_alive=keep_alive)


def _announce(settings: ServerSettings, terms: int) -> None:
    err = stderr()
    where = f"http://{settings.host}:{settings.port}/"
    err.print(f"termtrans serve: {where} (glossary: {terms} term(s); data: "
              f"{settings.data_dir})", markup=False)
    if settings.api_keys is None:
        try:
            local = ipaddress.ip_address(settings.host).is_loopback
        except ValueError:
            local = settings.host == "localhost"
        scope = ("only this machine can use it" if local
                 else "ANYONE who can reach this address can use it")
        err.print(f"termtrans serve: warning: open server (no --api-keys) on {settings.host}: "
                  f"{scope}", markup=False)


@handle_errors
def api_key(
    keys_file: Annotated[Path, typer.Argument(help="The key file of 'serve --api-keys' "
                                              "(created if missing).")],
    label: Annotated[str, typer.Option("--label", help="Who the key is for.")] = "",
) -> None:
    """Make an API key: its hash is appended to KEYS_FILE, the key is printed once."""
    typer.echo(new_key(keys_file, label))
