"""``--engine ray --distribute files``: whole files on the actors; the driver hands them out.

In the default mode (``batches``, :mod:`translate.engines.ray_engine`) the driver reads,
segments, batches and writes every document, so the cluster's output is byte for byte a
local run's; that single process is also where the cluster path stops scaling
(``bench/bench_ray.py``: about ten nodes for an archive of a million articles). Here each
actor reads, segments, translates and writes whole files itself, with a pipeline of its own
(translation memory, sentences repeated within its files, constraints, verification, the
quality estimate), and saves each finished file's report as a manifest in
``.termtrans-ray/files/``. The driver lists the files, skips those whose manifest matches
(so an interrupted job resumes file by file), hands out the rest a few at a time, and
collects the reports: it touches no sentence.

A file's output is a local run's over the same group of files. It can differ from a local
run of the whole job where a sentence repeated across groups meets other batch neighbours
(CTranslate2 int8 may break a tie differently); use ``batches`` where byte-identity with a
local run matters, ``files`` for archives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glossary.textio import atomic_write
from translate.build import build_pipeline, load_model
from translate.documents.inputs import Job, Plan
from translate.engines.ray_engine import WorkerConfig, actor_rows
from translate.jobs import FileResult, translate_documents

#: Files per actor call: enough to share batches between short files, few enough that a
#: killed actor loses little and the pool stays balanced.
FILES_PER_TASK = 4
FILES_DIR = "files"


class FileManifests:
    """One JSON manifest per translated file, keyed by the run's signature, the input's path
    and where its output goes; it records the input's size and modification time, so a
    changed input is translated again and its manifest replaced, not piled up."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(signature: str, job: Job) -> str:
        payload = "\0".join((signature, str(job.source.resolve()), str(job.output)))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    @staticmethod
    def _stamp(job: Job) -> list[int]:
        stat = job.source.stat()
        return [stat.st_size, stat.st_mtime_ns]

    def get(self, key: str, signature: str, job: Job) -> FileResult | None:
        """The saved report of a file unchanged since, whose output is still there, for this
        very run setup."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if data["signature"] != signature or data["input"] != self._stamp(job) \
                    or not job.output.is_file():
                return None
            return FileResult.from_dict(data["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None            # absent or damaged: translated again

    def count(self) -> int:
        """Files reported so far (what an interrupted job keeps)."""
        return len(list(self.folder.glob("*.json")))

    def put(self, key: str, signature: str, job: Job, result: FileResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.folder / f"{key}.json") as handle:
            json.dump({"signature": signature, "input": self._stamp(job),
                       "result": result.to_dict()}, handle, ensure_ascii=False)


class FileActor:
    """One model per actor; ``__call__`` translates Ray Data rows of files, whole."""

    def __init__(self, config: WorkerConfig, folder: str, overwrite: bool,
                 detail: bool) -> None:
        self.pipeline = build_pipeline(config.engine, config.glossary,
                                       model=load_model(config.engine, config.model),
                                       memory=dict(config.memory))
        self.manifests = FileManifests(Path(folder))
        self.overwrite = overwrite
        self.detail = detail

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        keys = [str(k) for k in rows["key"]]
        jobs = [Job(Path(s), Path(o)) for s, o in zip(rows["source"], rows["output"],
                                                       strict=True)]
        results = translate_documents(Plan(jobs), self.pipeline, overwrite=self.overwrite)
        signature = self.pipeline.signature
        for key, job, result in zip(keys, jobs, results, strict=True):
            if result.error is None:     # a failed file is tried again by the next run
                self.manifests.put(key, signature, job, result)
        return {"key": keys, "result": [
            json.dumps((r if self.detail else r.compact()).to_dict(), ensure_ascii=False)
            for r in results]}


class RayFileExecutor:
    """Runs a planned job file by file on a Ray actor pool (see the module docstring)."""

    name = "ray-files"

    def __init__(self, config: WorkerConfig, *, address: str | None, actors: int,
                 folder: Path, detail: bool = False) -> None:
        self.config = config
        #: Whether the driver keeps each file's lines (a report or --min-quality reads them);
        #: otherwise only its counts and issues, so its memory does not grow with the text.
        self.detail = detail
        self.address = address
        self.actors = actors
        self.manifests = FileManifests(folder / FILES_DIR)
        #: Files translated on the cluster in this run (and their segments), and files
        #: taken from manifests.
        self.translated = 0
        self.segments = 0
        self.resumed = 0

    def run(self, plan: Plan, signature: str, *, overwrite: bool,
            progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
        """Every planned file's result, in the plan's order (the plan's errors first)."""
        results: dict[int, FileResult] = {}
        todo: list[tuple[int, str, Job]] = []
        for n, job in enumerate(plan.jobs):
            key = FileManifests.key(signature, job)
            saved = self.manifests.get(key, signature, job)
            if saved is None:
                todo.append((n, key, job))
            else:
                results[n] = saved if self.detail else saved.compact()
        self.resumed = len(results)
        if todo:
            self._translate(todo, results, overwrite, progress, len(plan.jobs))
        return [FileResult(Path(e.path), error=str(e)) for e in plan.errors] + \
            [results[n] for n in range(len(plan.jobs))]

    def _translate(self, todo: list[tuple[int, str, Job]], results: dict[int, FileResult],
                   overwrite: bool, progress: Callable[[int, int], None] | None,
                   total: int) -> None:
        index = {key: n for n, key, _ in todo}
        items = [{"key": key, "source": str(job.source), "output": str(job.output)}
                 for _, key, job in todo]
        arguments = (self.config, str(self.manifests.folder), overwrite, self.detail)
        for row in actor_rows(self.config, self.address, self.actors, items, FileActor,
                              arguments, FILES_PER_TASK):
            result = FileResult.from_dict(json.loads(row["result"]))
            results[index[row["key"]]] = result
            self.translated += result.error is None
            self.segments += result.segments
            if progress is not None:
                progress(len(results), total)
