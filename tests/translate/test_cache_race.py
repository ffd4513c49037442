"""Several processes creating one new cache at once (parallel CI jobs on first use)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from tests.conftest import patience
from translate.cache import TranslationCache, cached_segments


def _open(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        cache = TranslationCache(path)
        cache.put_many([(f"k{path}", "văn bản", 1, True, "text")], "sig")
        cache.close()
        queue.put("ok")
    except Exception as exc:                      # reported to the test, not swallowed
        queue.put(f"{type(exc).__name__}: {exc}")


def test_processes_creating_one_new_cache_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for round_ in range(8):
        path = str(tmp_path / f"c{round_}.sqlite")
        queue = context.Queue()
        workers = [context.Process(target=_open, args=(path, queue)) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(patience(120))
        results = [queue.get(timeout=patience(60)) for _ in workers]
        assert results == ["ok"] * 6, results
        assert cached_segments(Path(path)) == 1
