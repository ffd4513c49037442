"""Glossary-constrained translation of segments: plan, decode, restore, verify, cache.

Three layers enforce terms, each usable alone:

1. *Protection*: document codes, numbers and URLs of the source become
   identity constraints — copied byte-exact (through a placeholder when the
   vocabulary cannot spell them).
2. *Constrained decoding*: each glossary term found in the source forces its
   target's token sequence into the output (see ``translate.decoding``).
3. *Verification*: every output is checked with the same checks as
   ``termtrans check``; failures are returned with the output, never hidden.

Every output then gets a reference-free quality estimate
(:mod:`translate.quality`): verification says the terms, codes and numbers are
right, the estimate says how good the rest is.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from glossary.amounts import source_amounts, source_dates, vietnamese_amount
from glossary.checks import REGISTRY, Issue, Segment, analyse
from glossary.codes import find_codes, find_numbers, ordinal_days
from glossary.matching import TermMatcher, concept_mentions
from glossary.model import Glossary
from glossary.placeholders import find_placeholders
from glossary.tmx import memory_key
from translate.backends.base import Translator
from translate.cache import TranslationCache, segment_key
from translate.quality.estimate import Quality, QualityEstimator
from translate.signature import Signature
from translate.version import __version__

#: What the decoder guarantees: every term, code, number, placeholder, amount and month of
#: the source is in the output (an issue of these kinds about a source item breaks it)…
GUARANTEED_CHECKS = ("missing_term", "forbidden_variant", "code_mismatch", "number_mismatch",
                     "placeholder_mismatch", "date_mismatch")
#: …and what only verification can see: what the model added (a repeated term's tail, an
#: invented code or number) and the shape of its own words.
VERIFY_CHECKS = (*GUARANTEED_CHECKS, "duplicated_term", "repetition", "no_words", "untranslated",
                 "missing_name")
#: Reported, not retried: a guarded decode cannot spell a name the model does not know.
REPORT_ONLY = frozenset({"missing_name"})


def breaks_guarantee(kind: str, source_term: str) -> bool:
    """Whether an issue says a required item of the source is missing or altered (not
    that the model added something: that is reported, but nothing required was lost)."""
    if kind in ("missing_term", "forbidden_variant"):
        return True
    return kind in GUARANTEED_CHECKS and bool(source_term)
#: A segment that fails verification is decoded again, guarded (digits and format/markup
#: characters only inside constraints: nothing can be invented) and with this much wider a
#: beam; the candidate with fewer issues is kept and what remains is reported.
RETRY_BEAM_FACTOR = 2


@dataclass(frozen=True)
class Hypothesis:
    """One translated segment with what was required of it and what verification found."""

    source: str
    text: str
    required: tuple[tuple[str, str], ...]
    issues: tuple[Issue, ...]
    tokens: int
    cached: bool = False
    #: Reused verbatim from a translation memory (``--tm``), then verified like the rest.
    from_memory: bool = False
    #: The reference-free quality estimate (None: not estimated, ``Options.quality`` off).
    quality: Quality | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def guarantee_kept(self) -> bool:
        """No required term, code, number, placeholder, amount or month is missing or
        altered (:func:`breaks_guarantee`): a weak model's stutter or invented fragment is
        reported, but nothing the source required was lost."""
        return not any(breaks_guarantee(i.kind, i.source_term) for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; :meth:`from_dict` rebuilds it (a cluster's results, its manifests)."""
        return {"source": self.source, "text": self.text,
                "required": [list(pair) for pair in self.required],
                "issues": [i.to_dict() for i in self.issues], "tokens": self.tokens,
                "from_memory": self.from_memory,
                "quality": self.quality.to_dict() if self.quality else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hypothesis:
        return cls(str(data["source"]), str(data["text"]),
                   tuple((str(a), str(b)) for a, b in data["required"]),
                   tuple(Issue.from_dict(i) for i in data["issues"]), int(data["tokens"]),
                   from_memory=bool(data["from_memory"]),
                   quality=Quality.from_dict(data["quality"]) if data.get("quality") else None)


#: Beam size unless a command, the API or the server is told otherwise.
DEFAULT_BEAM = 4


@dataclass(frozen=True)
class Options:
    beam: int = DEFAULT_BEAM
    constraints: bool = True
    #: Sentences per backend call (and per cache write); None: the backend's preference.
    batch_size: int | None = None
    #: Reuse cached translations only as whole batches (see TranslationPipeline.translate).
    cache_by_batch: bool = True
    #: Estimate every translation's quality (one forced-decoding pass per batch).
    quality: bool = True


@dataclass(frozen=True)
class BatchResult:
    """One decoder batch decoded and verified: its hypotheses in the batch's order, what
    each decoder call reported (constraints met), and how many segments were retried
    guarded and how many of those the retry repaired."""

    hypotheses: tuple[Hypothesis, ...]
    constraints_met: tuple[bool, ...]
    retried: int = 0
    repaired: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"hypotheses": [h.to_dict() for h in self.hypotheses],
                "constraints_met": list(self.constraints_met), "retried": self.retried,
                "repaired": self.repaired}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchResult:
        return cls(tuple(Hypothesis.from_dict(h) for h in data["hypotheses"]),
                   tuple(bool(m) for m in data["constraints_met"]), int(data["retried"]),
                   int(data["repaired"]))


