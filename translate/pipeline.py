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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from glossary.amounts import source_amounts, source_dates, vietnamese_amount
from glossary.checks import REGISTRY, Issue, Segment, analyse
from glossary.codes import find_codes, find_numbers
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
VERIFY_CHECKS = (*GUARANTEED_CHECKS, "duplicated_term", "repetition", "no_words")


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
    protected += [(n.start, n.end, n.text, n.text) for n in find_numbers(source, codes)]
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
                 memory: Mapping[str, str] | None = None) -> None:
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
        self.translated = 0
        self.from_cache = 0
        self.retried = 0
        self.repaired = 0

    @property
    def signature(self) -> str:
        """Reproducibility signature, in the style of sacrebleu's."""
        return str(Signature.of(
            model=self.model_id, backend=self.translator.name, beam=self.options.beam,
            constraints="on" if self.options.constraints else "off",
            glossary=self.glossary.short_hash, version=__version__))

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

    def _decode_verified(self, sources: list[str], plans: list[list[tuple[str, str]]]
                         ) -> list[tuple[str, int, bool]]:
        """Decode a batch; segments that fail verification are retried, guarded, and the
        retry is kept when it breaks fewer guarantees (then: has fewer other issues)."""
        outputs = self.translator.translate(sources, plans, beam=self.options.beam)
        found = [(_match_case(s, o.text, plan), o.tokens, o.constraints_met)
                 for s, o, plan in zip(sources, outputs, plans, strict=True)]
        failed = [k for k, (text, _, _) in enumerate(found) if self.verify(sources[k], text)]
        if not failed:
            return found
        self.retried += len(failed)
        again = self.translator.translate([sources[k] for k in failed],
                                          [plans[k] for k in failed],
                                          beam=self.options.beam * RETRY_BEAM_FACTOR,
                                          strict=True)
        for k, out in zip(failed, again, strict=True):
            text = _match_case(sources[k], out.text, plans[k])
            before = _severity_key(self.verify(sources[k], found[k][0]))
            after = _severity_key(self.verify(sources[k], text))
            if after < before:
                found[k] = (text, out.tokens, out.constraints_met)
                self.repaired += after == (0, 0)
        return found

    def translate(self, sources: Sequence[str],
                  progress: Callable[[int], None] | None = None) -> list[Hypothesis]:
        """Translate *sources* (each one sentence); order is kept, work is length-sorted.

        Batches are cut from the length-sorted distinct segments whatever the cache holds,
        and (with ``Options.cache_by_batch``) a batch is reused from the cache only whole,
        under a key that names its content: on a backend whose output depends slightly on a
        sentence's batch neighbours (CTranslate2 int8 does), a document's translation is
        then the same whatever the shared cache saw before, and a resumed run equals an
        uninterrupted one.
        """
        plans = [plan_targets(s, self.matcher) if self.options.constraints else []
                 for s in sources]
        results: dict[int, tuple[str, int, bool]] = {}
        first: dict[str, int] = {}      # a repeated segment is translated once
        repeats: list[int] = []
        remembered: set[int] = set()
        work: list[int] = []
        for i, source in enumerate(sources):
            hit = self.memory.get(memory_key(source)) if self.memory else None
            if hit is not None:
                results[i] = (hit, 0, True)
                remembered.add(i)
            elif not source.strip():
                results[i] = ("", 0, True)
            elif source in first:
                repeats.append(i)
            else:
                first[source] = i
                work.append(i)
        batches = self._cut(work, sources)
        keys = {i: key for batch in batches
                for i, key in zip(batch, self._keys([sources[j] for j in batch]), strict=True)}
        cached = self.cache.get_many(set(keys.values())) if self.cache is not None else {}
        whole = [all(keys[i] in cached for i in batch) for batch in batches]
        todo = [batch for batch, hit in zip(batches, whole, strict=True) if not hit]
        reused = [i for batch, hit in zip(batches, whole, strict=True) if hit for i in batch]
        for i in reused:
            results[i] = cached[keys[i]]
        self.from_memory += len(remembered)
        self.from_cache += len(reused)
        blank = len(sources) - len(remembered) - len(work) - len(repeats)
        done_before = len(remembered) + len(reused) + blank
        if progress is not None and done_before:
            progress(done_before)
        for batch in todo:
            self._decode_batch(batch, sources, plans, keys, results)
            if progress is not None:
                progress(len(batch))
        for i in repeats:
            results[i] = results[first[sources[i]]]
        self.translated += len(repeats)
        if progress is not None and repeats:
            progress(len(repeats))
        from_cache = set(reused)
        return self.assess([Hypothesis(s, results[i][0], tuple(plans[i]),
                                       self.verify(s, results[i][0]), results[i][1],
                                       first.get(s, i) in from_cache, i in remembered)
                            for i, s in enumerate(sources)])

    def _keys(self, batch: list[str]) -> list[str]:
        """Cache keys of a batch's segments: under the batch's content, or each on its own
        (``cache_by_batch`` off: the server, whose batches are whoever asked at once)."""
        context = self.signature
        if self.options.cache_by_batch:
            digest = hashlib.sha256("\x00".join(batch).encode()).hexdigest()[:24]
            context = f"{context}|batch:{digest}"
        return [segment_key(context, source) for source in batch]

    def _decode_batch(self, batch: list[int], sources: Sequence[str],
                      plans: list[list[tuple[str, str]]], keys: dict[int, str],
                      results: dict[int, tuple[str, int, bool]]) -> None:
        rows = []
        for i, (text, tokens, met) in zip(batch, self._decode_verified(
                [sources[i] for i in batch], [plans[i] for i in batch]), strict=True):
            results[i] = (text, tokens, met)
            rows.append((keys[i], text, tokens, met, sources[i]))
        if self.cache is not None:
            self.cache.put_many(rows, self.signature)
        self.translated += len(batch)

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

    def cut_batches(self, sources: Sequence[str]) -> list[list[str]]:
        """The decoder batches :meth:`translate` cuts from distinct, non-blank *sources*
        when nothing is cached: a distributed run decodes exactly these, so its output
        is the same as a single machine's."""
        distinct = list(dict.fromkeys(s for s in sources if s.strip()))
        return [[distinct[i] for i in batch]
                for batch in self._cut(list(range(len(distinct))), distinct)]

    def hypothesis(self, source: str, text: str, tokens: int,
                   from_memory: bool = False) -> Hypothesis:
        """A verified hypothesis for a translation made elsewhere (another process)."""
        required = plan_targets(source, self.matcher) if self.options.constraints else []
        return Hypothesis(source, text, tuple(required), self.verify(source, text), tokens,
                          from_memory=from_memory)


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
