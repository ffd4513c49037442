"""A short request's latency while large files are being translated, on one server.

    python bench/bench_fairness.py [--kb 150] [--uploads 2] [--requests 5]

Starts ``termtrans serve`` (seed glossary, default model, no cache), sends --uploads
files of --kb kilobytes each (seed-article sentences, numbered so that none repeats) to
/translate_file at once, waits until the model is busy with them, then sends --requests
six-word requests one after another and prints each one's latency beside the same
request on the idle server (measured first). Uploaded files go through the batching queue
a chunk at a time, so a short request waits behind at most one chunk per lane: the
hardening issue's budget is 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHORT = "Prestigious people met on Monday."


def _post_json(url: str, payload: dict[str, object]) -> float:
    request = urllib.request.Request(url + "/translate", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()
    return time.perf_counter() - started


def _upload(url: str, name: str, data: bytes, answers: list[str]) -> None:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "/translate_file", data=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            answers.append(f"{name}: {response.status}")
    except urllib.error.HTTPError as exc:
        answers.append(f"{name}: {exc.code} {exc.read()[:200]!r}")
    except OSError:
        pass                  # the server is stopped before the files are done


def _article(kb: int, tag: str) -> bytes:
    lines = [line for path in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out, n = [], 0
    while sum(map(len, out)) < kb * 1024:
        out.append(f"{lines[n % len(lines)]} ({tag} {n})")
        n += 1
    return "\n".join(out).encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=150)
    parser.add_argument("--uploads", type=int, default=2)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, "-m", "translate", "serve", "--port", str(port), "-g",
             str(ROOT / "seeds" / "glossary.tsv"), "--no-cache", "--data-dir", tmp],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        try:
            while True:
                try:
                    idle = [_post_json(url, {"q": f"{SHORT} ({k})"}) for k in range(3)]
                    break
                except OSError:
                    time.sleep(0.3)
            answers: list[str] = []
            threads = [threading.Thread(target=_upload, args=(
                url, f"big{k}.txt", _article(args.kb, f"u{k}"), answers), daemon=True)
                for k in range(args.uploads)]
            for thread in threads:
                thread.start()
            while json.loads(urllib.request.urlopen(url + "/health").read())["sentences"] < 20:
                time.sleep(0.2)
            busy = [_post_json(url, {"q": f"{SHORT} [{k}]"}) for k in range(args.requests)]
            running = sum(t.is_alive() for t in threads)
        finally:
            server.send_signal(signal.SIGKILL)
            server.wait(60)
    print(f"short request on the idle server: {min(idle):.2f} s (best of 3)")
    print(f"while {args.uploads} uploads of {args.kb} KB translate ({running} still running "
          f"at the end): " + ", ".join(f"{t:.2f}" for t in busy) + f" s; worst {max(busy):.2f} s "
          f"(budget 2 s), {max(busy) / min(idle):.1f}x the idle latency")
    if answers:
        print("uploads answered before the end: " + "; ".join(answers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
