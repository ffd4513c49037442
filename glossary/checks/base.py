"""Values shared by all checks: segments, issues, severities and the registry.

A check is a plain function with a name and a severity. Segment checks see one
analysed segment; set checks see the whole file set at once (consistency
across files needs that). New checks register themselves with
:func:`segment_check` / :func:`set_check`; the CLI's ``--select``/``--ignore``
options take the registered names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from glossary.errors import ConfigError

if TYPE_CHECKING:
    from glossary.checks.analysis import SegmentAnalysis


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except KeyError:
            valid = ", ".join(s.name.lower() for s in cls)
            raise ConfigError(f"unknown severity '{name}' (valid: {valid})") from None


@dataclass(frozen=True)
class Segment:
    """One source/translation pair and where the translation lives."""

    file: str
    line: int
    source: str
    target: str
    source_file: str | None = None
    source_line: int | None = None
    #: PO flags of the entry (``c-format``, ``python-brace-format``…): which placeholders apply.
    flags: tuple[str, ...] = ()
    #: Issue kinds an editor has waived for this segment (PO ``# termtrans: ignore KIND``).
    waived: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    """One problem found in one segment, with the evidence in the message."""

    kind: str
    severity: Severity
    file: str
    line: int
    message: str
    source_term: str = ""
    expected: str = ""
    found: str = ""
    span: tuple[int, int] | None = None          # NFC offsets in the translation
    source_span: tuple[int, int] | None = None   # NFC offsets in the source

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["span"] = list(self.span) if self.span else None
        data["source_span"] = list(self.source_span) if self.source_span else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """The issue :meth:`to_dict` wrote (results sent between processes, manifests)."""
        return cls(**{**data, "severity": Severity.parse(data["severity"]),
                      "span": tuple(data["span"]) if data.get("span") else None,
                      "source_span": tuple(data["source_span"]) if data.get("source_span")
                      else None})


SegmentCheckFn = Callable[["SegmentAnalysis"], Iterable[Issue]]
SetCheckFn = Callable[[list["SegmentAnalysis"]], Iterable[Issue]]


@dataclass(frozen=True)
class Check:
    """A registered check; *kind* is the issue kind it reports (defaults to its name)."""

    name: str
    description: str
    segment_fn: SegmentCheckFn | None = None
    set_fn: SetCheckFn | None = None
    kind: str = ""

    @property
    def issue_kind(self) -> str:
        return self.kind or self.name


REGISTRY: dict[str, Check] = {}


def segment_check(name: str, description: str,
                  kind: str = "") -> Callable[[SegmentCheckFn], SegmentCheckFn]:
    def register(fn: SegmentCheckFn) -> SegmentCheckFn:
        REGISTRY[name] = Check(name, description, segment_fn=fn, kind=kind)
        return fn
    return register


def set_check(name: str, description: str,
              kind: str = "") -> Callable[[SetCheckFn], SetCheckFn]:
    def register(fn: SetCheckFn) -> SetCheckFn:
        REGISTRY[name] = Check(name, description, set_fn=fn, kind=kind)
        return fn
    return register


def resolve_checks(select: Iterable[str] | None = None,
                   ignore: Iterable[str] | None = None) -> list[Check]:
    """The checks to run, chosen by check name or issue kind.

    Unknown names raise an error that lists the valid ones.
    """
    valid = {c.name for c in REGISTRY.values()} | {c.issue_kind for c in REGISTRY.values()}
    chosen = set(select) if select else valid
    skip = set(ignore or ())
    unknown = sorted((chosen | skip) - valid)
    if unknown:
        raise ConfigError(f"unknown check '{unknown[0]}' (valid: {', '.join(sorted(valid))})")
    return [c for c in REGISTRY.values()
            if (c.name in chosen or c.issue_kind in chosen)
            and c.name not in skip and c.issue_kind not in skip]
