"""The one duplicate check: where a key was first seen.

Gold ids, document ids, submission items and predictions keyed by item all
refuse repeats the same way, naming the place of the first occurrence.

Examples
--------
>>> list(duplicates(["q1", "q2", "q1", "q1"]))
[(2, 'q1', 0), (3, 'q1', 0)]
>>> seen = FirstSeen()
>>> seen.add("d1", where=3), seen.add("d2", where=4), seen.add("d1", where=9)
(None, None, 3)
"""

from __future__ import annotations

from typing import Generic, Hashable, Iterable, Iterator, TypeVar

K = TypeVar("K", bound=Hashable)


class FirstSeen(Generic[K]):
    """Remembers where each key was first seen, for checks that stream."""

    def __init__(self) -> None:
        self._first: dict[K, object] = {}

    def add(self, key: K, *, where: object) -> object | None:
        """Record ``key`` at ``where``; return where it was first seen if it is a repeat, else ``None``."""
        if key in self._first:
            return self._first[key]
        self._first[key] = where
        return None

    def __len__(self) -> int:
        return len(self._first)


def duplicates(keys: Iterable[K]) -> Iterator[tuple[int, K, int]]:
    """``(index, key, index of first occurrence)`` for every repeated key, in order."""
    seen: FirstSeen[K] = FirstSeen()
    for i, key in enumerate(keys):
        first = seen.add(key, where=i)
        if first is not None:
            yield i, key, first  # type: ignore[misc]
