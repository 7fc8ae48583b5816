"""Choosing and describing the worst errors of a run.

Every list is sorted deterministically: by the size of the error first
(characters in error, opposite stance polarity before a weaker mistake,
lowest chrF++ first), then by document id and offset, so the same run always
shows the same errors in the same order.

Examples
--------
>>> from benchmark.gold.schema import Span
>>> offsets_text((Span(54, 80), Span(87, 91)))
'[54, 80) + [87, 91)'
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.gold.schema import Document, Quote, Span
from benchmark.report.analysis import DocView, QuoteError, SegmentTranslation, SpeakerError, StanceError, segment_of


PERFECT_CHRF = 100.0
"""A segment at 100 sentence chrF++ is not an error and is never listed."""


@dataclass(frozen=True)
class MentionError:
    """A missed gold speaker mention or a spurious predicted one."""

    doc_id: str
    kind: str
    """``missed`` or ``spurious``."""
    span: Span | None
    """``None`` for a predicted mention that could not be aligned."""
    segment_id: str
    entity: str | None
    """Gold speaker (missed) or the entity the prediction resolves to (spurious)."""


def _first(spans: tuple[Span, ...]) -> int:
    return spans[0].start if spans else 1 << 62


def worst_quote_errors(views: list[DocView], kind: str, limit: int) -> list[QuoteError]:
    """The ``limit`` largest errors of ``kind``, then by document and offset."""
    errs = [e for v in views for e in v.quote_errors if e.kind == kind]
    errs.sort(key=lambda e: (-e.size, e.doc_id, _first(e.spans), e.pred_index or 0))
    return errs[:limit]


def worst_speaker_errors(views: list[DocView], task: str, limit: int) -> list[SpeakerError]:
    """Wrong speakers of ``task``: wrong entities before no answer, then by document and offset."""
    errs = [e for v in views for e in v.speaker_errors if e.task == task]
    errs.sort(key=lambda e: (e.pred_speaker is None, e.doc_id, _first(e.spans), e.quote_id))
    return errs[:limit]


def worst_stance_errors(views: list[DocView], limit: int) -> list[StanceError]:
    """Wrong stance labels: opposite polarity first, then by document, offset and target."""
    errs = [e for v in views for e in v.stance_errors]
    errs.sort(key=lambda e: (-e.severity, e.doc_id, _first(e.spans), e.quote_id, e.target))
    return errs[:limit]


def worst_translations(views: list[DocView], limit: int) -> list[SegmentTranslation]:
    """Segments scoring below 100 sentence chrF++, lowest first, then by document and offset."""
    rows = [t for v in views for t in v.translations if t.chrf < PERFECT_CHRF]
    rows.sort(key=lambda t: (t.chrf, t.doc_id, t.segment.span.start))
    return rows[:limit]


def mention_errors(views: list[DocView], kind: str, limit: int) -> list[MentionError]:
    """Missed or spurious speaker mentions, longest first, then by document and offset."""
    out = []
    for v in views:
        sm = v.speakers
        if sm is None or v.pred is None or v.pred.speakers is None:
            continue
        if kind == "missed":
            out += [MentionError(v.doc.doc_id, "missed", sp, segment_of(v.doc, sp.start), ent)
                    for (sp, ent), st in zip(sm.gold, sm.gold_status) if st == "missed"]
        else:
            out += [MentionError(v.doc.doc_id, "spurious", m.span, segment_of(v.doc, m.span.start if m.span else None),
                                 ent)
                    for m, st, ent in zip(v.pred.speakers, sm.pred_status, sm.pred_entity) if st == "spurious"]
    out.sort(key=lambda e: (-(len(e.span) if e.span else 0), e.doc_id, e.span.start if e.span else 1 << 62))
    return out[:limit]


def count(views: list[DocView], what: str) -> int:
    """How many errors of a kind exist in total (to say "5 of 12 shown")."""
    if what in ("missed", "spurious", "boundary"):
        return sum(1 for v in views for e in v.quote_errors if e.kind == what)
    if what in ("quotes", "attribution"):
        return sum(1 for v in views for e in v.speaker_errors if e.task == what)
    if what == "stance":
        return sum(len(v.stance_errors) for v in views)
    if what == "translation":
        return sum(1 for v in views for t in v.translations if t.chrf < PERFECT_CHRF)
    if what in ("mention-missed", "mention-spurious"):
        return len(mention_errors(views, what.split("-")[1], 1 << 30))
    raise KeyError(what)


def quote_text(doc: Document, spans: tuple[Span, ...], *, limit: int | None = None) -> str:
    """The article text of ``spans`` joined with `` … ``, optionally shortened.

    >>> from benchmark.gold.schema import Document
    >>> d = Document("d", "abcdefghij", "", (), (), (), (), (), ())
    >>> quote_text(d, (Span(0, 3), Span(5, 9))), quote_text(d, (Span(0, 9),), limit=5)
    ('abc … fghi', 'abcd…')
    """
    text = " … ".join(doc.text[s.start:s.end] for s in spans)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def offsets_text(spans: tuple[Span, ...]) -> str:
    """Half-open offsets of ``spans``, ``unaligned`` when there are none."""
    return " + ".join(f"[{s.start}, {s.end})" for s in spans) or "unaligned"


def entity_name(doc: Document, entity_id: str | None, raw: str | None = None) -> str:
    """English name of an entity id; says so when absent or unresolved.

    >>> from benchmark.gold.schema import Entity
    >>> d = Document("d", "", "", (), (Entity("lavrov", "PER", "لافروف", "Sergei Lavrov"),), (), (), (), ())
    >>> entity_name(d, "lavrov"), entity_name(d, None), entity_name(d, None, "Mr X")
    ('Sergei Lavrov', 'no speaker', 'unresolved "Mr X"')
    """
    if entity_id is None:
        return f'unresolved "{raw}"' if raw else "no speaker"
    try:
        return doc.entity(entity_id).name_en
    except KeyError:
        return entity_id


def gold_quote(doc: Document, quote_id: str | None) -> Quote | None:
    """The gold quote ``quote_id`` or ``None``."""
    if quote_id is None:
        return None
    try:
        return doc.quote(quote_id)
    except KeyError:
        return None
