"""Training recipes: the data mix, filters, vocabulary and architecture as a TOML file.

A recipe is declarative so that a user can train on their own parallel archive
by adding a ``[[corpus]]`` table, without editing code::

    [[corpus]]
    name = "agency-archive"
    source = "/data/archive.en"     # relative paths resolve against --data-dir
    target = "/data/archive.vi"
    repeat = 2                      # upsampling weight (whole copies)

Every key is validated on load; an unknown key, a wrong type or a missing file
is a :class:`RecipeError` naming the recipe file and the key. The recipe's
*identity* (everything that changes the trained weights: data, filters,
vocabulary, model, optimisation) is hashed into the run directory, so a run is
never resumed under a different recipe; the *schedule* (how long to train, how
often to evaluate) may change between resumptions.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from glossary.errors import ConfigError

RECIPES = Path(__file__).resolve().parent / "recipes"


class RecipeError(ConfigError):
    """A recipe file is malformed or names data that is not there."""


@dataclass(frozen=True)
class Corpus:
    """One parallel corpus: aligned source/target files and its upsampling weight."""

    name: str
    source: str
    target: str
    repeat: int = 1
    max_lines: int = 0          # 0: all lines (a slice for smoke recipes)


@dataclass(frozen=True)
class Filters:
    """Pair filters applied to every corpus before mixing."""

    max_words: int = 150        # either side, in whitespace words
    max_length_ratio: float = 3.0   # longer/shorter side in characters
    drop_copies: bool = True    # source identical to target (untranslated)
    dedupe: bool = True         # identical pairs within the whole mix


@dataclass(frozen=True)
class Terms:
    """Glossary pairs and term-annotated copies (Dinu et al. 2019) added to the mix."""

    glossary: str = "seeds/glossary.tsv"
    glossary_repeat: int = 5
    annotate_share: float = 0.3     # 0–1: share of unique pairs copied with annotations
    #: Annotate word-aligned phrases (eflomal) instead of a dictionary mined from short pairs.
    align: bool = False


@dataclass(frozen=True)
class Vocab:
    """The joint sentencepiece vocabulary, trained on the (unrepeated) mix."""

    size: int = 8000
    model_type: str = "unigram"


@dataclass(frozen=True)
class ModelSpec:
    """MarianMT architecture."""

    d_model: int = 256
    encoder_layers: int = 3
    decoder_layers: int = 3
    heads: int = 4
    ffn: int = 1024
    dropout: float = 0.1
    #: ``--init-from`` a model with fewer decoder layers: keep its layers and start each
    #: new top layer as a copy of the one below (stacking, Gong et al. 2019), so capacity
    #: can be added without training from scratch. Any other difference is still refused.
    grow: bool = False


@dataclass(frozen=True)
class Optimisation:
    """Optimiser and batching; part of the run's identity."""

    lr: float = 7e-4
    warmup: int = 800
    batch_tokens: int = 4000
    max_len: int = 128
    smoothing: float = 0.1
    seed: int = 1


@dataclass(frozen=True)
class Schedule:
    """When to evaluate, save and stop; may change when a run is resumed."""

    max_steps: int = 200_000
    eval_every: int = 500
    save_every: int = 100
    patience: int = 4
    #: An evaluation gaining less than this over the best counts towards *patience*.
    min_gain: float = 0.0
    average_last: int = 4       # checkpoints averaged at the end (0: no averaging)


@dataclass(frozen=True)
class Dev:
    """The development set that selects the checkpoint (never trained on)."""

    source: str = "flores-dev/dev.en"
    reference: str = "flores-dev/dev.vi"
    lines: int = 0              # 0: the whole file


