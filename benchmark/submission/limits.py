"""Size limits of a predictions file, checked before any expensive work.

Reading a submission costs time in proportion to what it holds: JSON and
schema checks per item, and text alignment per text field
(:mod:`benchmark.submission.align`).  The limits below keep the worst file
that is accepted within seconds (``benchmarks/bench_hostile.py`` measures
it), and a file past them is refused at once with the limit, the value found
and how to raise it.  They are generous for one article's predictions and
configurable for real large corpora: ``python -m benchmark validate FILE
--max-file-mb 500 --max-items 50000 --max-string-chars 50000``, the same
flags on ``score``, or the config settings ``scoring.limits.max_file_mb``,
``scoring.limits.max_items`` and ``scoring.limits.max_string_chars``
(docs/SUBMISSION.md).

Examples
--------
>>> limits = SubmissionLimits(max_items=3)
>>> count_items({"doc_id": "d", "quotes": [{"content_text": ["a", "b"]}], "stance": []})
3
>>> check_line_limits({"doc_id": "d", "speakers": [{"text": "x"}] * 4}, limits=limits)
[('speakers', 'the line holds 4 items (speakers, quotes with their content spans and stances, attribution, stance, translations); the limit is 3 per document (raise it with --max-items or scoring.limits.max_items)')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmark.common.jsonguard import clip, find_lone_surrogate, strings
from benchmark.errors import ConfigError
from benchmark.submission.schema import field_path

ALIGNMENTS_PER_ITEM = 4
"""A file the harness writes carries at most this many alignment records per
counted item (a content string, a cue and a source per quote)."""


@dataclass(frozen=True)
class SubmissionLimits:
    """The most a predictions file may hold (see the module docstring)."""

    max_file_mb: float = 64.0
    """Size of the file in MB (10^6 bytes)."""
    max_items: int = 5_000
    """Items of one document line: speakers, quotes (each content span or
    string and each stance inside counted too), attribution, stance and
    translations.  The ``alignments`` a written file carries may number
    :data:`ALIGNMENTS_PER_ITEM` times as many."""
    max_string_chars: int = 20_000
    """Characters of any one string (a text span, a translation, a name)."""

    def __post_init__(self) -> None:
        for name in ("max_file_mb", "max_items", "max_string_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ConfigError(f"expected a number > 0, got {value!r}", field=f"scoring.limits.{name}")
        if self.max_items != int(self.max_items) or self.max_string_chars != int(self.max_string_chars):
            raise ConfigError("expected whole numbers for max_items and max_string_chars, got "
                              f"{self.max_items!r}, {self.max_string_chars!r}", field="scoring.limits")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)


DEFAULT_LIMITS = SubmissionLimits()


def _hint(flag: str) -> str:
    return f"(raise it with --{flag.replace('_', '-')} or scoring.limits.{flag})"


def count_items(obj: dict[str, Any]) -> int:
    """Items of one decoded line, as :attr:`SubmissionLimits.max_items` counts them."""
    n = 0
    for key in ("speakers", "quotes", "attribution", "stance", "translations"):
        items = obj.get(key)
        if not isinstance(items, list):
            continue
        n += len(items)
        if key == "quotes":
            for q in items:
                if isinstance(q, dict):
                    for inner in ("content", "content_text", "stances"):
                        if isinstance(q.get(inner), list):
                            n += len(q[inner])
    return n


def check_line_limits(obj: Any, *, limits: SubmissionLimits) -> list[tuple[str, str]]:
    """``(field, message)`` for every limit a decoded line breaks, and for lone surrogates.

    Runs before the schema check and the alignment, so their cost stays
    bounded; types are not assumed (the schema check comes next).
    """
    found = find_lone_surrogate(obj)
    problems = []
    if found is not None:
        path, at = found
        problems.append((field_path(path), f"invalid text: a lone UTF-16 surrogate (a \\ud800-\\udfff escape "
                         f"without its pair) at character {at}; expected text that UTF-8 can encode"))
    if not isinstance(obj, dict):
        return problems
    n = count_items(obj)
    if n > limits.max_items:
        where = max(("speakers", "quotes", "attribution", "stance", "translations"),
                    key=lambda k: len(obj[k]) if isinstance(obj.get(k), list) else -1)
        problems.append((where, f"the line holds {n} items (speakers, quotes with their content spans and "
                         f"stances, attribution, stance, translations); the limit is {limits.max_items} per "
                         f"document {_hint('max_items')}"))
    records = obj.get("alignments")
    if isinstance(records, list) and len(records) > ALIGNMENTS_PER_ITEM * limits.max_items:
        problems.append(("alignments", f"{len(records)} alignment records; the limit is "
                         f"{ALIGNMENTS_PER_ITEM} x max_items = {ALIGNMENTS_PER_ITEM * limits.max_items} "
                         f"{_hint('max_items')}"))
    for path, s in strings(obj):
        if len(s) > limits.max_string_chars:
            problems.append((field_path(path), f"string of {len(s)} characters ({clip(s, 40)}); the limit is "
                             f"{limits.max_string_chars} {_hint('max_string_chars')}"))
            break  # one is enough to say what is wrong; the next may be a copy of it
    return problems


def check_file_size(size: int, *, limits: SubmissionLimits) -> str | None:
    """The message for a file larger than the limit, else ``None``.

    >>> check_file_size(2_000_000, limits=SubmissionLimits(max_file_mb=1))
    'file of 2.0 MB; the limit is 1 MB (raise it with --max-file-mb or scoring.limits.max_file_mb)'
    """
    if size <= limits.max_file_bytes:
        return None
    return (f"file of {size / 1e6:.1f} MB; the limit is {limits.max_file_mb:g} MB {_hint('max_file_mb')}")
