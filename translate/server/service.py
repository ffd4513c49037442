"""One model per process, shared by every request: concurrent requests are batched.

Requests arrive on the event loop; the model runs on one worker thread (one model
instance, no lock contention, and SQLite's connection stays on the thread that
opened it). A collector task takes the first waiting request, keeps collecting
for a short window (or until a batch is full), and hands all of them to the
worker as *one* pipeline call per glossary: 32 clients with a sentence each
cost one decoder call, not 32. While the worker is busy new requests queue up
and form the next batch, so under load the window barely matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from glossary.model import Glossary
from translate.pipeline import Hypothesis, Options, TranslationPipeline
from translate.server.settings import ServerSettings

T = TypeVar("T")
#: Pipelines kept for the most recent distinct glossaries (a pipeline is a matcher and
#: a reference to the shared model, so each is small).
PIPELINES_KEPT = 32


@dataclass
class _Pending:
    sentences: list[str]
    glossary: Glossary
    future: asyncio.Future[list[Hypothesis]]


class TranslationService:
    """The loaded model, the shared cache and the batcher in front of them."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="termtrans-model")
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._collector: asyncio.Task[None] | None = None
        self._pipelines: OrderedDict[str, TranslationPipeline] = OrderedDict()
        self.model_id = ""
        self.model_notice: str | None = None
        self.translator: Any = None
        self.cache: Any = None
        #: Decoder calls and sentences, for /health and the benchmark.
        self.batches = 0
        self.sentences = 0
        #: Seconds the worker spent translating (decoding, verifying): with the wall time of
        #: a load test it tells decoding from request handling.
        self.busy_seconds = 0.0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        """Load the model on the worker thread, then start collecting requests."""
        await self.run(self._load)
        self._collector = asyncio.create_task(self._collect(), name="termtrans-batcher")

    def _load(self) -> None:
        from translate.backends import make_translator
        from translate.cache import TranslationCache
        from translate.models import resolve_model
        from translate.settings import cache_path

        resolved = resolve_model(self.settings.model, check=self.settings.verify_model)
        self.model_id, self.model_notice = resolved.model_id, resolved.notice
        self.translator = make_translator(self.settings.backend, resolved.location,
                                          resolved.revision, self.settings.threads)
        self.translator.ensure_loaded()
        if not self.settings.no_cache:
            self.cache = TranslationCache(self.settings.cache or cache_path())

    async def stop(self) -> None:
        """Finish what is queued, then release the model and the cache."""
        while not self._queue.empty():
            await asyncio.sleep(0.01)
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        if self.cache is not None:
            await self.run(self.cache.close)
        self._worker.shutdown(wait=True)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run *fn* on the model's thread (file translation, glossary-bound work)."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    # -- translation -----------------------------------------------------------------
    async def translate(self, sentences: list[str], glossary: Glossary) -> list[Hypothesis]:
        """Translate sentences under *glossary*, batched with other waiting requests."""
        if not sentences:
            return []
        future: asyncio.Future[list[Hypothesis]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(sentences, glossary, future))
        return await future

    def pipeline(self, glossary: Glossary) -> TranslationPipeline:
        """The pipeline for *glossary* (worker thread only): the model and cache are shared."""
        key = glossary.sha256
        found = self._pipelines.get(key)
        if found is None:
            found = TranslationPipeline(
                self.translator, glossary, model_id=self.model_id,
                options=Options(self.settings.beam, True, self.settings.max_batch),
                cache=self.cache)
            self._pipelines[key] = found
            while len(self._pipelines) > PIPELINES_KEPT:
                self._pipelines.popitem(last=False)
        self._pipelines.move_to_end(key)
        return found

    async def _collect(self) -> None:
        while True:
            batch = await self._gather()
            groups: dict[str, list[_Pending]] = {}
            for item in batch:
                groups.setdefault(item.glossary.sha256, []).append(item)
            for items in groups.values():
                await self._decode(items)

    async def _gather(self) -> list[_Pending]:
        """The first waiting request and whatever joins it within the window."""
        loop = asyncio.get_running_loop()
        batch = [await self._queue.get()]
        size = len(batch[0].sentences)
        deadline = loop.time() + self.settings.batch_window_ms / 1000
        while size < self.settings.max_batch:
            if not self._queue.empty():
                item = self._queue.get_nowait()
            else:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    item = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    break
            batch.append(item)
            size += len(item.sentences)
        return batch

    async def _decode(self, items: list[_Pending]) -> None:
        sentences = [s for item in items for s in item.sentences]
        try:
            results = await self.run(self._translate_now, items[0].glossary, sentences)
        except Exception as exc:   # delivered to each waiting request as its own failure
            for item in items:
                if not item.future.done():
                    item.future.set_exception(exc)
            return
        start = 0
        for item in items:
            end = start + len(item.sentences)
            if not item.future.done():   # a client that went away has nobody to answer
                item.future.set_result(results[start:end])
            start = end

    def _translate_now(self, glossary: Glossary, sentences: list[str]) -> list[Hypothesis]:
        started = time.perf_counter()
        results = self.pipeline(glossary).translate(sentences)
        self.busy_seconds += time.perf_counter() - started
        self.batches += 1
        self.sentences += len(sentences)
        return results
