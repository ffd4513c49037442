"""Glossary-constrained translation of segments: plan, decode, restore, verify, cache.

Three layers enforce terms, each usable alone:

1. *Protection*: document codes, numbers and URLs of the source become
   identity constraints — copied byte-exact (through a placeholder when the
   vocabulary cannot spell them).
2. *Constrained decoding*: each glossary term found in the source forces its
   target's token sequence into the output (see ``translate.decoding``).
3. *Verification*: every output is checked with the same checks as
   ``termtrans check``; failures are returned with the output, never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from glossary.checks import REGISTRY, Issue, Segment, analyse
from glossary.codes import find_codes, find_numbers
from glossary.matching import TermMatcher
from glossary.model import Glossary
from translate.backends.base import Translator
from translate.cache import TranslationCache, segment_key
from translate.version import __version__

VERIFY_CHECKS = ("missing_term", "forbidden_variant", "code_mismatch", "number_mismatch")
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]|"
                     r"\b[\w.+-]+@[\w-]+\.[\w.-]+\w")

# printf-style (%d, %(name)s, %1$s) and brace ({0}, {name}) placeholders of software strings
_PLACEHOLDER_RE = re.compile(r"%(?:\(\w+\)|\d+\$)?[-+#0]*\d*(?:\.\d+)?[sdifFeEgGxXoucr]"
                             r"|\{\w*\}")


@dataclass(frozen=True)
class Hypothesis:
    """One translated segment with what was required of it and what verification found."""

    source: str
    text: str
    required: tuple[tuple[str, str], ...]
    issues: tuple[Issue, ...]
    tokens: int
    cached: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class Options:
    beam: int = 4
    constraints: bool = True
    #: Sentences per backend call (and per cache write); None: the backend's preference.
    batch_size: int | None = None

    def describe(self) -> str:
        return f"beam:{self.beam}|constraints:{'on' if self.constraints else 'off'}"


def plan_targets(source: str, matcher: TermMatcher) -> list[tuple[str, str]]:
    """(source span, required target) pairs: glossary terms, then protected spans."""
    matches = matcher.find(source)
    spans = [(m.start, m.end) for m in matches]
    required = [(m.text, m.term.target) for m in matches]

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in spans)

    protected = [(m.start(), m.end(), m.group()) for pattern in (_URL_RE, _PLACEHOLDER_RE)
                 for m in pattern.finditer(source)]
    codes = find_codes(source)
    protected += [(c.start, c.end, c.text) for c in codes]
    protected += [(n.start, n.end, n.text) for n in find_numbers(source, codes)]
    for start, end, text in sorted(protected):
        if free(start, end):
            spans.append((start, end))
            required.append((text, text))
    return required


class TranslationPipeline:
    """Translate segments with a backend under a glossary, with caching and verification."""

    def __init__(self, translator: Translator, glossary: Glossary, *, model_id: str,
                 options: Options | None = None, cache: TranslationCache | None = None) -> None:
        self.translator = translator
        self.glossary = glossary
        self.matcher = TermMatcher(glossary)
        self.options = options or Options()
        self.cache = cache
        self.model_id = model_id
        self.checks = [REGISTRY[name] for name in VERIFY_CHECKS]
        self.translated = 0
        self.from_cache = 0

    @property
    def signature(self) -> str:
        """Reproducibility signature, in the style of sacrebleu's."""
        return (f"model:{self.model_id}|backend:{self.translator.name}|{self.options.describe()}"
                f"|glossary:{self.glossary.short_hash}|version:{__version__}")

    def verify(self, source: str, text: str) -> tuple[Issue, ...]:
        analysis = analyse(Segment("", 0, source, text), self.matcher)
        issues: list[Issue] = []
        for check in self.checks:
            if check.segment_fn is not None:
                issues.extend(check.segment_fn(analysis))
        return tuple(issues)

    def translate(self, sources: Sequence[str],
                  progress: Callable[[int], None] | None = None) -> list[Hypothesis]:
        """Translate *sources* (each one sentence); order is kept, work is length-sorted."""
        plans = [plan_targets(s, self.matcher) if self.options.constraints else []
                 for s in sources]
        keys = [segment_key(self.signature, s) for s in sources]
        cached = self.cache.get_many(set(keys)) if self.cache is not None else {}
        results: dict[int, tuple[str, int, bool]] = {}
        todo: list[int] = []
        first: dict[str, int] = {}      # a repeated segment is translated once
        repeats: list[int] = []
        for i, key in enumerate(keys):
            if key in cached:
                results[i] = cached[key]
            elif not sources[i].strip():
                results[i] = ("", 0, True)
            elif key in first:
                repeats.append(i)
            else:
                first[key] = i
                todo.append(i)
        done_before = len(sources) - len(todo) - len(repeats)
        self.from_cache += done_before
        if progress is not None and done_before:
            progress(done_before)
        # Batches are cut from the length-sorted unique segments, and each batch is cached as
        # a whole, so a run that resumes after an interruption cuts exactly the batches the
        # uninterrupted run would have: its output is identical even on a backend whose
        # output depends slightly on a sentence's batch neighbours (CTranslate2 int8 does).
        todo.sort(key=lambda i: len(sources[i]))
        size = max(1, self.options.batch_size or self.translator.preferred_batch_size)
        for start in range(0, len(todo), size):
            batch = todo[start:start + size]
            outputs = self.translator.translate([sources[i] for i in batch],
                                                [plans[i] for i in batch],
                                                beam=self.options.beam)
            rows = []
            for i, out in zip(batch, outputs, strict=True):
                text = _match_case(sources[i], out.text)
                results[i] = (text, out.tokens, out.constraints_met)
                rows.append((keys[i], text, out.tokens, out.constraints_met))
            if self.cache is not None:
                self.cache.put_many(rows)
            self.translated += len(batch)
            if progress is not None:
                progress(len(batch))
        for i in repeats:
            results[i] = results[first[keys[i]]]
        self.translated += len(repeats)
        if progress is not None and repeats:
            progress(len(repeats))
        return [Hypothesis(s, results[i][0], tuple(plans[i]), self.verify(s, results[i][0]),
                           results[i][1], keys[i] in cached)
                for i, s in enumerate(sources)]


def _match_case(source: str, text: str) -> str:
    """Capitalise the output's first letter when the source sentence starts with one."""
    if text[:1].islower() and source.lstrip()[:1].isupper():
        return text[0].upper() + text[1:]
    return text
