"""Span sets and the units they cover: characters or whitespace tokens.

A **span set** (:class:`SpanSet`) is a tuple of half-open spans — more than
one when a quote content is discontinuous — with an optional label.  Its
**units** are the sorted, merged ``[lo, hi)`` intervals of characters it
covers (``level="char"``) or of token indices (``level="token"``); tokens are
maximal runs of non-whitespace (``\\S+``), and a span covers every token it
overlaps by at least one character.  :mod:`.spans` aligns and scores them.

Examples
--------
>>> from benchmark.gold.schema import Span
>>> units((Span(4, 9), Span(0, 4)))
((0, 9),)
>>> units((Span(1, 5),), level="token", tokens=tokenize("ab  cd ef"))
((0, 2),)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Sequence

from benchmark.errors import ConfigError
from benchmark.gold.schema import Span

LEVELS = ("char", "token")
_TOKEN = re.compile(r"\S+")

Units = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SpanSet:
    """A (possibly discontinuous) span set with an optional label."""

    spans: tuple[Span, ...]
    """Empty for a prediction that could not be aligned to the text."""
    label: str | None = None

    @property
    def first(self) -> int | None:
        """Offset of the first character, ``None`` when there are no spans."""
        return min((s.start for s in self.spans), default=None)


@dataclass(frozen=True)
class Tokens:
    """Token boundaries of a text: maximal runs of non-whitespace."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def cover(self, start: int, end: int) -> tuple[int, int]:
        """Half-open range of the tokens overlapping ``[start, end)``.

        >>> tokenize("ab  cd ef").cover(1, 5)
        (0, 2)
        >>> tokenize("ab  cd ef").cover(2, 6)   # starts at the space after "ab"
        (1, 2)
        """
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        return (first, max(first, last))


def tokenize(text: str) -> Tokens:
    """Tokens of ``text`` (``\\S+`` runs).

    >>> tokenize("قال لافروف، إن").starts
    (0, 4, 12)
    """
    found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    return Tokens(tuple(s for s, _ in found), tuple(e for _, e in found))


def units(spans: Sequence[Span], *, level: str = "char", tokens: Tokens | None = None) -> Units:
    """Sorted, merged ``[lo, hi)`` intervals of characters or token indices.

    Touching intervals merge, so two adjacent pieces cover the same units as
    one span over both.

    >>> units((Span(5, 9), Span(0, 5)))
    ((0, 9),)
    """
    check_level(level, tokens)
    raw = []
    for s in spans:
        lo, hi = (s.start, s.end) if level == "char" else tokens.cover(s.start, s.end)  # type: ignore[union-attr]
        if hi > lo:
            raw.append((lo, hi))
    raw.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def size(u: Units) -> int:
    return sum(hi - lo for lo, hi in u)


def overlap(a: Units, b: Units) -> int:
    """Shared units of two merged interval lists.

    >>> overlap(((0, 5), (10, 20)), ((3, 12),))
    4
    """
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def check_level(level: str, tokens: Tokens | None) -> None:
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}", field="level")
    if level == "token" and tokens is None:
        raise ConfigError("level 'token' needs the text's tokens (tokenize(text))", field="level")
