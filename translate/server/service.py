"""One model per process, shared by every request: concurrent requests are batched.

Requests arrive on the event loop; the model runs on worker threads ("lanes"),
each with its own SQLite connection to the shared cache and its own pipelines
(SQLite connections stay on the thread that opened them). A collector task
takes the first waiting request, waits for a free lane, drains what queued
meanwhile and keeps collecting for a short window (or until a batch is full),
then hands the batch to that lane as *one* pipeline call per glossary: 32
clients with a sentence each cost one decoder call, not 32.

Two lanes decode two batches at once over the one CTranslate2 model (its calls
are thread-safe and its worker threads take the chunks of both): a batch spends
part of its time in Python between decoder calls (verification, splicing terms
in), and on two cores the other lane's chunks fill that gap — 1.2x the batched
throughput of one lane on the load benchmark's sentences, measured side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from glossary.errors import ToolkitError
from glossary.model import Glossary
from translate.build import LoadedModel, build_pipeline
from translate.pipeline import Hypothesis, TranslationPipeline
from translate.server.settings import ServerSettings

#: Pipelines kept for the most recent distinct glossaries (a pipeline is a matcher and
#: a reference to the shared model, so each is small).
PIPELINES_KEPT = 32


@dataclass
class _Pending:
    sentences: list[str]
    glossary: Glossary
    future: asyncio.Future[list[Hypothesis]]


class _Lane:
    """One decoding thread and what must stay on it: a cache connection, pipelines."""

    def __init__(self, index: int, local: threading.local) -> None:
        # The thread knows its lane, so pipeline() finds this lane's cache connection.
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=f"termtrans-model-{index}",
                                           initializer=setattr, initargs=(local, "lane", self))
        self.cache: Any = None
        self.pipelines: OrderedDict[str, TranslationPipeline] = OrderedDict()


#: Sentences a file sends to the batcher at a time: a text request waits behind at most
#: one such chunk per lane, however large the files being translated.
FILE_CHUNK = 8


class FileTooLarge(ToolkitError):
    """A file with more characters to translate than ``--file-char-limit``."""


class QueuedExecutor:
    """The server's executor for whole documents: a file's distinct sentences go through
    the same batching queue as text requests, :data:`FILE_CHUNK` at a time, so two large
    uploads cannot hold every lane while a six-word request waits. Runs on a worker
    thread (the document is read, planned and written there); :meth:`cancel` stops it
    before its next chunk (the request's client left, or its time ran out)."""

    name = "server"

    def __init__(self, service: TranslationService, glossary: Glossary,
                 loop: asyncio.AbstractEventLoop, char_limit: int) -> None:
        self.service = service
        self.glossary = glossary
        self.loop = loop
        self.char_limit = char_limit
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def translate_files(self, todos: list[list[str]], pipeline: TranslationPipeline,
                        tick: Callable[[int], None]) -> Iterator[list[Hypothesis]]:
        chars = sum(len(s) for todo in todos for s in todo)
        if chars > self.char_limit:
            raise FileTooLarge(f"the file has {chars:,} characters to translate; this "
                               f"server's limit is {self.char_limit:,} (--file-char-limit)")
        for todo in todos:
            hyps: list[Hypothesis] = []
            for start in range(0, len(todo), FILE_CHUNK):
                if self.cancelled.is_set():
                    raise asyncio.CancelledError
                chunk = todo[start:start + FILE_CHUNK]
                hyps += asyncio.run_coroutine_threadsafe(
                    self.service.translate(chunk, self.glossary), self.loop).result()
                tick(len(chunk))
            yield hyps


class TranslationService:
    """The loaded model, the shared cache and the batcher in front of them."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.config = settings.engine_config()
        self.model: LoadedModel | None = None
        self._lanes: list[_Lane] = []
        self._free: asyncio.Queue[_Lane] = asyncio.Queue()
        self._local = threading.local()      # .lane: the lane this thread belongs to
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._collector: asyncio.Task[None] | None = None
        self._decoding: set[asyncio.Task[None]] = set()
        self._counts = threading.Lock()
        self.model_id = ""
        self.model_notice: str | None = None
        self.translator: Any = None
        #: Decoder calls and sentences, for /health and the benchmark.
        self.batches = 0
        self.sentences = 0
        #: Source characters asked for (DeepL's /v2/usage counts them).
        self.characters = 0
        #: Seconds the lanes spent translating (decoding, verifying), summed over lanes: with
        #: the wall time of a load test it tells decoding from request handling.
        self.busy_seconds = 0.0

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        """Load the model, open each lane's cache connection, then start collecting."""
        loop = asyncio.get_running_loop()
        first = self._new_lane(0)
        await loop.run_in_executor(first.executor, self._load)
        automatic = 2 if self.translator.name.startswith("ctranslate2") else 1
        lanes = self.settings.parallel_batches or automatic
        for lane in [first, *(self._new_lane(i) for i in range(1, lanes))]:
            await loop.run_in_executor(lane.executor, self._open_cache, lane)
            self._free.put_nowait(lane)
        self._collector = asyncio.create_task(self._collect(), name="termtrans-batcher")

    def _new_lane(self, index: int) -> _Lane:
        lane = _Lane(index, self._local)
        self._lanes.append(lane)
        return lane

    def _load(self) -> None:
        from translate.build import load_model

        self.model = load_model(self.config)
        self.model_id, self.model_notice = self.model.resolved.model_id, self.model.resolved.notice
        self.translator = self.model.translator
        self.translator.ensure_loaded()

    def _open_cache(self, lane: _Lane) -> None:
        from translate.cache import TranslationCache
        from translate.settings import cache_path

        if not self.settings.no_cache:
            lane.cache = TranslationCache(self.settings.cache or cache_path())

    @property
    def lanes(self) -> int:
        """Batches decoded at once."""
        return len(self._lanes)

    async def stop(self) -> None:
        """Finish what is queued and being decoded, then release the model and the caches."""
        while not self._queue.empty():
            await asyncio.sleep(0.01)
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        if self._decoding:
            await asyncio.gather(*self._decoding, return_exceptions=True)
        loop = asyncio.get_running_loop()
        for lane in self._lanes:
            if lane.cache is not None:
                await loop.run_in_executor(lane.executor, lane.cache.close)
            lane.executor.shutdown(wait=True)

    def file_executor(self, glossary: Glossary, char_limit: int) -> QueuedExecutor:
        """How a file's sentences reach the model: through the batching queue, a chunk at
        a time (see :class:`QueuedExecutor`)."""
        return QueuedExecutor(self, glossary, asyncio.get_running_loop(), char_limit)

    def segmenting_pipeline(self, glossary: Glossary) -> TranslationPipeline:
        """A pipeline over the shared model for planning a document's segments (its own
        decoding goes through the queue, so it needs no cache)."""
        assert self.model is not None
        return build_pipeline(self.config, glossary, model=self.model)

    # -- translation -----------------------------------------------------------------
    async def translate(self, sentences: list[str], glossary: Glossary) -> list[Hypothesis]:
        """Translate sentences under *glossary*, batched with other waiting requests."""
        if not sentences:
            return []
        self.characters += sum(map(len, sentences))
        future: asyncio.Future[list[Hypothesis]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(sentences, glossary, future))
        return await future

    def pipeline(self, glossary: Glossary) -> TranslationPipeline:
        """The pipeline for *glossary* on this lane (lane threads only): the model is shared,
        the cache connection is the lane's."""
        lane: _Lane = self._local.lane
        key = glossary.sha256
        found = lane.pipelines.get(key)
        if found is None:
            found = build_pipeline(self.config, glossary, model=self.model, cache=lane.cache)
            lane.pipelines[key] = found
            while len(lane.pipelines) > PIPELINES_KEPT:
                lane.pipelines.popitem(last=False)
        lane.pipelines.move_to_end(key)
        return found

    async def _collect(self) -> None:
        while True:
            first = await self._queue.get()
            lane = await self._free.get()     # requests queue up meanwhile: a fuller batch
            batch = await self._gather(first)
            task = asyncio.create_task(self._decode_batch(lane, batch))
            self._decoding.add(task)
            task.add_done_callback(self._decoding.discard)

    async def _gather(self, first: _Pending) -> list[_Pending]:
        """*first* and whatever waits or joins it within the window."""
        loop = asyncio.get_running_loop()
        batch = [first]
        size = len(first.sentences)
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
            if not item.future.done():      # cancelled while queued: not decoded
                batch.append(item)
                size += len(item.sentences)
        return batch

    async def _decode_batch(self, lane: _Lane, batch: list[_Pending]) -> None:
        try:
            groups: dict[str, list[_Pending]] = {}
            for item in batch:
                groups.setdefault(item.glossary.sha256, []).append(item)
            for items in groups.values():
                await self._decode(lane, items)
        finally:
            self._free.put_nowait(lane)

    async def _decode(self, lane: _Lane, items: list[_Pending]) -> None:
        # a client that left (or ran out of --request-timeout) has nobody to answer
        items = [item for item in items if not item.future.done()]
        if not items:
            return
        sentences = [s for item in items for s in item.sentences]
        try:
            results = await asyncio.get_running_loop().run_in_executor(
                lane.executor, self._translate_now, items[0].glossary, sentences)
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
        with self._counts:
            self.busy_seconds += time.perf_counter() - started
            self.batches += 1
            self.sentences += len(sentences)
        return results
