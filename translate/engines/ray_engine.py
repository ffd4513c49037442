"""``--engine ray``: translate and check on a Ray cluster, with the single-machine output.

Translating: the driver (the ``termtrans`` process) reads the documents and its
pipeline cuts the distinct sentences into exactly the decoder batches a local run
would cut (:meth:`TranslationPipeline.translate_groups`: per file, all files at
once); CTranslate2 int8 output can depend on a sentence's batch neighbours, and its
own chunking no longer depends on the thread count, so the same batches give the
same bytes. :class:`RayExecutor` is only the pipeline's decoder: the batches become
a Ray Dataset mapped by an actor pool (``map_batches`` with a callable class), each
actor loads the model once and decodes its batches with a pipeline of its own —
constraints, repair, verification, the guarded retry, the quality estimate. Ray
restarts an actor that dies and retries its batch. Memory, blank and repeated
segments and the counters stay with the driver's pipeline, whose batch store here
is :class:`ManifestStore`: every finished batch is a *manifest* beside the output
(``.termtrans-ray/`` in the output folder, one JSON file per batch, written
atomically), and the documents are written, atomically, once all their sentences
are in: a job re-run after an interruption decodes only the missing batches. The
SQLite translation cache is per machine, so the cluster keeps its progress where
the output goes, which every node of a job can agree on through the driver.

Checking: chunks of segments are analysed and checked on Ray tasks; the checks
that compare segments with each other run on the driver over all analyses.

Ray is the ``ray`` extra and is imported only here, when ``--engine ray`` is used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from glossary.checks.analysis import SegmentAnalysis
from glossary.checks.base import Check, Issue, Segment
from glossary.checks.parallel import CHUNK_SEGMENTS, check_chunk, segment_check_names
from glossary.errors import ClusterError, ConfigError, ToolkitError
from glossary.matching import TermMatcher
from glossary.model import Glossary
from glossary.textio import atomic_write
from translate.build import EngineConfig, build_pipeline, load_model
from translate.deps import require
from translate.models import ResolvedModel
from translate.pipeline import BatchResult, Hypothesis, TranslationPipeline

RAY_HINT = "pip install 'termtrans[ray]'"
#: Seconds to wait for a cluster's address to answer before saying there is none.
CONNECT_TIMEOUT = 3.0
#: Seconds every node has to answer the model probe (a node that is listed alive but
#: cannot run a task would otherwise hang the job before it starts).
PROBE_TIMEOUT = 120.0
MANIFEST_DIR = ".termtrans-ray"


@dataclass(frozen=True)
class WorkerConfig:
    """What every actor needs to build the pipeline the driver built: the same
    configuration, the model the driver resolved (no second resolution on the node),
    the glossary."""

    engine: EngineConfig
    model: ResolvedModel
    glossary: Glossary
    #: the translation memory (``--tm``): the driver's pipeline applies it in batch mode,
    #: the actors in file mode
    memory: tuple[tuple[str, str], ...] = ()


def connect(address: str | None) -> Any:
    """Import Ray and join the cluster at *address* (None: start one on this machine).

    An address nobody answers on is reported within :data:`CONNECT_TIMEOUT` seconds
    (``ray.init`` alone would wait much longer)."""
    # the job's own lines on stderr, not Ray Data's progress chatter (unless asked for)
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
    ray = require("ray", "--engine ray", RAY_HINT)
    if address:
        _reachable(address)
    if not ray.is_initialized():
        try:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                     configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ClusterError(f"cannot join the Ray cluster at {address or 'this machine'}: "
                               f"{first_line(exc)}") from None
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    return ray


def _reachable(address: str) -> None:
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--ray-address {address!r}: expected HOST:PORT (the head's GCS "
                          "port, as `ray start --head` prints it)")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise ClusterError(f"no Ray cluster at {address}: {exc.strerror or exc} "
                           "(start one with `ray start --head`, or check --ray-address)"
                           ) from None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1 if text.startswith("ray::") else 0] if text else type(exc).__name__


def _probe_model(location: str) -> str | None:
    """On a node: None if the model directory is complete there, else why not."""
    from translate.models.files import model_files

    try:
        model_files(Path(location))
    except ToolkitError as exc:
        return f"{exc} (on node {socket.gethostname()})"
    return None


def check_model_on_nodes(ray: Any, location: str) -> None:
    """Fail before the job starts when a node lacks the model, naming the missing file."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    probe = ray.remote(num_cpus=0)(_probe_model)
    refs = [probe.options(scheduling_strategy=NodeAffinitySchedulingStrategy(
        node["NodeID"], soft=False)).remote(location)
        for node in ray.nodes() if node.get("Alive")]
    try:
        answers = ray.get(refs, timeout=PROBE_TIMEOUT)
    except ray.exceptions.GetTimeoutError:
        raise ClusterError(f"a node did not answer the model probe within {PROBE_TIMEOUT:g} s "
                           "(is every node of the cluster running?)") from None
    problems = [p for p in answers if p]
    if problems:
        raise ClusterError(f"model not usable on the cluster: {problems[0]}; copy the model "
                           "to the same path on every node (or use shared storage)")


class TranslateActor:
    """One model per actor; ``__call__`` decodes Ray Data rows of decoder batches."""

    def __init__(self, config: WorkerConfig) -> None:
        self.pipeline = build_pipeline(config.engine, config.glossary,
                                       model=load_model(config.engine, config.model))

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        keys, results = [], []
        for key, payload in zip(rows["key"], rows["batch"], strict=True):
            result = self.pipeline.decode_batch(json.loads(payload))
            # the quality estimate is forced decoding: the actor's work, not the driver's
            result = replace(result, hypotheses=tuple(self.pipeline.assess(result.hypotheses)))
            keys.append(str(key))
            results.append(json.dumps(result.to_dict(), ensure_ascii=False))
        return {"key": keys, "result": results}


