"""``termtrans serve`` over real HTTP on 127.0.0.1: LibreTranslate's protocol, glossaries."""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.formats import load_glossary, save_glossary
from tests.conftest import SEED_GLOSSARY
from tests.server.conftest import Server, start_server
from translate.cache import cached_segments
from translate.pipeline import breaks_guarantee

TERM_SOURCE = "Prestigious people met under Resolution No. 06-NQ/TU."


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]
              ) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_libretranslatepy_client_translates_with_the_server_glossary(server: Server) -> None:
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(server.url)
    text = client.translate(TERM_SOURCE, "en", "vi")
    assert "người có uy tín" in text.lower() and "Nghị quyết số 06-NQ/TU" in text
    assert client.languages() == [{"code": "en", "name": "English", "targets": ["vi"]},
                                  {"code": "vi", "name": "Vietnamese", "targets": []}]
    assert client.detect("The border guards met the village elders.")[0]["language"] == "en"
    assert client.detect("Bộ đội Biên phòng đã gặp những người có uy tín.")[0][
        "language"] == "vi"


def test_list_q_answers_a_list_with_terms_and_issues(server: Server) -> None:
    answer = server.post("/translate", {"q": [TERM_SOURCE, "The meeting ended."],
                                        "source": "en", "target": "vi"})
    assert answer.status == 200, answer.body
    data = answer.json()
    assert isinstance(data["translatedText"], list) and len(data["translatedText"]) == 2
    terms = {t["source"]: t for t in data["terms"][0]}
    assert terms["Prestigious people"] == {"source": "Prestigious people",
                                           "target": "người có uy tín", "found": True}
    # the tiny random model stutters (reported); no term, code or number is broken
    assert [[i for i in issues if breaks_guarantee(i["kind"], i["source_term"])]
            for issues in data["issues"]] == [[], []]
    assert data["terms"][1] == []
    assert [q["label"] in ("good", "review", "bad") and 0 <= q["score"] <= 100
            for q in data["quality"]] == [True, True]


def test_auto_source_reports_the_detected_language(server: Server) -> None:
    data = server.post("/translate", {"q": "The meeting ended.", "source": "auto",
                                      "target": "vi"}).json()
    assert data["detectedLanguage"]["language"] == "en"


def test_html_format_keeps_markup(server: Server) -> None:
    html = ('<p>Prestigious people <b>met</b> today.</p><pre>keep me</pre>'
            '<p class="notranslate">Keep this</p>')
    data = server.post("/translate", {"q": html, "format": "html", "source": "en",
                                      "target": "vi"}).json()
    out = data["translatedText"]
    assert out.startswith("<p>") and "<b>" in out and "</b>" in out
    assert "<pre>keep me</pre>" in out and '<p class="notranslate">Keep this</p>' in out
    assert "người có uy tín" in out.lower()


def test_inline_glossary_and_switching_the_server_glossary_off(server: Server) -> None:
    inline = server.post("/translate", {"q": "The village elders met.",
                                        "glossary": "village elders\tgià làng\n"}).json()
    assert "già làng" in inline["translatedText"].lower()
    assert inline["terms"] == [{"source": "village elders", "target": "già làng",
                                "found": True}]
    off = server.post("/translate", {"q": TERM_SOURCE, "glossary": False}).json()
    assert all(t["source"] != "Prestigious people" for t in off["terms"])
    conflict = server.post("/translate", {"q": TERM_SOURCE,
                                          "glossary": "prestigious people\tngười nổi tiếng\n"})
    assert conflict.status == 400 and "conflicts" in conflict.json()["error"]
    error = conflict.json()["error"]     # no server-side path in the answer
    assert error.startswith("inline glossary:1: ") and "glossary.tsv:" in error
    assert "/" not in error.replace("n/a", ""), error


