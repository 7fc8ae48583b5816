"""The ``rules`` system: the Arabic rule-based baseline.

The rules were written from the annotation guidelines (``data/GUIDELINES.md``)
while reading this article (``data/articles/000_d60cf795c66ab44c.txt``, the
only annotated one); the article is its development data, so its scores are
development-set scores, not held-out estimates.  No rule was tuned on the
gold: fixes added after comparing with the gold were taken out again.

Tasks:

* ``quotes`` / ``end2end``: every attribution found by
  :func:`~benchmark.systems.arabic_quotes.extract` (content, cue, source,
  speaker name, type);
* ``attribution``: for each gold quote span, the speaker of the extracted
  quote that overlaps it best (Jaccard over characters), else the speaker of
  a cue in the same sentence, else the last speaker before it;
* ``speakers``: with ``mentions="sources"`` the source span of every
  extracted quote; with ``mentions="all"`` (the default, what the task
  scores) every mention of the entities that speak: each occurrence of a speaking
  person's name (with its attached title), of a title that resolves to a
  speaker («الوزير»), of a speaking group or organisation phrase, and every
  source span (places only where they are sources, since «موسكو» elsewhere
  is just the country).

Speaker strings are Arabic (or Latin-script) surface names such as
«سيرغي لافروف»; the harness resolves them to gold entities.

Examples
--------
>>> from benchmark.tasks.inputs import DocInput, QuoteInput
>>> from benchmark.gold.schema import Span
>>> text = "قال وزير الخارجية سيرغي لافروف إن المحادثات مفيدة. وأضاف أن الحوار مهم."
>>> doc = DocInput("d", text, (), (QuoteInput("q1", (Span(61, 71),), 0),), (), ())
>>> out = RulesSystem(mentions="all").predict([doc], tasks={"attribution", "speakers"})[0]
>>> out["attribution"]
[{'quote_id': 'q1', 'speaker': 'سيرغي لافروف'}]
>>> [text[m["start"]:m["end"]] for m in out["speakers"]]
['وزير الخارجية سيرغي لافروف']
"""

from __future__ import annotations

from typing import Collection, Sequence

from benchmark.tasks.inputs import DocInput
from benchmark.gold.schema import Corpus
from benchmark.systems.base import check_mentions, check_tasks, pair
from benchmark.systems.arabic_lexicon import key

from benchmark.systems.arabic_quotes import Analysis, Found, extract, noun_phrases


_DELEGATION = {key(w): key("الجانب") for w in "الجانب الوفد الفريق".split()}
"""«الجانب الروسي», «الوفد الروسي» and «الفريق الروسي» all name one delegation."""


def _phrase_key(text: str) -> str:
    """Key of a group/organisation phrase; «لجانب» (from «للجانب») reads «الجانب».

    >>> _phrase_key("الفريق الروسي") == _phrase_key("لجانب الروسي") == _phrase_key("الجانب الروسي")
    True
    """
    words = [key(w) for w in text.split()]
    if words and words[0].startswith("ل") and not words[0].startswith("ال"):
        words[0] = "ا" + words[0]
    if words:
        words[0] = _DELEGATION.get(words[0], words[0])
    return " ".join(words)


def speaker_mentions(text: str, analysis: Analysis) -> list[dict]:
    """Mentions (``start``, ``end``, ``entity``) of the entities that speak."""
    speaking = {q.speaker for q in analysis.quotes if q.speaker}
    sources = {q.source: q.speaker for q in analysis.quotes if q.source is not None}
    phrase_names = {_phrase_key(text[s:e]): name for (s, e), name in sources.items() if name}
    found: dict[tuple[int, int], str] = {}
    for p in noun_phrases(text, analysis):
        span = (p.start, p.end)
        if p.kind == "named" and p.name in speaking:
            found[span] = p.name
            if p.title is not None:
                found[p.title] = p.name
        elif p.kind == "nominal":
            name = analysis.by_title(p.head, p.start)
            if name in speaking:
                found[span] = name
        elif p.kind in ("group", "org") and _phrase_key(p.name) in phrase_names:
            found[span] = phrase_names[_phrase_key(p.name)]
    for span, name in sources.items():
        if name and not any(s <= span[0] and span[1] <= e for s, e in found):
            found[span] = name
    return [{"start": s, "end": e, "entity": name} for (s, e), name in sorted(found.items())]


def source_mentions(analysis: Analysis) -> list[dict]:
    """The source span of every extracted quote, once, labelled with its speaker."""
    first: dict[tuple[int, int], str | None] = {}
    for q in analysis.quotes:
        if q.source is not None:
            first.setdefault(q.source, q.speaker)
    return [{"start": s, "end": e, "entity": name} for (s, e), name in sorted(first.items())]


def _jaccard(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    inter = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)
    union = sum(e - s for s, e in a) + sum(e - s for s, e in b) - inter
    return inter / union if union else 0.0


def attribute(doc: DocInput, analysis: Analysis) -> list[dict]:
    """A speaker for each gold quote span of ``doc`` (oracle quote spans)."""
    sentences = [(toks[0].start, toks[-1].end) for toks in analysis.sentences if toks]
    out = []
    for q in doc.quotes:
        parts = [(s.start, s.end) for s in q.content]
        best: Found | None = max(analysis.quotes, key=lambda f: _jaccard(parts, f.content), default=None)
        speaker = None
        if best is not None and _jaccard(parts, best.content) > 0:
            speaker = best.speaker
        if speaker is None:
            sent = next(((s, e) for s, e in sentences if s <= q.content[0].start < e), None)
            near = [f for f in analysis.quotes if sent and sent[0] <= f.cue[0] < sent[1] and f.speaker]
            speaker = near[0].speaker if near else analysis.last_speaker(q.content[0].start)
        out.append({"quote_id": q.id, "speaker": speaker})
    return out


def quote_json(q: Found) -> dict:
    """One quote in submission format."""
    return {
        "content": [pair(s, e) for s, e in q.content],
        "cue": pair(*q.cue),
        "source": pair(*q.source) if q.source is not None else None,
        "speaker": q.speaker,
        "type": q.type,
    }


class RulesSystem:
    """Arabic rule-based quote extractor (deterministic, no training, no gold)."""

    name = "rules"
    description = ("Arabic rules: reporting-verb lexicon with inflections and proclitics, participial and "
                   "prepositional cues, complementizers, fronted and trailing attributions, title/name "
                   "patterns learnt from the same text, pro-drop resolved by gender/number agreement. "
                   "Written from the annotation guidelines while reading this article; the article is its "
                   "development data, so its scores are development-set scores, not held-out estimates")
    supported_tasks = frozenset({"speakers", "quotes", "attribution", "end2end"})
    ranked = True
    needs_gold = False

    def __init__(self, *, mentions: str = "all") -> None:
        self.mentions = check_mentions(mentions)

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        outputs = []
        for doc in docs:
            analysis = extract(doc)
            out: dict = {"doc_id": doc.doc_id}
            if "speakers" in run:
                out["speakers"] = (speaker_mentions(doc.text, analysis) if self.mentions == "all"
                                   else source_mentions(analysis))
            if run & {"quotes", "end2end"}:
                out["quotes"] = [quote_json(q) for q in analysis.quotes]
            if "attribution" in run:
                out["attribution"] = attribute(doc, analysis)
            outputs.append(out)
        return outputs


def build(*, seed: int = 0, mentions: str = "all") -> RulesSystem:
    """The ``rules`` system (deterministic: ``seed`` is unused)."""
    return RulesSystem(mentions=mentions)