class BatchDecoder(Protocol):
    """Where a pipeline's decoder batches are decoded: this process (the pipeline itself)
    or a cluster's actors. A decoder only decodes: which batches to decode, the cache,
    translation memories, repeated and blank segments and the counters stay with the
    pipeline, whichever decoder it uses."""

    def decode_batches(self, pipeline: TranslationPipeline, batches: list[list[str]]
                       ) -> Iterator[tuple[int, BatchResult]]:
        """(position in *batches*, result) for every batch, in any order."""
        ...


class BatchStore(Protocol):
    """Whole decoded batches kept for a resumed run (a cluster job's manifests)."""

    def get(self, signature: str, batch: list[str]) -> BatchResult | None: ...

    def put(self, signature: str, batch: list[str], result: BatchResult) -> None: ...


@dataclass(frozen=True)
class RunStats:
    """What a pipeline did so far: segments translated (decoded or repeated), reused from
    the cache, from translation memories, batches resumed from a batch store, and guarded
    retries (and how many repaired their segment)."""

    translated: int = 0
    from_cache: int = 0
    from_memory: int = 0
    resumed_batches: int = 0
    retried: int = 0
    repaired: int = 0
    #: Empty or whitespace-only segments: kept as they are, not translated.
    blank: int = 0


def plan_targets(source: str, matcher: TermMatcher) -> list[tuple[str, str]]:
    """(source span, required target) pairs: glossary terms, amounts with their scale and
    unit ("9.6 billion VND" requires "9.6 tỷ đồng"), the months of dates ("February 5, 2020"
    requires "tháng 2": a lost month is a wrong date), then protected spans."""
    matches = concept_mentions(source, matcher.find(source))
    spans = [(m.start, m.end) for m in matches]
    required = [(m.text, m.term.target) for m in matches]

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in spans)

    # amounts and months first: their number is then part of them, not required alone
    worded = [(a.start, a.end, a.text, vietnamese_amount(a, a.number))
              for a in source_amounts(source)]
    worded += [(d.month_start, d.month_end, source[d.month_start:d.month_end],
                f"tháng {d.month}") for d in source_dates(source)]
    protected = [(p.start, p.end, p.text, p.text) for p in find_placeholders(source)]
    codes = find_codes(source)
    protected += [(c.start, c.end, c.text, c.text) for c in codes]
    protected += [(n.start, n.end, n.text, n.text)
                  for n in find_numbers(source, codes) + ordinal_days(source)]
    for group in (sorted(worded), sorted(protected)):
        for start, end, text, target in group:
            if free(start, end):
                spans.append((start, end))
                required.append((text, target))
    return required


