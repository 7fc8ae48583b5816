"""What a system is allowed to see: the gold minus the answers.

Systems never receive a :class:`~benchmark.gold.schema.Document`; they receive a
:class:`DocInput` built from it, which carries the text, the segmentation and,
for the oracle-setting tasks, the gold quote spans (``attribution``) and the
gold quote–target pairs (``stance``), but no speakers and no labels.

Examples
--------
>>> from benchmark.gold.loading import load_corpus
>>> corpus = load_corpus()
>>> inp = make_input(corpus.documents[0], corpus.targets)
>>> inp.text == corpus.documents[0].text
True
>>> hasattr(inp, "speaker")
False

:func:`input_to_json` writes an input as plain JSON (``python -m benchmark
inputs``), for systems outside this package:

>>> row = input_to_json(make_input(corpus.documents[0], corpus.targets, tasks=["attribution"]))
>>> sorted(row)
['doc_id', 'quotes', 'segments', 'stance_items', 'targets', 'text']
>>> row["quotes"][0]["id"], row["stance_items"]
('q01', [])
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.gold.schema import Document, Span, Target


@dataclass(frozen=True)
class SegmentInput:
    id: str
    span: Span
    kind: str
    paragraph: int


@dataclass(frozen=True)
class QuoteInput:
    """A gold quote's id and content spans (oracle setting), nothing else."""

    id: str
    content: tuple[Span, ...]
    paragraph: int
    """Paragraph of the quote's first content span (for grouped CV)."""


@dataclass(frozen=True)
class StanceItem:
    """A gold (quote, target) pair whose label a stance system predicts."""

    quote_id: str
    target: str
    paragraph: int


@dataclass(frozen=True)
class DocInput:
    doc_id: str
    text: str
    segments: tuple[SegmentInput, ...]
    quotes: tuple[QuoteInput, ...]
    stance_items: tuple[StanceItem, ...]
    targets: tuple[Target, ...]

    def quote_text(self, quote_id: str) -> str:
        """The content text of a gold quote, discontinuous parts joined by a space."""
        for q in self.quotes:
            if q.id == quote_id:
                return " ".join(self.text[s.start:s.end] for s in q.content)
        raise KeyError(quote_id)


def paragraph_of(doc: Document, offset: int) -> int:
    """Paragraph index of the segment containing ``offset`` (-1 if none)."""
    for seg in doc.segments:
        if seg.span.start <= offset < seg.span.end:
            return seg.paragraph
    return -1


# Tasks whose input includes the gold quote spans (the oracle setting of
# attribution and stance; translation translates each quote's content).
QUOTE_TASKS = frozenset({"attribution", "stance", "translation"})


def make_input(doc: Document, targets: tuple[Target, ...], *, tasks=None) -> DocInput:
    """Strip ``doc`` down to what a system may see for ``tasks``.

    The gold quote spans are given only when a task needs them
    (:data:`QUOTE_TASKS`), so a system extracting quotes never sees the
    answers; the stance items only for ``stance``.  ``tasks=None`` gives
    everything (for tests and tools that run no extraction task).
    """
    quotes = tuple(QuoteInput(q.id, q.content, paragraph_of(doc, q.start)) for q in doc.quotes)
    para = {q.id: q.paragraph for q in quotes}
    give_quotes = tasks is None or bool(QUOTE_TASKS & set(tasks))
    give_stance = tasks is None or "stance" in set(tasks)
    return DocInput(
        doc_id=doc.doc_id,
        text=doc.text,
        segments=tuple(SegmentInput(s.id, s.span, s.kind, s.paragraph) for s in doc.segments),
        quotes=quotes if give_quotes else (),
        stance_items=tuple(StanceItem(s.quote, s.target, para.get(s.quote, -1)) for s in doc.stances)
        if give_stance else (),
        targets=targets,
    )


def input_to_json(inp: DocInput) -> dict:
    """``inp`` as JSON-ready data: exactly what a system gets, spans as ``[start, end]`` offsets.

    Each segment and quote also carries its ``text`` (the article text of its
    spans, discontinuous parts joined by a space): derived, never an answer.
    """
    def spans(content) -> list[list[int]]:
        return [[s.start, s.end] for s in content]

    return {
        "doc_id": inp.doc_id,
        "text": inp.text,
        "segments": [{"id": s.id, "start": s.span.start, "end": s.span.end, "kind": s.kind,
                      "paragraph": s.paragraph, "text": inp.text[s.span.start:s.span.end]} for s in inp.segments],
        "quotes": [{"id": q.id, "content": spans(q.content), "paragraph": q.paragraph, "text": inp.quote_text(q.id)}
                   for q in inp.quotes],
        "stance_items": [{"quote_id": s.quote_id, "target": s.target, "paragraph": s.paragraph}
                         for s in inp.stance_items],
        "targets": [{"id": t.id, "description_en": t.description_en, "description_ar": t.description_ar}
                    for t in inp.targets],
    }
