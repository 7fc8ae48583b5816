"""The article, right to left, with gold and predicted spans highlighted: the data the templates draw.

Quote contents get a background by alignment status (matched, partial,
missed, spurious); characters inside a gold quote are underlined, those
inside a predicted quote overlined, so a partial match shows exactly which
characters each side covers.  Speaker mentions (the speakers task's gold) and
cues are marked too.  Every highlighted fragment is a focusable button in the
page; its details (one card per span covering it) are plain data here, turned
into elements by the page script with ``textContent``, so no text of the
article or of a prediction is ever parsed as HTML.

Examples
--------
>>> from benchmark.gold.schema import Document, Mention, Quote, Span
>>> text = "قال لافروف إن <المحادثات> مفيدة."
>>> q = Quote("q1", (Span(14, 31, text[14:31]),), Span(0, 3, "قال"), Span(4, 10, "لافروف"), "x", "indirect")
>>> m = Mention("m1", "x", Span(4, 10, "لافروف"), "named")
>>> from benchmark.report.analysis import analyse_document
>>> art = build_article(analyse_document(Document("d", text, "", (), (), (m,), (q,), (), ()), None),
...                     doc_index=0, targets={})
>>> [(f.text, f.classes, f.keys) for f in art.fragments if f.keys][:2]
[('قال', 'frag cue-g', 'd0c0'), ('لافروف', 'frag spk-g', 'd0sg0')]
>>> sorted(art.cards), art.cards["d0g0"]["s"], art.cards["d0g0"]["q"]
(['d0c0', 'd0g0', 'd0sg0'], 'gold', 1)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from benchmark.report.analysis import DocView
from benchmark.report.fragments import fragments
from benchmark.report.worst import entity_name, offsets_text

STATUS_PRIORITY = ("missed", "spurious", "partial", "matched", "gold")
"""When quotes of several statuses cover one fragment, the first status here colours it."""
PANEL_QUOTE_LIMIT = 600
"""Longest quote shown in a card (characters); the page script applies it."""


@dataclass(frozen=True)
class Fragment:
    """A run of article text covered by the same spans."""

    text: str
    classes: str
    """CSS classes (``""`` for plain text)."""
    keys: str
    """Space-separated card keys of the spans covering it (``""`` for plain text)."""
    segment: str | None = None
    """Id of the segment starting here, drawn as a small marker before the text."""
    button: bool = False
    """Focusable (a button opening the details of its spans)."""
    label: str | None = None
    """Accessible name when the text is too short to name the button (a lone letter)."""


@dataclass(frozen=True)
class Article:
    """One highlighted article: its fragments and the card of every span (key → card)."""

    fragments: tuple[Fragment, ...]
    cards: dict[str, dict[str, Any]]
    """Card: ``s`` status, ``h`` heading, ``r`` rows ``[label, value]`` or ``[label, value, note]``,
    ``q`` 1 when the card quotes its span's Arabic text."""


def _card(status: str, title: str, rows: list[list[str]], quote: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"s": status, "h": title, "r": rows}
    if quote:
        # The page script quotes the span from the article itself (its fragments carry the key),
        # so the text is not stored twice in the page.
        out["q"] = 1
    return out