def test_stored_glossary_round_trip(server: Server) -> None:
    created = server.post("/glossaries", {"name": "villages",
                                          "entries": "village elders\tgià làng\n"
                                                     "hamlet\tthôn\n"})
    assert created.status == 201, created.body
    info = created.json()
    assert info["entry_count"] == 2 and info["name"] == "villages" and info["ready"]
    gid = info["glossary_id"]
    listed = server.get("/glossaries").json()["glossaries"]
    assert gid in [g["glossary_id"] for g in listed]
    assert server.get(f"/glossaries/{gid}").json()["entry_count"] == 2
    entries = server.get(f"/glossaries/{gid}/entries")
    assert entries.headers["content-type"].startswith("text/tab-separated-values")
    assert "village elders\tgià làng" in entries.body.decode("utf-8")
    used = server.post("/translate", {"q": "The village elders met.", "glossary_id": gid})
    assert "già làng" in used.json()["translatedText"].lower()
    assert server.call("DELETE", f"/glossaries/{gid}").status == 204
    assert server.get(f"/glossaries/{gid}").status == 404
    gone = server.post("/translate", {"q": "x", "glossary_id": gid})
    assert gone.status == 400 and "unknown glossary_id" in gone.json()["error"]


def test_tbx_upload_and_hostile_glossaries_are_refused(server: Server, tmp_path: Path) -> None:
    sample = tmp_path / "seed.tbx"
    save_glossary(load_glossary(SEED_GLOSSARY), sample)
    body, headers = multipart({"name": "tbx"}, {"file": (sample.name, sample.read_bytes())})
    stored = server.call("POST", "/glossaries", body, headers)
    assert stored.status == 201 and stored.json()["entry_count"] == load_glossary(
        SEED_GLOSSARY).source_count
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;">]><tbx>&lol2;</tbx>')
    body, headers = multipart({"name": "bomb"}, {"file": ("bomb.tbx", bomb)})
    refused = server.call("POST", "/glossaries", body, headers)
    assert refused.status == 400 and "bomb" in refused.json()["error"]
    for payload, words in (
        ({"name": "empty", "entries": ""}, "empty"),
        ({"name": "dup", "entries": "a\tb\na\tc\n"}, "conflicts"),
        ({"name": "", "entries": "a\tb\n"}, "name"),
        ({"name": "fmt", "entries": "a\tb\n", "entries_format": "xlsx"}, "valid: tsv, csv"),
    ):
        answer = server.post("/glossaries", payload)
        assert answer.status == 400 and words in answer.json()["error"], answer.body
    body, headers = multipart({"name": "latin1"}, {"file": ("x.tsv", b"caf\xe9\tc\xe0 ph\xea\n")})
    latin = server.call("POST", "/glossaries", body, headers)
    assert latin.status == 400 and "UTF-8" in latin.json()["error"]


def test_bad_requests_get_json_4xx(server: Server) -> None:
    cases = [
        (server.call("POST", "/translate", b"{not json", {"Content-Type": "application/json"}),
         400, "malformed JSON"),
        (server.call("POST", "/translate", b'{"q": "Hello \\ud800 there"}',
                     {"Content-Type": "application/json"}), 400, "escape) in q: not valid Unicode"),
        (server.call("POST", "/translate", b'{"q": ' + b"[" * 3000 + b"]" * 3000 + b"}",
                     {"Content-Type": "application/json"}), 400, "nested too deeply"),
        (server.call("POST", "/translate", b'{"q": "a", "n": ' + b"9" * 5000 + b"}",
                     {"Content-Type": "application/json"}), 400, "Exceeds the limit"),
        (server.post("/translate", {"q": ""}), 400, "missing q"),
        (server.post("/translate", {"q": ["a", 3]}), 400, "list of strings"),
        (server.post("/translate", {"q": "x" * 2001}), 400, "limit is 2000"),
        (server.post("/translate", {"q": ["a"] * 9}), 400, "batch limit is 8"),
        (server.post("/translate", {"q": "a", "target": "fr"}), 400, "translates en → vi"),
        (server.post("/translate", {"q": "a", "format": "pdf"}), 400, "unknown format"),
        (server.post("/translate", {"q": "a", "glossary_id": "nope"}), 400, "unknown"),
        (server.call("POST", "/translate", b"q=a", {"Content-Type": "text/csv"}), 400,
         "content type"),
        (server.call("POST", "/translate", b"x" * 300_000,
                     {"Content-Type": "application/json"}), 413, "limit"),
        (server.call("PUT", "/translate"), 405, "not allowed"),
        (server.get("/translate"), 400, "missing q"),      # GET is served (OmegaT sends it)
        (server.get("/nowhere"), 404, "no such endpoint"),
    ]
    for answer, status, words in cases:
        assert answer.status == status, (status, answer.body)
        assert words in answer.json()["error"], answer.body
    assert server.get("/health").status == 200


