"""The article, right to left, with gold and predicted spans highlighted: the data the templates draw.

Quote contents get a background by alignment status (matched, partial,
missed, spurious); characters inside a gold quote are underlined, those
inside a predicted quote overlined, so a partial match shows exactly which
characters each side covers.  Speaker mentions (the speakers task's gold) and
cues are marked too.  Every highlighted fragment carries the keys of the
spans covering it (``g0`` gold quote, ``c0`` its cue, ``p0`` predicted quote,
``sg0``/``sp0`` gold/predicted speaker mention); the page script makes it a
focusable button whose details (one card per span) it builds with
``textContent`` from the compact records of :mod:`.panels`, so no text of the
article or of a prediction is ever parsed as HTML.  The CSS classes of a
fragment follow from its keys and their statuses: a page that stands alone
(``report.html``) has them in its markup, so its highlights show even where
scripts do not run (a mail reader); the article pages of a corpus leave them
to the script (the same rules, :data:`~benchmark.report.assets.STATUS_PRIORITY`), which keeps each
page small.

Examples
--------
>>> from benchmark.gold.schema import Document, Mention, Quote, Span
>>> text = "قال لافروف إن <المحادثات> مفيدة."
>>> q = Quote("q1", (Span(14, 31, text[14:31]),), Span(0, 3, "قال"), Span(4, 10, "لافروف"), "x", "indirect")
>>> m = Mention("m1", "x", Span(4, 10, "لافروف"), "named")
>>> from benchmark.report.analysis import analyse_document
>>> art = build_article(analyse_document(Document("d", text, "", (), (), (m,), (q,), (), ()), None))
>>> [(f.text, f.classes, f.keys) for f in art.fragments if f.keys][:2]
[('قال', 'frag cue-g', 'c0'), ('لافروف', 'frag spk-g', 'sg0')]
>>> sorted(art.headings), art.panels["g"], art.panels["w"]
(['c0', 'g0', 'sg0'], [['q1', 4, None, 0, 1, [14, 31]]], ['indirect', 'x'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from benchmark.report.analysis import DocView
from benchmark.report.assets import PANEL_QUOTE_LIMIT, STATUS_PRIORITY  # noqa: F401  (PANEL_QUOTE_LIMIT re-exported)
from benchmark.report.fragments import fragments
from benchmark.report.panels import STATUS_CODE, Strings, flat_offsets, trim
from benchmark.report.worst import entity_name


@dataclass(frozen=True)
class Fragment:
    """A run of article text covered by the same spans."""

    text: str
    classes: str
    """CSS classes (``""`` for plain text, and for every fragment when built without classes)."""
    keys: str
    """Space-separated keys of the spans covering it (``""`` for plain text)."""
    segment: str | None = None
    """Id of the segment starting here, drawn as a small marker before the text."""
    button: bool = False
    """Focusable (a button opening the details of its spans)."""
    label: str | None = None
    """Accessible name when the text is too short to name the button (a lone letter)."""


@dataclass(frozen=True)
class Article:
    """One highlighted article: its fragments, the panel records (:mod:`.panels`) and each span's card heading."""

    fragments: tuple[Fragment, ...]
    panels: dict[str, Any]
    headings: dict[str, str]
    """Key → heading of its card, as the page script writes it (names the buttons of lone letters)."""


