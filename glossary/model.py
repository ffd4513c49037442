"""Glossary data model: immutable terms, validated on construction.

A :class:`Term` is a *concept* with one preferred target: several English
source variants ("people's heart-and-mind posture", "posture of people's
hearts") may map to one Vietnamese target ("thế trận lòng dân"). Allowed
variants are accepted by the checker but flagged when a file set mixes them;
forbidden variants are known wrong renderings that are always reported.

Loaders (``glossary.formats``) produce :class:`Entry` rows and hand them to
:func:`build_glossary`, so every format gets the same validation and the same
merge rules and errors.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from glossary.errors import GlossaryError, Problem
from glossary.normalize import find_suspicious, fold_en_token, fold_vi_token, is_nfc, nfc, tokenize

KIND_TERM = "term"
KIND_CODE = "code"


@lru_cache(maxsize=100_000)
def en_key(text: str, case_sensitive: bool = False) -> tuple[str, ...]:
    """The comparison key of an English phrase: folded tokens."""
    return tuple(fold_en_token(t.text, case_sensitive) for t in tokenize(nfc(text)))


@lru_cache(maxsize=100_000)
def vi_key(text: str, case_sensitive: bool = False) -> tuple[str, ...]:
    """The comparison key of a Vietnamese phrase: tone-style-folded tokens."""
    return tuple(fold_vi_token(t.text, case_sensitive) for t in tokenize(nfc(text)))


@dataclass(frozen=True)
class Origin:
    """Where a term was defined, for messages that point at the glossary line."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Term:
    """One glossary concept: source variants → preferred target (+ allowed / forbidden)."""

    sources: tuple[str, ...]
    target: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""
    kind: str = KIND_TERM
    origin: Origin | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.sources or any(not s.strip() for s in self.sources):
            raise ValueError("a term needs at least one non-empty source")
        if not self.target.strip():
            raise ValueError("a term needs a non-empty target")
        # Store NFC so that everything the toolkit emits from the glossary is NFC.
        object.__setattr__(self, "sources", tuple(nfc(s.strip()) for s in self.sources))
        object.__setattr__(self, "target", nfc(self.target.strip()))
        object.__setattr__(self, "variants", tuple(nfc(v.strip()) for v in self.variants))
        object.__setattr__(self, "forbidden", tuple(nfc(v.strip()) for v in self.forbidden))

    @property
    def source(self) -> str:
        """The canonical (first) source form."""
        return self.sources[0]

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every accepted rendering: the preferred target first, then variants."""
        return (self.target, *self.variants)


@dataclass(frozen=True)
class Entry:
    """A raw glossary row as read from a file, before validation and merging."""

    source: str
    target: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""
    line: int | None = None
    #: The file the row comes from, when several glossaries are merged.
    path: str | None = None


@dataclass(frozen=True)
class Glossary:
    """An immutable, validated set of terms for one language pair."""

    terms: tuple[Term, ...]
    source_lang: str = "en"
    target_lang: str = "vi"
    path: str | None = None
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    #: How the files were read (a detected delimiter, a DeepL export), for validate/show.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    @property
    def source_count(self) -> int:
        """Number of source variants (rows of a two-column file)."""
        return sum(len(t.sources) for t in self.terms)

    @cached_property
    def sha256(self) -> str:
        """Hash of the glossary's content (not its file format or row order).

        Used in reproducibility signatures and cache keys: the same terms in a
        TSV or a TBX file give the same hash.
        """
        canonical = sorted(
            [list(t.sources), t.target, list(t.variants), list(t.forbidden), t.case_sensitive]
            for t in self.terms
        )
        payload = json.dumps([self.source_lang, self.target_lang, canonical],
                             ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


#: Bidirectional overrides and isolates: invisible, and they reorder the text around them
#: ("Trojan Source"); never part of a term.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_character(text: str) -> str:
    """A description of the first control or bidi-override character in *text*, or ''."""
    for ch in text:
        if ch in _BIDI_CONTROLS:
            return f"the bidirectional control U+{ord(ch):04X}"
        if unicodedata.category(ch) == "Cc":
            name = {"\0": "NUL", "\x1b": "ESC", "\t": "a tab", "\n": "a line break",
                    "\r": "a carriage return"}.get(ch, "a control character")
            return f"{name} (U+{ord(ch):04X})"
    return ""


def _split_cell(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = value.strip()
        if value:
            seen.setdefault(value)
    return tuple(seen)


def build_glossary(entries: Iterable[Entry], path: str, *, source_lang: str = "en",
                   target_lang: str = "vi", notes: tuple[str, ...] = ()) -> Glossary:
    """Validate raw rows and merge them into a :class:`Glossary`.

    Rows whose preferred targets are equal (after folding) and that share the
    case-sensitivity flag become one concept with several sources. Every
    problem is collected before raising, so ``termtrans glossary validate``
    can list them all at once.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    by_source: dict[tuple[tuple[str, ...], bool], Entry] = {}
    groups: dict[tuple[tuple[str, ...], bool], list[Entry]] = {}
    row_count = duplicates = 0
    merged = path

    def where(other: Entry) -> str:
        """'line 12', or 'other.tbx:12' when the rows come from different files."""
        if other.path is not None and other.path != (entry.path or merged):
            return f"{other.path}:{other.line}"
        return f"line {other.line}"

    for entry in entries:
        row_count += 1
        here = entry.line
        path = entry.path or merged
        if not entry.source.strip():
            errors.append(Problem(path, here, "empty source term"))
            continue
        if not entry.target.strip():
            errors.append(Problem(path, here, f"empty target for source '{entry.source}'"))
            continue
        for label, text in (("source", entry.source), ("target", entry.target),
                            *(("variant", v) for v in entry.variants),
                            *(("forbidden variant", v) for v in entry.forbidden)):
            if not is_nfc(text):
                warnings.append(Problem(path, here, f"{label} '{nfc(text)}' is not NFC; "
                                        "it was normalised"))
            control = _control_character(text)
            if control:
                errors.append(Problem(path, here, f"{label} {text!r} contains {control}: "
                                      "it would be forced into every translation"))
            for sus in find_suspicious(text):
                warnings.append(Problem(path, here, f"{label} '{nfc(text)}' has {sus.codepoint} "
                                        f"'{sus.char}' ({sus.reason})"))
        skey = (en_key(entry.source, entry.case_sensitive), entry.case_sensitive)
        tkey = vi_key(entry.target)
        if not skey[0]:
            errors.append(Problem(path, here, f"source '{entry.source}' has no words"))
            continue
        previous = by_source.get(skey)
        if previous is not None:
            if vi_key(previous.target) != tkey:
                errors.append(Problem(
                    path, here,
                    f"duplicate source '{entry.source}' conflicts with {where(previous)}: "
                    f"'{nfc(entry.target)}' vs '{nfc(previous.target)}'"))
            else:
                duplicates += 1
                warnings.append(Problem(path, here, f"duplicate of {where(previous)} "
                                        f"('{entry.source}' → '{nfc(entry.target)}')"))
            continue
        forbidden_keys = {vi_key(v) for v in entry.forbidden}
        if tkey in forbidden_keys:
            errors.append(Problem(path, here, f"target '{nfc(entry.target)}' is also "
                                  "listed as forbidden"))
            continue
        clash = [v for v in entry.variants if vi_key(v) in forbidden_keys]
        if clash:
            errors.append(Problem(path, here, f"variant '{nfc(clash[0])}' is also listed "
                                  "as forbidden"))
            continue
        by_source[skey] = entry
        groups.setdefault((tkey, entry.case_sensitive), []).append(entry)

    path = merged
    if row_count >= 4 and duplicates * 2 >= row_count:
        errors.append(Problem(path, None, f"{row_count} rows collapse to "
                              f"{row_count - duplicates} "
                              f"distinct source terms ({duplicates} duplicates): the columns or "
                              "the delimiter were probably misread (see glossary validate)"))
    if errors:
        raise GlossaryError(None, problems=errors)

    terms = []
    for rows in groups.values():
        first = rows[0]
        terms.append(Term(
            sources=_split_cell(r.source for r in rows),
            target=first.target,
            variants=_split_cell(v for r in rows for v in r.variants
                                 if vi_key(v) != vi_key(first.target)),
            forbidden=_split_cell(v for r in rows for v in r.forbidden),
            case_sensitive=first.case_sensitive,
            note="; ".join(_split_cell(r.note for r in rows)),
            origin=Origin(first.path or path, first.line),
        ))
    return Glossary(tuple(terms), source_lang, target_lang, path, tuple(warnings), notes)


def merge_glossaries(parts: Iterable[Glossary], name: str) -> Glossary:
    """One glossary from several already-loaded ones (a server's own glossary, a stored
    one and a request's inline terms), by the same merge rules as one file: a source
    that two parts translate differently is an error naming both."""
    parts = [p for p in parts if len(p)]
    if len(parts) == 1:
        return parts[0]
    entries = [Entry(source, term.target, term.variants, term.forbidden, term.case_sensitive,
                     term.note, term.origin.line if term.origin else None,
                     (term.origin.path if term.origin else None) or part.path or name)
               for part in parts for term in part.terms for source in term.sources]
    return build_glossary(entries, name)
