"""What went wrong, document by document: the data behind both reports.

For every document this module pairs the gold layers with the system's
predictions and lists each quote's status (``matched``, ``partial``,
``missed``, ``spurious``), wrong speakers (end to end and with oracle
quotes), speaker mentions, wrong stance labels and per-segment sentence
chrF++.  :mod:`.worst` picks the worst of them.

**Reports read, never recompute.**  The pairs of gold and predicted spans
are the ones scoring used, read from the ``alignment`` field of the run's
``per_item.jsonl.gz`` rows (:func:`alignments_from_rows`): quote statuses from
the quotes task's main-metric alignment (:data:`QUOTE_FAMILY`), wrong
end-to-end speakers from the end2end task's (:data:`E2E_FAMILY`; the
quotes alignment when end2end was not scored), speaker mentions from the
speakers task's main metric (:data:`MENTION_FAMILY`).  A run whose rows
carry no alignment was scored by an older version and is refused with a
clear message.

Examples
--------
>>> from benchmark.gold.schema import Document, Entity, Quote, Segment, Span
>>> from benchmark.tasks.registry import TASKS
>>> text = "قال لافروف إن المحادثات كانت مفيدة. وأضاف أن العمل بدأ."
>>> gold_q = Quote("q1", (Span(14, 35, text[14:35]),), None, None, "lavrov", "indirect")
>>> doc = Document("d1", text, "", (), (Entity("lavrov", "PER", "لافروف", "Sergei Lavrov"),), (),
...                (gold_q,), (), (Segment("s1", Span(0, 36, text[:36]), "body", 0),))
>>> from benchmark.submission.predictions import DocPrediction, PredQuote
>>> pred = DocPrediction("d1", quotes=(PredQuote((Span(14, 30),), speaker=None),
...                                    PredQuote((Span(46, 55),), speaker="lavrov")))
>>> rows = [r for t in ("quotes", "end2end") for r in TASKS.get(t).per_item(gold=doc, pred=pred)]
>>> view = analyse_document(doc, pred, alignments=alignments_from_rows(rows))
>>> view.quotes.gold_status, view.quotes.pred_status
(('partial',), ('partial', 'spurious'))
>>> [e.pred_speaker for e in view.speaker_errors]
[None]
"""

from __future__ import annotations

import re

import bisect
from dataclasses import dataclass

from benchmark.errors import InputError
from benchmark.harness.rundir import PER_ITEM
from benchmark.submission.predictions import DocPrediction
from benchmark.gold.schema import Document, Segment, Span
from benchmark.report.rows import (  # noqa: F401  (re-exported: the report's view of the rows)
    E2E_FAMILY, MENTION_FAMILY, QUOTE_FAMILY, Alignments, Pairs, alignments_from_rows, chrf_stats_from_rows,
)

STANCE_SEVERITY = {("FAVOR", "AGAINST"): 2, ("AGAINST", "FAVOR"): 2}
"""Opposite polarity is the worst stance error; anything else involving NONE or no answer counts 1."""


@dataclass(frozen=True)
class QuoteAlignment:
    """Statuses of gold and predicted quotes under the one-to-one alignment."""

    gold_status: tuple[str, ...]
    """Per gold quote: ``matched`` (same characters), ``partial`` or ``missed``."""
    pred_status: tuple[str, ...]
    """Per predicted quote: ``matched``, ``partial`` or ``spurious``."""
    gold_partner: tuple[int | None, ...]
    """Index of the predicted quote aligned to each gold quote."""
    pred_partner: tuple[int | None, ...]
    """Index of the gold quote aligned to each predicted quote."""


