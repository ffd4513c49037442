"""Translate whole documents: segment, translate once (cached, batched), rebuild, write.

Files are done one after the other and each output is written atomically as
soon as every segment of it is translated, so a long batch delivers finished
files as it goes and an interrupted one leaves only complete files behind; a
segment repeated across files is translated once. A bad input file is
reported and the others are still done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from glossary.checks import Issue, Segment, Severity
from glossary.errors import ToolkitError
from glossary.textio import BOM, atomic_write, atomic_write_bytes
from translate.documents import Document, get_document_format
from translate.documents.base import Required
from translate.documents.inputs import Plan, plan_jobs
from translate.documents.segment import Segmenter, join_pieces
from translate.pipeline import Hypothesis, TranslationPipeline
from translate.quality.estimate import Label, Quality


@dataclass
class FileResult:
    source: Path
    output: Path | None = None
    segments: int = 0
    terms_required: int = 0
    issues: list[Issue] = field(default_factory=list)
    error: str | None = None
    pairs: list[Segment] = field(default_factory=list)   # unit source and translation
    #: Per translated piece (sentence): (line, source, translation, quality estimate).
    qualities: list[tuple[int, str, str, Quality]] = field(default_factory=list)
    #: Counts kept by :meth:`compact` in place of the per-line lists it drops.
    summary: tuple[int, dict[str, int]] | None = None

    @property
    def lines(self) -> int:
        """Lines (units) of the document translated."""
        return self.summary[0] if self.summary is not None else len(self.pairs)

    @property
    def estimated(self) -> bool:
        """Whether its segments have a quality estimate."""
        return bool(self.qualities) or (self.summary is not None and any(self.summary[1].values()))

    def compact(self) -> FileResult:
        """The result without its per-line texts (the counts kept): what a cluster driver
        holds per file of an archive when no report asks for the lines."""
        return replace(self, pairs=[], qualities=[],
                       summary=(self.lines, self.label_counts()))

    def to_dict(self) -> dict[str, Any]:
        """What :meth:`from_dict` reads back: a file translated on another machine (``--engine
        ray --distribute files``) reports to the driver, and is kept for a resumed run."""
        return {"source": str(self.source),
                "output": None if self.output is None else str(self.output),
                "segments": self.segments, "terms_required": self.terms_required,
                "issues": [i.to_dict() for i in self.issues], "error": self.error,
                "pairs": [asdict(p) for p in self.pairs],
                "qualities": [[line, s, t, q.to_dict()] for line, s, t, q in self.qualities],
                "summary": None if self.summary is None else list(self.summary)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileResult:
        return cls(Path(data["source"]), None if data["output"] is None else Path(data["output"]),
                   int(data["segments"]), int(data["terms_required"]),
                   [Issue.from_dict(i) for i in data["issues"]], data["error"],
                   [Segment(**{**p, "flags": tuple(p["flags"]), "waived": tuple(p["waived"])})
                    for p in data["pairs"]],
                   [(int(line), s, t, Quality.from_dict(q))
                    for line, s, t, q in data["qualities"]],
                   None if data.get("summary") is None
                   else (int(data["summary"][0]), dict(data["summary"][1])))

    def label_counts(self) -> dict[str, int]:
        """Segments per quality label (``good``, ``review``, ``bad``)."""
        if self.summary is not None:
            return dict(self.summary[1])
        counts = {str(label): 0 for label in sorted(Label, reverse=True)}
        for _, _, _, quality in self.qualities:
            counts[str(quality.label)] += 1
        return counts


def plan_segments(doc: Document, segmenter: Segmenter) -> list[list[str]]:
    """Per unit of *doc*, the pieces to translate (a cut through a term names the line)."""
    return [segmenter.pieces(unit.text, path=doc.path, line=unit.line) for unit in doc.units]


class Executor(Protocol):
    """Where the distinct sentences of a run are decoded (``--engine``): this process,
    or a cluster (:mod:`translate.engines`)."""

    def translate_files(self, todos: list[list[str]], pipeline: TranslationPipeline,
                        tick: Callable[[int], None]) -> Iterator[list[Hypothesis]]:
        """For each file in turn, the hypotheses of its new sentences (*todos*)."""
        ...


class LocalExecutor:
    """Decode in this process, file by file, through the pipeline (cache, memory)."""

    name = "local"

    def translate_files(self, todos: list[list[str]], pipeline: TranslationPipeline,
                        tick: Callable[[int], None]) -> Iterator[list[Hypothesis]]:
        for todo in todos:
            yield pipeline.translate(todo, tick)


def translate_documents(paths: Sequence[Path] | Plan, pipeline: TranslationPipeline, *,
                        out_dir: Path | None = None, out_file: Path | None = None,
                        overwrite: bool = False,
                        progress: Callable[[int, int], None] | None = None,
                        executor: Executor | None = None) -> list[FileResult]:
    """Translate every file in *paths* (or the jobs of a :class:`Plan` made beforehand);
    returns one result per file, errors included."""
    plan_ = paths if isinstance(paths, Plan) else plan_jobs(paths, out_dir=out_dir,
                                                             out_file=out_file)
    results: list[FileResult] = [FileResult(Path(e.path), error=str(e)) for e in plan_.errors]
    docs: list[tuple[FileResult, Document, list[list[str]]]] = []
    segmenter = Segmenter.for_model(pipeline.translator, pipeline.matcher)
    for job in plan_.jobs:
        path = job.source
        result = FileResult(path, output=job.output)
        results.append(result)
        try:
            doc = get_document_format(path).read(path, overwrite=overwrite)
            plan = plan_segments(doc, segmenter)
        except ToolkitError as exc:
            result.error, result.output = str(exc), None
            continue
        docs.append((result, doc, plan))
    # each file's sentences not in an earlier file: a sentence repeated across files is
    # translated once
    todos: list[list[str]] = []
    seen: set[str] = set()
    for _, _, plan in docs:
        todos.append(list(dict.fromkeys(p for pieces in plan for p in pieces if p not in seen)))
        seen.update(todos[-1])
    total = len(seen)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    by_source: dict[str, Hypothesis] = {}
    hypotheses = (executor or LocalExecutor()).translate_files(todos, pipeline, tick)
    # file by file: each output is written as soon as it is done
    for (result, doc, plan), todo, hyps in zip(docs, todos, hypotheses, strict=True):
        by_source.update(zip(todo, pipeline.assess(hyps), strict=True))
        _write(result, doc, plan, by_source, result.output or Path())
    return results


def _write(result: FileResult, doc: Document, plan: list[list[str]],
           by_source: dict[str, Hypothesis], target: Path) -> None:
    translations = []
    required: list[Required] = []
    for unit, pieces in zip(doc.units, plan, strict=True):
        translations.append(join_pieces(unit.text, pieces, [by_source[p].text for p in pieces]))
        required.append([pair for p in pieces for pair in by_source[p].required])
        result.pairs.append(Segment(str(target), unit.line, unit.text, translations[-1],
                                    str(result.source), unit.line, unit.flags))
        for piece in pieces:
            hyp = by_source[piece]
            result.segments += 1
            result.terms_required += len(hyp.required)
            if hyp.quality is not None:
                result.qualities.append((unit.line, piece, hyp.text, hyp.quality))
            result.issues.extend(_locate(i, str(result.source), unit.line) for i in hyp.issues)
    if doc.annotate is not None:
        doc.annotate([Quality.combined([q for p in pieces
                                        if (q := by_source[p].quality) is not None])
                      for pieces in plan])
    try:
        text = (doc.render_inline(translations, required) if doc.render_inline
                else doc.render(translations))
        result.issues.extend(Issue("untranslated", Severity.WARNING, str(result.source), line,
                                   message) for line, message in doc.refusals)
        if isinstance(text, str) and doc.newline != "\n":
            text = text.replace("\n", doc.newline)
        if isinstance(text, str) and _has_bom(result.source):
            text = BOM + text       # Windows editors and subtitle players wrote it; keep it
        if isinstance(text, bytes):
            atomic_write_bytes(target, text)
        else:
            with atomic_write(target) as handle:
                handle.write(text)
    except OSError as exc:
        result.error = f"{target}: cannot write: {exc.strerror or exc}"
        result.output = None


def _has_bom(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(3) == BOM.encode("utf-8")
    except OSError:
        return False


def _locate(issue: Issue, file: str, line: int) -> Issue:
    return replace(issue, file=file, line=line)
