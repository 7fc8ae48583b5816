"""Cut a text at every span boundary so overlapping spans can be wrapped.

HTML elements must nest, spans of the article do not (a predicted quote
may start inside one gold quote and end inside the next, quotes nest, a
speaker mention sits inside a quote).  So the text is split at every start
and end of every span, and each fragment is wrapped on its own with the
keys of all spans that cover it entirely.

Examples
--------
>>> text = "abcdefghij"
>>> [(text[a:b], keys) for a, b, keys in fragments(len(text), [("g", 2, 6), ("p", 4, 9)])]
[('ab', ()), ('cd', ('g',)), ('ef', ('g', 'p')), ('ghi', ('p',)), ('j', ())]
>>> fragments(5, [], cuts=[2])
[(0, 2, ()), (2, 5, ())]
"""

from __future__ import annotations

from typing import Iterable, Sequence


def fragments(
    length: int, spans: Sequence[tuple[str, int, int]], *, cuts: Iterable[int] = ()
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Split ``[0, length)`` at every span boundary (and every ``cuts`` offset).

    Parameters
    ----------
    length : int
        Length of the text.
    spans : sequence of (key, start, end)
        Half-open spans; empty or out-of-range parts are ignored.
    cuts : iterable of int
        Extra offsets to split at (e.g. segment starts, for markers).

    Returns
    -------
    list of (start, end, keys)
        Consecutive, non-empty fragments covering the whole text; ``keys`` are
        the keys of the spans covering the fragment, in input order.
    """
    clipped = [(k, max(0, s), min(length, e)) for k, s, e in spans]
    clipped = [(k, s, e) for k, s, e in clipped if s < e]
    bounds = {0, length}
    bounds.update(c for c in cuts if 0 <= c <= length)
    # Sweep: a span is active from its start boundary to its end boundary, so
    # each fragment costs O(spans covering it), not O(all spans).
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for n, (_, s, e) in enumerate(clipped):
        starts.setdefault(s, []).append(n)
        ends.setdefault(e, []).append(n)
    bounds.update(starts, ends)
    points = sorted(bounds)
    active: set[int] = set()
    out = []
    for a, b in zip(points, points[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        out.append((a, b, tuple([clipped[n][0] for n in sorted(active)]) if active else ()))
    return out
