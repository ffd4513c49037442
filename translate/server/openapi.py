"""The OpenAPI 3.1 description served at ``/openapi.json``.

Written out by hand because the endpoints take LibreTranslate's loose bodies
(JSON *or* form, ``q`` a string *or* a list), which no schema generator infers.
A test checks that every route of the app is described here and nothing more.
"""

from __future__ import annotations

from typing import Any

_ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}
_TEXTS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_GLOSSARY_PARAMS = {
    "glossary_id": {**_TEXTS, "description": "stored glossaries to apply (ids)"},
    "glossary": {"oneOf": [{"type": "string"}, {"type": "boolean", "enum": [False]}],
                 "description": "inline terms as TSV (source<TAB>target per line), or false "
                                "to switch the server-wide glossary off"},
    "glossary_format": {"type": "string", "enum": ["tsv", "csv"], "default": "tsv"},
    "server_glossary": {"type": "boolean", "default": True,
                        "description": "false: leave the server-wide glossary out"},
    "api_key": {"type": "string"},
}
_TERMS = {"type": "array", "items": {"type": "object", "properties": {
    "source": {"type": "string"}, "target": {"type": "string"}, "found": {"type": "boolean"}}}}
_ISSUES = {"type": "array", "items": {"type": "object", "description":
                                      "a verification issue, as termtrans check reports it"}}


def _body(properties: dict[str, Any], required: list[str], multipart: bool = False
          ) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    kinds = (["multipart/form-data"] if multipart
             else ["application/json", "application/x-www-form-urlencoded"])
    return {"required": True, "content": {k: {"schema": schema} for k in kinds}}


def _op(summary: str, ok: dict[str, Any], body: dict[str, Any] | None = None,
        errors: tuple[int, ...] = (400,)) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **{
        str(code): _ERROR for code in errors}}}
    if body is not None:
        op["requestBody"] = body
    return op


def _json(schema: dict[str, Any], description: str = "success") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_STORED = {"type": "object", "properties": {k: {"type": t} for k, t in (
    ("glossary_id", "string"), ("name", "string"), ("ready", "boolean"),
    ("source_lang", "string"), ("target_lang", "string"), ("creation_time", "string"),
    ("entry_count", "integer"))}}


_QUALITY = {"type": ["object", "null"], "description": "the reference-free quality estimate "
            "of the text (its worst sentence's): good = read it, review = post-edit it, "
            "bad = retranslate it", "properties": {
                "score": {"type": "integer", "minimum": 0, "maximum": 100},
                "label": {"type": "string", "enum": ["good", "review", "bad"]},
                "flags": {"type": "array", "items": {"type": "string"}},
                "weak_words": {"type": "array", "items": {"type": "string"}}}}


_DEEPL_ERROR = {"description": "error (DeepL's shape)", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"message": {"type": "string"}},
               "required": ["message"]}}}}
_DEEPL_BODY = _body({
    "text": _TEXTS, "source_lang": {"type": "string", "enum": ["EN"]},
    "target_lang": {"type": "string", "enum": ["VI"]}, "glossary_id": {"type": "string"},
    "tag_handling": {"type": "string", "enum": ["xml", "html"]},
    "ignore_tags": _TEXTS, "split_sentences": {"type": "string", "enum": ["0", "1",
                                                                        "nonewlines"]},
    "preserve_formatting": {"type": "boolean"}}, ["text", "target_lang"])
_OPUSCAT_QUERY = [{"name": n, "in": "query", "schema": {"type": "string"}} for n in (
    "tokenCode", "input", "srcLangCode", "trgLangCode", "modelTag")]


def _deepl(summary: str, ok: dict[str, Any], body: dict[str, Any] | None = None,
           errors: tuple[int, ...] = (400, 403, 413, 429)) -> dict[str, Any]:
    op = _op(summary, ok, body, ())
    op["responses"].update({str(code): _DEEPL_ERROR for code in errors})
    return op


def _deepl_paths() -> dict[str, Any]:
    info = _json(_STORED)
    return {
        "/v2/translate": {"post": _deepl(
            "DeepL API v2: translate with the glossary enforced", _json({
                "type": "object", "properties": {"translations": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "text": {"type": "string"},
                        "detected_source_language": {"type": "string"},
                        "billed_characters": {"type": "integer"}, "terms": _TERMS,
                        "issues": _ISSUES, "quality": _QUALITY}}}}}),
            _DEEPL_BODY, (400, 403, 404, 413, 429))},
        "/v2/languages": {m: _deepl("DeepL API v2: languages (type=source|target)",
                                    _json({"type": "array"})) for m in ("get", "post")},
        "/v2/glossary-language-pairs": {"get": _deepl("DeepL API v2: glossary pairs",
                                                      _json({"type": "object"}))},
        "/v2/usage": {m: _deepl("DeepL API v2: characters translated", _json({
            "type": "object"})) for m in ("get", "post")},
        "/v2/glossaries": {
            "post": _deepl("DeepL API v2: create a glossary (TSV or CSV entries)", info),
            "get": _deepl("DeepL API v2: list glossaries", _json({"type": "object"}))},
        "/v2/glossaries/{glossary_id}": {
            "get": _deepl("DeepL API v2: a glossary", info, errors=(403, 404, 429)),
            "delete": _deepl("DeepL API v2: delete a glossary", {"description": "deleted"},
                             errors=(403, 404, 429))},
        "/v2/glossaries/{glossary_id}/entries": {"get": _deepl(
            "DeepL API v2: a glossary's entries as TSV", {
                "description": "TSV", "content": {"text/tab-separated-values": {}}},
            errors=(403, 404, 429))},
    }


