"""A DeepL API v2 subset on the same server: the door Weblate, the ``deepl`` client
libraries and many CAT-tool plug-ins already know.

The routes share the LibreTranslate routes' batching worker, glossary store,
limits and verification; answers keep DeepL's fields (clients ignore the added
``terms``, ``issues`` and ``quality``). Errors take DeepL's shape,
``{"message": ...}``, with its status codes (400 bad parameters, 403 bad key,
404 unknown glossary, 413 body too large, 429 rate limit).

Glossaries are DeepL's: a name, a language pair and ``source<TAB>target``
entries. Here they are *enforced*: every term of a glossary named by
``glossary_id`` is in the output or reported (DeepL does not guarantee it).
The server-wide ``--glossary`` applies too, as on the LibreTranslate routes.

``tag_handling=xml`` keeps every tag byte-exact, and an element named in
``ignore_tags`` (Weblate sends its placeables as ``<x id="1"></x>`` with
``ignore_tags=x``) is copied whole, content included, never translated.
``tag_handling=html`` uses the HTML reader: inline markup is put back around
the words it wrapped. Sentences are always split (one segmentation policy for
every entry point); ``split_sentences`` and ``preserve_formatting`` are
accepted and validated.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from glossary.errors import ToolkitError
from glossary.model import Glossary, merge_glossaries
from translate.server import params as P
from translate.server.answers import check_limits, public_message, translate_answers
from translate.server.store import StoredGlossary, StoreError, parse_glossary

Handler = Callable[[Request], Awaitable[Response]]

SOURCE = [{"language": "EN", "name": "English"}]
TARGET = [{"language": "VI", "name": "Vietnamese", "supports_formality": False}]
#: DeepL Pro's "no limit": clients compare the count against it.
UNLIMITED = 1_000_000_000_000
_KEEP = "termtrans-keep"


def deepl_errors(handler: Handler) -> Handler:
    """Answer the handler's :class:`~translate.server.params.ApiError` in DeepL's shape."""
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except P.ApiError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status,
                                headers=exc.headers)
    return wrapped


def _text_list(values: dict[str, Any]) -> list[str]:
    texts = values.get("text")
    if isinstance(texts, str):
        texts = [texts]
    if not texts or not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise P.ApiError(400, "Value for 'text' not supported: send one or more strings")
    return texts


def _choice(values: dict[str, Any], name: str, allowed: tuple[str, ...],
            default: str | None = None) -> str | None:
    value = values.get(name, default)
    if value is None or value == "":
        return default
    if not isinstance(value, str | bool | int):
        raise P.ApiError(400, f"Value for '{name}' not supported.")
    text = str(value).lower() if not isinstance(value, bool) else ("1" if value else "0")
    if text not in allowed:
        raise P.ApiError(400, f"Value for '{name}' not supported (valid: "
                         f"{', '.join(allowed)}).")
    return text


def _languages(values: dict[str, Any]) -> tuple[str | None, str]:
    """(source, target) after checking the pair is EN → VI as DeepL would."""
    target = values.get("target_lang")
    if not isinstance(target, str) or not target:
        raise P.ApiError(400, "Parameter 'target_lang' not specified.")
    if target.upper() != "VI":
        raise P.ApiError(400, f"Value for 'target_lang' not supported: {target} (this "
                         "server translates EN → VI).")
    source = values.get("source_lang")
    if source in (None, ""):
        return None, "VI"
    if not isinstance(source, str) or source.upper() != "EN":
        raise P.ApiError(400, f"Value for 'source_lang' not supported: {source} (this "
                         "server translates EN → VI).")
    return "EN", "VI"


def _glossary(request: Request, values: dict[str, Any], source: str | None) -> Glossary:
    server = request.app.state.server
    parts = [server.glossary]
    glossary_id = values.get("glossary_id")
    if glossary_id not in (None, ""):
        if source is None:
            raise P.ApiError(400, "Use of a glossary requires the source_lang parameter "
                             "to be specified.")
        if not isinstance(glossary_id, str):
            raise P.ApiError(400, "Value for 'glossary_id' not supported.")
        try:
            parts.append(server.store.load(glossary_id))
        except StoreError as exc:
            raise P.ApiError(exc.status, "Glossary not found." if exc.status == 404
                             else str(exc)) from None
    try:
        return merge_glossaries(parts, "request glossary")
    except ToolkitError as exc:
        raise P.ApiError(400, public_message(str(exc))) from None


def protect_xml(text: str, ignored: set[str]) -> tuple[str, list[str]]:
    """*text* with each element named in *ignored* replaced by an empty marker tag (the
    pipeline keeps tags byte-exact), and the elements to put back; 400 when *text* is
    not well-formed XML."""
    parser = xml.parsers.expat.ParserCreate()
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0

    def open_tag(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, start
        if depth or name in ignored:
            if not depth:
                start = parser.CurrentByteIndex
            depth += 1

    def close_tag(name: str) -> None:
        nonlocal depth
        if depth:
            depth -= 1
            if not depth:
                spans.append((start, parser.CurrentByteIndex))

    parser.StartElementHandler = open_tag
    parser.EndElementHandler = close_tag
    parser.DefaultHandler = lambda data: None
    wrapper = f"<{_KEEP}>"
    data = (wrapper + text + f"</{_KEEP}>").encode("utf-8")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise P.ApiError(400, f"Tag handling parsing failed, please check input: "
                         f"{xml.parsers.expat.ErrorString(exc.code)}") from None
    kept: list[str] = []
    out = bytearray()
    position = 0
    for begin, end in spans:
        # expat's index at an element's end is its closing tag (or, self-closed, its tag)
        close = _tag_end(data, end)
        out += data[position:begin]
        out += f'<{_KEEP} n="{len(kept)}"/>'.encode()
        kept.append(data[begin:close].decode("utf-8"))
        position = close
    out += data[position:]
    inner = out.decode("utf-8")
    return inner[len(wrapper):-len(f"</{_KEEP}>")], kept


def _tag_end(data: bytes, start: int) -> int:
    """The index just past the tag that starts at *start* (a ``>`` inside a quoted
    attribute value does not end it)."""
    quote = 0
    for index in range(start, len(data)):
        byte = data[index]
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return index + 1
    return len(data)


def restore_xml(text: str, kept: list[str]) -> str:
    """The translation with the ignored elements put back where their markers are."""
    return re.sub(rf'<{_KEEP} n="(\d+)"/>', lambda m: kept[int(m.group(1))], text)


@deepl_errors
async def translate(request: Request) -> Response:
    server = request.app.state.server
    values = await server.params(request)
    texts = _text_list(values)
    source, _ = _languages(values)
    check_limits(server, texts, "text")
    handling = _choice(values, "tag_handling", ("xml", "html"))
    _choice(values, "split_sentences", ("0", "1", "nonewlines"), "1")
    _choice(values, "preserve_formatting", ("0", "1", "true", "false"), "0")
    glossary = _glossary(request, values, source)
    ignore = values.get("ignore_tags") or []
    ignored = set(ignore.split(",") if isinstance(ignore, str) else map(str, ignore))
    protected: list[tuple[str, list[str]]] = [
        protect_xml(t, {i.strip() for i in ignored}) if handling == "xml" else (t, [])
        for t in texts]
    answers = await translate_answers(server, [t for t, _ in protected], glossary,
                                      "html" if handling == "html" else "text", "text")
    return JSONResponse({"translations": [
        {"detected_source_language": "EN", "text": restore_xml(a.text, kept),
         "billed_characters": len(text), "terms": a.terms, "issues": a.issues,
         "quality": a.quality}
        for a, text, (_, kept) in zip(answers, texts, protected, strict=True)]})


@deepl_errors
async def languages(request: Request) -> Response:
    server = request.app.state.server
    values = await server.params(request)
    kind = _choice(values, "type", ("source", "target"), "source")
    return JSONResponse(TARGET if kind == "target" else SOURCE)


@deepl_errors
async def glossary_language_pairs(request: Request) -> Response:
    await request.app.state.server.params(request)
    return JSONResponse({"supported_languages": [{"source_lang": "en", "target_lang": "vi"}]})


@deepl_errors
async def usage(request: Request) -> Response:
    server = request.app.state.server
    await server.params(request)
    return JSONResponse({"character_count": server.service.characters,
                         "character_limit": UNLIMITED})


def glossary_info(stored: StoredGlossary) -> dict[str, Any]:
    """DeepL's glossary object (``creation_time`` with fractions, as its clients parse)."""
    created = datetime.fromisoformat(stored.creation_time)
    return {**stored.to_dict(), "creation_time": created.isoformat(timespec="microseconds")}


