"""A server's time goes to clients that are still waiting: a request past
``--request-timeout`` is a JSON 503, and the queued work of a client that disconnected is
never decoded."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_GLOSSARY, patience
from tests.server.conftest import Answer, start_server

LONG = ("On 5 March 2024 the 1,436 households of the 12 border communes received 9.6 billion "
        "VND under Resolution No. 06-NQ/TU and Decree No. 21/2019/ND-CP from the province.")


@pytest.mark.slow
def test_timeouts_answer_503_and_abandoned_work_is_never_decoded(tmp_path: Path) -> None:
    # one lane, kept busy by a request far longer than the budget (over 5 s of decoding
    # with the tiny model; its answer is a 503 after 2 s, its batch still runs to the end)
    server = start_server(tmp_path, "-g", SEED_GLOSSARY, "--data-dir", tmp_path / "data",
                          "--no-cache", "--parallel-batches", "1", "--batch-window", "0",
                          "--request-timeout", "2", "--char-limit", "1000000",
                          "--batch-limit", "2000", "--body-limit", "10000000")
    try:
        busy: dict[str, Any] = {}
        heavy = [f"{LONG[:-1]} (item {n})." for n in range(150)]   # one sentence each
        worker = threading.Thread(target=lambda: busy.update(
            answer=server.post("/translate", {"q": heavy})))
        worker.start()
        time.sleep(0.5)
        host, port = server.url.removeprefix("http://").split(":")
        for n in range(5):        # clients that give up while the lane is busy
            body = json.dumps({"q": f"An abandoned request number {n}."}).encode()
            with socket.create_connection((host, int(port))) as sock:
                sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: "
                             b"application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                time.sleep(0.1)
        worker.join(patience(300))
        answer: Answer = busy["answer"]
        assert answer.status == 503, answer.body[:300]
        assert "--request-timeout of 2 s" in answer.json()["error"]
        assert {k.lower(): v for k, v in answer.headers.items()}["retry-after"] == "30"
        _wait(lambda: server.get("/health").json()["sentences"] >= len(heavy))
        time.sleep(1)             # the queue drains: what is left of it is skipped
        health = server.get("/health").json()
        assert health["sentences"] == len(heavy), health     # not one abandoned sentence
        assert server.post("/translate", {"q": "The meeting ended."}).status == 200
    finally:
        server.stop()
    log = server.log.read_text(encoding="utf-8")
    assert log.count('"status": 499') == 5 and "Traceback" not in log


def _wait(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + patience(seconds)
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_short_request_is_answered_while_large_files_translate(tmp_path: Path) -> None:
    """Files go through the batching queue a chunk at a time: on one lane, a six-word
    request is answered while two large uploads are still being translated."""
    from tests.server.test_api import multipart

    server = start_server(tmp_path, "-g", SEED_GLOSSARY, "--data-dir", tmp_path / "data",
                          "--no-cache", "--parallel-batches", "1", "--body-limit", "10000000")
    try:
        article = "\n".join(f"{LONG[:-1]} (item {n})." for n in range(120)).encode()
        uploads: list[Answer] = []

        def upload(name: str) -> None:
            body, headers = multipart({}, {"file": (name, article)})
            uploads.append(server.call("POST", "/translate_file", body, headers))

        workers = [threading.Thread(target=upload, args=(f"big{n}.txt",)) for n in (1, 2)]
        for worker in workers:
            worker.start()
        _wait(lambda: server.get("/health").json()["sentences"] > 0)
        short = server.post("/translate", {"q": "Prestigious people met today."})
        still_running = [w.is_alive() for w in workers]
        assert short.status == 200, short.body
        assert all(still_running), "the short request waited for a whole file"
        for worker in workers:
            worker.join(patience(300))
        assert [u.status for u in uploads] == [200, 200], [u.body[:200] for u in uploads]
        lines = "\n".join(f"Village {n} met the Border Guard." for n in range(20_000))
        too_big = multipart({}, {"file": ("huge.txt", lines.encode())})
        refused = server.call("POST", "/translate_file", *too_big)
        assert refused.status == 413 and "--file-char-limit" in refused.json()["error"]
    finally:
        server.stop()
