"""One validation failure, shared by every check of the gold.

:mod:`benchmark.gold.check` (offsets, ids, references between layers) and
:mod:`benchmark.gold.references` (the English references) both report
:class:`Problem` records, so ``check-data`` prints them all the same way.

Examples
--------
>>> str(Problem("gold/a.json", "quotes[0].speaker", "dangling reference to entity 'x'"))
"gold/a.json: quotes[0].speaker: dangling reference to entity 'x'"
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One validation failure."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