class _Builder:
    """Collects the spans and cards of one document."""

    def __init__(self, view: DocView, doc_index: int, targets: Mapping[str, str]) -> None:
        self.view, self.doc, self.pred = view, view.doc, view.pred
        self.prefix = f"d{doc_index}"
        self.targets = targets
        self.spans: list[tuple[str, int, int]] = []
        self.classes: dict[str, list[str]] = {}
        self.status: dict[str, str] = {}
        self.cards: dict[str, dict[str, Any]] = {}

    def add(self, key: str, spans, classes: list[str], status: str | None, card: dict[str, Any]) -> None:
        key = self.prefix + key
        self.spans += [(key, s.start, s.end) for s in spans]
        self.classes[key] = classes
        if status is not None:
            self.status[key] = status
        self.cards[key] = card

    def name(self, entity: str | None, raw: str | None = None) -> str:
        return entity_name(self.doc, entity, raw)

    def _gold_extra_rows(self, q, attributed, labelled) -> list[list[str]]:
        rows = []
        if q.nested_in:
            rows.append(["nested in", q.nested_in])
        if attributed is not None:
            a = attributed.get(q.id)
            got = self.name(a.speaker, a.speaker_raw) if a else "no answer"
            rows.append(["attribution task", f"{got} {'✓' if a is not None and a.speaker == q.speaker else '✗'}"])
        for s in self.doc.stances:
            if s.quote != q.id:
                continue
            line = f"{s.target}: {s.label}"
            if labelled is not None:
                got = labelled.get((q.id, s.target))
                line += f" · predicted {got or 'no label'} {'✓' if got == s.label else '✗'}"
            # The target's description is looked up in the page's table of targets (``data.targets``).
            rows.append(["stance", line, s.target])
        return rows

    def gold_quotes(self) -> None:
        qa, pred = self.view.quotes, self.pred
        attributed = ({a.quote_id: a for a in pred.attribution}
                      if pred is not None and pred.attribution is not None else None)
        labelled = ({(s.quote_id, s.target): s.label for s in pred.stance}
                    if pred and pred.stance is not None else None)
        for i, q in enumerate(self.doc.quotes):
            status = "gold" if qa is None else qa.gold_status[i]
            partner = None if qa is None else qa.gold_partner[i]
            rows = [["status", status + (f" ↔ predicted #{partner}" if partner is not None else "")],
                    ["type", q.type], ["speaker", self.name(q.speaker)], ["offsets", offsets_text(q.content)]]
            rows += self._gold_extra_rows(q, attributed, labelled)
            self.add(f"g{i}", q.content, ["in-g"], status, _card(status, f"Gold quote {q.id}", rows, quote=True))
            if q.cue is not None:
                cue = self.doc.text[q.cue.start:q.cue.end]
                self.add(f"c{i}", (q.cue,), ["cue-g"], None, _card("gold", f"Gold cue of {q.id}", [["cue", cue]]))

    def pred_quotes(self) -> None:
        qa = self.view.quotes
        if qa is None or self.pred is None or self.pred.quotes is None:
            return
        for j, p in enumerate(self.pred.quotes):
            status, partner = qa.pred_status[j], qa.pred_partner[j]
            gold = self.doc.quotes[partner] if partner is not None else None
            rows = [["status", status + (f" ↔ gold {gold.id}" if gold else "")],
                    ["type", (p.type or "none") + (f" (gold {gold.type})" if gold else "")],
                    ["speaker", self.name(p.speaker, p.speaker_raw)
                     + (f" (gold {self.name(gold.speaker)})" if gold else "")],
                    ["offsets", offsets_text(p.content)]]
            rows += [["stance", f"{s.target}: {s.label}"] for s in p.stances]
            self.add(f"p{j}", p.content, ["in-p"], status, _card(status, f"Predicted quote #{j}", rows, quote=True))

    def mentions(self) -> None:
        sm, pred = self.view.speakers, self.pred
        if sm is None:
            gold = [(m.span, m.entity) for m in self.doc.speaker_mentions]
            statuses = ["gold"] * len(gold)
        else:
            gold, statuses = list(sm.gold), list(sm.gold_status)
        for k, ((span, entity), status) in enumerate(zip(gold, statuses)):
            classes = ["spk-g"] + (["spk-miss"] if status == "missed" else [])
            self.add(f"sg{k}", (span,), classes, None,
                     _card(status, "Gold speaker mention", [["entity", self.name(entity)],
                                                            ["offsets", offsets_text((span,))]]))
        if sm is None or pred is None or pred.speakers is None:
            return
        for k, (m, status, entity) in enumerate(zip(pred.speakers, sm.pred_status, sm.pred_entity)):
            if m.span is None:
                continue
            rows = [["resolves to", self.name(entity) if entity else "no gold entity"],
                    ["offsets", offsets_text((m.span,))]]
            if m.entity:
                rows.insert(0, ["label", m.entity])
            self.add(f"sp{k}", (m.span,), ["spk-p"], None, _card(status, "Predicted speaker mention", rows))

    def fragment(self, keys: tuple[str, ...], text: str, segment: str | None) -> Fragment:
        if not keys:
            return Fragment(text, "", "", segment)
        statuses = {self.status[k] for k in keys if k in self.status}
        classes = ["frag"] + [f"st-{s}" for s in STATUS_PRIORITY if s in statuses][:1]
        for k in keys:
            classes += [c for c in self.classes[k] if c not in classes]
        return Fragment(text, " ".join(classes), " ".join(keys), segment)

    def build(self) -> Article:
        segment_at = {s.span.start: s.id for s in self.doc.segments}
        frags = [self.fragment(keys, self.doc.text[a:b], segment_at.get(a))
                 for a, b, keys in fragments(len(self.doc.text), self.spans, cuts=segment_at)]
        return Article(tuple(_buttons(frags, self.cards)), self.cards)


MIN_NAME = 2
"""A fragment of fewer visible characters does not name a button well (screen readers, axe)."""


def _buttons(frags: list[Fragment], cards: Mapping[str, Mapping[str, Any]]) -> list[Fragment]:
    """Mark the fragments that are focusable buttons.

    Every fragment with at least :data:`MIN_NAME` visible characters is one.
    A span none of whose fragments is (a lone letter, or blanks) still gets
    one button, its first non-blank fragment, named after its cards, so
    every span can be reached by keyboard.
    """
    out = [replace(f, button=bool(f.keys) and len(f.text.strip()) >= MIN_NAME) for f in frags]
    reachable = {k for f in out if f.button for k in f.keys.split()}
    for n, f in enumerate(out):
        missing = [k for k in f.keys.split() if k not in reachable]
        if missing and f.text.strip():
            out[n] = replace(f, button=True, label=", ".join(cards[k]["h"] for k in f.keys.split()))
            reachable.update(f.keys.split())
    return out


def build_article(view: DocView, *, doc_index: int, targets: Mapping[str, str]) -> Article:
    """Fragments and cards of one highlighted article.

    Parameters
    ----------
    view : DocView
        The document paired with its prediction.
    doc_index : int
        Position of the document; keys are prefixed ``d<index>`` so they are
        unique across the pages of a corpus (deep links ``#k=<key>``).
    targets : mapping
        Stance-target id → English description.
    """
    art = _Builder(view, doc_index, targets)
    art.gold_quotes()
    art.pred_quotes()
    art.mentions()
    return art.build()


def span_key(view: DocView, doc_index: int, *, quote_id: str | None = None, pred_index: int | None = None) -> str | None:
    """The card key of a gold quote (by id) or a predicted quote (by index), for deep links.

    >>> from benchmark.gold.schema import Document, Quote, Span
    >>> from benchmark.report.analysis import analyse_document
    >>> q = Quote("q7", (Span(0, 1, "a"),), None, None, "x", "direct")
    >>> v = analyse_document(Document("d", "ab", "", (), (), (), (q,), (), ()), None)
    >>> span_key(v, 3, quote_id="q7"), span_key(v, 3, pred_index=2), span_key(v, 3)
    ('d3g0', 'd3p2', None)
    """
    if quote_id is not None:
        for i, q in enumerate(view.doc.quotes):
            if q.id == quote_id:
                return f"d{doc_index}g{i}"
        return None
    return None if pred_index is None else f"d{doc_index}p{pred_index}"
