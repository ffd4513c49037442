from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEED_GLOSSARY, patience

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path

    def call(self, method: str, path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=patience(60)) as response:
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read(), dict(exc.headers))

    def post(self, path: str, payload: dict[str, Any]) -> Answer:
        return self.call("POST", path, json.dumps(payload).encode("utf-8"),
                         {"Content-Type": "application/json"})

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def stop(self) -> int:
        """SIGTERM, as service managers stop it: uvicorn shuts down gracefully, then exits
        with the signal's status (-15), as it re-raises the signal it caught."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(tmp: Path, *args: str | Path) -> Server:
    """``termtrans serve`` in a subprocess on a free loopback port, ready to answer."""
    port = free_port()
    log = tmp / f"server-{port}.log"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "translate", "serve", "--port", str(port), "--model",
         "tiny-random", "--backend", "transformers", "--threads", "1",
         "--cache", str(tmp / "cache.sqlite"), *map(str, args)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.time() + patience(90)
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}: {log.read_text()}")
        try:
            if server.get("/health").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"server did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An open server with the seed glossary, as the README starts it."""
    tmp = tmp_path_factory.mktemp("serve")
    running = start_server(tmp, "-g", SEED_GLOSSARY, "--data-dir", tmp / "data",
                           "--char-limit", "2000", "--batch-limit", "8",
                           "--body-limit", "200000")
    yield running
    running.stop()
    log = running.log.read_text(encoding="utf-8")
    assert "Application shutdown complete" in log and "Traceback" not in log
