"""Worst-error lists and the side-by-side translation table of the HTML report, as template data.

The same lists as ``report.md`` (:mod:`.worst` chooses them), with the
Arabic quoted right to left.  Each list item is a sequence of *pieces*
``(kind, text[, extra])`` that the ``pieces`` macro of the templates turns
into markup, escaping every text; an error in a quote links to its span in
the highlighted article (``#k=<key>``, on the article's own page in a
corpus report).

Examples
--------
>>> chrf_class(12.0), chrf_class(99.0)
('chrf-0', 'chrf-4')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from benchmark.report.data import ReportData
from benchmark.report.worst import (
    count, entity_name, gold_quote, mention_errors, offsets_text, quote_text, worst_quote_errors,
    worst_speaker_errors, worst_stance_errors, worst_translations,
)

QUOTE_LIMIT = 400
Piece = tuple


@dataclass(frozen=True)
class ErrorList:
    """One titled list of errors: ``shown`` items of ``total``."""

    title: str
    total: int
    items: list[list[Piece]]


def chrf_class(score: float) -> str:
    """A colour bucket per 20 chrF++ points (the number is always shown too)."""
    return f"chrf-{min(4, int(score // 20))}"


class Links:
    """Where each document's highlighted article is: this page, or its own page."""

    def __init__(self, data: ReportData, pages: dict[str, str] | None) -> None:
        self.index = {v.doc.doc_id: n for n, v in enumerate(data.views)}
        self.views = {v.doc.doc_id: v for v in data.views}
        self.pages = pages or {}

    def page(self, doc_id: str) -> str:
        return self.pages.get(doc_id, "")

    def span(self, doc_id: str, *, quote_id: str | None = None, pred_index: int | None = None) -> str | None:
        from benchmark.report.article import span_key

        n = self.index.get(doc_id)
        if n is None:
            return None
        key = span_key(self.views[doc_id], n, quote_id=quote_id, pred_index=pred_index)
        return None if key is None else f"{self.page(doc_id)}#k={key}"


def _where(data: ReportData, links: Links, doc_id: str, segment_id: str, spans, href: str | None) -> list[Piece]:
    out: list[Piece] = []
    if len(data.corpus.documents) > 1:
        out += [("c", doc_id), ("t", " · ")]
    out.append(("m", f"segment {segment_id} · offsets {offsets_text(spans)}"))
    if href:
        out += [("t", " · "), ("a", "show in the article", href)]
    return out


def quotes_errors(data: ReportData, links: Links) -> list[ErrorList]:
    views, out = list(data.views), []
    for kind, title in (("missed", "Missed gold quotes"), ("spurious", "Spurious predicted quotes"),
                        ("boundary", "Boundary errors (aligned, different extent)")):
        items = []
        for e in worst_quote_errors(views, kind, data.worst):
            doc = data.corpus.document(e.doc_id)
            href = (links.span(e.doc_id, pred_index=e.pred_index) if kind == "spurious" and e.spans
                    else links.span(e.doc_id, quote_id=e.quote_id))
            where = _where(data, links, e.doc_id, e.segment_id, e.spans, href)
            if kind == "missed":
                q = gold_quote(doc, e.quote_id)
                items.append([("b", e.quote_id or ""), ("t", " · "), *where,
                              ("t", f" · {e.size} characters · {q.type if q else '?'} · speaker "
                                    f"{entity_name(doc, e.speaker)}"),
                              ("ar", quote_text(doc, e.spans, limit=QUOTE_LIMIT))])
            elif kind == "spurious":
                text = (quote_text(doc, e.spans, limit=QUOTE_LIMIT) if e.spans
                        else f"(not in the article) {e.raw_text or ''}")
                items.append([("t", f"predicted #{e.pred_index} · "), *where,
                              ("t", f" · {e.size} characters · speaker {entity_name(doc, e.speaker, e.speaker_raw)}"),
                              ("ar", text)])
            else:
                items.append([("t", "gold "), ("b", e.quote_id or ""), ("t", f" vs predicted #{e.pred_index} · "
                                                                              f"{e.size} characters differ · "),
                              *where, ("div", [("m", "gold")]), ("ar", quote_text(doc, e.spans, limit=QUOTE_LIMIT)),
                              ("div", [("m", f"predicted {offsets_text(e.pred_spans)}")]),
                              ("ar", quote_text(doc, e.pred_spans, limit=QUOTE_LIMIT))])
        out.append(ErrorList(title, count(views, kind), items))
    return out


def speaker_errors(task: str, title: str) -> Callable[[ReportData, Links], list[ErrorList]]:
    def render(data: ReportData, links: Links) -> list[ErrorList]:
        views, items = list(data.views), []
        for e in worst_speaker_errors(views, task, data.worst):
            doc = data.corpus.document(e.doc_id)
            href = links.span(e.doc_id, quote_id=e.quote_id)
            items.append([("b", e.quote_id), ("t", " · "),
                          *_where(data, links, e.doc_id, e.segment_id, e.spans, href),
                          ("t", " · gold "), ("b", entity_name(doc, e.gold_speaker)), ("t", ", predicted "),
                          ("b", entity_name(doc, e.pred_speaker, e.pred_raw)),
                          ("ar", quote_text(doc, e.spans, limit=QUOTE_LIMIT))])
        return [ErrorList(title, count(views, task), items)]

    return render


