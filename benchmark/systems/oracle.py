"""The ``oracle`` system: returns the gold answers for every task.

It exists to check the harness: scored against the same gold it must get
100% on every metric.  It is not ranked.

Examples
--------
>>> from benchmark.tasks.inputs import make_input
>>> from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target
>>> text = "قال لافروف إن المحادثات مفيدة."
>>> doc = Document("d1", text, "", (), (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov"),),
...     (Mention("m1", "lavrov", Span(4, 10, "لافروف"), "named"),),
...     (Quote("q1", (Span(14, 29),), Span(0, 3), Span(4, 10), "lavrov", "indirect"),),
...     (Stance("st1", "q1", "lavrov", "riyadh_talks", "FAVOR"),),
...     (Segment("s1", Span(0, 30, text), "body", 0, "Lavrov said the talks were useful."),))
>>> corpus = Corpus((doc,), (Target("riyadh_talks", "", ""),), "")
>>> out = OracleSystem().predict([make_input(doc, corpus.targets)], tasks={"quotes", "stance"}, gold=corpus)[0]
>>> out["quotes"][0]["content"], out["quotes"][0]["speaker"], out["stance"]
([[14, 29]], 'lavrov', [{'quote_id': 'q1', 'target': 'riyadh_talks', 'label': 'FAVOR'}])
>>> sorted(out)
['doc_id', 'quotes', 'stance']
"""

from __future__ import annotations

from typing import Collection, Sequence

from benchmark.errors import ConfigError, InputError
from benchmark.tasks.inputs import DocInput
from benchmark.gold.schema import Corpus, Document, Span
from benchmark.systems.base import TASKS, check_mentions, check_tasks, pair


def _pair(span: Span | None) -> list[int] | None:
    return None if span is None else pair(span.start, span.end)


def gold_speaker_mentions(doc: Document, *, mentions: str = "all") -> list[dict]:
    """Gold speaker mentions: every mention of an entity that speaks (``all``, what
    the ``speakers`` task scores), or only the quote source spans (``sources``)."""
    if mentions == "all":
        return [{"start": m.span.start, "end": m.span.end, "entity": m.entity} for m in doc.speaker_mentions]
    first: dict[tuple[int, int], str] = {}
    for q in doc.quotes:
        if q.source is not None:
            first.setdefault((q.source.start, q.source.end), q.speaker)
    return [{"start": s, "end": e, "entity": entity} for (s, e), entity in sorted(first.items())]


def gold_output(doc: Document, inp: DocInput, run: Collection[str], *, mentions: str = "all") -> dict:
    """The submission dict holding ``doc``'s gold answers for the tasks in ``run``."""
    out: dict = {"doc_id": doc.doc_id}
    if "speakers" in run:
        out["speakers"] = gold_speaker_mentions(doc, mentions=mentions)
    if run & {"quotes", "end2end"}:
        out["quotes"] = [
            {"content": [pair(c.start, c.end) for c in q.content], "cue": _pair(q.cue),
             "source": _pair(q.source), "speaker": q.speaker, "type": q.type,
             "stances": _quote_stances(doc, q.id)}
            for q in doc.quotes
        ]
    if "attribution" in run:
        speaker = {q.id: q.speaker for q in doc.quotes}
        out["attribution"] = [{"quote_id": q.id, "speaker": speaker.get(q.id)} for q in inp.quotes]
    if "stance" in run:
        label: dict[tuple[str, str], str] = {}
        for s in doc.stances:
            label.setdefault((s.quote, s.target), s.label)
        pairs = dict.fromkeys((it.quote_id, it.target) for it in inp.stance_items)  # unique, in order
        out["stance"] = [{"quote_id": q, "target": t, "label": label[(q, t)]} for q, t in pairs if (q, t) in label]
    if "translation" in run:
        out["translations"] = [{"segment_id": s.id, "text": s.translation_en} for s in doc.segments]
        out["translations"] += [{"quote_id": q.id, "text": q.translation_en} for q in doc.quotes]
    return out


def _quote_stances(doc: Document, quote_id: str) -> list[dict]:
    seen: dict[str, str] = {}
    for s in doc.stances:
        if s.quote == quote_id:
            seen.setdefault(s.target, s.label)  # one label per target, as the format requires
    return [{"target": t, "label": lab} for t, lab in seen.items()]


class OracleSystem:
    """Returns the gold; needs ``gold=`` and is never ranked.

    ``mentions`` picks the speaker mentions returned for task ``speakers``
    (see :func:`gold_speaker_mentions`); ``all`` matches the scorer.
    """

    name = "oracle"
    supported_tasks = frozenset(TASKS)
    ranked = False
    needs_gold = True

    def __init__(self, *, mentions: str = "all") -> None:
        self.mentions = check_mentions(mentions)
        self.description = f"gold answers for every task (speaker mentions: {mentions}); must score 100%"

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        if gold is None:
            raise ConfigError("the oracle system needs the gold corpus (gold=...)", field="gold")
        outputs = []
        for inp in docs:
            try:
                doc = gold.document(inp.doc_id)
            except KeyError:
                raise InputError(f"document {inp.doc_id!r} is not in the gold corpus", field="doc_id") from None
            outputs.append(gold_output(doc, inp, run, mentions=self.mentions))
        return outputs


def build(*, seed: int = 0, mentions: str = "all") -> OracleSystem:
    """The ``oracle`` system (``seed`` is accepted for uniformity and unused)."""
    return OracleSystem(mentions=mentions)
