"""Map what a system returned onto the gold: text → offsets, names → entities.

:func:`align_text` aligns a string to document offsets;
:func:`resolve_speaker` resolves a speaker name or id to a gold entity id.

Systems that cannot count characters return text (``content_text``,
``cue_text``, ``source_text``, speaker ``text``).  :func:`align_text` turns
such a string into a half-open ``[start, end)`` span of the exact document
text, in three tiers, and records which tier decided and how well it
matched (a :class:`~benchmark.submission.predictions.Alignment`):

1. ``exact``: the query, stripped of surrounding whitespace, quotation marks
   and clause punctuation (:data:`STRIP_CHARS`), occurs verbatim; score 100.
2. ``normalized``: it occurs in the normalised view of both strings
   (:mod:`benchmark.common.normalize`, version
   :data:`~benchmark.common.normalize.NORMALIZATION_VERSION`: alef forms, hamza
   seats, ``ى``/``ي``, ``ة``/``ه``, diacritics, tatweel, quotation marks,
   whitespace), mapped back; score 100.
3. ``fuzzy``: :func:`rapidfuzz.fuzz.partial_ratio_alignment` of the
   normalised query against the normalised text scores at least
   ``fuzzy_threshold`` (default :data:`FUZZY_THRESHOLD` = 90).  The score
   recorded is that partial-ratio score.  The window rapidfuzz returns has
   the query's length, so its ends are then moved to nearby word boundaries
   (the pair with the highest :func:`rapidfuzz.fuzz.ratio` to the query,
   nearest the window on ties) and stripped like the query.  A normalised
   query longer than :data:`ANCHORED_CHARS` (256) characters is found
   through its first and last :data:`ANCHOR_CHARS` (128) characters, and its
   score is :func:`rapidfuzz.fuzz.ratio` of the whole query against the span
   between them (:func:`_anchored`): rapidfuzz's partial ratio costs about
   the cube of the query's length.
4. otherwise ``unaligned``: ``span`` is ``None``, score is the best fuzzy
   score found when it is at least :data:`SCORE_FLOOR` (50), else 0 (and 0
   when the query is empty).

When a query occurs several times (or several fuzzy windows score equally
well: a repeated phrase), the occurrence whose start is nearest ``hint``
wins (the earlier one on a tie); without a hint the first occurrence wins.
Occurrences listed in ``skip`` (spans already given to an earlier identical
query) are passed over while any other is left.

**Cost.**  The text of a document is prepared once (:class:`TextIndex`:
its normalised view and word boundaries) and every distinct stripped query
is aligned once per document (cached), so repeating a string costs nothing.
The exact and normalised tiers are substring searches; the fuzzy tier is one
rapidfuzz call over the whole text with a score cutoff, so a string that
cannot reach :data:`SCORE_FLOOR` costs a fraction of a millisecond
(``benchmarks/bench_hostile.py`` measures it).

Examples
--------
>>> text = "قال لافروف إن المحادثات “مفيدة”. وقال روبيو إن المحادثات مفيدة."
>>> a = align_text("“مفيدة”", text)
>>> a.method, a.span.start, a.span.end, a.span.text
('exact', 25, 30, 'مفيدة')
>>> align_text("مفيدة", text, hint=60).span.start
57
>>> b = align_text("قالَ لافروفُ إنّ", text)
>>> b.method, b.span.text
('normalized', 'قال لافروف إن')
>>> align_text("محادثات سرية جدا في موسكو", text).method
'unaligned'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection

from rapidfuzz import fuzz

from benchmark.errors import ConfigError
from benchmark.common.normalize import QUOTE_CHARS, normalize, normalized_view
from benchmark.submission.predictions import Alignment
from benchmark.gold.schema import Span

FUZZY_THRESHOLD = 90.0
"""Default minimum partial-ratio score (0–100) for a fuzzy alignment."""

STRIP_CHARS = "".join(sorted(QUOTE_CHARS)) + ".,،;؛:" + " \t\n\r\f\v\u00a0"
"""Stripped from both ends of a query and of an aligned span: whitespace,
quotation marks, full stop, commas and semicolons/colons.  Gold spans never
start or end with these (data/GUIDELINES.md §0)."""

_NORM_STRIP = ' ".,،;؛:'
""":data:`STRIP_CHARS` as they look in the normalised view."""

SCORE_FLOOR = 50.0
"""An unaligned string records its best fuzzy score when it reaches this, else 0
(rapidfuzz then skips the windows below it, which makes hopeless strings cheap)."""

ANCHORED_CHARS = 256
"""Normalised queries longer than this are found through their ends (:func:`_anchored`)."""

ANCHOR_CHARS = 128
"""Length of each end of a long query used as an anchor."""

MAX_TIES = 16
"""Equally good fuzzy windows collected for the hint to choose from (a phrase repeated more
often than this in one article is matched among its first occurrences)."""

ANCHOR_TIES = 4
"""Equally good windows kept per anchor of a long query."""


def strip_query(query: str) -> str:
    """Remove surrounding whitespace, quotation marks and clause punctuation.

    >>> strip_query(' «قال لافروف»، ')
    'قال لافروف'
    """
    return query.strip(STRIP_CHARS).strip()


def _pick(starts: list[tuple[int, int]], *, hint: int | None, skip: Collection[tuple[int, int]]):
    """The occurrence nearest ``hint`` (first on ties), avoiding ``skip``."""
    free = [s for s in starts if s not in skip] or starts
    if hint is None:
        return free[0]
    return min(free, key=lambda s: (abs(s[0] - hint), s[0]))


def _occurrences(needle: str, haystack: str) -> list[int]:
    out, pos = [], haystack.find(needle)
    while pos != -1:
        out.append(pos)
        pos = haystack.find(needle, pos + 1)
    return out


@lru_cache(maxsize=16)
def _word_bounds(ntext: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Starts and ends of space-separated words in a normalised text."""
    words = [m.span() for m in re.finditer(r"[^ ]+", ntext)]
    return tuple(a for a, _ in words), tuple(b for _, b in words)


