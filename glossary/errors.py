"""The toolkit's one error hierarchy.

Every error a user can cause derives from :class:`ToolkitError`, so the CLI can
turn any of them into a one-line message and an exit code without catching
programming errors by accident. Errors about a file carry its path and, where
known, the line, and render as ``path:line: message`` like compilers do, so
editors and terminals can jump to the place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ToolkitError(Exception):
    """Base of every error the toolkit raises on bad input or environment."""

    exit_code: int = 2


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file (used for errors and validation)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class InputError(ToolkitError):
    """A file could not be read or has the wrong shape.

    Holds one or more :class:`Problem` s; ``str()`` shows the first one and a
    count of the rest so that a CLI line stays a single line.
    """

    def __init__(self, path: str | Path | None, line: int | None = None,
                 message: str = "", problems: list[Problem] | None = None) -> None:
        if problems is None:
            problems = [Problem(str(path) if path is not None else "<input>", line, message)]
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        self.path = first.path
        self.line = first.line
        self.message = first.message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.problems[0])
        if len(self.problems) > 1:
            text += f" (and {len(self.problems) - 1} more problem(s))"
        return text


class ParseError(InputError):
    """The file's bytes or syntax are wrong (encoding, columns, XML, PO)."""


class GlossaryError(ParseError):
    """The glossary's content is inconsistent (conflicting duplicates, empty cells...)."""


class AlignmentError(InputError):
    """Parallel files that must be aligned line by line are not."""


class ConfigError(ToolkitError):
    """An option or name given by the user is not valid (unknown format, bad threshold)."""


class MissingDependencyError(ToolkitError):
    """An optional heavy dependency is not installed; the message says how to install it."""


class ModelError(ToolkitError):
    """A model is missing, incomplete, corrupt, or cannot be downloaded."""


class CacheError(ToolkitError):
    """The translation cache cannot be opened or written."""


class ClusterError(ToolkitError):
    """A cluster cannot be reached, or a job on it failed (``--engine ray``)."""
