"""API keys, rate limits, persistence across restarts, start-up errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import run_cli_process as run_cli
from tests.server.conftest import start_server


@pytest.mark.slow
def test_keys_rate_limit_and_glossaries_survive_a_restart(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    made = run_cli("api-key", keys, "--label", "newsroom")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key not in keys.read_text() and keys.read_text().startswith("sha256:")
    server = start_server(tmp_path, "--api-keys", keys, "--data-dir", tmp_path / "data",
                          "--req-limit", "20")
    try:
        assert server.post("/translate", {"q": "Hello."}).status == 403
        wrong = server.post("/translate", {"q": "Hello.", "api_key": "guess"})
        assert wrong.status == 403 and wrong.json() == {"error": "Invalid API key"}
        assert server.get("/frontend/settings").json()["keyRequired"] is True
        created = server.post("/glossaries", {"name": "v", "entries": "hamlet\tthôn\n",
                                              "api_key": key})
        assert created.status == 201
        gid = created.json()["glossary_id"]
        bearer = server.call("POST", "/translate", b'{"q": "The hamlet."}', {
            "Content-Type": "application/json", "Authorization": f"Bearer {key}"})
        assert bearer.status == 200
        # the same keys on the DeepL and OPUS-CAT doors, answered in their shapes
        deepl_body = b'{"text": ["The hamlet."], "target_lang": "VI"}'
        for auth, status in (({}, 403), ({"Authorization": "DeepL-Auth-Key guess"}, 403),
                             ({"Authorization": f"DeepL-Auth-Key {key}"}, 200)):
            answer = server.call("POST", "/v2/translate", deepl_body,
                                 {"Content-Type": "application/json", **auth})
            assert answer.status == status, answer.body
            assert status == 200 or answer.json() == {"message": "Invalid API key"}
        query = "input=The+hamlet.&srcLangCode=en&trgLangCode=vi&modelTag="
        assert server.get(f"/MTRestService/TranslateJson?tokenCode=guess&{query}"
                          ).status == 403
        assert server.get(f"/MTRestService/TranslateJson?tokenCode={key}&{query}"
                          ).status == 200
        answers = [server.post("/detect", {"q": "hello", "api_key": key}) for _ in range(40)]
        statuses = [a.status for a in answers]
        assert 429 in statuses and set(statuses) <= {200, 429}
        limited = next(a for a in answers if a.status == 429)
        headers = {k.lower(): v for k, v in limited.headers.items()}
        assert 1 <= int(headers["retry-after"]) <= 60      # 20 a minute: one every 3 s
        assert "retry in" in limited.json()["error"]
        started = time.perf_counter()
        assert server.get("/health").status == 200
        assert time.perf_counter() - started < 2
    finally:
        server.stop()
    again = start_server(tmp_path, "--api-keys", keys, "--data-dir", tmp_path / "data")
    try:
        listed = again.call("GET", f"/glossaries?api_key={key}").json()["glossaries"]
        assert [g["glossary_id"] for g in listed] == [gid]
    finally:
        again.stop()


@pytest.mark.parametrize(("content", "message"), [
    ("my-plain-key\n", "keys.txt:1: not a hashed key"),
    ("# nobody\n", "no API keys"),
])
def test_bad_key_files_stop_start_up_with_one_line(tmp_path: Path, content: str,
                                                   message: str) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text(content)
    result = run_cli("serve", "--api-keys", keys, "--model", "tiny-random")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_glossary_stops_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "g.tsv"
    bad.write_text("a\tb\na\tc\n")
    result = run_cli("serve", "-g", bad, "--model", "tiny-random")
    assert result.returncode == 2 and "conflicts" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_forged_forwarded_address_gets_no_bucket_of_its_own(tmp_path: Path) -> None:
    """An open server counts --req-limit per address; X-Forwarded-For is trusted only from
    --forwarded-allow-ips, so forging one address per request does not get around it."""
    server = start_server(tmp_path, "--data-dir", tmp_path / "data", "--req-limit", "10")
    try:
        statuses = [server.call("POST", "/detect", b'{"q": "hello"}', {
            "Content-Type": "application/json", "X-Forwarded-For": f"10.0.0.{n}"}).status
            for n in range(25)]
        assert 429 in statuses and set(statuses) <= {200, 429}
    finally:
        server.stop()