@deepl_errors
async def create_glossary(request: Request) -> Response:
    server = request.app.state.server
    values = await server.params(request)
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise P.ApiError(400, "Parameter 'name' not specified.")
    pair = (str(values.get("source_lang") or "").lower(),
            str(values.get("target_lang") or "").lower())
    if pair != ("en", "vi"):
        raise P.ApiError(400, f"Unsupported glossary language pair: {pair[0] or '?'} → "
                         f"{pair[1] or '?'} (this server has en → vi glossaries).")
    entries = values.get("entries")
    fmt = str(values.get("entries_format") or "tsv").lower()
    if not isinstance(entries, str) or not entries.strip():
        raise P.ApiError(400, "Parameter 'entries' not specified.")
    if fmt not in ("tsv", "csv"):
        raise P.ApiError(400, f"Value for 'entries_format' not supported: {fmt} (tsv, csv).")
    try:
        glossary = parse_glossary(entries.encode("utf-8"), fmt, name.strip())
        stored = server.store.add(name, glossary)
    except ToolkitError as exc:
        raise P.ApiError(400, f"Invalid glossary entries: {public_message(str(exc))}"
                         ) from None
    return JSONResponse(glossary_info(stored), status_code=201)


@deepl_errors
async def list_glossaries(request: Request) -> Response:
    server = request.app.state.server
    await server.params(request)
    return JSONResponse({"glossaries": [glossary_info(g) for g in server.store.list()]})


