"""The data of the details panel: one compact record per span, which the page script turns into cards.

A corpus report writes one page per article, so what every page repeats
(row labels, headings, status names, the text of a span) is not stored: the
page script (``static/report.js``) rebuilds it.  Each page holds, per
article, only the facts the cards show:

``w``
    Strings that repeat (entity names, quote types, stance targets and
    labels), each once; records refer to them by position.
``g``
    Per gold quote ``i`` (key ``g<i>``; its cue, when it has one, is key
    ``c<i>``): ``[id, status, partner, type, speaker, offsets, attribution,
    stances, nested_in]``.  ``partner`` is the index of the predicted quote
    aligned to it; ``attribution`` ``[answer, correct]`` when the
    attribution task was scored; ``stances`` ``[target, label]`` or, when
    stance was scored, ``[target, label, predicted label or null]`` (the
    targets' descriptions are the same on every page: they are in the
    script's settings, :func:`~benchmark.report.assets.report_js`).
``p``
    Per predicted quote ``j`` (key ``p<j>``): ``[status, partner, type,
    speaker, offsets, stances]``; the gold partner's id, type and speaker
    come from ``g``.
``sg`` / ``sp``
    Per gold / predicted speaker mention ``k``: ``[status, entity, start,
    end]`` / ``[status, resolves to, start, end, label]`` (``null`` for a
    predicted mention with no span in the article).

Statuses are positions in :data:`STATUSES`; offsets are half-open
``[start, end)`` pairs, flattened; trailing empty fields are left out.  The
Arabic text of a quote or cue is read from the article itself.

Examples
--------
>>> w = Strings()
>>> w("Sergei Lavrov"), w("indirect"), w("Sergei Lavrov"), w.items
(0, 1, 0, ['Sergei Lavrov', 'indirect'])
>>> trim([1, None, 5, None, []])
[1, None, 5]
"""

from __future__ import annotations

from typing import Any

from benchmark.report.assets import STATUSES

STATUS_CODE = {s: n for n, s in enumerate(STATUSES)}
"""Status name → its number in the records."""


class Strings:
    """A table of strings, each stored once; calling it gives a string's position."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        n = self._index.get(text)
        if n is None:
            n = self._index[text] = len(self.items)
            self.items.append(text)
        return n


def trim(record: list[Any]) -> list[Any]:
    """``record`` without its trailing ``None`` and empty-list fields (the page script reads them as absent)."""
    while record and (record[-1] is None or record[-1] == []):
        record.pop()
    return record


def flat_offsets(spans) -> list[int]:
    """``[start, end, start, end, …]`` of ``spans``."""
    return [x for s in spans for x in (s.start, s.end)]