def test_translate_file_round_trip_and_bad_files(server: Server, tmp_path: Path) -> None:
    text = f"{TERM_SOURCE}\n\nThe meeting ended.\n".encode()
    body, headers = multipart({"source": "en", "target": "vi"},
                              {"file": ("../../article.txt", text)})
    answer = server.call("POST", "/translate_file", body, headers)
    assert answer.status == 200, answer.body
    data = answer.json()
    url = data["translatedFileUrl"]
    assert url.startswith(server.url + "/download_file/") and url.endswith("article.vi.txt")
    assert [i for i in data["issues"] if breaks_guarantee(i["kind"], i["source_term"])] == []
    assert sum(data["quality"].values()) == data["segments"]
    downloaded = server.get(url[len(server.url):])
    assert downloaded.status == 200
    assert "Nghị quyết số 06-NQ/TU" in downloaded.body.decode("utf-8")
    # a name with spaces and Vietnamese letters: the URL is percent-encoded and works
    body, headers = multipart({}, {"file": ("bài báo (số 1).txt", text)})
    named = server.call("POST", "/translate_file", body, headers).json()["translatedFileUrl"]
    assert " " not in named and named.endswith("b%C3%A0i%20b%C3%A1o%20%28s%E1%BB%91%201%29"
                                                 ".vi.txt"), named
    assert server.get(named[len(server.url):]).status == 200
    for name, payload, status, words in (
        ("a.exe", b"MZ", 400, "unsupported file type"),
        ("empty.txt", b"", 400, "empty"),
        ("big.txt", b"x" * 300_000, 413, "limit"),
        ("...", b"text", 400, "unsupported file type"),
    ):
        body, headers = multipart({}, {"file": (name, payload)})
        bad = server.call("POST", "/translate_file", body, headers)
        assert bad.status == status and words in bad.json()["error"], (name, bad.body)
    for probe in ("/download_file/..%2F..%2Fetc%2Fpasswd", "/download_file/abc.txt",
                  f"/download_file/{'0' * 32}.article.vi.txt"):
        assert server.get(probe).status == 404


def test_openapi_describes_every_route(server: Server) -> None:
    spec = server.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/translate", "/translate_file", "/download_file/{name}", "/detect",
                 "/languages", "/frontend/settings", "/glossaries", "/glossaries/{glossary_id}",
                 "/glossaries/{glossary_id}/entries", "/health"):
        assert path in spec["paths"], path
    settings = server.get("/frontend/settings").json()
    assert settings["charLimit"] == 2000 and ".po" in settings["supportedFilesFormat"]
    assert settings["keyRequired"] is False


def test_concurrent_requests_share_decoder_calls(server: Server) -> None:
    before = server.get("/health").json()
    answers: list[int] = []

    def one(n: int) -> None:
        answers.append(server.post("/translate", {"q": f"Border guard patrol number {n}."})
                       .status)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = server.get("/health").json()
    assert answers == [200] * 16
    assert after["sentences"] - before["sentences"] == 16
    assert after["batches"] - before["batches"] < 16


