"""Strict, located reading of UTF-8 text files.

Aligned corpora break silently when a reader guesses: a stray ``\\x0b`` split by
``str.splitlines`` or a Latin-1 byte replaced by U+FFFD shifts or corrupts a
line without anyone noticing. These helpers accept exactly UTF-8 (with or
without BOM) and ``\\n``/``\\r\\n`` line ends, and otherwise raise a
:class:`~glossary.errors.ParseError` naming the file, line and column.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from glossary.errors import AlignmentError, ParseError

BOM = "\ufeff"
T = TypeVar("T")


def decode_utf8(data: bytes, path: str | Path) -> str:
    """Decode *data* as UTF-8 (a leading BOM is dropped) or raise a located error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        bad = data[exc.start:exc.end].hex(" ")
        raise ParseError(path, line,
                         f"not valid UTF-8: byte(s) {bad} at column {column}; "
                         "re-save the file as UTF-8") from None
    return text[1:] if text.startswith(BOM) else text


def read_bytes(path: str | Path) -> bytes:
    """A regular file's bytes: a FIFO would block forever and ``/dev/zero`` never ends, so
    anything else is a :class:`ParseError` before a byte is read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ParseError(path, None, "not a regular file (a FIFO, device or directory "
                             "is not read)")
        return Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(path, None, f"cannot read file: {exc.strerror or exc}") from None


def read_text(path: str | Path) -> str:
    """Read a whole UTF-8 file; ``\\r\\n`` becomes ``\\n``."""
    return decode_utf8(read_bytes(path), path).replace("\r\n", "\n")


def newline_of(path: str | Path) -> str:
    """``"\\r\\n"`` when *path*'s first line ends so (a Windows file), else ``"\\n"``:
    documents are written back with the line ends they came with."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return "\n"
    end = head.find(b"\n")
    return "\r\n" if end > 0 and head[end - 1:end] == b"\r" else "\n"


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only; a final newline does not start an extra line."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def read_lines(path: str | Path) -> list[str]:
    """Read a one-segment-per-line file; an empty file has no lines."""
    return split_lines(read_text(path))


def read_aligned(first: str | Path, *others: str | Path,
                 relation: str = "the files must be aligned line by line") -> list[list[str]]:
    """The lines of files aligned line by line (line *i* of each belongs with line *i* of
    the first): the one reader for source/translation pairs, references, corpora.

    A different line count is an :class:`AlignmentError` at the first line where the
    files part, never a silent truncation: a missing or extra line shifts every pair
    after it. *relation* ends the message with what the alignment means.
    """
    lines = [read_lines(first)]
    for path in others:
        mine = read_lines(path)
        if len(mine) != len(lines[0]):
            raise AlignmentError(path, min(len(mine), len(lines[0])) + 1,
                                 f"has {len(mine)} line(s) but {first} has {len(lines[0])}; "
                                 f"{relation}")
        lines.append(mine)
    return lines


def path_identities(path: str | Path) -> set[object]:
    """The ways one file can be recognised under another spelling: its absolute path, its
    resolved path (``x/../a``, symlinks) and, when it exists, its device and inode (hard
    links, case-insensitive file systems). Two paths name one file when these intersect;
    the toolkit checks every output against its inputs this way before writing anything."""
    path = Path(path)
    found: set[object] = {os.path.normcase(os.path.abspath(path)),
                          os.path.normcase(str(path.resolve()))}
    try:
        info = path.stat()
    except OSError:
        return found
    found.add((info.st_dev, info.st_ino))
    return found


class PathIndex:
    """Known files by every identity (:func:`path_identities`): which of them, if any, a
    path names under whatever spelling."""

    def __init__(self, paths: Iterable[str | Path] = ()) -> None:
        self._found: dict[object, Path] = {}
        for path in paths:
            self.add(path)

    def add(self, path: str | Path, label: Path | None = None) -> None:
        """Know *path*; :meth:`find` answers *label* for it (default: the path itself)."""
        for identity in path_identities(path):
            self._found.setdefault(identity, label or Path(path))

    def find(self, path: str | Path) -> Path | None:
        return next((self._found[i] for i in path_identities(path) if i in self._found), None)


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 & ~umask
    (mkstemp's private 0600 would surprise anyone sharing the output)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_write(path: str | Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write *path* through a temporary file renamed into place on success.

    A crash or an exception leaves the previous file (or no file) behind,
    never a half-written one that looks complete.
    """
    with _atomic(path, "w", encoding) as handle:
        yield handle


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* atomically (as :func:`atomic_write`, for binary formats)."""
    with _atomic(path, "wb", None) as handle:
        handle.write(data)


@contextmanager
def _atomic(path: str | Path, mode: str, encoding: str | None) -> Iterator[IO[Any]]:
    target = Path(path)
    try:
        kind = os.stat(target).st_mode          # follows symlinks
    except OSError:
        kind = None
    if kind is not None and not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
        # A device or FIFO (-o /dev/stdout, /dev/null): written through, never replaced —
        # renaming a file over /dev/stdout would put a regular file in its place.
        with _direct(target, mode, encoding) as handle:
            yield handle
        return
    if target.is_symlink() and kind is not None:
        target = target.resolve()               # replace the file, keep the link
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:     # named after the file asked for, not its temporary twin
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(fd, mode, encoding=encoding,
                       newline=None if "b" in mode else "") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), _file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _direct(target: Path, mode: str, encoding: str | None) -> Iterator[IO[Any]]:
    try:
        with open(target, mode, encoding=encoding,
                  newline=None if "b" in mode else "") as handle:
            yield handle
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None


def pick_by_suffix(path: str | Path, registry: Mapping[str, T]) -> tuple[T | None, str, str]:
    """The registry entry whose ``extensions`` include *path*'s suffix, the suffix, and
    every known extension (for the error message when nothing matches)."""
    suffix = Path(path).suffix.lower()
    for entry in registry.values():
        if suffix in getattr(entry, "extensions", ()):
            return entry, suffix, ""
    known = ", ".join(ext for e in registry.values() for ext in getattr(e, "extensions", ()))
    return None, suffix, known


def load_json(text: str | bytes) -> Any:
    """:func:`json.loads` for input from outside, every failure a :class:`ValueError`
    with a one-line reason: malformed JSON, nesting too deep for the parser, an integer
    of thousands of digits, or a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8
    file or answer can hold."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError as exc:             # int of over 4300 digits, and the like
        raise ValueError(str(exc).split(";")[0]) from None
    where = _surrogate_in(data, "")
    if where is not None:
        raise ValueError(f"a lone surrogate (an unpaired \\ud800–\\udfff escape) in "
                         f"{where or 'the value'}: not valid Unicode text")
    return data


def _surrogate_in(value: Any, where: str) -> str | None:
    """Where in *value* a string holds a lone surrogate, or None."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return path
        elif isinstance(item, dict):
            stack += [(v, f"{path}.{k}" if path else str(k)) for k, v in item.items()]
            stack += [(k, path or "a key") for k in item if isinstance(k, str)]
        elif isinstance(item, list):
            stack += [(v, f"{path}[{i}]") for i, v in enumerate(item)]
    return None