def mentions_errors(data: ReportData, links: Links) -> list[ErrorList]:
    views, out = list(data.views), []
    for kind, title in (("missed", "Missed speaker mentions"), ("spurious", "Spurious speaker mentions")):
        items = []
        for e in mention_errors(views, kind, data.worst):
            doc = data.corpus.document(e.doc_id)
            text = doc.text[e.span.start:e.span.end] if e.span else "(not in the article)"
            who = entity_name(doc, e.entity) if e.entity else "resolves to no gold entity"
            items.append([("arin", text), ("t", " · "),
                          *_where(data, links, e.doc_id, e.segment_id, (e.span,) if e.span else (), None),
                          ("t", f" · {who}")])
        out.append(ErrorList(title, count(views, f"mention-{kind}"), items))
    return out


def entity_notes(data: ReportData) -> list[list[Piece]]:
    """Speaking entities never found and false speakers, for the documents with the most of them."""
    rows = []
    for v in data.views:
        sm = v.speakers
        if sm is not None and (sm.missed_entities or sm.false_entities):
            rows.append((-(len(sm.missed_entities) + len(sm.false_entities)), v.doc.doc_id, v, sm))
    out = []
    for _, doc_id, v, sm in sorted(rows, key=lambda r: r[:2])[: max(data.worst, 1)]:
        names = lambda ids: ", ".join(entity_name(v.doc, i) for i in ids) or "none"  # noqa: E731
        prefix: list[Piece] = [("c", doc_id), ("t", ": ")] if len(data.views) > 1 else []
        out.append(prefix + [("t", f"Speaking entities never found: {names(sm.missed_entities)}; predicted "
                                   f"speakers who never speak: {names(sm.false_entities)}.")])
    return out


def stance_errors(data: ReportData, links: Links) -> list[ErrorList]:
    views, items = list(data.views), []
    targets = {t.id: t.description_en for t in data.corpus.targets}
    for e in worst_stance_errors(views, data.worst):
        doc = data.corpus.document(e.doc_id)
        href = links.span(e.doc_id, quote_id=e.quote_id)
        items.append([("b", e.quote_id), ("t", " → "), ("c", e.target), ("t", " "),
                      ("m", f"({targets.get(e.target, '?')})"), ("t", ": gold "), ("b", e.gold),
                      ("t", ", predicted "), ("b", e.pred or "no label"), ("t", " · "),
                      *_where(data, links, e.doc_id, e.segment_id, e.spans, href),
                      ("ar", quote_text(doc, e.spans, limit=QUOTE_LIMIT))])
    return [ErrorList("Wrong stance labels", count(views, "stance"), items)]


def translation_errors(data: ReportData, links: Links) -> list[ErrorList]:
    views, items = list(data.views), []
    for t in worst_translations(views, data.worst):
        seg, doc = t.segment, data.corpus.document(t.doc_id)
        where: list[Piece] = [("c", t.doc_id), ("t", " · ")] if len(data.corpus.documents) > 1 else []
        page = links.page(t.doc_id)
        link: list[Piece] = [("t", " · "), ("a", "segment table", f"{page}#tr-{seg.id}")] if page else []
        items.append([*where, ("b", seg.id), ("t", f" ({seg.kind}) · sentence chrF++ "),
                      ("score", f"{t.chrf:.1f}", chrf_class(t.chrf)), *link,
                      ("ar", doc.text[seg.span.start:seg.span.end]),
                      ("div", [("em", "reference:"), ("t", " " + seg.translation_en)]),
                      ("div", [("em", "system:"), ("t", " "), ("hyp", t.hypothesis)])])
    return [ErrorList("Segments with the lowest sentence chrF++ (below 100)", count(views, "translation"), items)]


ERRORS: dict[str, Callable[[ReportData, Links], list[ErrorList]]] = {
    "speakers": mentions_errors,
    "quotes": quotes_errors,
    "end2end": speaker_errors("quotes", "Wrong speakers of aligned quotes"),
    "attribution": speaker_errors("attribution", "Wrong speakers of gold quotes"),
    "stance": stance_errors,
    "translation": translation_errors,
}


def task_errors(data: ReportData, task: str, links: Links) -> list[ErrorList]:
    """The worst-error lists of ``task`` (empty for a task without any)."""
    build = ERRORS.get(task)
    return build(data, links) if build is not None else []


def translation_rows(view) -> list[dict[str, Any]]:
    """Every segment of one document: reference, system output, sentence chrF++ (the Arabic is in the article)."""
    return [{"id": t.segment.id, "kind": t.segment.kind,
             "reference": t.segment.translation_en, "hypothesis": t.hypothesis,
             "chrf": f"{t.chrf:.1f}", "chrf_class": chrf_class(t.chrf)} for t in view.translations]
