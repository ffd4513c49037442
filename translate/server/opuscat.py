"""OPUS-CAT's HTTP API, the way memoQ, Wordfast and Trados reach a local MT engine
through the OPUS-CAT plug-ins: ``GET /MTRestService/TranslateJson?tokenCode=&input=
&srcLangCode=&trgLangCode=&modelTag=`` and its siblings.

The text goes through the same batching worker, glossary and verification as the
other routes (the server-wide ``--glossary``: OPUS-CAT's protocol carries no
glossary, so the termbase OPUS-CAT users asked for is the server's). ``tokenCode``
is the API key when the server has ``--api-keys``. Languages are ISO 639 codes
(``en``/``eng`` → ``vi``/``vie``); ``modelTag`` is accepted and ignored (one model).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from translate.server import params as P
from translate.server.answers import Answer, check_limits, translate_answers

SOURCES = ("en", "eng")
TARGETS = ("vi", "vie")


async def _translate(request: Request) -> Answer:
    server = request.app.state.server
    values = await server.params(request)
    source = str(values.get("srcLangCode") or "").lower()
    target = str(values.get("trgLangCode") or "").lower()
    if source not in SOURCES or target not in TARGETS:
        raise P.ApiError(400, f"no model for {source or '?'} → {target or '?'}: this server "
                         "translates en → vi (srcLangCode=en, trgLangCode=vi)")
    text = values.get("input") or ""
    if not isinstance(text, str):
        raise P.ApiError(400, "input must be a string")
    if not text.strip():
        return Answer(text, [], [], None)
    check_limits(server, [text], "input")
    (answer,) = await translate_answers(server, [text], server.glossary, field="input")
    return answer


def _json(answer: Answer) -> dict[str, Any]:
    return {"translation": answer.text, "terms": answer.terms, "issues": answer.issues,
            "quality": answer.quality}


async def translate_json(request: Request) -> Response:
    return JSONResponse(_json(await _translate(request)))


async def translate_text(request: Request) -> Response:
    return PlainTextResponse((await _translate(request)).text)


async def language_pairs(request: Request) -> Response:
    await request.app.state.server.params(request)
    return JSONResponse(["en-vi"])


async def model_tags(request: Request) -> Response:
    server = request.app.state.server
    await server.params(request)
    return JSONResponse([server.service.model_id])


ROUTES = [
    Route("/MTRestService/TranslateJson", translate_json, methods=["GET"]),
    Route("/MTRestService/Translate", translate_text, methods=["GET"]),
    Route("/MTRestService/TranslateStream", translate_text, methods=["GET"]),
    Route("/MTRestService/TranslatePost", translate_json, methods=["POST"]),
    Route("/MTRestService/ListSupportedLanguagePairs", language_pairs, methods=["GET"]),
    Route("/MTRestService/GetLanguagePairModelTags", model_tags, methods=["GET"]),
]