class TranslationPipeline:
    """Translate segments with a backend under a glossary, with caching and verification."""

    def __init__(self, translator: Translator, glossary: Glossary, *, model_id: str,
                 options: Options | None = None, cache: TranslationCache | None = None,
                 memory: Mapping[str, str] | None = None,
                 batch_store: BatchStore | None = None) -> None:
        self.translator = translator
        self.glossary = glossary
        self.matcher = TermMatcher(glossary)
        self.options = options or Options()
        self.cache = cache
        self.model_id = model_id
        #: Translation memory: normalised source → translation, reused before the model.
        self.memory = memory or {}
        self.from_memory = 0
        self.checks = [REGISTRY[name] for name in VERIFY_CHECKS]
        self._estimator: QualityEstimator | None = None
        #: Whole decoded batches of an interrupted run (``--engine ray``'s manifests).
        self.batch_store = batch_store
        self.translated = 0
        self.from_cache = 0
        self.resumed_batches = 0
        self.retried = 0
        self.repaired = 0
        self.blank = 0

    @property
    def signature(self) -> str:
        """Reproducibility signature, in the style of sacrebleu's."""
        return str(Signature.of(
            model=self.model_id, backend=self.translator.name, beam=self.options.beam,
            constraints="on" if self.options.constraints else "off",
            glossary=self.glossary.short_hash, version=__version__))

    @property
    def stats(self) -> RunStats:
        """The counters so far, as a value (reports read this, nothing writes it)."""
        return RunStats(self.translated, self.from_cache, self.from_memory,
                        self.resumed_batches, self.retried, self.repaired, self.blank)

    @property
    def estimator(self) -> QualityEstimator:
        """The quality estimator for this pipeline's model (made on first use)."""
        if self._estimator is None:
            self._estimator = QualityEstimator(self.translator, self.model_id)
        return self._estimator

    def assess(self, hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
        """*hypotheses* with their quality estimated (those without one yet), in one
        forced-decoding pass over the distinct pairs: the model's own outputs by the
        calibration's own head, translation-memory matches by its external head."""
        if not self.options.quality:
            return list(hypotheses)
        found: dict[tuple[str, str], Quality] = {}
        for own in (True, False):       # the model's output, or a translation memory's
            forced = {(h.source, h.text): [t for _, t in h.required] for h in hypotheses
                      if h.quality is None and h.source.strip() and h.from_memory != own}
            todo = [pair for pair in forced if pair not in found]
            found.update(zip(todo, self.estimator.estimate(
                [s for s, _ in todo], [t for _, t in todo], own=own,
                protected=[forced[pair] for pair in todo]), strict=True))
        return [replace(h, quality=found[(h.source, h.text)]) if (h.source, h.text) in found
                else h for h in hypotheses]

    def verify(self, source: str, text: str) -> tuple[Issue, ...]:
        analysis = analyse(Segment("", 0, source, text), self.matcher)
        issues: list[Issue] = []
        for check in self.checks:
            if check.segment_fn is not None:
                issues.extend(check.segment_fn(analysis))
        return tuple(issues)

    def _plan(self, source: str) -> list[tuple[str, str]]:
        """What *source* requires of its translation (nothing with constraints off)."""
        return plan_targets(source, self.matcher) if self.options.constraints else []

    def decode_batch(self, sources: list[str]) -> BatchResult:
        """Decode and verify one decoder batch (the unit of work a decoder hands out:
        in this process, or on a cluster's actor with a pipeline of its own)."""
        return self._decode_verified(sources, [self._plan(s) for s in sources])

    def decode_batches(self, pipeline: TranslationPipeline, batches: list[list[str]]
                       ) -> Iterator[tuple[int, BatchResult]]:
        """This process as the :class:`BatchDecoder`: batch after batch, in order."""
        for position, batch in enumerate(batches):
            yield position, pipeline.decode_batch(batch)

    def _decode_verified(self, sources: list[str], plans: list[list[tuple[str, str]]]
                         ) -> BatchResult:
        """Decode a batch; segments that fail verification are retried, guarded, and the
        retry is kept when it breaks fewer guarantees (then: has fewer other issues)."""
        outputs = self.translator.translate(sources, plans, beam=self.options.beam)
        found = [(_match_case(s, o.text, plan), o.tokens, o.constraints_met)
                 for s, o, plan in zip(sources, outputs, plans, strict=True)]
        issues = [self.verify(s, text) for s, (text, _, _) in zip(sources, found, strict=True)]
        failed = [k for k, found_issues in enumerate(issues) if _worth_retrying(found_issues)]
        repaired = 0
        if not failed:
            return self._result(sources, plans, found, issues, 0, 0)
        again = self.translator.translate([sources[k] for k in failed],
                                          [plans[k] for k in failed],
                                          beam=self.options.beam * RETRY_BEAM_FACTOR,
                                          strict=True)
        for k, out in zip(failed, again, strict=True):
            text = _match_case(sources[k], out.text, plans[k])
            retry_issues = self.verify(sources[k], text)
            after = _severity_key(retry_issues)
            if after < _severity_key(issues[k]):
                found[k] = (text, out.tokens, out.constraints_met)
                issues[k] = retry_issues
                repaired += not _worth_retrying(retry_issues)
        return self._result(sources, plans, found, issues, len(failed), repaired)

    @staticmethod
    def _result(sources: list[str], plans: list[list[tuple[str, str]]],
                found: list[tuple[str, int, bool]], issues: list[tuple[Issue, ...]],
                retried: int, repaired: int) -> BatchResult:
        hyps = tuple(Hypothesis(s, text, tuple(plan), found_issues, tokens)
                     for s, plan, (text, tokens, _), found_issues
                     in zip(sources, plans, found, issues, strict=True))
        return BatchResult(hyps, tuple(met for _, _, met in found), retried, repaired)

    def translate(self, sources: Sequence[str],
                  progress: Callable[[int], None] | None = None,
                  decoder: BatchDecoder | None = None) -> list[Hypothesis]:
        """Translate *sources* (each one sentence); order is kept, work is length-sorted.

        Batches are cut from the length-sorted distinct segments whatever the cache holds,
        and (with ``Options.cache_by_batch``) a batch is reused from the cache only whole,
        under a key that names its content: on a backend whose output depends slightly on a
        sentence's batch neighbours (CTranslate2 int8 does), a document's translation is
        then the same whatever the shared cache saw before, and a resumed run equals an
        uninterrupted one.
        """
        return self.translate_groups([list(sources)], progress, decoder)[0]

    def translate_groups(self, groups: Sequence[Sequence[str]],
                         progress: Callable[[int], None] | None = None,
                         decoder: BatchDecoder | None = None) -> list[list[Hypothesis]]:
        """Translate several groups (the files of a run) at once: batches are cut within
        each group, exactly as :meth:`translate` cuts one, so the output is the same as
        group after group; all of them go to *decoder* (default: this process) together,
        which is what lets a cluster decode a whole archive in parallel."""
        sources = [s for group in groups for s in group]
        work = _Work(sources)
        batches: list[list[int]] = []
        offset = 0
        for group in groups:
            batches += self._cut(work.sort(self.memory, range(offset, offset + len(group))),
                                 sources)
            offset += len(group)
        keys = {i: key for batch in batches
                for i, key in zip(batch, self._keys([sources[j] for j in batch]), strict=True)}
        cached = self.cache.get_many(set(keys.values())) if self.cache is not None else {}
        whole = [all(keys[i] in cached for i in batch) for batch in batches]
        todo = [batch for batch, hit in zip(batches, whole, strict=True) if not hit]
        reused = [i for batch, hit in zip(batches, whole, strict=True) if hit for i in batch]
        for i in reused:
            work.results[i] = cached[keys[i]]
        self.from_memory += len(work.remembered)
        self.from_cache += len(reused)
        self.blank += work.blank
        done_before = len(work.remembered) + len(reused) + work.blank
        if progress is not None and done_before:
            progress(done_before)
        for batch, result in self._decoded(todo, sources, decoder):
            self._keep(batch, result, sources, keys, work)
            if progress is not None:
                progress(len(batch))
        for i in work.repeats:
            work.results[i] = work.results[work.first[sources[i]]]
        self.translated += len(work.repeats)
        if progress is not None and work.repeats:
            progress(len(work.repeats))
        from_cache = set(reused)
        hyps = self.assess([work.hypothesis(i, s, self._plan, self.verify, from_cache)
                            for i, s in enumerate(sources)])
        out, offset = [], 0
        for group in groups:
            out.append(hyps[offset:offset + len(group)])
            offset += len(group)
        return out

    def _decoded(self, todo: list[list[int]], sources: Sequence[str],
                 decoder: BatchDecoder | None) -> Iterator[tuple[list[int], BatchResult]]:
        """Each batch of *todo* with its result: from the batch store when it holds the
        batch (a resumed run), else from the decoder (then kept in the store)."""
        texts = [[sources[i] for i in batch] for batch in todo]
        missing = []
        for position, batch in enumerate(texts):
            stored = (self.batch_store.get(self.signature, batch)
                      if self.batch_store is not None else None)
            if stored is None:
                missing.append(position)
            else:
                self.resumed_batches += 1
                yield todo[position], stored
        if not missing:
            return
        for index, result in (decoder or self).decode_batches(self, [texts[k] for k in missing]):
            position = missing[index]
            if self.batch_store is not None:
                self.batch_store.put(self.signature, texts[position], result)
            yield todo[position], result

    def _keep(self, batch: list[int], result: BatchResult, sources: Sequence[str],
              keys: dict[int, str], work: _Work) -> None:
        rows = []
        for i, hyp, met in zip(batch, result.hypotheses, result.constraints_met, strict=True):
            work.results[i] = (hyp.text, hyp.tokens, met)
            work.decoded[i] = hyp
            rows.append((keys[i], hyp.text, hyp.tokens, met, sources[i]))
        if self.cache is not None:
            self.cache.put_many(rows, self.signature)
        self.translated += len(batch)
        self.retried += result.retried
        self.repaired += result.repaired

    def _keys(self, batch: list[str]) -> list[str]:
        """Cache keys of a batch's segments: under the batch's content, or each on its own
        (``cache_by_batch`` off: the server, whose batches are whoever asked at once)."""
        context = self.signature
        if self.options.cache_by_batch:
            digest = hashlib.sha256("\x00".join(batch).encode()).hexdigest()[:24]
            context = f"{context}|batch:{digest}"
        return [segment_key(context, source) for source in batch]

    def _cut(self, todo: list[int], sources: Sequence[str]) -> list[list[int]]:
        """Decoder batches of the indices *todo*: length-sorted, then cut where the content
        says, between a quarter of the batch size and the batch size.

        Cached translations are reused only as whole batches, so where the cuts fall decides
        what an edit costs: a cut after every *size* segments would move every later
        boundary when one sentence is added, and the re-run would decode everything after
        it again. A cut after a segment whose checksum is 0 modulo a quarter of the size
        (once the batch is a quarter full) depends only on that segment, so an edit
        re-decodes only the batches around the changed sentences (batches average about
        half the size; one in twenty reaches it and is cut there).
        """
        order = sorted(todo, key=lambda i: len(sources[i]))
        size = max(1, self.options.batch_size or self.translator.preferred_batch_size)
        # Per-segment caching (the server) has no boundaries to keep: full batches.
        quarter = max(1, size // 4) if self.options.cache_by_batch else 1
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            current.append(i)
            boundary = quarter > 1 and zlib.crc32(sources[i].encode()) % quarter == 0
            if len(current) >= size or (len(current) >= quarter and boundary):
                batches.append(current)
                current = []
        if current:
            batches.append(current)
        return batches


class _Work:
    """One translate call's bookkeeping: which segments the memory answers, which are
    blank, which repeat an earlier one, and what each ended up as."""

    def __init__(self, sources: Sequence[str]) -> None:
        self.sources = sources
        self.results: dict[int, tuple[str, int, bool]] = {}
        self.decoded: dict[int, Hypothesis] = {}       # verified where they were decoded
        self.first: dict[str, int] = {}                # a repeated segment is done once
        self.repeats: list[int] = []
        self.remembered: set[int] = set()
        self.blank = 0

    def sort(self, memory: Mapping[str, str], indices: range) -> list[int]:
        """The indices among *indices* that need the decoder (or the cache)."""
        work = []
        for i in indices:
            source = self.sources[i]
            hit = memory.get(memory_key(source)) if memory else None
            if hit is not None:
                self.results[i] = (hit, 0, True)
                self.remembered.add(i)
            elif not source.strip():
                self.results[i] = ("", 0, True)
                self.blank += 1
            elif source in self.first:
                self.repeats.append(i)
            else:
                self.first[source] = i
                work.append(i)
        return work

    def hypothesis(self, i: int, source: str, plan: Callable[[str], list[tuple[str, str]]],
                   verify: Callable[[str, str], tuple[Issue, ...]], reused: set[int]
                   ) -> Hypothesis:
        """Segment *i*'s hypothesis: as decoded (verified there), or from the cache, a
        memory or blank, then planned and verified here."""
        origin = self.first.get(source, i)
        decoded = self.decoded.get(origin)
        if decoded is not None:
            return decoded
        text, tokens, _ = self.results[i]
        return Hypothesis(source, text, tuple(plan(source)), verify(source, text), tokens,
                          origin in reused, i in self.remembered)


def _worth_retrying(issues: Sequence[Issue]) -> bool:
    """Whether a guarded retry may mend one of *issues* (not a report-only kind)."""
    return any(i.kind not in REPORT_ONLY for i in issues)


def _severity_key(issues: Sequence[Issue]) -> tuple[int, int]:
    """Broken guarantees first, then the rest: a retry that fixes a number but stutters
    is better than one that stutters less and invents a number."""
    broken = sum(breaks_guarantee(i.kind, i.source_term) for i in issues)
    return broken, len(issues) - broken


def _match_case(source: str, text: str, required: Sequence[tuple[str, str]] = ()) -> str:
    """Capitalise the output's first letter when the source sentence starts with one —
    unless the output starts with a protected item copied from the source (a URL, a
    placeholder, a code), which must stay byte-exact."""
    if any(span == target and text.startswith(target) for span, target in required):
        return text
    if text[:1].islower() and source.lstrip()[:1].isupper():
        return text[0].upper() + text[1:]
    return text
