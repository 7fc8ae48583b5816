"""Guards for JSON that comes from outside: bounded before it is parsed, short when echoed.

Python's :mod:`json` recurses once per nesting level, so a 2 KB line of 1,000
``[`` ends in :class:`RecursionError` (inside :func:`json.loads` or later inside
``jsonschema``); a 5,000-digit number ends in ``ValueError: Exceeds the limit
(4300 digits)``; a ``"\\ud800"`` escape decodes to a lone surrogate that no
UTF-8 writer accepts.  These helpers let the readers of submissions
(:mod:`benchmark.submission`) and of model answers
(:mod:`benchmark.systems.llm.parse`) refuse such input with one clear message:

* :func:`nesting_depth` measures how deep a JSON value nests *without*
  parsing it (a regular-expression scan, so it cannot recurse);
* :func:`number_hooks` gives ``parse_int`` / ``parse_float`` hooks for
  :func:`json.loads` that refuse integers longer than :data:`MAX_INT_DIGITS`
  digits and numbers that overflow to infinity;
* :func:`find_lone_surrogate` finds the first string holding a lone surrogate
  in a decoded value, with its path;
* :func:`clip` shortens any value echoed in a message to about 80 characters.

Examples
--------
>>> nesting_depth('{"a": [[1, 2], {"b": "[[[["}]}')
3
>>> nesting_depth("[" * 100_000, limit=20)
21
>>> parse_int, _ = number_hooks(lambda msg: ValueError(msg))
>>> parse_int("12")
12
>>> parse_int("9" * 30)
Traceback (most recent call last):
...
ValueError: integer with 30 digits: expected at most 18 digits
>>> find_lone_surrogate({"quotes": [{"speaker": "ok"}, {"speaker": "a\\ud800b"}]})
(('quotes', 1, 'speaker'), 1)
>>> clip("x" * 200, limit=12)
"'xxxxxxxxxx'… (200 characters)"
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterator

MAX_INT_DIGITS = 18
"""Longest integer accepted in external JSON: offsets and counts stay far below 10^18."""

CLIP_CHARS = 80
"""How much of a value an error message echoes."""

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')
"""A JSON string (possibly unterminated: it then runs to the end) or a bracket."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def nesting_depth(text: str, *, start: int = 0, limit: int = 1_000_000) -> int:
    """How deep the JSON value starting at ``text[start]`` nests (0 for a scalar).

    Brackets inside strings do not count.  The scan stops where the value
    closes, or as soon as the depth exceeds ``limit`` (it then returns
    ``limit + 1``), so a hostile line costs no more than its first
    ``limit`` brackets.
    """
    depth = top = 0
    for m in _TOKEN.finditer(text, start):
        ch = text[m.start()]
        if ch == '"':
            continue
        if ch in "[{":
            depth += 1
            if depth > top:
                top = depth
                if top > limit:
                    return top
        else:
            depth -= 1
            if depth <= 0:
                return top
    return top


def number_hooks(error: Callable[[str], Exception]) -> tuple[Callable[[str], int], Callable[[str], float]]:
    """``(parse_int, parse_float)`` for :func:`json.loads` that refuse absurd numbers.

    ``error(message)`` builds the exception to raise (an ``InputError`` for a
    submission, an ``UnparseableAnswer`` for a model answer).
    """

    def parse_int(digits: str) -> int:
        n = len(digits.lstrip("-"))
        if n > MAX_INT_DIGITS:
            raise error(f"integer with {n} digits: expected at most {MAX_INT_DIGITS} digits")
        return int(digits)

    def parse_float(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise error(f"number {clip(text)} is out of range (it overflows to infinity)")
        return value

    return parse_int, parse_float


def _walk(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every string in a decoded JSON value (keys included), with its path."""
    stack = [(path, value)]
    while stack:
        here, v = stack.pop()
        if isinstance(v, str):
            yield here, v
        elif isinstance(v, dict):
            for k, item in reversed(list(v.items())):
                yield here, k
                stack.append((here + (k,), item))
        elif isinstance(v, list):
            stack.extend((here + (i,), item) for i, item in reversed(list(enumerate(v))))


def find_lone_surrogate(value: Any) -> tuple[tuple, int] | None:
    """``(path, index in the string)`` of the first lone surrogate, or ``None``.

    JSON's ``\\ud800`` escape decodes to a code point no UTF-8 encoder
    accepts; such a string would crash the first writer that meets it.
    """
    for path, s in _walk(value, ()):
        m = _SURROGATE.search(s)
        if m:
            return path, m.start()
    return None


def strings(value: Any) -> Iterator[tuple[tuple, str]]:
    """Every string in a decoded JSON value, keys included, with its path (depth first)."""
    return _walk(value, ())


def clip(value: Any, limit: int = CLIP_CHARS) -> str:
    """``repr(value)`` cut to about ``limit`` characters, saying how long the value was.

    >>> clip("لافروف")
    "'لافروف'"
    >>> clip(["a"] * 50, limit=20)
    "['a', 'a', 'a', 'a',… (250 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit - 2]) + f"… ({len(value)} characters)"
    text = repr(value)
    if len(text) > limit:
        return text[:limit] + f"… ({len(text)} characters)"
    return text
