"""The article, right to left, with gold and predicted spans highlighted.

Quote contents get a background by alignment status (matched, partial,
missed, spurious); characters inside a gold quote are underlined, those
inside a predicted quote overlined, so a partial match shows exactly which
characters each side covers.  Speaker mentions (the speakers task's gold) and cues are
marked too.  Each fragment's ``title`` lists every span covering it; the
side panel (see :mod:`.assets`) shows the same in full on click.

Examples
--------
>>> from benchmark.gold.schema import Document, Mention, Quote, Span
>>> text = "قال لافروف إن <المحادثات> مفيدة."
>>> q = Quote("q1", (Span(14, 31, text[14:31]),), Span(0, 3, "قال"), Span(4, 10, "لافروف"), "x", "indirect")
>>> m = Mention("m1", "x", Span(4, 10, "لافروف"), "named")
>>> from benchmark.report.analysis import analyse_document
>>> html, panels = render_article(analyse_document(Document("d", text, "", (), (), (m,), (q,), (), ()), None),
...                               doc_index=0, targets={})
>>> "&lt;المحادثات&gt;" in html, 'class="frag st-gold in-g"' in html, sorted(panels)
(True, True, ['d0c0', 'd0g0', 'd0sg0'])
"""

from __future__ import annotations

from html import escape
from typing import Mapping

from benchmark.report.analysis import DocView
from benchmark.report.fragments import fragments
from benchmark.report.worst import entity_name, offsets_text, quote_text

STATUS_PRIORITY = ("missed", "spurious", "partial", "matched", "gold")
"""When quotes of several statuses cover one fragment, the first status here colours it."""
PANEL_QUOTE_LIMIT = 600


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _card(status: str, title: str, rows: list[tuple[str, str]], arabic: str = "") -> str:
    badge = f'<span class="badge st-{status}">{escape(status)}</span>'
    body = f'<p class="ar" dir="rtl" lang="ar">{escape(arabic)}</p>' if arabic else ""
    return f'<div class="card st-{status}"><h4>{escape(title)}{badge}</h4>{_dl(rows)}{body}</div>'


