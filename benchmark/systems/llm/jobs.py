"""From benchmark inputs to prompt jobs: one chat request each.

Granularity, and why:

* ``speakers`` and ``quotes`` ask about a **passage** — consecutive
  paragraphs of at most ``passage_chars`` characters — while showing the whole
  article as context, because a pro-drop speaker is often named paragraphs
  earlier, and because a whole article's quotes can exceed a model's output
  limit.  Paragraphs made only of publisher boilerplate (segment kind
  ``boilerplate``, part of the input) are not asked about.
* ``attribution`` and ``stance`` ask about **batches** of at most
  ``batch_size`` items (gold quotes, gold quote–target pairs) in document
  order, each with an id the answer must repeat.
* ``translation`` asks about batches of at most ``batch_size`` consecutive
  segments (``segment_id``), plus, as items of their own (``quote_id``), the
  content of every gold quote that starts in one of those segments: the
  quote is then translated next to its own segments, so its wording can
  agree with theirs, and quote items cost no extra request.  A batch
  therefore holds up to ``batch_size`` segments plus every quote that
  starts in them.

A failed request therefore loses one passage or one batch, never a document.

Examples
--------
>>> from benchmark.tasks.inputs import DocInput, SegmentInput, QuoteInput
>>> from benchmark.gold.schema import Span
>>> text = "قال الوزير إن المحادثات مفيدة.\\n\\nوأضاف أن العمل سيبدأ."
>>> segs = (SegmentInput("s01", Span(0, 30), "body", 0), SegmentInput("s02", Span(32, 52), "body", 1))
>>> doc = DocInput("d1", text, segs, (QuoteInput("q1", (Span(14, 29),), 0),), (), ())
>>> [(p.label, p.text[:9]) for p in passages(doc, max_chars=25)]
[('paragraphs 0-0', 'قال الوزي'), ('paragraphs 1-1', 'وأضاف أن ')]
>>> [(p.label, len(p.text)) for p in passages(doc, max_chars=0)]
[('paragraphs 0-1', 52)]
>>> from benchmark.systems.llm.prompts import load_prompts
>>> jobs = build_jobs(doc, tasks=("attribution", "translation"), prompts=load_prompts("v1"), batch_size=1)
>>> [(j.task, j.label, j.items) for j in jobs]  # doctest: +NORMALIZE_WHITESPACE
[('attribution', 'batch 1', ('q1',)),
 ('translation', 'batch 1', (('segment_id', 's01'), ('quote_id', 'q1'))),
 ('translation', 'batch 2', (('segment_id', 's02'),))]
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from benchmark.tasks.inputs import DocInput
from benchmark.systems.llm.prompts import PromptSet


@dataclass(frozen=True)
class Passage:
    label: str
    """``paragraphs <first>-<last>``, used in failure records."""
    text: str
    """The exact text from the first segment's start to the last one's end."""


@dataclass(frozen=True)
class Job:
    """One chat request and what its answer must contain."""

    task: str
    """Prompt task: ``speakers``, ``quotes``, ``attribution``, ``stance`` or ``translation``."""
    doc_id: str
    label: str
    """``paragraphs 0-3`` or ``batch 2``: where a failure happened."""
    items: tuple
    """Asked items: quote ids (attribution), ``(quote_id, target)`` pairs (stance),
    ``("segment_id", id)`` or ``("quote_id", id)`` pairs (translation); ``()`` for passages."""
    messages: tuple[dict, ...]


def passages(doc: DocInput, *, max_chars: int) -> list[Passage]:
    """Consecutive non-boilerplate paragraphs grouped up to ``max_chars`` (0: all in one).

    A paragraph longer than ``max_chars`` is a passage of its own (paragraphs
    are never split: a quote may span its sentences).
    """
    paras: dict[int, list] = {}
    for s in doc.segments:
        paras.setdefault(s.paragraph, []).append(s)
    spans = [(p, min(s.span.start for s in segs), max(s.span.end for s in segs))
             for p, segs in sorted(paras.items()) if any(s.kind != "boilerplate" for s in segs)]
    groups: list[list[tuple[int, int, int]]] = []
    for para in spans:
        if groups and (max_chars <= 0 or para[2] - groups[-1][0][1] <= max_chars):
            groups[-1].append(para)
        else:
            groups.append([para])
    return [Passage(f"paragraphs {g[0][0]}-{g[-1][0]}", doc.text[g[0][1]:g[-1][2]]) for g in groups]


def _items_json(items: Sequence[dict]) -> str:
    """A JSON array with one item per line (readable for models and people)."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]"