@deepl_errors
async def glossary_detail(request: Request) -> Response:
    server = request.app.state.server
    await server.params(request)
    glossary_id = request.path_params["glossary_id"]
    try:
        if request.method == "DELETE":
            server.store.delete(glossary_id)
            return Response(status_code=204)
        return JSONResponse(glossary_info(server.store.get(glossary_id)))
    except StoreError:
        raise P.ApiError(404, "Glossary not found.") from None


@deepl_errors
async def glossary_entries(request: Request) -> Response:
    server = request.app.state.server
    await server.params(request)
    try:
        glossary = server.store.load(request.path_params["glossary_id"])
    except StoreError:
        raise P.ApiError(404, "Glossary not found.") from None
    # DeepL's entries: one "source<TAB>target" line per source term, no header
    lines = [f"{source}\t{term.target}\n" for term in glossary.terms for source in term.sources]
    return Response("".join(lines), media_type="text/tab-separated-values; charset=utf-8")


ROUTES = [
    Route("/v2/translate", translate, methods=["POST"]),
    Route("/v2/languages", languages, methods=["GET", "POST"]),
    Route("/v2/glossary-language-pairs", glossary_language_pairs, methods=["GET"]),
    Route("/v2/usage", usage, methods=["GET", "POST"]),
    Route("/v2/glossaries", create_glossary, methods=["POST"]),
    Route("/v2/glossaries", list_glossaries, methods=["GET"]),
    Route("/v2/glossaries/{glossary_id}", glossary_detail, methods=["GET", "DELETE"]),
    Route("/v2/glossaries/{glossary_id}/entries", glossary_entries, methods=["GET"]),
]
