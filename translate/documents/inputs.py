"""From the command line's inputs to (input file, output file) jobs, checked before any work.

Directories are expanded recursively to the files of supported formats (with
``--include``/``--exclude`` globs). Output paths never collide: with
``--out DIR`` files keep their name, but where two inputs share one (every
Hugo or Jekyll tree has ``*/index.md``), and for files found inside a
directory, the input tree is mirrored under DIR relative to the inputs'
common parent. A job whose output would overwrite an input, a glossary or
another job's output is refused before the model loads, so nothing is lost.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from glossary.errors import ConfigError, InputError
from glossary.textio import PathIndex
from translate.documents import FORMATS


@dataclass(frozen=True)
class Job:
    """One input document and where its translation goes."""

    source: Path
    output: Path


@dataclass
class Plan:
    """The jobs of a run, and the files skipped (unsupported formats) with why."""

    jobs: list[Job] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: Inputs that cannot be read at all (missing, a FIFO, an empty directory): reported,
    #: and the other files are still translated.
    errors: list[InputError] = field(default_factory=list)


def supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return any(suffix in f.extensions for f in FORMATS.values())


def expand(inputs: Sequence[Path], include: Sequence[str] = (),
           exclude: Sequence[str] = ()) -> tuple[list[tuple[Path, Path | None]], list[str],
                                                 list[InputError]]:
    """(file, the directory it was found in or None) for every input; skipped-file notes;
    the inputs that cannot be read."""
    files: list[tuple[Path, Path | None]] = []
    skipped: list[str] = []
    errors: list[InputError] = []
    for item in inputs:
        if item.is_dir():
            found = 0
            for path in sorted(p for p in item.rglob("*") if p.is_file()):
                relative = path.relative_to(item).as_posix()
                if include and not any(fnmatch.fnmatch(relative, g) for g in include):
                    continue
                if any(fnmatch.fnmatch(relative, g) for g in exclude):
                    continue
                if not supported(path):
                    skipped.append(f"{path}: skipped (unsupported type "
                                   f"'{path.suffix or 'no suffix'}')")
                    continue
                files.append((path, item))
                found += 1
            if not found:
                known = ", ".join(e for f in FORMATS.values() for e in f.extensions)
                errors.append(InputError(item, None, "directory holds no supported document "
                                         f"({known})"))
        elif not item.exists():
            errors.append(InputError(item, None, "no such file"))
        elif not item.is_file():
            errors.append(InputError(item, None, "not a regular file (a FIFO or device is "
                                     "not read)"))
        else:
            files.append((item, None))
    return files, skipped, errors


#: Largest input document, in MiB: documents are read into memory whole, and 100 MiB of
#: text is days of CPU translation, so a bigger file is far more likely a mistake.
MAX_INPUT_MIB = 100


def plan_jobs(inputs: Sequence[Path], *, out_dir: Path | None = None,
              out_file: Path | None = None, include: Sequence[str] = (),
              exclude: Sequence[str] = (), protected: Sequence[Path] = (),
              force: bool = False, max_mib: int = MAX_INPUT_MIB) -> Plan:
    """Expand *inputs* and give each file an output path that overwrites nothing it must not.

    An output chosen with -o or --out may replace a file there (the user named the place);
    the implicit ``X.vi.ext`` beside an input that already exists is an editor's file as
    likely as an earlier run's, so that input is refused (the batch goes on) unless *force*.
    A file over *max_mib* MiB is refused too (documents are read whole; --max-file-size).
    """
    for folder in (out_dir, out_file.parent if out_file is not None else None):
        if folder is not None:
            _refuse_file_in_the_way(folder)
    files, skipped, errors = expand(inputs, include, exclude)
    kept = []
    for path, root in files:
        size = path.stat().st_size
        if size > max_mib * 1024 * 1024:
            errors.append(InputError(path, None, f"file is {size / 1024 / 1024:.0f} MiB, over "
                                     f"the {max_mib} MiB limit (--max-file-size raises it)"))
        else:
            kept.append((path, root))
    files = kept
    if out_file is not None and len(files) + len(errors) != 1:
        raise ConfigError("-o/--output takes one input file; use --out DIR for several")
    outputs = [_output(path, root, out_dir, out_file) for path, root in files]
    if out_dir is not None and files and len({_key(o) for o in outputs}) < len(outputs):
        base = Path(os.path.commonpath([p.resolve().parent for p, _ in files]))
        outputs = [out_dir / p.resolve().relative_to(base) for p, _ in files]
    _refuse_overwrites(files, outputs, protected)
    jobs = []
    for (path, _), output in zip(files, outputs, strict=True):
        if out_file is None and out_dir is None and not force and output.exists():
            errors.append(InputError(path, None, f"{output} already exists; pass --force to "
                                     "replace it, or choose -o/--out"))
        else:
            jobs.append(Job(path, output))
    return Plan(jobs, skipped, errors)


def _refuse_file_in_the_way(folder: Path) -> None:
    """Refuse an output folder that a file stands in the way of (``--out notes.txt``), before
    the model loads: otherwise every file is translated and then fails to be written."""
    for place in (folder, *folder.parents):
        if place.exists():
            if not place.is_dir():
                raise ConfigError(f"{place}: is a file, not a directory; the output folder "
                                  f"{folder} cannot be made there")
            return


def _output(source: Path, root: Path | None, out_dir: Path | None, out_file: Path | None) -> Path:
    if out_file is not None:
        return out_file
    if out_dir is not None:
        return out_dir / (source.relative_to(root) if root is not None else Path(source.name))
    return source.with_name(f"{source.stem}.vi{source.suffix}")


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _refuse_overwrites(files: list[tuple[Path, Path | None]], outputs: list[Path],
                       protected: Sequence[Path]) -> None:
    inputs = PathIndex(p for p, _ in files)
    guarded = PathIndex(protected)
    seen = PathIndex()
    for (source, _), output in zip(files, outputs, strict=True):
        clash = inputs.find(output)
        if clash is not None:
            raise ConfigError(f"{output}: output would overwrite the input {clash}; "
                              "choose another -o/--out")
        clash = guarded.find(output)
        if clash is not None:
            raise ConfigError(f"{output}: output would overwrite {clash}; "
                              "choose another -o/--out")
        earlier = seen.find(output)
        if earlier is not None:
            raise ConfigError(f"{source} and {earlier} would both be written to {output}")
        seen.add(output, source)