@dataclass(frozen=True)
class Recipe:
    """A whole training recipe, as loaded and validated from TOML."""

    path: Path
    name: str
    description: str
    #: Printed on every ``termtrans translate`` run with the model (a demo model says so).
    notice: str
    corpora: tuple[Corpus, ...]
    filters: Filters
    terms: Terms
    vocab: Vocab
    model: ModelSpec
    optimisation: Optimisation
    schedule: Schedule
    dev: Dev

    def identity(self) -> dict[str, Any]:
        """What determines the trained weights (the schedule is left out)."""
        return {"corpora": [asdict(c) for c in self.corpora], "filters": asdict(self.filters),
                "terms": asdict(self.terms), "vocab": asdict(self.vocab),
                # grow is left out when off: run directories made before it existed resume
                "model": {k: v for k, v in asdict(self.model).items() if k != "grow" or v},
                "optimisation": asdict(self.optimisation),
                "dev": asdict(self.dev)}

    def fingerprint(self) -> str:
        text = json.dumps(self.identity(), sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.identity(), "schedule": asdict(self.schedule)}

    def data_files(self, data_dir: Path) -> list[tuple[str, Path]]:
        """(recipe key, resolved path) of every data file the recipe reads."""
        out = []
        for i, corpus in enumerate(self.corpora):
            out.append((f"corpus[{i}].source", data_dir / corpus.source))
            out.append((f"corpus[{i}].target", data_dir / corpus.target))
        out.append(("dev.source", data_dir / self.dev.source))
        out.append(("dev.reference", data_dir / self.dev.reference))
        return out

    def check_files(self, data_dir: Path) -> None:
        """Refuse before any work when a named file is missing."""
        for key, path in self.data_files(data_dir):
            if not path.is_file():
                raise RecipeError(f"{self.path}: {key}: no such file {path} "
                                  f"(relative paths resolve against --data-dir {data_dir})")
        if not Path(self.terms.glossary).is_file():
            raise RecipeError(f"{self.path}: terms.glossary: no such file "
                              f"{self.terms.glossary}")


T = TypeVar("T")


def _build(cls: type[T], table: Any, where: str, path: Path) -> T:
    if not isinstance(table, dict):
        raise RecipeError(f"{path}: {where}: expected a table")
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    for key in table:
        if key not in known:
            raise RecipeError(f"{path}: {where}.{key}: unknown key "
                              f"(valid: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for name, field in known.items():
        if name not in table:
            continue
        value = table[name]
        expected = field.type if isinstance(field.type, str) else field.type.__name__
        ok = {"int": isinstance(value, int) and not isinstance(value, bool),
              "float": isinstance(value, int | float) and not isinstance(value, bool),
              "bool": isinstance(value, bool), "str": isinstance(value, str)}.get(expected, True)
        if not ok:
            raise RecipeError(f"{path}: {where}.{name}: expected {expected}, "
                              f"got {type(value).__name__} {value!r}")
        if expected in ("int", "float") and value < 0:
            raise RecipeError(f"{path}: {where}.{name}: must not be negative, got {value}")
        values[name] = float(value) if expected == "float" else value
    try:
        return cls(**values)
    except TypeError as exc:
        missing = str(exc).split("argument")[-1].strip(": ")
        raise RecipeError(f"{path}: {where}: missing key {missing}") from None


SECTIONS = {"filters": Filters, "terms": Terms, "vocab": Vocab, "model": ModelSpec,
            "optimisation": Optimisation, "schedule": Schedule, "dev": Dev}


def resolve_recipe(name_or_path: str) -> Path:
    """A recipe file path, or the name of one shipped in ``translate/train/recipes``."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = RECIPES / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    names = sorted(p.stem for p in RECIPES.glob("*.toml"))
    raise RecipeError(f"{name_or_path}: no such recipe file or shipped recipe "
                      f"(shipped: {', '.join(names)})")


def load_recipe(name_or_path: str) -> Recipe:
    """Load and validate a recipe; every problem names the file and the key."""
    path = resolve_recipe(name_or_path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RecipeError(f"{path}: not valid TOML: {exc}") from None
    top = {"name", "description", "notice", "corpus", *SECTIONS}
    for key in raw:
        if key not in top:
            raise RecipeError(f"{path}: {key}: unknown key (valid: {', '.join(sorted(top))})")
    corpora = raw.get("corpus")
    if not isinstance(corpora, list) or not corpora:
        raise RecipeError(f"{path}: corpus: at least one [[corpus]] table is required")
    sections: dict[str, Any] = {key: _build(cls, raw.get(key, {}), key, path)
                                for key, cls in SECTIONS.items()}
    terms: Terms = sections["terms"]
    built = tuple(_build(Corpus, c, f"corpus[{i}]", path) for i, c in enumerate(corpora))
    names = [c.name for c in built]
    if len(set(names)) != len(names):
        raise RecipeError(f"{path}: corpus: names must be unique, got {names}")
    if not 0.0 <= terms.annotate_share <= 1.0:
        raise RecipeError(f"{path}: terms.annotate_share: must be between 0 and 1, "
                          f"got {terms.annotate_share}")
    for i, corpus in enumerate(built):
        if corpus.repeat < 1:
            raise RecipeError(f"{path}: corpus[{i}].repeat: must be at least 1")
    name = raw.get("name", path.stem)
    if not isinstance(name, str):
        raise RecipeError(f"{path}: name: expected str")
    return Recipe(path=path, name=name, description=str(raw.get("description", "")),
                  notice=str(raw.get("notice", "")), corpora=built, **sections)  # type: ignore[arg-type]
