"""Per-article facts of a corpus report: the page of each article and its error counts.

Used by the HTML index (table of articles) and ``report.md`` (the articles with
the most errors).

Examples
--------
>>> article_page_name(0, "000_d60cf795c66ab44c"), article_page_name(41, "a/b c")
('articles/0001-000_d60cf795c66ab44c.html', 'articles/0042-a-b-c.html')
>>> from benchmark.gold.schema import Document
>>> from benchmark.report.analysis import analyse_document
>>> counts = article_counts(analyse_document(Document("d", "", "", (), (), (), (), (), ()), None))
>>> counts["quotes"], counts["missed"], total_errors(counts)
(0, None, 0)
"""

from __future__ import annotations

import re
from typing import Any

from benchmark.report.analysis import DocView
from benchmark.report.worst import PERFECT_CHRF

STATUSES = ("matched", "partial", "missed", "spurious")


def article_page_name(index: int, doc_id: str) -> str:
    """Path of a document's page inside the run folder (position first: unique and in corpus order)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", doc_id).strip(".-") or "article"
    return f"articles/{index + 1:04d}-{safe}.html"


def article_counts(view: DocView) -> dict[str, Any]:
    """Gold quotes, quotes by alignment status (``None`` when quotes were not scored), wrong speakers,
    wrong stance labels and segments below 100 sentence chrF++ of one document."""
    qa = view.quotes
    statuses = list(qa.gold_status) + [s for s in qa.pred_status if s == "spurious"] if qa else []
    return {"quotes": len(view.doc.quotes), **{s: (statuses.count(s) if qa else None) for s in STATUSES},
            "speakers": len(view.speaker_errors), "stance": len(view.stance_errors),
            "translation": sum(1 for t in view.translations if t.chrf < PERFECT_CHRF)}


def total_errors(counts: dict[str, Any]) -> int:
    """Partial, missed and spurious quotes, wrong speakers and stances, imperfect segments."""
    keys = ("partial", "missed", "spurious", "speakers", "stance", "translation")
    return sum(counts[k] or 0 for k in keys)
