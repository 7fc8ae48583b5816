"""What the report reads from ``per_item.jsonl.gz``: recorded alignments and segment chrF++ statistics.

Scoring records, for every span family, which gold and predicted spans it
paired; the report shows those pairs (never recomputes them), so a report
of a saved run equals the one the run rendered.  The rows may stream from a
large file: :func:`report_inputs_from_rows` reads each row once and keeps
only the three families the report shows.
"""

from __future__ import annotations

from typing import Any, Collection, Iterable, Mapping

QUOTE_FAMILY = "content.char.proportional"
"""Alignment behind quote statuses: the quotes task's main metric."""
E2E_FAMILY = "e2e.char.type"
"""Alignment behind wrong end-to-end speakers: the end2end task's main metric."""
MENTION_FAMILY = "mention.char.partial"
"""Alignment behind speaker-mention statuses: the speakers task's main metric."""

Pairs = tuple[tuple[str, int, bool], ...]
"""Recorded pairs of one family in one document: ``(gold id, prediction index, same extent)``."""
Alignments = Mapping[tuple[str, str], Pairs]
"""``(doc_id, family) → pairs``, as read by :func:`alignments_from_rows`."""


def alignments_from_rows(per_item: Iterable[Mapping[str, Any]], *,
                         families: Collection[str] | None = None) -> dict[tuple[str, str], Pairs]:
    """``(doc_id, family) → pairs`` from the ``alignment`` field of per-item rows.

    A family recorded with no pair in any item maps to ``()``; one never
    recorded is absent.  ``families`` keeps only those (the report reads
    three), so a large corpus's alignments are not all held at once.

    >>> rows = [{"doc_id": "d", "item": "s1", "alignment": {"e2e.char.type": [
    ...          {"gold": "q1", "pred": 2, "overlap": 9, "same": True}], "e2e.token.type": "=e2e.char.type"}},
    ...         {"doc_id": "d", "item": "s2", "alignment": {"e2e.char.type": []}}]
    >>> alignments_from_rows(rows)
    {('d', 'e2e.char.type'): (('q1', 2, True),), ('d', 'e2e.token.type'): (('q1', 2, True),)}
    >>> alignments_from_rows(rows, families={"e2e.token.type"})
    {('d', 'e2e.token.type'): (('q1', 2, True),)}
    """
    out: dict[tuple[str, str], list[tuple[str, int, bool]]] = {}
    for row in per_item:
        _add_alignments(out, row, families)
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def _add_alignments(out: dict[tuple[str, str], list[tuple[str, int, bool]]], row: Mapping[str, Any],
                    families: Collection[str] | None) -> None:
    recorded = row.get("alignment") or {}
    for family, pairs in recorded.items():
        if families is not None and family not in families:
            continue
        if isinstance(pairs, str) and pairs.startswith("="):  # the same pairs as an earlier family of the row
            pairs = recorded[pairs[1:]]
        found = out.setdefault((str(row["doc_id"]), family), [])
        found += [(str(p["gold"]), int(p["pred"]), bool(p["same"])) for p in pairs]


REPORT_FAMILIES = frozenset({QUOTE_FAMILY, E2E_FAMILY, MENTION_FAMILY})
"""The alignment families the report reads."""


def report_inputs_from_rows(per_item: Iterable[Mapping[str, Any]]) -> tuple[dict[tuple[str, str], list], Alignments]:
    """Segment chrF++ statistics and the report's alignments, in one pass over the rows.

    The rows may be a generator over a large ``per_item.jsonl.gz``: each row is
    read once and only what the report shows is kept.

    >>> rows = [{"task": "translation", "doc_id": "d", "item": "s1", "unit": "segment", "stats": {"chrf++": [1]}},
    ...         {"task": "quotes", "doc_id": "d", "item": "s1", "stats": {"x": {}},
    ...          "alignment": {QUOTE_FAMILY: [], "content.token.exact": []}}]
    >>> report_inputs_from_rows(iter(rows))
    ({('d', 's1'): [1]}, {('d', 'content.char.proportional'): ()})
    """
    chrf: dict[tuple[str, str], list] = {}
    found: dict[tuple[str, str], list[tuple[str, int, bool]]] = {}
    for row in per_item:
        chrf.update(chrf_stats_from_rows([row]))
        _add_alignments(found, row, REPORT_FAMILIES)
    return chrf, {k: tuple(sorted(v)) for k, v in sorted(found.items())}


def chrf_stats_from_rows(per_item: list[dict]) -> dict[tuple[str, str], list]:
    """``(doc_id, segment_id) → chrF++ statistics`` from per-item rows."""
    out = {}
    for row in per_item:
        stats = row.get("stats") or {}
        is_segment = row.get("task") == "translation" and row.get("unit", "segment") == "segment"
        if is_segment and isinstance(stats.get("chrf++"), list):
            out[(str(row.get("doc_id")), str(row.get("item")))] = stats["chrf++"]
    return out