def _opuscat_paths() -> dict[str, Any]:
    def get(summary: str, ok: dict[str, Any]) -> dict[str, Any]:
        return {**_op(summary, ok, errors=(400, 403, 429)), "parameters": _OPUSCAT_QUERY}

    text = {"description": "the translation", "content": {"text/plain": {}}}
    answer = _json({"type": "object", "properties": {
        "translation": {"type": "string"}, "terms": _TERMS, "issues": _ISSUES,
        "quality": _QUALITY}})
    return {
        "/MTRestService/TranslateJson": {"get": get("OPUS-CAT: translate (JSON)", answer)},
        "/MTRestService/Translate": {"get": get("OPUS-CAT: translate (text)", text)},
        "/MTRestService/TranslateStream": {"get": get("OPUS-CAT: translate (text)", text)},
        "/MTRestService/TranslatePost": {"post": get("OPUS-CAT: translate (Wordfast)",
                                                     answer)},
        "/MTRestService/ListSupportedLanguagePairs": {"get": get(
            "OPUS-CAT: language pairs", _json({"type": "array"}))},
        "/MTRestService/GetLanguagePairModelTags": {"get": get(
            "OPUS-CAT: model tags", _json({"type": "array"}))},
    }


def openapi(version: str) -> dict[str, Any]:
    guarded = (400, 403, 413, 429)
    translate_op = _op(
            "Translate text EN→VI with glossary terms enforced and verified",
            _json({"type": "object", "properties": {
                "translatedText": _TEXTS, "terms": {"oneOf": [_TERMS, {
                    "type": "array", "items": _TERMS}]}, "issues": {"oneOf": [_ISSUES, {
                        "type": "array", "items": _ISSUES}]},
                "quality": {"oneOf": [_QUALITY, {"type": "array", "items": _QUALITY}]},
                "detectedLanguage": {"type": "object"}}}),
            _body({"q": _TEXTS, "source": {"type": "string", "enum": ["en", "auto"]},
                   "target": {"type": "string", "enum": ["vi"]},
                   "format": {"type": "string", "enum": ["text", "html"]}, **_GLOSSARY_PARAMS},
                  ["q"]), guarded)
    get_op = {**translate_op, "summary": "Translate text (LibreTranslate GET, as OmegaT's "
              "plug-in sends it: q, source, target and api_key in the query string)"}
    get_op.pop("requestBody")
    get_op["parameters"] = [{"name": n, "in": "query", "schema": {"type": "string"}}
                            for n in ("q", "source", "target", "format", "api_key")]
    paths = {
        "/translate": {"post": translate_op, "get": get_op},
        "/translate_file": {"post": _op(
            "Translate a document (.txt, .md, .po, .html, .xlf, .srt); download it from "
            "translatedFileUrl",
            _json({"type": "object", "properties": {
                "translatedFileUrl": {"type": "string"}, "issues": _ISSUES,
                "quality": {"type": ["object", "null"], "description": "segments per "
                            "quality label (good, review, bad)"}}}),
            _body({"file": {"type": "string", "format": "binary"}, "source": {"type": "string"},
                   "target": {"type": "string"}, **_GLOSSARY_PARAMS}, ["file"], True),
            guarded)},
        "/download_file/{name}": {"get": _op("A translated file (expires)", {
            "description": "the file"}, errors=(404,))},
        "/detect": {"post": _op("Detect English or Vietnamese", _json({
            "type": "array", "items": {"type": "object"}}), _body({"q": _TEXTS}, ["q"]),
            guarded)},
        "/languages": {m: _op("Supported languages", _json({"type": "array"}), errors=())
                       for m in ("get", "post")},
        "/frontend/settings": {"get": _op("Limits and features, for clients", _json({
            "type": "object"}), errors=())},
        "/glossaries": {
            "post": _op("Store a glossary (TSV/CSV text or a TSV/CSV/TBX file)",
                        _json(_STORED, "created"),
                        _body({"name": {"type": "string"}, "entries": {"type": "string"},
                               "entries_format": {"type": "string",
                                                  "enum": ["tsv", "csv", "tbx"]},
                               "file": {"type": "string", "format": "binary"}}, ["name"]),
                        guarded),
            "get": _op("List stored glossaries", _json({"type": "object", "properties": {
                "glossaries": {"type": "array", "items": _STORED}}}), errors=(403, 429))},
        "/glossaries/{glossary_id}": {
            "get": _op("A stored glossary", _json(_STORED), errors=(403, 404, 429)),
            "delete": _op("Delete a stored glossary", {"description": "deleted"},
                          errors=(403, 404, 429))},
        "/glossaries/{glossary_id}/entries": {"get": _op(
            "A stored glossary's entries as TSV",
            {"description": "TSV", "content": {"text/tab-separated-values": {}}},
            errors=(403, 404, 429))},
        "/health": {"get": _op("Liveness, model and batching counters", _json({
            "type": "object"}), errors=())},
        "/openapi.json": {"get": _op("This description", _json({"type": "object"}), errors=())},
        "/": {"get": _op("The web page for translators", {"description": "HTML"}, errors=())},
        **_deepl_paths(),
        **_opuscat_paths(),
    }
    return {"openapi": "3.1.0",
            "info": {"title": "termtrans serve", "version": version,
                     "description": "EN→VI translation with verified glossaries: "
                                    "LibreTranslate's API, a DeepL API v2 subset and "
                                    "OPUS-CAT's MTRestService."},
            "paths": paths}
