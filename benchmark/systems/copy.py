"""The ``copy`` system: the Arabic source segment as its own "translation".

A lower bound for the translation metrics: numbers and Latin-script names
(«RDIF», «Kirill Dmitriev», «4.5») survive, nothing else does.

Examples
--------
>>> from benchmark.tasks.inputs import DocInput, SegmentInput
>>> from benchmark.gold.schema import Span
>>> text = "قال Kirill Dmitriev إن الوفود تواصلت."
>>> doc = DocInput("d", text, (SegmentInput("s1", Span(0, len(text)), "body", 0),), (), (), ())
>>> CopySystem().predict([doc], tasks={"translation"})
[{'doc_id': 'd', 'translations': [{'segment_id': 's1', 'text': 'قال Kirill Dmitriev إن الوفود تواصلت.'}]}]
"""

from __future__ import annotations

from typing import Collection, Sequence

from benchmark.tasks.inputs import DocInput
from benchmark.gold.schema import Corpus
from benchmark.systems.base import check_tasks


class CopySystem:
    """Copies each source segment unchanged (ignores ``gold``)."""

    name = "copy"
    description = "copies the Arabic source segment as the translation (lower bound for translation metrics)"
    supported_tasks = frozenset({"translation"})
    ranked = True
    needs_gold = False

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        outputs = []
        for doc in docs:
            out: dict = {"doc_id": doc.doc_id}
            if "translation" in run:
                # Read the text through the offsets, not Span.text, which a DocInput may leave empty.
                out["translations"] = [{"segment_id": s.id, "text": doc.text[s.span.start:s.span.end]}
                                       for s in doc.segments]
                # The gold quotes' contents are translation items too (quote_chrf++).
                out["translations"] += [{"quote_id": q.id, "text": doc.quote_text(q.id)} for q in doc.quotes]
            outputs.append(out)
        return outputs


def build(*, seed: int = 0) -> CopySystem:
    """The ``copy`` system (deterministic: ``seed`` is unused)."""
    return CopySystem()
