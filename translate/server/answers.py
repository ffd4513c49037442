"""What every translation route answers, whichever protocol asked (LibreTranslate,
DeepL, OPUS-CAT): the translated texts with their glossary terms, verification issues and
quality estimates, within the server's limits, with messages that show no server paths."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from glossary.matching import TermMatcher, concept_mentions
from glossary.model import Glossary
from translate.documents.htmldoc import parse_html
from translate.pipeline import Hypothesis
from translate.quality.estimate import Quality
from translate.server import params as P

if TYPE_CHECKING:
    from translate.server.app import Server


def term_report(hyps: list[Hypothesis], matcher: TermMatcher, label: str
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any] | None]:
    """The glossary terms of a text with whether each was applied, its issues, and its
    quality estimate (its worst sentence's)."""
    terms: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    for n, hyp in enumerate(hyps, 1):
        missing = {i.expected for i in hyp.issues if i.kind == "missing_term"}
        for mention in concept_mentions(hyp.source, matcher.find(hyp.source)):
            terms.append({"source": mention.text, "target": mention.term.target,
                          "found": mention.term.target not in missing})
        issues += [replace(i, file=label, line=n).to_dict() for i in hyp.issues]
    quality = Quality.combined([h.quality for h in hyps if h.quality is not None])
    return terms, issues, quality.to_dict() if quality else None


_UPLOAD = re.compile(r"/\S*?termtrans-upload-[^/\s]+/entries\.\w+")
_ABSOLUTE = re.compile(r"(?<![\w.])/(?:[^/\s:'\"]+/)+([^/\s:'\"]+)")


def public_message(message: str) -> str:
    """*message* without the server's file system: an uploaded glossary's temporary file is
    "inline glossary", any other absolute path is its file name."""
    return _ABSOLUTE.sub(r"\1", _UPLOAD.sub("inline glossary", message))


@dataclass(frozen=True)
class Answer:
    """One text's translation as every route reports it: the text, its glossary terms
    (applied or not), its verification issues and its quality estimate."""

    text: str
    terms: list[dict[str, Any]]
    issues: list[dict[str, Any]]
    quality: dict[str, Any] | None


def check_limits(server: Server, texts: list[str], name: str = "q") -> None:
    """The request's texts against ``--batch-limit`` and ``--char-limit`` (400 otherwise)."""
    if len(texts) > server.settings.batch_limit:
        raise P.ApiError(400, f"Invalid request: {name} has {len(texts)} texts; the batch "
                         f"limit is {server.settings.batch_limit}")
    chars = sum(len(t) for t in texts)
    if chars > server.settings.char_limit:
        raise P.ApiError(400, f"Invalid request: {chars} characters; the limit is "
                         f"{server.settings.char_limit} per request")


async def translate_answers(server: Server, texts: list[str], glossary: Glossary,
                            fmt: str = "text", field: str = "q") -> list[Answer]:
    """Translate *texts* (plain text, or HTML whose inline markup is kept) in one batch;
    problems and issues name the request's *field* (``q[2]``, ``text[0]``)."""
    matcher = server.matcher(glossary)
    answers: list[Answer] = []
    if fmt == "html":
        documents = [parse_html(t) for t in texts]
        units = [unit.text for doc in documents for unit in doc.units]
        labels = [f"{field}[{n}]" for n, doc in enumerate(documents) for _ in doc.units]
        done = iter(await server.translate_texts(units, glossary, labels))
        for n, doc in enumerate(documents):
            parts = [next(done) for _ in doc.units]
            required = [[pair for h in hyps for pair in h.required] for _, hyps in parts]
            assert doc.render_inline is not None
            text = doc.render_inline([text for text, _ in parts], required)
            assert isinstance(text, str)
            report = term_report([h for _, hyps in parts for h in hyps], matcher,
                                 f"{field}[{n}]")
            answers.append(Answer(text, *report))
        return answers
    labels = [f"{field}[{n}]" for n in range(len(texts))]
    for label, (text, hyps) in zip(labels, await server.translate_texts(texts, glossary, labels),
                                   strict=True):
        answers.append(Answer(text, *term_report(hyps, matcher, label)))
    return answers
