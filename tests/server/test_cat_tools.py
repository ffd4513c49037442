"""The doors CAT tools and localisation platforms use, tried with their real clients
where they exist: DeepL API v2 (the official ``deepl`` package, as Weblate and many
plug-ins talk to it), OPUS-CAT's MTRestService (memoQ, Wordfast), and LibreTranslate's
GET (OmegaT)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from glossary.formats import load_glossary
from glossary.matching import TermMatcher
from tests.conftest import FIXTURES, SEED_GLOSSARY
from tests.server.conftest import Server, start_server
from translate.server.app import create_app
from translate.server.openapi import openapi
from translate.server.settings import ServerSettings

deepl = pytest.importorskip("deepl", reason="the deepl client is a dev dependency")

SEED = (FIXTURES / "seed_check" / "source.en").read_text(encoding="utf-8").splitlines()[:6]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("cat")
    running = start_server(tmp, "-g", SEED_GLOSSARY, "--data-dir", tmp / "data",
                           "--batch-limit", "8",
                           "--char-limit", "5000")
    yield running
    running.stop()
    assert "Traceback" not in running.log.read_text(encoding="utf-8")


@pytest.fixture
def client(server: Server) -> Iterator[deepl.Translator]:
    translator = deepl.Translator("any-key", server_url=server.url)
    yield translator
    translator.close()


def test_the_deepl_client_syncs_a_glossary_and_gets_every_term(
        client: deepl.Translator) -> None:
    terms = load_glossary(SEED_GLOSSARY)
    entries = {t.sources[0]: t.target for t in terms.terms[:40]}
    # Weblate names the glossaries it syncs weblate:{project}:{source}:{target}:{checksum}
    info = client.create_glossary("weblate:news:en:vi:0f3a", "EN", "VI", entries)
    assert (info.source_lang, info.target_lang, info.entry_count) == ("EN", "VI", 40)
    assert info.glossary_id in [g.glossary_id for g in client.list_glossaries()]
    assert client.get_glossary_entries(info) == entries
    assert ("EN", "VI") in {(p.source_lang.upper(), p.target_lang.upper())
                            for p in client.get_glossary_languages()}
    results = client.translate_text(SEED, source_lang="EN", target_lang="VI", glossary=info)
    matcher = TermMatcher(load_glossary(SEED_GLOSSARY))
    required = 0
    for source, result in zip(SEED, results, strict=True):
        assert result.detected_source_lang == "EN" and result.billed_characters > 0
        for match in matcher.find(source):
            if match.term.sources[0] in entries:
                required += 1
                assert match.term.target.lower() in result.text.lower(), (source, result.text)
    assert required >= 5
    assert client.get_usage().character.count >= sum(map(len, SEED))
    assert not client.get_usage().any_limit_reached
    client.delete_glossary(info)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_glossary(info.glossary_id)


def test_xml_placeables_come_back_byte_exact(client: deepl.Translator) -> None:
    source = ('Prestigious people met <x id="1"></x> in <x id="2">Hà Giang &amp; Lào Cai'
              '</x> on <b>Monday</b>.')
    result = client.translate_text(source, source_lang="EN", target_lang="VI",
                                   tag_handling="xml", ignore_tags=["x"])
    assert result.text.count('<x id="1"></x>') == 1
    assert result.text.count('<x id="2">Hà Giang &amp; Lào Cai</x>') == 1
    assert "<b>" in result.text and "</b>" in result.text
    html = client.translate_text("<p>Prestigious people <b>met</b>.</p>", target_lang="VI",
                                 tag_handling="html")
    assert html.text.startswith("<p>") and "<b>" in html.text


def _post(server: Server, path: str, payload: dict[str, object]) -> tuple[int, dict]:
    answer = server.post(path, payload)
    return answer.status, answer.json() if answer.body else {}


@pytest.mark.parametrize(("path", "payload", "status", "words"), [
    ("/v2/translate", {"text": ["Hello."], "target_lang": "EN-GB"}, 400, "target_lang"),
    ("/v2/translate", {"text": ["Hello."]}, 400, "target_lang"),
    ("/v2/translate", {"text": ["Hello."], "target_lang": "VI", "source_lang": "DE"}, 400,
     "source_lang"),
    ("/v2/translate", {"text": ["Hi."], "target_lang": "VI", "glossary_id": "abc"}, 400,
     "requires the source_lang"),
    ("/v2/translate", {"text": ["Hi."], "target_lang": "VI", "source_lang": "EN",
                       "glossary_id": "0" * 32}, 404, "Glossary not found"),
    ("/v2/translate", {"text": ["a <x>b"], "target_lang": "VI", "tag_handling": "xml"}, 400,
     "Tag handling parsing failed"),
    ("/v2/translate", {"text": ["a"], "target_lang": "VI", "tag_handling": "latex"}, 400,
     "tag_handling"),
    ("/v2/translate", {"text": ["a"] * 9, "target_lang": "VI"}, 400, "batch limit"),
    ("/v2/translate", {"text": [], "target_lang": "VI"}, 400, "'text'"),
    ("/v2/glossaries", {"name": "g", "source_lang": "en", "target_lang": "de",
                        "entries": "a\tb", "entries_format": "tsv"}, 400, "language pair"),
    ("/v2/glossaries", {"name": "g", "source_lang": "en", "target_lang": "vi",
                        "entries": "a\tb\tc\n", "entries_format": "tsv"}, 400,
     "Invalid glossary entries"),
    ("/v2/glossaries", {"name": "g", "source_lang": "en", "target_lang": "vi",
                        "entries": "a\tb", "entries_format": "xlsx"}, 400, "entries_format"),
])
def test_bad_deepl_requests_get_deepl_shaped_4xx(server: Server, path: str,
                                                 payload: dict[str, object], status: int,
                                                 words: str) -> None:
    got, body = _post(server, path, payload)
    assert got == status and words in body["message"], body
    assert set(body) == {"message"}


def test_a_long_text_keeps_every_term_through_the_deepl_door(server: Server) -> None:
    status, body = _post(server, "/v2/translate", {
        "text": ["prestigious people met " * 80 + "today."], "target_lang": "VI"})
    assert status == 200
    (translation,) = body["translations"]
    assert len(translation["terms"]) == 80 and all(t["found"] for t in translation["terms"])


def test_the_deepl_client_reports_a_bad_request_as_its_exception(
        client: deepl.Translator) -> None:
    with pytest.raises(deepl.DeepLException, match="target_lang"):
        client.translate_text("Hello.", target_lang="EN-GB")


def test_opus_cat_translate_json_as_the_memoq_plugin_sends_it(server: Server) -> None:
    query = urllib.parse.urlencode({"tokenCode": "", "input": "Prestigious people met.",
                                    "srcLangCode": "en", "trgLangCode": "vi",
                                    "modelTag": ""})
    answer = server.get(f"/MTRestService/TranslateJson?{query}")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert "người có uy tín" in body["translation"].lower()
    assert body["terms"] == [{"source": "Prestigious people", "target": "người có uy tín",
                              "found": True}]
    # one segmentation policy on every door: a long sentence keeps every term
    long = urllib.parse.urlencode({"input": "prestigious people met " * 80 + "today.",
                                   "srcLangCode": "en", "trgLangCode": "vi"})
    cut = server.get(f"/MTRestService/TranslateJson?{long}").json()
    assert len(cut["terms"]) == 80 and all(t["found"] for t in cut["terms"])
    plain = server.get(f"/MTRestService/Translate?{query}")
    assert plain.status == 200 and plain.body.decode("utf-8") == body["translation"]
    assert server.get("/MTRestService/ListSupportedLanguagePairs").json() == ["en-vi"]
    other = server.get("/MTRestService/TranslateJson?input=Hallo&srcLangCode=de"
                       "&trgLangCode=vi")
    assert other.status == 400 and "en → vi" in other.json()["error"]


def test_libretranslate_get_as_omegat_sends_it(server: Server) -> None:
    query = urllib.parse.urlencode({"q": "Prestigious people met.", "source": "en",
                                    "target": "vi"})
    answer = server.get(f"/translate?{query}")
    assert answer.status == 200, answer.body
    assert "người có uy tín" in answer.json()["translatedText"].lower()
    # a query string over any sane limit: a JSON 4xx, never a 500 or a closed connection
    huge = server.get("/translate?" + urllib.parse.urlencode({"q": "word " * 4000,
                                                              "source": "en",
                                                              "target": "vi"}))
    assert huge.status in (400, 414), huge.body
    assert "limit" in json.loads(huge.body)["error"]


def test_openapi_describes_every_route_and_method(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path))
    spec = openapi("test")["paths"]
    served = {(route.path, method.lower()) for route in app.routes
              for method in getattr(route, "methods", None) or () if method != "HEAD"}
    described = {(path, method) for path, ops in spec.items() for method in ops}
    assert served == described
