"""Worst-error lists and the side-by-side translation table of ``report.html``.

The same lists as ``report.md`` (:mod:`.worst` chooses them), with the
Arabic quoted right to left.

Examples
--------
>>> chrf_class(12.0), chrf_class(99.0)
('chrf-0', 'chrf-4')
"""

from __future__ import annotations

from html import escape
from typing import Callable

from benchmark.report.data import ReportData
from benchmark.report.worst import (
    count, entity_name, gold_quote, mention_errors, offsets_text, quote_text, worst_quote_errors,
    worst_speaker_errors, worst_stance_errors, worst_translations,
)

QUOTE_LIMIT = 400


def chrf_class(score: float) -> str:
    """A colour bucket per 20 chrF++ points."""
    return f"chrf-{min(4, int(score // 20))}"


def _ar(text: str) -> str:
    return f'<blockquote class="ar" dir="rtl" lang="ar">{escape(text)}</blockquote>'


def _hypothesis(text: str | None) -> str:
    """A system translation, or a muted placeholder.

    Its direction is the browser's guess from the first strong character
    (``dir="auto"``): a system that copies the Arabic, or answers in
    Arabic, is shown right to left with its punctuation on the right side,
    and English stays left to right.
    """
    if text is None:
        return '<span class="muted">(no translation)</span>'
    return f'<bdi dir="auto">{escape(text)}</bdi>'


def _list(title: str, items: list[str], total: int) -> str:
    if not total:
        return f"<h4>{escape(title)}: none</h4>"
    return (f"<h4>{escape(title)} ({len(items)} of {total} shown)</h4>"
            '<ol class="errors">' + "".join(f"<li>{i}</li>" for i in items) + "</ol>")


def _where(data: ReportData, doc_id: str, segment_id: str, spans) -> str:
    doc = f"<code>{escape(doc_id)}</code> · " if len(data.corpus.documents) > 1 else ""
    return f'<span class="muted">{doc}segment {escape(segment_id)} · offsets {escape(offsets_text(spans))}</span>'


def quotes_errors(data: ReportData) -> str:
    views, out = list(data.views), []
    for kind, title in (("missed", "Missed gold quotes"), ("spurious", "Spurious predicted quotes"),
                        ("boundary", "Boundary errors (aligned, different extent)")):
        items = []
        for e in worst_quote_errors(views, kind, data.worst):
            doc = data.corpus.document(e.doc_id)
            if kind == "missed":
                q = gold_quote(doc, e.quote_id)
                items.append(f"<strong>{escape(e.quote_id or '')}</strong> · "
                             f"{_where(data, e.doc_id, e.segment_id, e.spans)} · {e.size} characters · "
                             f"{escape(q.type if q else '?')} · speaker {escape(entity_name(doc, e.speaker))}"
                             + _ar(quote_text(doc, e.spans, limit=QUOTE_LIMIT)))
            elif kind == "spurious":
                text = (quote_text(doc, e.spans, limit=QUOTE_LIMIT) if e.spans
                        else f"(not in the article) {e.raw_text or ''}")
                items.append(f"predicted #{e.pred_index} · {_where(data, e.doc_id, e.segment_id, e.spans)} · "
                             f"{e.size} characters · speaker "
                             f"{escape(entity_name(doc, e.speaker, e.speaker_raw))}" + _ar(text))
            else:
                items.append(f"gold <strong>{escape(e.quote_id or '')}</strong> vs predicted #{e.pred_index} · "
                             f"{e.size} characters differ · {_where(data, e.doc_id, e.segment_id, e.spans)}"
                             f'<div class="muted">gold</div>{_ar(quote_text(doc, e.spans, limit=QUOTE_LIMIT))}'
                             f'<div class="muted">predicted {escape(offsets_text(e.pred_spans))}</div>'
                             f"{_ar(quote_text(doc, e.pred_spans, limit=QUOTE_LIMIT))}")
        out.append(_list(title, items, count(views, kind)))
    return "".join(out)


def speaker_errors(task: str, title: str) -> Callable[[ReportData], str]:
    def render(data: ReportData) -> str:
        views, items = list(data.views), []
        for e in worst_speaker_errors(views, task, data.worst):
            doc = data.corpus.document(e.doc_id)
            items.append(f"<strong>{escape(e.quote_id)}</strong> · {_where(data, e.doc_id, e.segment_id, e.spans)} · "
                         f"gold <strong>{escape(entity_name(doc, e.gold_speaker))}</strong>, predicted "
                         f"<strong>{escape(entity_name(doc, e.pred_speaker, e.pred_raw))}</strong>"
                         + _ar(quote_text(doc, e.spans, limit=QUOTE_LIMIT)))
        return _list(title, items, count(views, task))

    return render


