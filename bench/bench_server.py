"""``termtrans serve`` under load, on loopback: batched concurrent clients beside one
sequential client, in one run.

    python bench/bench_server.py [--model M] [--clients 32] [--requests 20]

Starts the server (seed glossary, no cache, so both phases decode everything),
measures the time from process start to the first answer and the server's peak
memory, then sends the same requests (1–3 seed-article sentences each, fixed
seed) three times: one after another from one client, from --clients concurrent
clients, and from as many clients through the DeepL route (/v2/translate, the same
worker). Prints requests/s, p50/p95 latency and errors of each and the ratios.

Then, with the server stopped, the decoder's own ceiling on the same sentences: the
CTranslate2 model's plain pass (annotated sources, the serving beam), one call per request
beside calls of the served batch size, with and without the model's vocabulary map. The
server cannot batch better than its decoder does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from translate.documents.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "seeds" / "articles").glob("*.txt"))


def requests_of(count: int, seed: int = 7) -> list[str]:
    sentences = [s for a in ARTICLES for line in a.read_text(encoding="utf-8").splitlines()
                 for s in split_sentences(line) if 4 <= len(s.split()) <= 40]
    rng = random.Random(seed)
    return [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(count)]


#: (path, body of one text, field of the answer) per protocol: the same worker behind both.
ROUTES = {"libretranslate": ("/translate", lambda t: {"q": t, "source": "en", "target": "vi"},
                             "translatedText"),
          "deepl": ("/v2/translate", lambda t: {"text": [t], "source_lang": "EN",
                                                "target_lang": "VI"}, "translations")}


def post(url: str, text: str, route: str = "libretranslate") -> tuple[float, bool]:
    path, make, field = ROUTES[route]
    body = json.dumps(make(text)).encode("utf-8")
    request = urllib.request.Request(url + path, data=body,
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            ok = response.status == 200 and field in json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        ok = False
    return time.perf_counter() - started, ok


def run_phase(url: str, texts: list[str], clients: int, route: str = "libretranslate"
              ) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    chunks = [texts[k::clients] for k in range(clients)]

    def client(mine: list[str]) -> None:
        nonlocal errors
        for text in mine:
            took, ok = post(url, text, route)
            with lock:
                latencies.append(took)
                errors += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(texts), "seconds": wall, "rps": len(texts) / wall,
            "p50": statistics.median(latencies),
            "p95": latencies[max(0, int(0.95 * len(latencies)) - 1)], "errors": errors}


def decoder_ceiling(texts: list[str], batch: int, beam: int = 4) -> None:
    """Plain-pass seconds per request vs per served batch, vmap on and off, interleaved."""
    import ctranslate2
    import sentencepiece

    from glossary.formats import load_glossary
    from glossary.matching import TermMatcher
    from translate.backends.ctranslate2_backend import CTranslate2Translator
    from translate.models import resolve_model
    from translate.pipeline import plan_targets

    resolved = resolve_model(None, check=False)
    translator = CTranslate2Translator(resolved.location, resolved.revision)
    translator.ensure_loaded()
    matcher = TermMatcher(load_glossary(ROOT / "seeds" / "glossary.tsv"))
    sp = sentencepiece.SentencePieceProcessor(
        model_file=str(Path(resolved.location) / "source.spm"))
    requests = [[[*sp.encode(translator.annotate(s, plan_targets(s, matcher)), out_type=str),
                  "</s>"] for s in split_sentences(text)] for text in texts]
    model = ctranslate2.Translator(str(translator.converted), compute_type="int8",
                                   inter_threads=os.cpu_count() or 1, intra_threads=1)

    def run(groups: list[list[list[str]]], vmap: bool) -> float:
        started = time.perf_counter()
        for group in groups:   # one call at a time; its chunks of 4 go to the workers
            futures = [f for k in range(0, len(group), 4) for f in model.translate_batch(
                group[k:k + 4], beam_size=beam, max_decoding_length=200, use_vmap=vmap,
                asynchronous=True)]
            for future in futures:
                future.result()
        return time.perf_counter() - started

    flat = [s for r in requests for s in r]
    batched = [flat[k:k + batch] for k in range(0, len(flat), batch)]
    print(f"decoder alone (plain pass, beam {beam}), per request vs batches of {batch}:")
    for vmap in (True, False):
        one, many = run(requests, vmap), run(batched, vmap)
        print(f"  vocabulary map {'on ' if vmap else 'off'}: {one:6.1f} s vs {many:6.1f} s "
              f"= {one / many:.2f}x")


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--parallel-batches", type=int, default=0,
                        help="the server's --parallel-batches (0: its default)")
    parser.add_argument("--no-ceiling", action="store_true",
                        help="skip the decoder-alone comparison")
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    texts = requests_of(args.clients * args.requests)
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "translate", "serve", "--port", str(port),
                   "-g", str(ROOT / "seeds" / "glossary.tsv"), "--no-cache",
                   "--data-dir", tmp, "--backend", args.backend,
                   "--threads", str(args.threads),
                   "--parallel-batches", str(args.parallel_batches)]
        if args.model:
            command += ["--model", args.model]
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        try:
            while True:
                if server.poll() is not None:
                    print(f"server exited with {server.returncode}", file=sys.stderr)
                    return 2
                _, ok = post(url, "The meeting ended.")
                if ok:
                    break
                time.sleep(0.2)
            startup = time.perf_counter() - started
            sequential = run_phase(url, texts, 1)
            sequential["health"] = json.loads(urllib.request.urlopen(url + "/health").read())
            concurrent = run_phase(url, texts, args.clients)
            deepl = run_phase(url, texts, args.clients, "deepl")
            memory = peak_memory_mib(server.pid)
            health = json.loads(urllib.request.urlopen(url + "/health").read())
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    print(f"model {health['model']}; start-up to first answer {startup:.1f} s; "
          f"server peak memory {memory:.0f} MiB")
    print(f"{'':12} {'requests':>8} {'seconds':>8} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} "
          f"{'errors':>6}")
    for name, phase in (("sequential", sequential), (f"{args.clients} clients", concurrent),
                        ("DeepL route", deepl)):
        print(f"{name:12} {phase['requests']:8d} {phase['seconds']:8.1f} {phase['rps']:7.2f} "
              f"{phase['p50']:7.3f} {phase['p95']:7.3f} {phase['errors']:6d}")
    before = sequential["health"]
    print(f"batched/sequential throughput: {concurrent['rps'] / sequential['rps']:.2f}x")
    print(f"DeepL/LibreTranslate route throughput ({args.clients} clients each): "
          f"{deepl['rps'] / concurrent['rps']:.2f}x")
    print(f"  parallel batches: {health['parallel_batches']}")
    for name, calls, sentences, busy, phase in (
            ("sequential", before["batches"], before["sentences"], before["busy_seconds"],
             sequential),
            (f"{args.clients} clients", health["batches"] - before["batches"],
             health["sentences"] - before["sentences"],
             health["busy_seconds"] - before["busy_seconds"], concurrent)):
        print(f"  {name}: {calls} translation calls for {sentences} sentences, worker busy "
              f"{busy:.1f} s of {phase['seconds']:.1f} s")
    if not args.no_ceiling and args.model is None:
        served = max(1, round((health["sentences"] - before["sentences"])
                              / max(1, health["batches"] - before["batches"])))
        decoder_ceiling(texts, served)
    return 0 if not (sequential["errors"] or concurrent["errors"] or deepl["errors"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