def test_client_disconnect_mid_request_leaves_the_server_up(server: Server) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    for partial in (b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 500\r\n\r\n{\"q\": \"The bo",
                    b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 40\r\n\r\n" + json.dumps({"q": "Border."}).encode()):
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(partial)
    assert server.get("/health").status == 200
    assert server.post("/translate", {"q": "The meeting ended."}).status == 200


def test_two_parallel_batches_answer_each_request_its_own(tmp_path: Path) -> None:
    """Two lanes decode batches at once over one CTranslate2 model, each with its own cache
    connection: every answer carries its own request's number and term, and the repeat is
    served from the cache both lanes wrote."""
    running = start_server(tmp_path, "-g", SEED_GLOSSARY, "--data-dir", tmp_path / "data",
                           "--backend", "ctranslate2", "--parallel-batches", "2",
                           "--batch-window", "20")
    try:
        assert running.get("/health").json()["parallel_batches"] == 2
        texts = [f"The Border Guard checked {n} villages." for n in range(100, 140)]
        answers: dict[int, Any] = {}

        def one(n: int) -> None:
            answers[n] = running.post("/translate", {"q": texts[n]}).json()

        rounds = []
        for _ in range(2):     # the second round is served from the cache
            threads = [threading.Thread(target=one, args=(n,)) for n in range(len(texts))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for n, answer in answers.items():
                assert str(100 + n) in answer["translatedText"], answer
                assert answer["issues"] == [] and all(t["found"] for t in answer["terms"])
            rounds.append(dict(answers))
            assert cached_segments(tmp_path / "cache.sqlite") == len(texts)
        assert rounds[0] == rounds[1]
        assert running.get("/health").json()["batches"] < 2 * len(texts)
    finally:
        running.stop()
    assert "Traceback" not in running.log.read_text(encoding="utf-8")


def test_a_long_sentence_keeps_every_term(server: Server) -> None:
    # the same segmentation as files: a sentence longer than the model's input is cut below
    # it, never inside a glossary term, so every term is still enforced
    long_line = "prestigious people met " * 80 + "today."
    answer = server.post("/translate", {"q": ["Hello.", "First line.\n" + long_line],
                                        "source": "en", "target": "vi"})
    assert answer.status == 200, answer.body
    terms = answer.json()["terms"][1]
    assert len(terms) == 80 and all(t["found"] for t in terms)
    assert answer.json()["translatedText"][1].lower().count("người có uy tín") == 80


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@settings(max_examples=int(os.environ.get("TERMTRANS_FUZZ_EXAMPLES", "60")), deadline=None,
          derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["q", "source", "target", "format", "glossary",
                                             "glossary_id", "text", "target_lang",
                                             "source_lang", "tag_handling", "ignore_tags",
                                             "api_key"]), _JSON, max_size=5),
       path=st.sampled_from(["/translate", "/v2/translate", "/detect", "/glossaries",
                             "/v2/glossaries"]))
def test_any_json_body_gets_an_answer_never_a_500(server: Server, body: dict[str, Any],
                                                  path: str) -> None:
    answer = server.post(path, body)
    assert answer.status < 500, (path, body, answer.body)
    assert isinstance(answer.json(), dict | list)


def test_a_family_model_serves_with_the_glossary(tmp_path: Path,
                                                 tiny_family_models: dict[str, Path]) -> None:
    running = start_server(tmp_path, "--model", tiny_family_models["nllb"], "--backend",
                           "ctranslate2", "-g", SEED_GLOSSARY)
    try:
        answer = running.post("/translate", {"q": ["Prestigious people met.", "Hello."],
                                             "source": "en", "target": "vi"})
        assert answer.status == 200, answer.body
        first, _ = answer.json()["translatedText"]
        assert "người có uy tín" in first.lower()
        # the licence is said where operators look: the health answer and the start-up log
        notice = running.get("/health").json()["model_notice"]
        assert "CC-BY-NC-4.0: non-commercial use only" in notice
        assert '"event": "model_notice"' in running.log.read_text(encoding="utf-8")
    finally:
        running.stop()