def mentions_errors(data: ReportData) -> str:
    views, out = list(data.views), []
    for kind, title in (("missed", "Missed speaker mentions"),
                        ("spurious", "Spurious speaker mentions")):
        items = []
        for e in mention_errors(views, kind, data.worst):
            doc = data.corpus.document(e.doc_id)
            text = doc.text[e.span.start:e.span.end] if e.span else "(not in the article)"
            who = entity_name(doc, e.entity) if e.entity else "resolves to no gold entity"
            items.append(f'«<bdi class="ar" dir="rtl" lang="ar">{escape(text)}</bdi>» · '
                         f"{_where(data, e.doc_id, e.segment_id, (e.span,) if e.span else ())} · {escape(who)}")
        out.append(_list(title, items, count(views, f"mention-{kind}")))
    for v in views:
        sm = v.speakers
        if sm is not None and (sm.missed_entities or sm.false_entities):
            def names(ids: tuple[str, ...]) -> str:
                return escape(", ".join(entity_name(v.doc, i) for i in ids) or "none")
            out.append(f"<p>Speaking entities never found: {names(sm.missed_entities)}; predicted speakers who "
                       f"never speak: {names(sm.false_entities)}.</p>")
    return "".join(out)


def stance_errors(data: ReportData) -> str:
    views, items = list(data.views), []
    targets = {t.id: t.description_en for t in data.corpus.targets}
    for e in worst_stance_errors(views, data.worst):
        doc = data.corpus.document(e.doc_id)
        items.append(f"<strong>{escape(e.quote_id)}</strong> → <code>{escape(e.target)}</code> "
                     f'<span class="muted">({escape(targets.get(e.target, "?"))})</span>: gold <strong>{escape(e.gold)}'
                     f"</strong>, predicted <strong>{escape(e.pred or 'no label')}</strong> · "
                     f"{_where(data, e.doc_id, e.segment_id, e.spans)}"
                     + _ar(quote_text(doc, e.spans, limit=QUOTE_LIMIT)))
    return _list("Wrong stance labels", items, count(views, "stance"))


def translation_errors(data: ReportData) -> str:
    views, items = list(data.views), []
    for t in worst_translations(views, data.worst):
        seg, doc = t.segment, data.corpus.document(t.doc_id)
        hyp = _hypothesis(t.hypothesis)
        items.append(f'<strong>{escape(seg.id)}</strong> ({escape(seg.kind)}) · sentence chrF++ '
                     f'<span class="{chrf_class(t.chrf)}">&nbsp;{t.chrf:.1f}&nbsp;</span>'
                     f"{_ar(doc.text[seg.span.start:seg.span.end])}"
                     f"<div><em>reference:</em> {escape(seg.translation_en)}</div><div><em>system:</em> {hyp}</div>")
    return _list("Segments with the lowest sentence chrF++ (below 100)", items, count(views, "translation"))


ERRORS: dict[str, Callable[[ReportData], str]] = {
    "speakers": mentions_errors,
    "quotes": quotes_errors,
    "end2end": speaker_errors("quotes", "Wrong speakers of aligned quotes"),
    "attribution": speaker_errors("attribution", "Wrong speakers of gold quotes"),
    "stance": stance_errors,
    "translation": translation_errors,
}


def task_errors(data: ReportData, task: str) -> str:
    """The worst-error lists of ``task`` (empty for a task without any)."""
    render = ERRORS.get(task)
    return render(data) if render is not None else ""


def translation_table(data: ReportData) -> str:
    """Every segment: Arabic source, reference, system output, sentence chrF++."""
    out = []
    for view in data.views:
        if not view.translations:
            continue
        rows = []
        for t in view.translations:
            seg = t.segment
            hyp = (escape(t.hypothesis) if t.hypothesis is not None
                   else '<span class="muted">(no translation)</span>')
            # The output cell takes its direction from its text (see _hypothesis); the reference is English.
            rows.append(f'<tr><td class="mono">{escape(seg.id)}<br><span class="muted">{escape(seg.kind)}</span></td>'
                        f'<td class="src ar" dir="rtl" lang="ar">'
                        f"{escape(view.doc.text[seg.span.start:seg.span.end])}</td>"
                        f'<td dir="ltr">{escape(seg.translation_en)}</td><td dir="auto">{hyp}</td>'
                        f'<td class="num {chrf_class(t.chrf)}">{t.chrf:.1f}</td></tr>')
        head = ("<th>segment</th><th>Arabic source</th><th>reference</th><th>system output</th>"
                '<th class="num">chrF++</th>')
        out.append(f"<h3>Translation of <code>{escape(view.doc.doc_id)}</code>, segment by segment</h3>"
                   f'<table class="translations"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(out)
