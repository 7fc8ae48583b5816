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
   nearest the window on ties) and stripped like the query.
4. otherwise ``unaligned``: ``span`` is ``None``, score is the best partial
   ratio found (0 when the query is empty).

When an exact or normalised query occurs several times, the occurrence whose
start is nearest ``hint`` wins (the earlier one on a tie); without a hint
the first occurrence wins.  Occurrences listed in ``skip`` (spans already
given to an earlier identical query) are passed over while any other is
left.  The fuzzy tier takes the best-scoring window anywhere in the text; of
equally good windows (a repeated phrase) the one nearest ``hint`` wins, else
the first.

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
import unicodedata
from functools import lru_cache
from typing import Collection

from rapidfuzz import fuzz

from benchmark.errors import ConfigError
from benchmark.common.normalize import QUOTE_CHARS, NormalizedText, normalized_view
from benchmark.submission.predictions import Alignment
from benchmark.gold.schema import Document, Span

FUZZY_THRESHOLD = 90.0
"""Default minimum partial-ratio score (0–100) for a fuzzy alignment."""

STRIP_CHARS = "".join(sorted(QUOTE_CHARS)) + ".,،;؛:" + " \t\n\r\f\v\u00a0"
"""Stripped from both ends of a query and of an aligned span: whitespace,
quotation marks, full stop, commas and semicolons/colons.  Gold spans never
start or end with these (data/GUIDELINES.md §0)."""

_NORM_STRIP = ' ".,،;؛:'
""":data:`STRIP_CHARS` as they look in the normalised view."""


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


def _fuzzy(nq: str, nv: NormalizedText, *, hint: int | None) -> tuple[float, tuple[int, int] | None]:
    """Best partial-ratio window ``(score, (start, end))`` in normalised offsets.

    The text is scanned in overlapping chunks of twice the query's length, so
    every window of the query's length lies inside one chunk and every
    occurrence is seen; of equally good windows the one nearest ``hint``
    (else the first) wins.
    """
    ntext, n = nv.text, len(nq)
    if not nq or n > len(ntext):
        return 0.0, None
    windows = []
    for lo in range(0, max(1, len(ntext) - n + 1), n):
        found = fuzz.partial_ratio_alignment(nq, ntext[lo:lo + 2 * n])
        windows.append((found.score, lo + found.dest_start, lo + found.dest_end))
    top = max(w[0] for w in windows)
    spans = sorted({(a, b) for score, a, b in windows if score == top})
    if hint is None:
        return top, spans[0]
    return top, min(spans, key=lambda w: (abs(nv.to_original[w[0]] - hint), w[0]))


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
    if not q:
        return Alignment(field=field, query=query, method="unaligned", score=0.0, span=None)

    def result(method: str, score: float, start: int, end: int) -> Alignment:
        return Alignment(field=field, query=query, method=method, score=float(score),
                         span=Span(start, end, text[start:end]))

    exact = _occurrences(q, text)
    if exact:
        start, end = _pick([(s, s + len(q)) for s in exact], hint=hint, skip=skip)
        return result("exact", 100.0, start, end)

    nv = normalized_view(text)
    nq_full = normalized_view(q).text
    nq = nq_full[slice(*_strip_norm(nq_full, 0, len(nq_full)))]
    if nq:
        spans = [nv.span(s, s + len(nq)) for s in _occurrences(nq, nv.text)]
        if spans:
            start, end = _pick(spans, hint=hint, skip=skip)
            return result("normalized", 100.0, start, end)

    score, window = _fuzzy(nq, nv, hint=hint)
    if window is None or score < fuzzy_threshold:
        return Alignment(field=field, query=query, method="unaligned", score=float(score), span=None)
    a, b = _refine(nq, nv.text, *window)
    start, end = nv.span(a, b)
    return result("fuzzy", score, start, end)


# --- speakers: a name or id → a gold entity id ------------------------------


