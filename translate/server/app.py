"""The HTTP routes: LibreTranslate's protocol, plus verified glossaries.

Every answer is JSON (or the translated file); every failure is
``{"error": "…"}`` with a 4xx status, and anything unexpected is a 500 with a
one-line message and the details in the server log, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glossary.errors import InputError, ToolkitError
from glossary.formats import load_glossaries
from glossary.matching import TermMatcher
from glossary.model import Glossary, merge_glossaries
from translate.documents import FORMATS as DOCUMENT_FORMATS
from translate.documents.segment import Segmenter, join_pieces
from translate.jobs import translate_documents
from translate.pipeline import Hypothesis
from translate.server import deepl, opuscat
from translate.server import params as P
from translate.server.answers import check_limits, public_message, translate_answers
from translate.server.budget import TranslationBudget
from translate.server.detect import detect
from translate.server.files import FileArea
from translate.server.guard import ApiKeys, RateLimiter
from translate.server.openapi import openapi
from translate.server.service import FileTooLarge, TranslationService
from translate.server.settings import ServerSettings
from translate.server.store import GlossaryStore, StoreError, parse_glossary
from translate.version import __version__

log = logging.getLogger("termtrans.server")
access_log = logging.getLogger("termtrans.access")
LANGUAGES = [{"code": "en", "name": "English", "targets": ["vi"]},
             {"code": "vi", "name": "Vietnamese", "targets": []}]
#: Term matchers kept for request glossaries (server-wide, stored, inline).
MATCHERS_KEPT = 32
FILE_SUFFIXES = sorted(e for f in DOCUMENT_FORMATS.values() for e in f.extensions)


class Server:
    """What the routes share: settings, the model service, stores and guards."""

    def __init__(self, settings: ServerSettings, service: TranslationService | None = None
                 ) -> None:
        self.settings = settings
        self.service = service or TranslationService(settings)
        self.keys = ApiKeys.load(settings.api_keys) if settings.api_keys else None
        self.glossary = (load_glossaries(list(settings.glossaries)) if settings.glossaries
                         else Glossary(()))
        self.limiter = RateLimiter(settings.req_limit)
        self.store: GlossaryStore | None = None
        self.files: FileArea | None = None
        self._matchers: OrderedDict[str, TermMatcher] = OrderedDict()

    def matcher(self, glossary: Glossary) -> TermMatcher:
        """The term matcher of *glossary*, built once per glossary (answers list each
        text's terms; building a matcher per request cost more than batching saved)."""
        key = glossary.sha256
        found = self._matchers.get(key)
        if found is None:
            found = self._matchers[key] = TermMatcher(glossary)
            while len(self._matchers) > MATCHERS_KEPT:
                self._matchers.popitem(last=False)
        self._matchers.move_to_end(key)
        return found

    def open_stores(self) -> None:
        self.store = GlossaryStore(self.settings.data_dir / "glossaries.sqlite")
        self.files = FileArea(self.settings.data_dir / "files", self.settings.file_ttl)

    # -- guards ----------------------------------------------------------------------
    async def params(self, request: Request, *, guarded: bool = True) -> dict[str, Any]:
        values = await P.read_params(request, self.settings.body_limit)
        if guarded:
            caller = request.client.host if request.client else "unknown"
            if self.keys is not None:
                known = self.keys.identify(P.api_key(request, values))
                if known is None:
                    raise P.ApiError(403, "Invalid API key")
                caller = f"key:{known[:12]}"
            if not self.limiter.allow(caller):
                wait = self.limiter.retry_after(caller)
                raise P.ApiError(429, f"Slowdown: too many requests (limit "
                                 f"{self.settings.req_limit} per minute; retry in {wait} s)",
                                 {"Retry-After": str(wait)})
        return values

    def request_glossary(self, values: dict[str, Any]) -> Glossary:
        """Server-wide terms (unless ``glossary: false`` or ``server_glossary: false``)
        + stored ids + inline terms."""
        assert self.store is not None
        inline = values.get("glossary")
        server_wide = not (P.flag_off(inline) or P.flag_off(values.get("server_glossary")))
        parts = [self.glossary] if server_wide else []
        for glossary_id in P.id_list(values):
            try:
                parts.append(self.store.load(glossary_id))
            except StoreError as exc:
                raise P.ApiError(400, str(exc)) from None
        try:
            if isinstance(inline, str) and inline.strip() and not P.flag_off(inline):
                fmt = str(values.get("glossary_format") or "tsv")
                parts.append(parse_glossary(inline.encode("utf-8"), fmt, "inline glossary"))
            return merge_glossaries(parts, "request glossary") if parts else Glossary(())
        except ToolkitError as exc:
            raise P.ApiError(400, public_message(str(exc))) from None

    # -- text translation ------------------------------------------------------------
    async def translate_texts(self, texts: list[str], glossary: Glossary, labels: list[str]
                              ) -> list[tuple[str, list[Hypothesis]]]:
        """Each text translated line by line, all of them in one batch; a text whose long
        sentence would be cut through a term is a 400 naming the text (its label: ``q[2]``)
        and line."""
        segmenter = Segmenter.for_model(self.service.translator, self.matcher(glossary))
        try:
            layouts = [segmenter.lines(text, path=label)
                       for label, text in zip(labels, texts, strict=True)]
        except InputError as exc:
            raise P.ApiError(400, public_message(str(exc))) from None
        flat = [s for layout in layouts for line in layout for s in line]
        hyps = iter(await self.service.translate(flat, glossary))
        answers = []
        for text, layout in zip(texts, layouts, strict=True):
            lines, used = [], []
            for source, line in zip(text.split("\n"), layout, strict=True):
                done = [next(hyps) for _ in line]
                used += done
                lines.append(join_pieces(source, line, [h.text for h in done]))
            answers.append(("\n".join(lines), used))
        return answers


def _shaped(values: list[Any], as_list: bool) -> Any:
    return values if as_list else values[0]


# -- routes -------------------------------------------------------------------------
async def translate(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    values = await server.params(request)
    texts, as_list = P.text_list(values)
    source = P.language_pair(values)
    fmt = P.text_format(values)
    check_limits(server, texts)
    glossary = server.request_glossary(values)
    answers = await translate_answers(server, texts, glossary, fmt)
    answer: dict[str, Any] = {"translatedText": _shaped([a.text for a in answers], as_list),
                              "terms": _shaped([a.terms for a in answers], as_list),
                              "issues": _shaped([a.issues for a in answers], as_list),
                              "quality": _shaped([a.quality for a in answers], as_list)}
    if source == "auto":
        answer["detectedLanguage"] = _shaped([detect(t)[0] for t in texts], as_list)
    return JSONResponse(answer)


async def detect_route(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    values = await server.params(request)
    texts, _ = P.text_list(values)
    return JSONResponse(detect("\n".join(texts)))


async def languages(request: Request) -> JSONResponse:
    return JSONResponse(LANGUAGES)


async def frontend_settings(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    return JSONResponse({
        "charLimit": server.settings.char_limit, "batchLimit": server.settings.batch_limit,
        "frontendTimeout": 500, "keyRequired": server.keys is not None,
        "apiKeys": server.keys is not None, "suggestions": False, "filesTranslation": True,
        "supportedFilesFormat": FILE_SUFFIXES, "glossaries": True,
        "language": {"source": {"code": "en", "name": "English"},
                     "target": {"code": "vi", "name": "Vietnamese"}}})


async def translate_file(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    assert server.files is not None
    values = await server.params(request)
    P.language_pair(values)
    upload = values.get("file")
    if not isinstance(upload, P.Upload):
        raise P.ApiError(400, "Invalid request: missing file parameter (multipart 'file')")
    suffix = Path(upload.name).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise P.ApiError(400, f"unsupported file type '{suffix or 'no suffix'}' "
                         f"(supported: {', '.join(FILE_SUFFIXES)})")
    if not upload.data:
        raise P.ApiError(400, f"{upload.name}: the file is empty")
    glossary = server.request_glossary(values)
    try:
        stored = server.files.new_upload(upload.name, upload.data)
    except StoreError as exc:
        raise P.ApiError(400, str(exc)) from None

    executor = server.service.file_executor(glossary, server.settings.file_char_limit)

    def work() -> Any:
        pipeline = server.service.segmenting_pipeline(glossary)
        return translate_documents([stored.source], pipeline, out_file=stored.output,
                                   executor=executor)[0]

    try:
        result = await asyncio.get_running_loop().run_in_executor(None, work)
    except FileTooLarge as exc:
        server.files.discard(stored)
        raise P.ApiError(413, f"{upload.name}: {exc}") from None
    except BaseException:      # the client left, or the request's time ran out
        executor.cancel()
        server.files.discard(stored)
        raise
    if result.error:
        server.files.discard(stored)
        raise P.ApiError(400, public_message(result.error.replace(str(stored.source),
                                                                  stored.source.name)))
    name = server.files.download_name(stored)
    return JSONResponse({
        # percent-encoded: an uploaded name may hold spaces and non-ASCII letters
        "translatedFileUrl": str(request.url_for("download_file",
                                                 name=urllib.parse.quote(name, safe=""))),
        "segments": result.segments,
        "issues": [replace(i, file=stored.source.name).to_dict() for i in result.issues],
        "quality": result.label_counts() if result.estimated else None})


async def download_file(request: Request) -> Response:
    server: Server = request.app.state.server
    assert server.files is not None
    name = request.path_params["name"]
    try:
        path = server.files.find(name)
    except StoreError as exc:
        raise P.ApiError(exc.status, str(exc)) from None
    return FileResponse(path, filename=path.name)


async def create_glossary(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    assert server.store is not None
    values = await server.params(request)
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise P.ApiError(400, "a glossary needs a 'name'")
    upload = values.get("file")
    if isinstance(upload, P.Upload):
        data = upload.data
        fmt = str(values.get("entries_format") or Path(upload.name).suffix.lstrip(".") or "tsv")
    elif isinstance(values.get("entries"), str):
        data = values["entries"].encode("utf-8")
        fmt = str(values.get("entries_format") or "tsv")
    else:
        raise P.ApiError(400, "send the terms as 'entries' (TSV or CSV text) or as a "
                         "'file' upload (TSV, CSV or TBX)")
    try:
        glossary = parse_glossary(data, fmt, name.strip())
        stored = server.store.add(name, glossary)
    except StoreError as exc:
        raise P.ApiError(exc.status, str(exc)) from None
    except ToolkitError as exc:
        raise P.ApiError(400, str(exc)) from None
    return JSONResponse({**stored.to_dict(), "warnings": [str(w) for w in glossary.warnings]},
                        status_code=201)


async def list_glossaries(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    assert server.store is not None
    await server.params(request)
    return JSONResponse({"glossaries": [g.to_dict() for g in server.store.list()]})


async def glossary_detail(request: Request) -> Response:
    server: Server = request.app.state.server
    assert server.store is not None
    await server.params(request)
    glossary_id = request.path_params["glossary_id"]
    try:
        if request.method == "DELETE":
            server.store.delete(glossary_id)
            return Response(status_code=204)
        return JSONResponse(server.store.get(glossary_id).to_dict())
    except StoreError as exc:
        raise P.ApiError(exc.status, str(exc)) from None


async def glossary_entries(request: Request) -> Response:
    server: Server = request.app.state.server
    assert server.store is not None
    await server.params(request)
    try:
        text = server.store.entries(request.path_params["glossary_id"])
    except StoreError as exc:
        raise P.ApiError(exc.status, str(exc)) from None
    return Response(text, media_type="text/tab-separated-values; charset=utf-8")


async def health(request: Request) -> JSONResponse:
    server: Server = request.app.state.server
    service = server.service
    return JSONResponse({"status": "ok", "version": __version__, "model": service.model_id,
                         "model_notice": service.model_notice,
                         "glossary_terms": len(server.glossary), "batches": service.batches,
                         "sentences": service.sentences,
                         "parallel_batches": service.lanes,
                         "busy_seconds": round(service.busy_seconds, 3)})


async def openapi_route(request: Request) -> JSONResponse:
    return JSONResponse(openapi(__version__))


async def page(request: Request) -> HTMLResponse:
    html = resources.files("translate.server").joinpath("page.html").read_text("utf-8")
    return HTMLResponse(html, headers={
        "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                   "style-src 'self' 'unsafe-inline'; img-src 'self' data:",
        "X-Content-Type-Options": "nosniff"})


# -- errors and logging -------------------------------------------------------------
async def api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, P.ApiError)
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = {404: f"no such endpoint: {request.url.path}",
               405: f"method {request.method} not allowed on {request.url.path}"}
    return JSONResponse({"error": message.get(exc.status_code, str(exc.detail))},
                        status_code=exc.status_code)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("error while answering %s %s", request.method, request.url.path)
    return JSONResponse({"error": f"internal error ({type(exc).__name__}); see the server log"},
                        status_code=500)


class AccessLog:
    """One JSON line per request on the ``termtrans.access`` logger."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            client = scope.get("client")
            access_log.info(json.dumps({
                "time": round(time.time(), 3), "client": client[0] if client else None,
                # no response at all: the client left first (nginx's 499)
                "method": scope["method"], "path": scope["path"], "status": status or 499,
                "ms": round((time.perf_counter() - started) * 1000, 1)}))


def create_app(settings: ServerSettings, service: TranslationService | None = None
               ) -> Starlette:
    """The ASGI application (model loaded at start-up, released at shutdown)."""
    server = Server(settings, service)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.open_stores()
        await server.service.start()
        log.info(json.dumps({"event": "ready", "model": server.service.model_id,
                             "glossary_terms": len(server.glossary)}))
        if server.service.model_notice:     # a demo model, a non-commercial licence
            log.warning(json.dumps({"event": "model_notice",
                                    "notice": server.service.model_notice},
                                   ensure_ascii=False))
        try:
            yield
        finally:
            await server.service.stop()
            if server.store is not None:
                server.store.close()

    middleware = [Middleware(AccessLog),
                  Middleware(TranslationBudget, timeout=settings.request_timeout)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "DELETE"],
                                     allow_headers=["Content-Type", "Authorization"]))
    routes = [
        Route("/", page, methods=["GET"]),
        Route("/translate", translate, methods=["GET", "POST"]),
        Route("/detect", detect_route, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/frontend/settings", frontend_settings, methods=["GET"]),
        Route("/translate_file", translate_file, methods=["POST"]),
        Route("/download_file/{name}", download_file, methods=["GET"], name="download_file"),
        Route("/glossaries", create_glossary, methods=["POST"]),
        Route("/glossaries", list_glossaries, methods=["GET"]),
        Route("/glossaries/{glossary_id}", glossary_detail, methods=["GET", "DELETE"]),
        Route("/glossaries/{glossary_id}/entries", glossary_entries, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi_route, methods=["GET"]),
        *deepl.ROUTES,
        *opuscat.ROUTES,
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={P.ApiError: api_error, HTTPException: http_error,
                                        Exception: internal_error})
    app.state.server = server
    return app


def app_from_environment() -> Starlette:
    """The app for each uvicorn worker, built from the settings ``termtrans serve`` chose."""
    return create_app(ServerSettings.from_env())