def _strip_norm(ntext: str, a: int, b: int) -> tuple[int, int]:
    while a < b and ntext[a] in _NORM_STRIP:
        a += 1
    while b > a and ntext[b - 1] in _NORM_STRIP:
        b -= 1
    return a, b


def _refine(nq: str, ntext: str, a: int, b: int) -> tuple[int, int]:
    """Move the window ``[a, b)`` to the word boundaries that best fit ``nq``."""
    word_starts, word_ends = _word_bounds(ntext)
    slack = max(8, (b - a) // 5)
    starts = [s for s in word_starts if a - slack <= s <= a + slack]
    ends = [e for e in word_ends if b - slack <= e <= b + slack]
    # the word containing each end of the window is always a candidate
    starts += [max((s for s in word_starts if s <= a), default=a)]
    ends += [min((e for e in word_ends if e >= b), default=b)]
    best: tuple[float, int, int, int] | None = None
    for s in sorted(set(starts)):
        for e in sorted(set(ends)):
            s2, e2 = _strip_norm(ntext, s, e)
            if s2 >= e2:
                continue
            key = (-fuzz.ratio(nq, ntext[s2:e2]), abs(s - a) + abs(e - b), s2, e2)
            if best is None or key < best:
                best = key
    if best is None:
        return _strip_norm(ntext, a, b)
    return best[2], best[3]


@dataclass(frozen=True)
class _Found:
    """What the tiers found for one stripped query: candidate spans in original offsets."""

    method: str
    score: float
    spans: tuple[tuple[int, int], ...]
    """Every occurrence (exact, normalised) or every equally good window (fuzzy), sorted."""


def _mask(text: str, a: int, b: int, avoid: str) -> str:
    """``text`` with ``[a, b)`` overwritten by a character that is not in ``avoid``."""
    fill = next(c for c in ("\0", "\uffff", "\ue000", "\ue001") if c not in avoid)
    return text[:a] + fill * (b - a) + text[b:]


def _best_windows(nq: str, ntext: str, threshold: float, *, ties: int = MAX_TIES) -> tuple[float, list[tuple[int, int]]]:
    """The best partial-ratio score of ``nq`` in ``ntext`` and, when it reaches ``threshold``,
    every non-overlapping window with that score (normalised offsets, sorted).

    One :func:`rapidfuzz.fuzz.partial_ratio_alignment` call over the whole text
    finds the best window; rapidfuzz skips windows below ``score_cutoff``, so a
    hopeless query costs little.  A score below :data:`SCORE_FLOOR` is reported
    as 0.  Further windows with the same score (a repeated phrase) are found by
    masking each one found and asking again.
    """
    found = fuzz.partial_ratio_alignment(nq, ntext, score_cutoff=min(threshold, SCORE_FLOOR))
    if found is None:
        return 0.0, []
    top = found.score
    if top < threshold:
        return top, []
    windows = [(found.dest_start, found.dest_end)]
    masked = ntext
    while len(windows) < ties:
        masked = _mask(masked, *windows[-1], avoid=nq)
        again = fuzz.partial_ratio_alignment(nq, masked, score_cutoff=top)
        if again is None or again.score < top:
            break
        windows.append((again.dest_start, again.dest_end))
    return top, sorted(windows)


def _anchored(nq: str, ntext: str, threshold: float) -> tuple[float, list[tuple[int, int]]]:
    """Fuzzy windows of a long query (more than :data:`ANCHORED_CHARS` characters).

    rapidfuzz's partial ratio costs about the cube of the query's length, so
    a long query is found through its first and last :data:`ANCHOR_CHARS`
    characters: each anchor window proposes a span of the query's length (and
    a head with the nearest tail after it, the span between them), and a span
    counts when :func:`rapidfuzz.fuzz.ratio` of the whole query against it
    reaches ``threshold``.
    """
    n, size = len(nq), len(ntext)
    head, tail = nq[:ANCHOR_CHARS], nq[-ANCHOR_CHARS:]
    _, heads = _best_windows(head, ntext, threshold, ties=ANCHOR_TIES)
    _, tails = _best_windows(tail, ntext, threshold, ties=ANCHOR_TIES)
    spans = {(a, min(a + n, size)) for a, _ in heads} | {(max(0, b - n), b) for _, b in tails}
    for a, _ in heads:
        after = [b for _, b in tails if n // 2 <= b - a <= 2 * n]
        if after:
            spans.add((a, min(after, key=lambda b: abs(b - a - n))))
    scored = [(fuzz.ratio(nq, ntext[a:b]), a, b) for a, b in sorted(spans)]
    top = max((score for score, _, _ in scored), default=0.0)
    if top < threshold:
        return (top if top >= SCORE_FLOOR else 0.0), []
    return top, [(a, b) for score, a, b in scored if score == top]


def _fuzzy(nq: str, index: "TextIndex", threshold: float) -> _Found:
    """The fuzzy tier: candidate windows, refined to word boundaries, in original offsets."""
    ntext = index.view.text
    if not nq or len(nq) > len(ntext):
        return _Found("unaligned", 0.0, ())
    if len(nq) > ANCHORED_CHARS:
        score, windows = _anchored(nq, ntext, threshold)
        head, tail = nq[:ANCHOR_CHARS], nq[-ANCHOR_CHARS:]
        # each end is moved to a word boundary by its own anchor (cheap: the anchors are short)
        refined = [(_refine(head, ntext, a, min(a + len(head), b))[0],
                    _refine(tail, ntext, max(a, b - len(tail)), b)[1]) for a, b in windows]
    else:
        score, windows = _best_windows(nq, ntext, threshold)
        refined = [_refine(nq, ntext, a, b) for a, b in windows]
    spans = sorted({index.view.span(a, b) for a, b in refined if a < b})
    return _Found("fuzzy" if spans else "unaligned", score, tuple(spans))


class TextIndex:
    """One document text prepared for alignment, built once (:func:`text_index`).

    Holds the normalised view with its offset map, the word boundaries the
    fuzzy tier snaps to (:func:`_word_bounds`, cached on the normalised
    text), and a cache of every stripped query already aligned, so the cost
    of a file is that of its *distinct* strings: 20,000 copies of one quote
    cost one alignment.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.view = normalized_view(text)
        self._found: dict[tuple[str, float], _Found] = {}

    def find(self, q: str, threshold: float) -> _Found:
        """Candidate spans of the stripped query ``q`` (cached)."""
        key = (q, threshold)
        hit = self._found.get(key)
        if hit is None:
            hit = self._found[key] = self._search(q, threshold)
        return hit

    def _search(self, q: str, threshold: float) -> _Found:
        exact = _occurrences(q, self.text)
        if exact:
            return _Found("exact", 100.0, tuple((s, s + len(q)) for s in exact))
        nq_full = normalize(q)
        nq = nq_full[slice(*_strip_norm(nq_full, 0, len(nq_full)))]
        if nq:
            spans = [self.view.span(s, s + len(nq)) for s in _occurrences(nq, self.view.text)]
            if spans:
                return _Found("normalized", 100.0, tuple(spans))
        return _fuzzy(nq, self, threshold)


@lru_cache(maxsize=8)
def text_index(text: str) -> TextIndex:
    """The :class:`TextIndex` of ``text``, built once per text (the last 8 are kept)."""
    return TextIndex(text)


def align_text(
    query: str,
    text: str,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    hint: int | None = None,
    skip: Collection[tuple[int, int]] = (),
    field: str = "",
) -> Alignment:
    """Find ``query`` in ``text``: exact, then normalised, then fuzzy.

    Parameters
    ----------
    query : str
        The string a system returned.
    text : str
        The exact document text.
    fuzzy_threshold : float
        Minimum :func:`rapidfuzz.fuzz.partial_ratio_alignment` score in
        [0, 100] for the fuzzy tier (inclusive).
    hint : int, optional
        An original offset near which the query is expected (for a repeated
        phrase); the nearest occurrence wins.
    skip : collection of (start, end)
        Spans already taken by earlier identical queries.
    field : str
        Recorded in the result, e.g. ``"quotes[3].content_text"``.

    Returns
    -------
    Alignment
        ``method`` is ``exact``, ``normalized``, ``fuzzy`` or ``unaligned``;
        ``span`` holds original offsets and text, or ``None``.

    Examples
    --------
    >>> text = "اتخذت روسيا والولايات المتحدة الخطوات الأولى نحو تطبيع العلاقات"
    >>> a = align_text("الخطوات الاولي نحو تطبيع العلاقة", text)
    >>> a.method, round(a.score), a.span.text
    ('fuzzy', 97, 'الخطوات الأولى نحو تطبيع العلاقات')
    """
    if not 0 <= fuzzy_threshold <= 100:
        raise ConfigError(f"fuzzy_threshold must be a number in [0, 100], got {fuzzy_threshold!r}")
    q = strip_query(query)
    found = text_index(text).find(q, float(fuzzy_threshold)) if q else _Found("unaligned", 0.0, ())
    if not found.spans:
        return Alignment(field=field, query=query, method="unaligned", score=float(found.score), span=None)
    start, end = _pick(list(found.spans), hint=hint, skip=skip)
    return Alignment(field=field, query=query, method=found.method, score=float(found.score),
                     span=Span(start, end, text[start:end]))


# Speaker resolution lives in its own module; these names stay importable from here.
from benchmark.submission.speakers import name_key, resolve_speaker  # noqa: E402,F401
