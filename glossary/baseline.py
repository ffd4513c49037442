"""Baselines: accept the issues an editor has reviewed, report only new ones.

Like a linter's baseline, the file lists a fingerprint per accepted issue. A
fingerprint is built from the file name, the issue kind, the source term and
the segment's normalised source text — not the line number, so that edits
elsewhere in the file do not invalidate it. A baseline belongs to one
glossary: with another glossary the same fingerprints would mean other
things, so it is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from glossary.checks.base import Issue
from glossary.errors import ConfigError, ParseError
from glossary.normalize import nfc
from glossary.textio import atomic_write

VERSION = 1


def fingerprint(issue: Issue, segment_source: str) -> str:
    """A stable identity of *issue*: file name, kind, source term, found text and segment."""
    text = " ".join(nfc(segment_source).split()).casefold()
    key = "\x1f".join([Path(issue.file).name, issue.kind, issue.source_term, issue.found, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def write_baseline(path: Path, issues: Iterable[tuple[Issue, str]], glossary_hash: str) -> int:
    """Write the fingerprints of *issues* ((issue, segment source) pairs); returns the count."""
    rows = [{"fingerprint": fingerprint(issue, source), "kind": issue.kind,
             "file": issue.file, "line": issue.line, "message": issue.message}
            for issue, source in issues]
    data = {"version": VERSION, "glossary": glossary_hash, "issues": rows}
    with atomic_write(path) as handle:
        handle.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return len(rows)


def load_baseline(path: Path, glossary_hash: str) -> Counter[str]:
    """The accepted fingerprints (with counts) of a baseline file written for this glossary."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParseError(path, None, f"cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ParseError(path, line, f"not a termtrans baseline (invalid JSON: {exc})") from None
    if (not isinstance(data, dict) or data.get("version") != VERSION
            or not isinstance(data.get("issues"), list)
            or not all(isinstance(r, dict) and isinstance(r.get("fingerprint"), str)
                       for r in data["issues"])):
        raise ParseError(path, None, "not a termtrans baseline (expected version 1 with a "
                         "list of issues that have fingerprints)")
    if data.get("glossary") != glossary_hash:
        raise ConfigError(f"{path}: baseline was written for glossary {data.get('glossary')}, "
                          f"this run uses {glossary_hash}; review the issues again and "
                          "re-create it with --write-baseline")
    return Counter(r["fingerprint"] for r in data["issues"])


def apply_baseline(issues: Iterable[tuple[Issue, str]], accepted: Counter[str]) -> list[Issue]:
    """Issues not accepted by the baseline (each accepted fingerprint absorbs one issue)."""
    left = Counter(accepted)
    out: list[Issue] = []
    for issue, source in issues:
        key = fingerprint(issue, source)
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(issue)
    return out