@dataclass(frozen=True)
class QuoteError:
    """A missed gold quote, a spurious prediction or a boundary error."""

    doc_id: str
    kind: str
    """``missed``, ``spurious`` or ``boundary``."""
    spans: tuple[Span, ...]
    """The gold content (missed, boundary) or the predicted content (spurious)."""
    segment_id: str
    size: int
    """Characters in error: the whole quote, or the symmetric difference for a boundary error."""
    quote_id: str | None = None
    pred_index: int | None = None
    pred_spans: tuple[Span, ...] = ()
    """The predicted content of a boundary error."""
    speaker: str | None = None
    """Speaker entity id of the quote (gold for missed, predicted for spurious)."""
    speaker_raw: str | None = None
    raw_text: str | None = None
    """Text of a prediction that could not be aligned to the article."""


@dataclass(frozen=True)
class SpeakerError:
    """A quote whose predicted speaker is not the gold speaker."""

    doc_id: str
    task: str
    """``quotes`` (end-to-end, aligned quote) or ``attribution`` (gold quote given)."""
    quote_id: str
    spans: tuple[Span, ...]
    segment_id: str
    gold_speaker: str
    pred_speaker: str | None
    """Resolved entity id; ``None`` when absent or unresolvable."""
    pred_raw: str | None


@dataclass(frozen=True)
class StanceError:
    """A gold (quote, target) pair with a wrong or missing label."""

    doc_id: str
    quote_id: str
    target: str
    spans: tuple[Span, ...]
    segment_id: str
    gold: str
    pred: str | None
    """``None`` when the system gave no label for the pair."""

    @property
    def severity(self) -> int:
        return STANCE_SEVERITY.get((self.gold, self.pred or ""), 1)


@dataclass(frozen=True)
class SegmentTranslation:
    """One segment with its reference, the system output and sentence chrF++."""

    doc_id: str
    segment: Segment
    hypothesis: str | None
    """``None`` when the system returned nothing for the segment."""
    chrf: float
    """Sentence chrF++ (0–100); 0 for a missing translation."""


@dataclass(frozen=True)
class SpeakerMentions:
    """Gold speaker mentions against predicted speaker mentions."""

    gold: tuple[tuple[Span, str], ...]
    """:attr:`Document.speaker_mentions` (the task's gold), with their entity ids."""
    gold_status: tuple[str, ...]
    """``matched``, ``partial`` or ``missed``."""
    pred_status: tuple[str, ...]
    """``matched``, ``partial`` or ``spurious``."""
    pred_entity: tuple[str | None, ...]
    """Gold entity each predicted mention resolves to (``None``: unresolved)."""
    missed_entities: tuple[str, ...]
    """Speaking entities no predicted mention resolves to."""
    false_entities: tuple[str, ...]
    """Entities predicted as speakers that never speak in the gold."""


@dataclass(frozen=True)
class DocView:
    """Everything the reports show about one document."""

    doc: Document
    pred: DocPrediction | None
    quotes: QuoteAlignment | None
    """``None`` when the quotes task was not attempted."""
    speakers: SpeakerMentions | None
    """``None`` when the speakers task was not attempted."""
    quote_errors: tuple[QuoteError, ...]
    speaker_errors: tuple[SpeakerError, ...]
    stance_errors: tuple[StanceError, ...]
    translations: tuple[SegmentTranslation, ...]


def segment_of(doc: Document, offset: int | None) -> str:
    """Id of the segment holding ``offset`` (``-`` when unknown)."""
    if offset is None or not doc.segments:
        return "-"
    segs = sorted(doc.segments, key=lambda s: s.span.start)
    starts = [s.span.start for s in segs]
    return segs[max(0, bisect.bisect_right(starts, offset) - 1)].id


def _recorded(alignments: Alignments, doc: Document, family: str) -> Pairs:
    pairs = alignments.get((doc.doc_id, family))
    if pairs is None:
        raise InputError(f"no {family!r} alignment recorded for document {doc.doc_id!r}: the run was scored by an "
                         "older version; score it again to render its report", file=PER_ITEM,
                         field="alignment")
    return pairs


