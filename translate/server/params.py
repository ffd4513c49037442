"""Request bodies as LibreTranslate clients send them, read within limits and validated.

Clients send JSON (the web UI, curl) or forms (``libretranslatepy`` and most
PHP/JS clients post ``application/x-www-form-urlencoded``; file uploads are
multipart); all three become one mapping of parameters. Every problem is an
:class:`ApiError` with the HTTP status LibreTranslate uses for it and a
one-line message for the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request

from glossary.textio import load_json

SOURCE_LANGUAGES = ("en", "auto")
TARGET_LANGUAGES = ("vi",)
TEXT_FORMATS = ("text", "html")


class ApiError(Exception):
    """An answer of ``{"error": message}`` with *status*."""

    def __init__(self, status: int, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


async def read_params(request: Request, body_limit: int) -> dict[str, Any]:
    """Query parameters plus the JSON or form body, the body read up to *body_limit* bytes."""
    params: dict[str, Any] = dict(request.query_params)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > body_limit:
        raise ApiError(413, f"request body is {declared} bytes; the limit is {body_limit}")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > body_limit:
                raise ApiError(413, f"request body is over the limit of {body_limit} bytes")
    except ClientDisconnect:
        raise ApiError(400, "the client disconnected before sending the whole body") from None
    request._body = bytes(body)   # Starlette re-reads a consumed body from here
    if not body:
        return params
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or (not kind and body[:1] in (b"{", b"[")):
        try:
            data = load_json(bytes(body))
        except ValueError as exc:         # UnicodeDecodeError included
            raise ApiError(400, f"malformed JSON body: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the JSON body must be an object")
        params.update(data)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        params.update(await _form(request, body_limit))
    else:
        raise ApiError(400, f"unsupported content type '{kind}' (send JSON or a form)")
    return params


async def _form(request: Request, body_limit: int) -> dict[str, Any]:
    try:
        form = await request.form(max_files=4, max_fields=1000, max_part_size=body_limit)
    except Exception as exc:   # python-multipart and Starlette raise several kinds
        raise ApiError(400, f"malformed form body: {exc}") from None
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        converted = [Upload(item.filename or "", await item.read())
                     if isinstance(item, UploadFile) else item for item in items]
        values[key] = converted if len(converted) > 1 else converted[0]
    return values


def text_list(params: Mapping[str, Any], name: str = "q") -> tuple[list[str], bool]:
    """The strings of ``q`` and whether it was a list (the answer takes the same shape)."""
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    if isinstance(value, str):
        return [value], False
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value), True
    raise ApiError(400, f"Invalid request: {name} must be a string or a list of strings")


def language_pair(params: Mapping[str, Any]) -> str:
    """The source language (``en`` or ``auto``) after checking the pair is en → vi."""
    source = str(params.get("source") or "auto").lower()
    target = str(params.get("target") or "vi").lower()
    if source not in SOURCE_LANGUAGES or target not in TARGET_LANGUAGES:
        raise ApiError(400, f"{source} → {target} is not supported: this server "
                       "translates en → vi (source 'en' or 'auto', target 'vi')")
    return source


def text_format(params: Mapping[str, Any]) -> str:
    fmt = str(params.get("format") or "text").lower()
    if fmt not in TEXT_FORMATS:
        raise ApiError(400, f"unknown format '{fmt}' (valid: {', '.join(TEXT_FORMATS)})")
    return fmt


def id_list(params: Mapping[str, Any], name: str = "glossary_id") -> list[str]:
    value = params.get(name)
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [v for v in (part.strip() for part in value.split(",")) if v]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ApiError(400, f"{name} must be a string or a list of strings")


def flag_off(value: Any) -> bool:
    """``false`` as JSON sends it or as a form sends it."""
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "0"))


def api_key(request: Request, params: Mapping[str, Any]) -> str | None:
    """The caller's key: ``api_key`` (LibreTranslate), ``tokenCode`` (OPUS-CAT), or an
    ``Authorization: Bearer`` / ``DeepL-Auth-Key`` header."""
    for name in ("api_key", "tokenCode"):
        key = params.get(name)
        if isinstance(key, str) and key:
            return key
    header = request.headers.get("authorization", "")
    for scheme in ("Bearer ", "DeepL-Auth-Key "):
        if header.startswith(scheme):
            return header[len(scheme):].strip()
    return None