def name_key(name: str) -> str:
    """Matching key of a name: normalised (:mod:`benchmark.common.normalize`),
    casefolded, without Latin diacritics or punctuation, single spaces.

    >>> name_key("Sergéi  Lavrov.") == name_key("sergei lavrov")
    True
    >>> name_key("سيرغيْ لافروفْ") == name_key("سيرغي لافروف")
    True
    """
    decomposed = unicodedata.normalize("NFKD", normalized_view(name).text)
    kept = []
    for ch in decomposed:
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue
        kept.append(" " if cat[0] in "PSZ" else ch)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=32)
def _name_index(doc: Document) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(entity id, name keys)`` for every entity: names and mention texts."""
    surfaces: dict[str, list[str]] = {e.id: [] for e in doc.entities}
    for m in doc.mentions:
        surfaces.setdefault(m.entity, []).append(m.span.text)
    out = []
    for e in doc.entities:
        names = (e.name_ar, *e.variants_ar, *surfaces[e.id], e.name_en, *e.variants_en)
        keys = tuple(dict.fromkeys(k for k in map(name_key, names) if k))
        out.append((e.id, keys))
    return tuple(out)


def _by_source(doc: Document, source: Span | None, among: Collection[str] | None = None) -> str | None:
    """Entity of the gold mention with the highest overlap/union with ``source``."""
    if source is None:
        return None
    scores: dict[str, float] = {}
    for m in doc.mentions:
        if among is not None and m.entity not in among:
            continue
        inter = m.span.overlap(source)
        if inter:
            union = max(m.span.end, source.end) - min(m.span.start, source.start)
            scores[m.entity] = max(scores.get(m.entity, 0.0), inter / union)
    if not scores:
        return None
    top = max(scores.values())
    winners = [e for e, s in scores.items() if s == top]
    return winners[0] if len(winners) == 1 else None


def resolve_speaker(name_or_id: str | None, *, doc: Document, source: Span | None = None) -> str | None:
    """Resolve a predicted speaker to a gold entity id of ``doc``, or ``None``.

    Tried in order; the first step with exactly one candidate entity wins:

    1. the string is a gold entity id (exactly);
    2. its :func:`name_key` equals the key of an entity's ``name_ar``,
       ``variants_ar``, the surface text of one of its gold mentions in this
       document, ``name_en`` or ``variants_en``;
    3. its words are a subset of the words of one such name (``Lavrov`` ⊂
       ``Sergei Lavrov``);
    4. the words of one such name are a subset of its words (``Russian
       Foreign Minister Sergei Lavrov`` ⊇ ``Sergei Lavrov``); when names of
       several entities fit, the entity with the longest fitting name wins;
    5. when ``source`` (a predicted source span) is given: the entity of the
       gold mention with the highest overlap / union ratio with it.

    A step with several candidates is ambiguous: ``source`` may still pick
    one of *those* candidates (as in step 5), else the result is ``None``.
    An unresolvable or ambiguous speaker is ``None`` and scores as a wrong
    speaker; it is never dropped.

    Examples
    --------
    >>> from benchmark.gold.schema import Entity
    >>> doc = Document("d", "", "", (), (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov",
    ...     ("Sergey Lavrov",)), Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov")), (), (), (), ())
    >>> [resolve_speaker(s, doc=doc) for s in ("lavrov", "لافروف", "sergey lavrov", "Yury Ushakov", None)]
    ['lavrov', 'lavrov', 'lavrov', None, None]
    """
    if name_or_id is not None:
        raw = name_or_id.strip()
        if any(e.id == raw for e in doc.entities):
            return raw
        key = name_key(raw)
        words = frozenset(key.split())
        index = _name_index(doc)
        stages = [
            [eid for eid, keys in index if key in keys],
            [eid for eid, keys in index if any(words < frozenset(k.split()) for k in keys)],
        ]
        longest: dict[str, int] = {}
        for eid, keys in index:
            fits = [len(k.split()) for k in keys if frozenset(k.split()) < words]
            if fits:
                longest[eid] = max(fits)
        if longest:
            top = max(longest.values())
            stages.append([eid for eid, n in longest.items() if n == top])
        for candidates in stages:
            if key and len(candidates) == 1:
                return candidates[0]
            if key and len(candidates) > 1:
                return _by_source(doc, source, among=candidates)
    return _by_source(doc, source)