class RayExecutor:
    """Decodes a run's batches on a Ray actor pool: the pipeline's :class:`BatchDecoder`
    for ``--engine ray`` (the pipeline keeps every other decision)."""

    name = "ray"

    def __init__(self, config: WorkerConfig, *, address: str | None, actors: int) -> None:
        self.config = config
        self.address = address
        self.actors = actors
        #: Batches decoded on the cluster in this run.
        self.decoded = 0

    def translate_files(self, todos: list[list[str]], pipeline: TranslationPipeline,
                        tick: Callable[[int], None]) -> Iterator[list[Hypothesis]]:
        """Every file's hypotheses, all files decoded together on the cluster."""
        yield from pipeline.translate_groups(todos, tick, decoder=self)

    def decode_batches(self, pipeline: TranslationPipeline, batches: list[list[str]]
                       ) -> Iterator[tuple[int, BatchResult]]:
        items = [{"key": str(n), "batch": json.dumps(b, ensure_ascii=False)}
                 for n, b in enumerate(batches)]
        for row in actor_rows(self.config, self.address, self.actors, items, TranslateActor,
                              (self.config,), 1):
            self.decoded += 1
            yield int(row["key"]), BatchResult.from_dict(json.loads(row["result"]))


def actor_rows(config: WorkerConfig, address: str | None, actors: int,
               items: list[dict[str, str]], actor: type, arguments: tuple[Any, ...],
               batch_size: int) -> Iterator[dict[str, Any]]:
    """*items* mapped *batch_size* at a time by a pool of *actor* (built with *arguments*,
    one model each) on the cluster, as its rows come back; ``--actors`` 0 means one per
    ``--threads`` CPUs. Ray Data restarts a dead actor and retries its batch (its defaults:
    no limit); a job that fails anyway is a :class:`ClusterError`."""
    ray = connect(address)
    check_model_on_nodes(ray, config.model.location)
    per_actor = max(1, config.engine.threads)
    pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1)) // per_actor)
    blocks = -(-len(items) // batch_size)
    dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        actor, fn_constructor_args=arguments, batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=min(pool, blocks)), num_cpus=per_actor)
    try:
        yield from dataset.iter_rows()
    except ToolkitError:
        raise
    except (ray.exceptions.RayError, RuntimeError) as exc:
        raise ClusterError(f"the Ray job failed: {first_line(exc)}") from None


class ManifestStore:
    """The pipeline's :class:`BatchStore` for cluster jobs: one JSON manifest per decoded
    batch beside the output, so a re-run decodes only the batches not yet saved."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, signature: str, batch: Sequence[str]) -> Path:
        return self.folder / f"{_key(signature, batch)}.json"

    def get(self, signature: str, batch: list[str]) -> BatchResult | None:
        """A batch's saved result, if a manifest holds it for this very run setup."""
        try:
            data = json.loads(self._path(signature, batch).read_text(encoding="utf-8"))
            if data["signature"] != signature or data["sentences"] != batch:
                return None
            result = BatchResult.from_dict(data["result"])
            if [h.source for h in result.hypotheses] != batch:
                return None
            return result
        except (OSError, ValueError, KeyError, TypeError):
            return None      # absent or damaged: decoded again

    def put(self, signature: str, batch: list[str], result: BatchResult) -> None:
        with atomic_write(self._path(signature, batch)) as handle:
            json.dump({"signature": signature, "sentences": batch,
                       "result": result.to_dict()}, handle, ensure_ascii=False)

    def count(self) -> int:
        """Manifests saved so far (what an interrupted job keeps)."""
        return len(list(self.folder.glob("*.json")))


def _key(signature: str, batch: Sequence[str]) -> str:
    digest = hashlib.sha256(signature.encode("utf-8"))
    for sentence in batch:
        digest.update(b"\0" + sentence.encode("utf-8"))
    return digest.hexdigest()[:32]


def _check_task(glossary: Glossary, segments: list[Segment], names: tuple[str, ...]
                ) -> tuple[list[SegmentAnalysis], list[Issue]]:
    return check_chunk(TermMatcher(glossary), segments, names)


def ray_check_runner(address: str | None) -> Callable[
        [list[Segment], Glossary, list[Check]], tuple[list[SegmentAnalysis], list[Issue]]]:
    """A ``check_segments`` runner that analyses and checks chunks on Ray tasks."""

    def run(segments: list[Segment], glossary: Glossary, checks: list[Check]
            ) -> tuple[list[SegmentAnalysis], list[Issue]]:
        ray = connect(address)
        task = ray.remote(num_cpus=1, max_retries=3)(_check_task)
        shared = ray.put(glossary)
        names = segment_check_names(checks)
        refs = [task.remote(shared, segments[i:i + CHUNK_SEGMENTS], names)
                for i in range(0, len(segments), CHUNK_SEGMENTS)]
        analyses: list[SegmentAnalysis] = []
        issues: list[Issue] = []
        try:
            for part_analyses, part_issues in ray.get(refs):
                analyses.extend(part_analyses)
                issues.extend(part_issues)
        except ray.exceptions.RayError as exc:
            raise ClusterError(f"the Ray check failed: {first_line(exc)}") from None
        return analyses, issues

    return run