class _Article:
    """Collects spans, tooltips and panel cards of one document."""

    def __init__(self, view: DocView, doc_index: int, targets: Mapping[str, str]) -> None:
        self.view, self.doc, self.pred = view, view.doc, view.pred
        self.prefix = f"d{doc_index}"
        self.targets = targets
        self.spans: list[tuple[str, int, int]] = []
        self.classes: dict[str, list[str]] = {}
        self.status: dict[str, str] = {}
        self.tips: dict[str, str] = {}
        self.panels: dict[str, str] = {}

    def add(self, key: str, spans, classes: list[str], status: str | None, tip: str, panel: str) -> None:
        key = self.prefix + key
        self.spans += [(key, s.start, s.end) for s in spans]
        self.classes[key] = classes
        if status is not None:
            self.status[key] = status
        self.tips[key], self.panels[key] = tip, panel

    def name(self, entity: str | None, raw: str | None = None) -> str:
        return entity_name(self.doc, entity, raw)

    def stances_of(self, quote_id: str) -> list[tuple[str, str]]:
        return [(s.target, s.label) for s in self.doc.stances if s.quote == quote_id]

    def gold_quotes(self) -> None:
        qa, pred = self.view.quotes, self.pred
        attributed = ({a.quote_id: a for a in pred.attribution}
                      if pred is not None and pred.attribution is not None else None)
        labelled = ({(s.quote_id, s.target): s.label for s in pred.stance}
                    if pred and pred.stance is not None else None)
        for i, q in enumerate(self.doc.quotes):
            status = "gold" if qa is None else qa.gold_status[i]
            partner = None if qa is None else qa.gold_partner[i]
            head = f"Gold quote {q.id}"
            tip = [f"{head} — {status}" + (f" (aligned with predicted #{partner})" if partner is not None else ""),
                   f"type {q.type} · speaker {self.name(q.speaker)}"]
            rows = [("status", escape(status) + (f" ↔ predicted #{partner}" if partner is not None else "")),
                    ("type", escape(q.type)), ("speaker", escape(self.name(q.speaker))),
                    ("offsets", escape(offsets_text(q.content)))]
            if q.nested_in:
                rows.append(("nested in", escape(q.nested_in)))
            if attributed is not None:
                a = attributed.get(q.id)
                got = self.name(a.speaker, a.speaker_raw) if a else "no answer"
                mark = "✓" if a is not None and a.speaker == q.speaker else "✗"
                tip.append(f"attribution task: predicted {got} {mark}")
                rows.append(("attribution task", escape(f"{got} {mark}")))
            for target, label in self.stances_of(q.id):
                line = f"{target}: {label}"
                if labelled is not None:
                    got = labelled.get((q.id, target))
                    line += f" · predicted {got or 'no label'} {'✓' if got == label else '✗'}"
                tip.append("stance " + line)
                about = escape(self.targets.get(target, ""))
                rows.append(("stance", escape(line) + f'<br><span class="muted">{about}</span>'))
            text = quote_text(self.doc, q.content, limit=PANEL_QUOTE_LIMIT)
            self.add(f"g{i}", q.content, ["in-g"], status, "\n".join(tip), _card(status, head, rows, text))
            if q.cue is not None:
                cue = escape(self.doc.text[q.cue.start:q.cue.end])
                self.add(f"c{i}", (q.cue,), ["cue-g"], None, f"Gold cue of {q.id}",
                         _card("gold", f"Gold cue of {q.id}", [("cue", cue)]))

    def pred_quotes(self) -> None:
        qa = self.view.quotes
        if qa is None or self.pred is None or self.pred.quotes is None:
            return
        for j, p in enumerate(self.pred.quotes):
            status, partner = qa.pred_status[j], qa.pred_partner[j]
            gold = self.doc.quotes[partner] if partner is not None else None
            head = f"Predicted quote #{j}"
            spk = self.name(p.speaker, p.speaker_raw)
            tip = [f"{head} — {status}" + (f" (aligned with gold {gold.id})" if gold else ""),
                   f"type {p.type or 'none'} · speaker {spk}"]
            rows = [("status", escape(status) + (f" ↔ gold {gold.id}" if gold else "")),
                    ("type", escape(p.type or "none") + (f" (gold {escape(gold.type)})" if gold else "")),
                    ("speaker", escape(spk) + (f" (gold {escape(self.name(gold.speaker))})" if gold else "")),
                    ("offsets", escape(offsets_text(p.content)))]
            for s in p.stances:
                tip.append(f"stance {s.target}: {s.label}")
                rows.append(("stance", escape(f"{s.target}: {s.label}")))
            text = quote_text(self.doc, p.content, limit=PANEL_QUOTE_LIMIT)
            self.add(f"p{j}", p.content, ["in-p"], status, "\n".join(tip), _card(status, head, rows, text))

    def mentions(self) -> None:
        sm, pred = self.view.speakers, self.pred
        if sm is None:
            gold = [(m.span, m.entity) for m in self.doc.speaker_mentions]
            statuses = ["gold"] * len(gold)
        else:
            gold, statuses = list(sm.gold), list(sm.gold_status)
        for k, ((span, entity), status) in enumerate(zip(gold, statuses)):
            classes = ["spk-g"] + (["spk-miss"] if status == "missed" else [])
            tip = f"Gold speaker mention: {self.name(entity)} — {status}"
            self.add(f"sg{k}", (span,), classes, None, tip,
                     _card(status, "Gold speaker mention", [("entity", escape(self.name(entity))),
                                                            ("offsets", escape(offsets_text((span,))))]))
        if sm is None or pred is None or pred.speakers is None:
            return
        for k, (m, status, entity) in enumerate(zip(pred.speakers, sm.pred_status, sm.pred_entity)):
            if m.span is None:
                continue
            who = self.name(entity) if entity else "no gold entity"
            tip = f"Predicted speaker mention: {who} — {status}"
            rows = [("resolves to", escape(who)), ("offsets", escape(offsets_text((m.span,))))]
            if m.entity:
                rows.insert(0, ("label", escape(m.entity)))
            self.add(f"sp{k}", (m.span,), ["spk-p"], None, tip, _card(status, "Predicted speaker mention", rows))

    def fragment_html(self, keys: tuple[str, ...], text: str) -> str:
        if not keys:
            return escape(text)
        statuses = {self.status[k] for k in keys if k in self.status}
        classes = ["frag"] + [f"st-{s}" for s in STATUS_PRIORITY if s in statuses][:1]
        for k in keys:
            classes += [c for c in self.classes[k] if c not in classes]
        title = "\n".join(self.tips[k] for k in keys)
        return (f'<span class="{" ".join(classes)}" data-k="{" ".join(keys)}" '
                f'title="{escape(title)}">{escape(text)}</span>')

    def render(self) -> str:
        segment_at = {s.span.start: s.id for s in self.doc.segments}
        out = []
        for a, b, keys in fragments(len(self.doc.text), self.spans, cuts=segment_at):
            if a in segment_at:
                out.append(f'<sup class="seg" dir="ltr">{escape(segment_at[a])}</sup>')
            out.append(self.fragment_html(keys, self.doc.text[a:b]))
        return (f'<div class="article" id="article-{self.prefix}" dir="rtl" lang="ar">'
                + "".join(out) + "</div>")


def render_article(view: DocView, *, doc_index: int, targets: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """HTML of one highlighted article and its side-panel cards (key → HTML).

    Parameters
    ----------
    view : DocView
        The document paired with its prediction.
    doc_index : int
        Position of the document; keys are prefixed ``d<index>`` so they are
        unique in a page holding several articles.
    targets : mapping
        Stance-target id → English description.
    """
    art = _Article(view, doc_index, targets)
    art.gold_quotes()
    art.pred_quotes()
    art.mentions()
    return art.render(), art.panels
