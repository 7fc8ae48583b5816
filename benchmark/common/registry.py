"""A small name → object registry that refuses duplicates and suggests names.

Configs select systems, tasks and metrics by registry name; nothing is ever
imported from a dotted path found in user input.

Examples
--------
>>> systems = Registry("system")
>>> @systems.register("rules", help="rule-based extractor")
... def make_rules():
...     return "rules!"
>>> systems.get("rules")()
'rules!'
>>> systems.get("rulez")
Traceback (most recent call last):
...
benchmark.errors.UnknownNameError: Unknown system 'rulez'. Did you mean 'rules'? Available: rules
"""

from __future__ import annotations

import difflib
from typing import Callable, Generic, Iterator, TypeVar

from benchmark.common.jsonguard import clip
from benchmark.errors import UnknownNameError

T = TypeVar("T")


class Registry(Generic[T]):
    """Map names to objects, with one-line help for ``python -m benchmark list``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._help: dict[str, str] = {}

    @classmethod
    def from_table(cls, kind: str, table) -> "Registry[T]":
        """A registry filled from ``(name, object, help)`` rows, in their order."""
        registry: Registry[T] = cls(kind)
        for name, obj, help_ in table:
            registry.add(name, obj, help=help_)
        return registry

    def register(self, name: str, *, help: str = "") -> Callable[[T], T]:
        """Decorator registering ``obj`` under ``name``; duplicates raise."""

        def deco(obj: T) -> T:
            self.add(name, obj, help=help)
            return obj

        return deco

    def add(self, name: str, obj: T, *, help: str = "") -> None:
        if name in self._items:
            raise ValueError(f"duplicate {self.kind} name {name!r}")
        self._items[name] = obj
        self._help[name] = help

    def get(self, name: str) -> T:
        """Return the object for ``name`` or raise with suggestions."""
        try:
            return self._items[name]
        except KeyError:
            raise UnknownNameError(unknown_name_message(self.kind, name, self._items)) from None

    def help(self, name: str) -> str:
        return self._help[name]

    def names(self) -> list[str]:
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)


MAX_LISTED = 40
"""Names listed after "Available:" (a corpus may have thousands of document ids)."""


def unknown_name_message(kind: str, name: str, choices) -> str:
    """``Unknown <kind> '<name>'. Did you mean …? Available: …``.

    >>> unknown_name_message("task", "stanse", ["stance", "quotes"])
    "Unknown task 'stanse'. Did you mean 'stance'? Available: quotes, stance"
    """
    names = sorted(choices)
    close = difflib.get_close_matches(str(name)[:100], names, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(names[:MAX_LISTED]) + (f", … ({len(names)} in all)" if len(names) > MAX_LISTED else "")
    return f"Unknown {kind} {clip(name)}.{hint} Available: {shown}"
