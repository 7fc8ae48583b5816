"""Reports read the alignment scoring recorded in per_item.jsonl.gz; they never re-align."""

from __future__ import annotations

import copy

import pytest

from benchmark.errors import InputError
from benchmark.report.analysis import E2E_FAMILY, MENTION_FAMILY, QUOTE_FAMILY, alignments_from_rows
from benchmark.report.data import build_report_data
from test_report import synthetic_run


def _views(run: dict):
    data = build_report_data(metrics=run["metrics"], predictions=run["predictions"], per_item=run["per_item"],
                             manifest=run["manifest"], corpus=run["corpus"], worst_errors=10)
    return data.views


def test_statuses_follow_the_recorded_pairs():
    run = synthetic_run()
    view = _views(run)[0]
    recorded = alignments_from_rows(run["per_item"])
    doc_id = view.doc.doc_id
    pairs = recorded[(doc_id, QUOTE_FAMILY)]
    index = {q.id: i for i, q in enumerate(view.doc.quotes)}
    for gold_id, j, same in pairs:
        status = "matched" if same else "partial"
        assert view.quotes.gold_status[index[gold_id]] == status and view.quotes.pred_status[j] == status
    assert view.quotes.gold_status.count("missed") == len(view.doc.quotes) - len(pairs)
    assert (doc_id, E2E_FAMILY) in recorded and (doc_id, MENTION_FAMILY) in recorded


def test_a_changed_recorded_pairing_changes_the_report():
    # Drop every recorded quote pair: the report must now call every gold quote
    # missed — it takes the pairing from the rows, it does not align again.
    run = synthetic_run()
    rows = copy.deepcopy(run["per_item"])
    for row in rows:
        if QUOTE_FAMILY in row.get("alignment", {}):
            row["alignment"][QUOTE_FAMILY] = []
    view = _views({**run, "per_item": rows})[0]
    assert set(view.quotes.gold_status) == {"missed"} and set(view.quotes.pred_status) <= {"spurious"}


def test_a_run_without_recorded_alignment_is_refused_clearly():
    run = synthetic_run()
    rows = [{k: v for k, v in r.items() if k != "alignment"} for r in run["per_item"]]
    with pytest.raises(InputError, match=r"per_item.jsonl.gz: alignment: no 'content.char.proportional' alignment "
                                         r"recorded for document '.+': the run was scored by an older version"):
        _views({**run, "per_item": rows})