def quote_statuses(doc: Document, n_pred: int, pairs: Pairs) -> QuoteAlignment:
    """Statuses of gold and predicted quotes from recorded pairs."""
    index = {q.id: i for i, q in enumerate(doc.quotes)}
    g_status, p_status = ["missed"] * len(doc.quotes), ["spurious"] * n_pred
    g_partner: list[int | None] = [None] * len(doc.quotes)
    p_partner: list[int | None] = [None] * n_pred
    for gold_id, j, same in pairs:
        i = index[gold_id]
        g_status[i] = p_status[j] = "matched" if same else "partial"
        g_partner[i], p_partner[j] = j, i
    return QuoteAlignment(tuple(g_status), tuple(p_status), tuple(g_partner), tuple(p_partner))


def speaker_statuses(doc: Document, pred: DocPrediction, pairs: Pairs) -> SpeakerMentions:
    """Statuses of speaker mentions from the speakers task's recorded pairs."""
    from benchmark.tasks.definitions import resolve_entity

    mentions = doc.speaker_mentions
    index = {m.id: i for i, m in enumerate(mentions)}
    predicted = pred.speakers or ()
    g_status, p_status = ["missed"] * len(mentions), ["spurious"] * len(predicted)
    for gold_id, j, same in pairs:
        g_status[index[gold_id]] = p_status[j] = "matched" if same else "partial"
    resolved = tuple(resolve_entity(doc, m) for m in predicted)
    speaking = set(doc.speaker_ids)
    found = {e for e in resolved if e is not None}
    return SpeakerMentions(tuple((m.span, m.entity) for m in mentions), tuple(g_status), tuple(p_status), resolved,
                           tuple(e for e in doc.speaker_ids if e not in found), tuple(sorted(found - speaking)))


