"""Resolve a predicted speaker (a gold entity id, or a name in Arabic or English) to a gold entity.

See :func:`resolve_speaker` and "Speakers: names → entities" in docs/SUBMISSION.md.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Collection

from benchmark.common.normalize import normalize
from benchmark.gold.schema import Document, Span


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """Matching key of a name: normalised (:mod:`benchmark.common.normalize`),
    casefolded, without Latin diacritics or punctuation, single spaces.

    >>> name_key("Sergéi  Lavrov.") == name_key("sergei lavrov")
    True
    >>> name_key("سيرغيْ لافروفْ") == name_key("سيرغي لافروف")
    True
    """
    decomposed = unicodedata.normalize("NFKD", normalize(name))
    kept = []
    for ch in decomposed:
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue
        kept.append(" " if cat[0] in "PSZ" else ch)
    return " ".join("".join(kept).split())


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


class SpeakerResolver:
    """:func:`resolve_speaker` for one document, prepared once and remembering its answers.

    The name index (normalised keys of every entity's names and mentions, as
    word sets) is built once, and every distinct ``(string, source span)`` is
    resolved once: a file repeating one speaker 20,000 times resolves it once.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.ids = frozenset(e.id for e in doc.entities)
        self.index = [(eid, keys, [frozenset(k.split()) for k in keys]) for eid, keys in _name_index(doc)]
        self._memo: dict[tuple[str | None, tuple[int, int] | None], str | None] = {}

    def resolve(self, name_or_id: str | None, source: Span | None = None) -> str | None:
        key = (name_or_id, None if source is None else (source.start, source.end))
        if key not in self._memo:
            self._memo[key] = self._resolve(name_or_id, source)
        return self._memo[key]

    def _stages(self, key: str) -> list[list[str]]:
        words = frozenset(key.split())
        stages = [[eid for eid, keys, _ in self.index if key in keys],
                  [eid for eid, _, sets in self.index if any(words < ws for ws in sets)]]
        longest: dict[str, int] = {}
        for eid, _, sets in self.index:
            fits = [len(ws) for ws in sets if ws < words]
            if fits:
                longest[eid] = max(fits)
        if longest:
            top = max(longest.values())
            stages.append([eid for eid, n in longest.items() if n == top])
        return stages

    def _resolve(self, name_or_id: str | None, source: Span | None) -> str | None:
        if name_or_id is not None:
            raw = name_or_id.strip()
            if raw in self.ids:
                return raw
            key = name_key(raw)
            for candidates in self._stages(key) if key else ():
                if len(candidates) == 1:
                    return candidates[0]
                if len(candidates) > 1:
                    return _by_source(self.doc, source, among=candidates)
        return _by_source(self.doc, source)


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
    speaker; it is never dropped.  To resolve many strings of one document,
    build a :class:`SpeakerResolver` once.

    Examples
    --------
    >>> from benchmark.gold.schema import Entity
    >>> doc = Document("d", "", "", (), (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov",
    ...     ("Sergey Lavrov",)), Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov")), (), (), (), ())
    >>> [resolve_speaker(s, doc=doc) for s in ("lavrov", "لافروف", "sergey lavrov", "Yury Ushakov", None)]
    ['lavrov', 'lavrov', 'lavrov', None, None]
    """
    return SpeakerResolver(doc).resolve(name_or_id, source)