def targets_block(doc: DocInput) -> str:
    """One ``- id: English description / Arabic description`` line per target."""
    return "\n".join(f"- {t.id}: {t.description_en} / {t.description_ar}" for t in doc.targets) or "(none)"


def _batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def translation_batches(doc: DocInput, *, size: int) -> list[list[tuple[str, str, str]]]:
    """``(key, id, Arabic text)`` items per translation request (see the module docstring).

    Each batch lists its ``size`` segments first, then, in gold order, the
    quotes whose first content span starts in one of them (segments are in
    text order; a quote starting between two segments goes with the earlier
    one).  Quotes with a blank content (e.g. no content span) are not
    asked: there is nothing to translate.
    """
    batches: list[list[tuple[str, str, str]]] = [
        [("segment_id", s.id, doc.text[s.span.start:s.span.end]) for s in batch]
        for batch in _batches(doc.segments, size)]
    starts = [s.span.start for s in doc.segments]
    extra: list[tuple[str, str, str]] = []  # only without segments: quotes in batches of their own
    for q in doc.quotes:
        text = doc.quote_text(q.id)
        if not text.strip():
            continue
        if batches:
            batches[max(bisect_right(starts, q.content[0].start) - 1, 0) // size].append(("quote_id", q.id, text))
        else:
            extra.append(("quote_id", q.id, text))
    return batches + [list(b) for b in _batches(extra, size)]


def build_jobs(doc: DocInput, *, tasks: Sequence[str], prompts: PromptSet, batch_size: int = 10,
               passage_chars: int = 4000) -> list[Job]:
    """Every request needed for ``doc`` and the prompt ``tasks``, in a fixed order."""
    jobs: list[Job] = []
    for task in ("speakers", "quotes"):
        if task in tasks:
            extra = {"targets": targets_block(doc)} if task == "quotes" else {}
            for p in passages(doc, max_chars=passage_chars):
                msgs = prompts.render(task, article=doc.text, passage=p.text, **extra)
                jobs.append(Job(task, doc.doc_id, p.label, (), tuple(msgs)))
    if "attribution" in tasks:
        for n, batch in enumerate(_batches(doc.quotes, batch_size), start=1):
            items = _items_json([{"quote_id": q.id, "content": doc.quote_text(q.id)} for q in batch])
            msgs = prompts.render("attribution", article=doc.text, items=items)
            jobs.append(Job("attribution", doc.doc_id, f"batch {n}", tuple(q.id for q in batch), tuple(msgs)))
    if "stance" in tasks:
        for n, batch in enumerate(_batches(doc.stance_items, batch_size), start=1):
            items = _items_json([{"quote_id": s.quote_id, "quote": doc.quote_text(s.quote_id), "target": s.target}
                                 for s in batch])
            msgs = prompts.render("stance", article=doc.text, targets=targets_block(doc), items=items)
            jobs.append(Job("stance", doc.doc_id, f"batch {n}", tuple((s.quote_id, s.target) for s in batch),
                            tuple(msgs)))
    if "translation" in tasks:
        for n, batch in enumerate(translation_batches(doc, size=batch_size), start=1):
            items = _items_json([{key: item_id, "text": text} for key, item_id, text in batch])
            msgs = prompts.render("translation", items=items)
            jobs.append(Job("translation", doc.doc_id, f"batch {n}", tuple((k, i) for k, i, _ in batch),
                            tuple(msgs)))
    return jobs
