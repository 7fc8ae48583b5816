"""Everything a report needs, read once from a run's own records.

The reports are rendered from the same plain objects a run writes
(``metrics.json``, ``predictions.jsonl``, ``per_item.jsonl.gz``,
``manifest.json``) plus the gold corpus, so rendering inside a run and
re-rendering a finished run folder give the same bytes.  Predictions are read
back with :func:`benchmark.submission.reader.parse_submission_lines`, the reader
every prediction goes through, so speakers resolve exactly as they did when
the run was scored; the pairs of gold and predicted spans are read from the
``alignment`` fields of ``per_item.jsonl.gz``, never recomputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from benchmark.errors import ConfigError, InputError
from benchmark.submission.predictions import DocPrediction
from benchmark.gold.schema import Corpus
from benchmark.tasks.registry import TASKS
from benchmark.report.analysis import DocView, analyse_document
from benchmark.report.rows import report_inputs_from_rows

TASK_ORDER = ("speakers", "quotes", "attribution", "end2end", "stance", "translation")
"""Display order of the tasks; unknown task names follow, sorted."""


@dataclass(frozen=True)
class ReportData:
    """The inputs of both renderers."""

    metrics: Mapping[str, Any]
    """The parsed ``metrics.json``."""
    manifest: Mapping[str, Any]
    """The parsed ``manifest.json`` (possibly without wall times yet)."""
    corpus: Corpus
    views: tuple[DocView, ...]
    """One per gold document, in corpus order."""
    worst: int
    """How many errors to show per category."""

    @property
    def system(self) -> str:
        return str(self.metrics.get("system") or (self.manifest.get("system") or {}).get("label") or "system")

    @property
    def tasks(self) -> list[str]:
        """Scored tasks in display order."""
        scored = list((self.metrics.get("tasks") or {}).keys())
        known = [t for t in TASK_ORDER if t in scored]
        return known + sorted(t for t in scored if t not in TASK_ORDER)

    def task_metrics(self, task: str) -> list[Mapping[str, Any]]:
        return list(self.metrics["tasks"][task])

    @property
    def not_attempted(self) -> list[str]:
        return [str(t) for t in self.metrics.get("not_attempted") or []]


def build_report_data(
    *,
    metrics: Mapping[str, Any],
    predictions: Sequence[Mapping[str, Any]],
    per_item: Iterable[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    corpus: Corpus,
    worst_errors: int,
    predictions_file: str = "predictions.jsonl",
    predictions_checked: bool = False,
) -> ReportData:
    """Parse predictions, pair them with the gold and check the metrics' shape.

    ``predictions_checked``: the predictions are the rows this process just
    read and wrote (a run rendering its own reports), so the JSON Schema is
    not checked again; a run folder read from disk is.
    """
    from benchmark.submission.reader import parse_submission_lines

    if isinstance(worst_errors, bool) or not isinstance(worst_errors, int) or worst_errors < 0:
        raise ConfigError(f"must be an integer >= 0, got {worst_errors!r}", field="report.worst_errors")
    tasks = metrics.get("tasks")
    if not isinstance(tasks, Mapping):
        raise InputError("expected a 'tasks' object mapping task names to metric lists", file="metrics.json",
                         field="tasks")
    for name, ms in tasks.items():
        if not isinstance(ms, list) or not ms or not all(isinstance(m, Mapping) and "name" in m for m in ms):
            raise InputError("expected a non-empty list of metric objects (main metric first)",
                             file="metrics.json", field=f"tasks.{name}")
    lines = [json.dumps(p, ensure_ascii=False, sort_keys=True) for p in predictions]
    preds = parse_submission_lines(lines, corpus=corpus, file=predictions_file, schema=not predictions_checked)
    # As in scoring, a document without a field among documents that have it
    # counts as an empty prediction for that task, so its errors are listed.
    fields = {TASKS.get(t).field for t in tasks if t in TASKS.names()}
    chrf_stats, alignments = report_inputs_from_rows(per_item)  # one pass: the rows may stream from a file
    views = []
    for doc in corpus.documents:
        pred = preds.get(doc.doc_id) or DocPrediction(doc.doc_id)
        pred = replace(pred, **{f: () for f in sorted(fields) if getattr(pred, f) is None})
        views.append(analyse_document(doc, pred, alignments=alignments, chrf_stats=chrf_stats))
    return ReportData(metrics=metrics, manifest=manifest, corpus=corpus, views=tuple(views), worst=worst_errors)