class _Builder:
    """Collects the spans and panel records of one document."""

    def __init__(self, view: DocView) -> None:
        self.view, self.doc, self.pred = view, view.doc, view.pred
        self.w = Strings()
        self.records: dict[str, list[Any]] = {"g": [], "p": [], "sg": [], "sp": []}
        self.spans: list[tuple[str, int, int]] = []
        self.classes: dict[str, list[str]] = {}
        self.status: dict[str, str] = {}
        self.headings: dict[str, str] = {}
        self.names: dict[tuple[str | None, str | None], int] = {}

    def add(self, key: str, spans, classes: list[str], status: str | None, heading: str) -> None:
        self.spans += [(key, s.start, s.end) for s in spans]
        self.classes[key] = classes
        if status is not None:
            self.status[key] = status
        self.headings[key] = heading

    def name(self, entity: str | None, raw: str | None = None) -> int:
        n = self.names.get((entity, raw))
        if n is None:
            n = self.names[(entity, raw)] = self.w(entity_name(self.doc, entity, raw))
        return n

    def _attribution(self, q, attributed) -> list[int] | None:
        if attributed is None:
            return None
        a = attributed.get(q.id)
        return [self.name(a.speaker, a.speaker_raw) if a else self.w("no answer"),
                int(a is not None and a.speaker == q.speaker)]

    def _gold_stances(self, q, labelled) -> list[list[int | None]]:
        out = []
        for s in self.doc.stances:
            if s.quote != q.id:
                continue
            row: list[int | None] = [self.w(s.target), self.w(s.label)]
            if labelled is not None:
                got = labelled.get((q.id, s.target))
                row.append(self.w(got) if got else None)
            out.append(row)
        return out

    def gold_quotes(self) -> None:
        qa, pred = self.view.quotes, self.pred
        attributed = ({a.quote_id: a for a in pred.attribution}
                      if pred is not None and pred.attribution is not None else None)
        labelled = ({(s.quote_id, s.target): s.label for s in pred.stance}
                    if pred and pred.stance is not None else None)
        for i, q in enumerate(self.doc.quotes):
            status = "gold" if qa is None else qa.gold_status[i]
            partner = None if qa is None else qa.gold_partner[i]
            self.records["g"].append(trim([
                q.id, STATUS_CODE[status], partner, self.w(q.type), self.name(q.speaker), flat_offsets(q.content),
                self._attribution(q, attributed), self._gold_stances(q, labelled), q.nested_in or None]))
            self.add(f"g{i}", q.content, ["in-g"], status, f"Gold quote {q.id}")
            if q.cue is not None:  # its card quotes the cue from the article: no record
                self.add(f"c{i}", (q.cue,), ["cue-g"], None, f"Gold cue of {q.id}")

    def pred_quotes(self) -> None:
        qa = self.view.quotes
        if qa is None or self.pred is None or self.pred.quotes is None:
            return
        for j, p in enumerate(self.pred.quotes):
            status = qa.pred_status[j]
            self.records["p"].append(trim([
                STATUS_CODE[status], qa.pred_partner[j], self.w(p.type) if p.type else None,
                self.name(p.speaker, p.speaker_raw), flat_offsets(p.content),
                [[self.w(s.target), self.w(s.label)] for s in p.stances]]))
            self.add(f"p{j}", p.content, ["in-p"], status, f"Predicted quote #{j}")

    def mentions(self) -> None:
        sm, pred = self.view.speakers, self.pred
        if sm is None:
            gold = [(m.span, m.entity) for m in self.doc.speaker_mentions]
            statuses = ["gold"] * len(gold)
        else:
            gold, statuses = list(sm.gold), list(sm.gold_status)
        for k, ((span, entity), status) in enumerate(zip(gold, statuses)):
            self.records["sg"].append([STATUS_CODE[status], self.name(entity), span.start, span.end])
            self.add(f"sg{k}", (span,), ["spk-g"] + (["spk-miss"] if status == "missed" else []), None,
                     "Gold speaker mention")
        if sm is None or pred is None or pred.speakers is None:
            return
        for k, (m, status, entity) in enumerate(zip(pred.speakers, sm.pred_status, sm.pred_entity)):
            if m.span is None:
                self.records["sp"].append(None)
                continue
            self.records["sp"].append(trim([STATUS_CODE[status], self.name(entity) if entity else None,
                                            m.span.start, m.span.end, self.w(m.entity) if m.entity else None]))
            self.add(f"sp{k}", (m.span,), ["spk-p"], None, "Predicted speaker mention")

    def classes_of(self, keys: tuple[str, ...]) -> str:
        statuses = {self.status[k] for k in keys if k in self.status}
        classes = ["frag"] + [f"st-{s}" for s in STATUS_PRIORITY if s in statuses][:1]
        for k in keys:
            classes += [c for c in self.classes[k] if c not in classes]
        return " ".join(classes)

    def panels(self) -> dict[str, Any]:
        return {"w": self.w.items, **{kind: recs for kind, recs in self.records.items() if recs}}

    def build(self, classes: bool) -> Article:
        segment_at = {s.span.start: s.id for s in self.doc.segments}
        cut = fragments(len(self.doc.text), self.spans, cuts=segment_at)
        text = self.doc.text
        pieces = [(text[a:b], keys, segment_at.get(a)) for a, b, keys in cut]
        flags = _buttons([(t, keys) for t, keys, _ in pieces], self.headings)
        frags = tuple(Fragment(t, self.classes_of(keys) if keys and classes else "", " ".join(keys), seg, button, label)
                      for (t, keys, seg), (button, label) in zip(pieces, flags))
        return Article(frags, self.panels(), self.headings)


MIN_NAME = 2
"""A fragment of fewer visible characters does not name a button well (screen readers, axe)."""


def _buttons(pieces: list[tuple[str, tuple[str, ...]]],
             headings: Mapping[str, str]) -> list[tuple[bool, str | None]]:
    """``(button, label)`` of each ``(text, keys)`` fragment.

    Every fragment with keys and at least :data:`MIN_NAME` visible characters
    is a button.  A span none of whose fragments is (a lone letter, or
    blanks) still gets one button, its first non-blank fragment, named after
    its cards, so every span can be reached by keyboard.
    """
    out: list[tuple[bool, str | None]] = [(bool(keys) and len(t.strip()) >= MIN_NAME, None) for t, keys in pieces]
    reachable = {k for (t, keys), (button, _) in zip(pieces, out) if button for k in keys}
    for n, (t, keys) in enumerate(pieces):
        if t.strip() and any(k not in reachable for k in keys):
            out[n] = (True, ", ".join(headings[k] for k in keys))
            reachable.update(keys)
    return out


def build_article(view: DocView, *, classes: bool = True) -> Article:
    """Fragments, panel records and card headings of one highlighted article.

    Parameters
    ----------
    view : DocView
        The document paired with its prediction.
    classes : bool
        Give each fragment its CSS classes (``False``: the page script sets them).
    """
    art = _Builder(view)
    art.gold_quotes()
    art.pred_quotes()
    art.mentions()
    return art.build(classes)


def span_key(view: DocView, doc_index: int, *, quote_id: str | None = None, pred_index: int | None = None) -> str | None:
    """The deep-link key (``#k=<key>``) of a gold quote (by id) or a predicted quote (by index).

    The article's prefix ``d<doc_index>`` and the span's key, so a link names
    one span on one page of a corpus.

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