def _chars(spans: tuple[Span, ...]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


_QUOTE_FIELD = re.compile(r"quotes\[(\d+)\](?:\.|$)")


def _unaligned_texts(pred: DocPrediction) -> dict[int, str]:
    """Quote index → the first unaligned string given for it (one pass: a file may hold 20,000 quotes)."""
    out: dict[int, str] = {}
    for a in pred.alignments:
        m = _QUOTE_FIELD.match(a.field) if a.method == "unaligned" else None
        if m:
            out.setdefault(int(m.group(1)), a.query)
    return out


def _quote_errors(doc: Document, pred: DocPrediction, qa: QuoteAlignment) -> list[QuoteError]:
    quotes = pred.quotes or ()
    out = []
    for i, q in enumerate(doc.quotes):
        status = qa.gold_status[i]
        if status == "missed":
            out.append(QuoteError(doc.doc_id, "missed", q.content, segment_of(doc, q.start),
                                  sum(len(s) for s in q.content), quote_id=q.id, speaker=q.speaker))
        elif status == "partial":
            j = qa.gold_partner[i]
            p = quotes[j]  # type: ignore[index]
            diff = len(_chars(q.content) ^ _chars(p.content))
            out.append(QuoteError(doc.doc_id, "boundary", q.content, segment_of(doc, q.start), diff,
                                  quote_id=q.id, pred_index=j, pred_spans=p.content, speaker=q.speaker))
    unaligned = _unaligned_texts(pred)
    for j, p in enumerate(quotes):
        if qa.pred_status[j] == "spurious":
            first = p.content[0].start if p.content else None
            out.append(QuoteError(doc.doc_id, "spurious", p.content, segment_of(doc, first),
                                  sum(len(s) for s in p.content), pred_index=j, speaker=p.speaker,
                                  speaker_raw=p.speaker_raw, raw_text=unaligned.get(j)))
    return out


def _speaker_errors(doc: Document, pred: DocPrediction, e2e: Pairs | None) -> list[SpeakerError]:
    out = []
    if pred.quotes is not None and e2e is not None:
        by_id = {q.id: q for q in doc.quotes}
        for gold_id, j, _ in sorted(e2e, key=lambda pair: doc.quotes.index(by_id[pair[0]])):
            q, p = by_id[gold_id], pred.quotes[j]
            if p.speaker != q.speaker:
                out.append(SpeakerError(doc.doc_id, "quotes", q.id, q.content, segment_of(doc, q.start),
                                        q.speaker, p.speaker, p.speaker_raw))
    if pred.attribution is not None:
        given = {a.quote_id: a for a in pred.attribution}
        for q in doc.quotes:
            a = given.get(q.id)
            if a is None or a.speaker != q.speaker:
                out.append(SpeakerError(doc.doc_id, "attribution", q.id, q.content, segment_of(doc, q.start),
                                        q.speaker, None if a is None else a.speaker,
                                        None if a is None else a.speaker_raw))
    return out


def _stance_errors(doc: Document, pred: DocPrediction) -> list[StanceError]:
    if pred.stance is None:
        return []
    given = {(s.quote_id, s.target): s.label for s in pred.stance}
    out = []
    for st in doc.stances:
        label = given.get((st.quote, st.target))
        if label != st.label:
            q = doc.quote(st.quote)
            out.append(StanceError(doc.doc_id, q.id, st.target, q.content, segment_of(doc, q.start),
                                   st.label, label))
    return out


def sentence_chrf(hypothesis: str, reference: str) -> float:
    """Sentence chrF++ (sacrebleu ``CHRF(word_order=2)``), 0–100.

    >>> sentence_chrf("the talks were useful", "the talks were useful")
    100.0
    """
    from benchmark.scoring.translation import score_from_stats, segment_statistics

    stats, _ = segment_statistics("chrf++", hypotheses=[hypothesis], references=[(reference,)])
    return float(score_from_stats("chrf++", stats[0])[0])


def _translations(doc: Document, pred: DocPrediction,
                  chrf_stats: dict[tuple[str, str], list]) -> list[SegmentTranslation]:
    if pred.translations is None:
        return []
    from benchmark.scoring.translation import score_from_stats

    given = {t.segment_id: t.text for t in pred.translations}
    out = []
    for seg in doc.segments:
        hyp = given.get(seg.id)
        saved = chrf_stats.get((doc.doc_id, seg.id))
        if saved is not None:
            # The statistics scoring used, read back from per_item.jsonl.gz.
            score = float(score_from_stats("chrf++", saved)[0])
        else:
            score = sentence_chrf(hyp or "", seg.translation_en)
        out.append(SegmentTranslation(doc.doc_id, seg, hyp, score))
    return out


def analyse_document(doc: Document, pred: DocPrediction | None, *, alignments: Alignments | None = None,
                     chrf_stats: dict[tuple[str, str], list] | None = None) -> DocView:
    """Pair one gold document with its prediction (``None``: nothing predicted).

    ``alignments`` are the pairs scoring recorded (:func:`alignments_from_rows`);
    they are required for the quotes and speakers layers a prediction has.
    """
    if pred is None:
        return DocView(doc, None, None, None, (), (), (), ())
    alignments = alignments or {}
    qa = e2e = None
    if pred.quotes is not None:
        quote_pairs = _recorded(alignments, doc, QUOTE_FAMILY)
        qa = quote_statuses(doc, len(pred.quotes), quote_pairs)
        e2e = alignments.get((doc.doc_id, E2E_FAMILY), quote_pairs)
    speakers = None
    if pred.speakers is not None:
        speakers = speaker_statuses(doc, pred, _recorded(alignments, doc, MENTION_FAMILY))
    return DocView(
        doc=doc,
        pred=pred,
        quotes=qa,
        speakers=speakers,
        quote_errors=tuple(_quote_errors(doc, pred, qa)) if qa is not None else (),
        speaker_errors=tuple(_speaker_errors(doc, pred, e2e)),
        stance_errors=tuple(_stance_errors(doc, pred)),
        translations=tuple(_translations(doc, pred, chrf_stats or {})),
    )
