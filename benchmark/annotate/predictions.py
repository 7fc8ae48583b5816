"""A run's predictions as a document a reviewer corrects.

:func:`prediction_document` turns one document's predictions (a
``predictions.jsonl`` line of a run folder, read and aligned by
:mod:`benchmark.submission.reader`) into a gold-shaped :class:`Document`
holding only what the system returned, which :mod:`.tasks` then exports as
the pre-annotation. The frame a system is given stays as in the gold: the
text, the segments' spans and kinds, and — for the oracle tasks
(``attribution``, ``stance``) — the gold quote spans. Fields a system does not
predict (a mention's kind, an unresolved speaker) are left empty, so the
import asks the reviewer for them. The status is ``unannotated`` until the
reviewer marks the document complete.

Examples
--------
>>> from benchmark.gold.loading import load_corpus
>>> from benchmark.submission.predictions import DocPrediction, PredMention
>>> gold = load_corpus().documents[0]
>>> pred = DocPrediction(gold.doc_id, speakers=(PredMention(gold.mentions[0].span, "lavrov"),))
>>> doc = prediction_document(pred, gold)
>>> [(m.entity, m.kind, m.span.text) for m in doc.mentions], doc.quotes, doc.status
([('lavrov', '', 'وزير الخارجية الروسي سيرغي لافروف')], (), 'unannotated')
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benchmark.errors import InputError
from benchmark.gold.schema import Corpus, Document, Mention, Quote, Span, Stance
from benchmark.submission.predictions import DocPrediction


def _span(doc: Document, s: Span | None) -> Span | None:
    return None if s is None else Span(s.start, s.end, doc.text[s.start:s.end])


def _mentions(pred: DocPrediction, gold: Document) -> list[Mention]:
    known = {e.id for e in gold.entities}
    out = []
    for m in pred.speakers or ():
        if m.span is not None:
            out.append(Mention("", m.entity if m.entity in known else "", _span(gold, m.span), ""))
    return out


def _predicted_quotes(pred: DocPrediction, gold: Document) -> tuple[list[Quote], list[Stance]]:
    quotes, stances = [], []
    for q in pred.quotes or ():
        if not q.content:
            continue  # an unaligned content_text: nothing to show in the text
        qid = f"q{len(quotes) + 1:02d}"
        quotes.append(Quote(qid, tuple(_span(gold, c) for c in q.content), _span(gold, q.cue), _span(gold, q.source),
                            q.speaker or "", q.type or ""))
        stances += [Stance("", qid, q.speaker or "", s.target, s.label) for s in q.stances]
    # Labels of the oracle stance task go to the predicted quote that overlaps the gold quote most.
    for s in pred.stance or ():
        g = gold.quote(s.quote_id)
        overlap = [(sum(a.overlap(b) for a in q.content for b in g.content), q) for q in quotes]
        best = max(overlap, key=lambda x: x[0], default=(0, None))
        if best[0] and not any(x.quote == best[1].id and x.target == s.target for x in stances):
            stances.append(Stance("", best[1].id, best[1].speaker, s.target, s.label))
    order = {q.id: i for i, q in enumerate(quotes)}
    stances.sort(key=lambda x: order[x.quote])
    return quotes, stances


def _oracle_quotes(pred: DocPrediction, gold: Document) -> tuple[list[Quote], list[Stance]]:
    """Gold quote spans (the input of the oracle tasks) with the predicted speakers and labels."""
    speakers = {a.quote_id: a.speaker or "" for a in pred.attribution or ()}
    quotes = [Quote(q.id, q.content, q.cue, q.source, speakers.get(q.id, ""), "") for q in gold.quotes]
    by_id = {q.id: q for q in quotes}
    stances = [Stance("", s.quote_id, by_id[s.quote_id].speaker, s.target, s.label) for s in pred.stance or ()]
    return quotes, stances


def prediction_document(pred: DocPrediction, gold: Document) -> Document:
    """The gold-shaped document of what ``pred`` predicts for ``gold``'s article."""
    if pred.quotes is not None:
        quotes, stances = _predicted_quotes(pred, gold)
    elif pred.attribution is not None or pred.stance is not None:
        quotes, stances = _oracle_quotes(pred, gold)
    else:
        quotes, stances = [], []
    mentions = _mentions(pred, gold)
    spans = {(m.span.start, m.span.end) for m in mentions}
    for q in quotes:  # a source must be a mention: add the ones the system did not list
        if q.source is not None and (q.source.start, q.source.end) not in spans:
            mentions.append(Mention("", q.speaker, q.source, ""))
            spans.add((q.source.start, q.source.end))
    mentions.sort(key=lambda m: (m.span.start, -m.span.end))
    mentions = [replace(m, id=f"m{i:03d}") for i, m in enumerate(mentions, start=1)]
    stances = [replace(s, id=f"st{i:02d}") for i, s in enumerate(stances, start=1)]
    used = {m.entity for m in mentions} | {q.speaker for q in quotes}
    tr = {t.segment_id: t.text for t in pred.translations or () if t.segment_id}
    qtr = {t.quote_id: t.text for t in pred.translations or () if t.quote_id}
    quotes = [replace(q, translation_en=qtr.get(q.id, "")) for q in quotes]
    metadata = dict(gold.metadata) | {"status": "unannotated"}
    return replace(gold, metadata=tuple(sorted(metadata.items())),
                   entities=tuple(e for e in gold.entities if e.id in used), mentions=tuple(mentions),
                   quotes=tuple(quotes), stances=tuple(stances),
                   segments=tuple(replace(s, translation_en=tr.get(s.id, "")) for s in gold.segments))


def read_run(run_dir: Path | str, *, corpus: Corpus) -> tuple[dict[str, DocPrediction], str]:
    """The predictions of a run folder and a label for them (``<system> <run folder>``)."""
    from benchmark.submission.reader import read_submission

    run_dir = Path(run_dir)
    path = run_dir / "predictions.jsonl"
    if not path.is_file():
        raise InputError("not a run folder (no predictions.jsonl)", file=str(run_dir))
    return read_submission(path, corpus=corpus), f"{run_dir.parent.name} {run_dir.name}"
