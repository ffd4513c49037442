"""Reproducibility signatures, in the style of sacrebleu's: ``key:value|key:value``.

One value type for every signature the toolkit prints (translation runs, term and code
metrics), so they are built, printed and read back the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    """Ordered ``key:value`` fields; ``str()`` is the printed form."""

    fields: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **fields: object) -> Signature:
        """A signature of *fields* in the order given (values printed with ``str``)."""
        return cls(tuple((key, str(value)) for key, value in fields.items()))

    @classmethod
    def parse(cls, text: str) -> Signature:
        """The signature printed as *text* (a field without ``:`` keeps an empty value)."""
        return cls(tuple((key, value) for key, _, value in
                         (part.partition(":") for part in text.split("|") if part)))

    def get(self, key: str) -> str | None:
        return next((value for k, value in self.fields if k == key), None)

    def __str__(self) -> str:
        return "|".join(f"{key}:{value}" for key, value in self.fields)
