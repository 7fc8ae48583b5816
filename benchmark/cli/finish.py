"""Render a scored run's reports and write its folder: the last step of ``run`` and of ``merge-shards``."""

from __future__ import annotations

import json

from benchmark.gold.schema import Corpus
from benchmark.harness.config import ReportOptions
from benchmark.harness.rundir import PER_ITEM, canonical_json, iter_jsonl
from benchmark.harness.runner import PendingRun, RunOutcome, finish_run


def render_and_finish(pending: PendingRun, corpus: Corpus, report: ReportOptions,
                      progress=lambda s: None, *, workers: int | None = None) -> RunOutcome:
    """Add ``report.md``/``report.html`` to ``pending`` (harness), then write the folder atomically.

    ``workers``: processes rendering a corpus's article pages (the run's ``scoring.workers``).
    """
    from benchmark.report.render import render_reports

    progress(f"{pending.label}: writing reports")
    files = pending.files
    with pending.timer.time("report"):
        # Render from the files and manifest as they will read back from disk
        # (sorted keys), so `report RUN_DIR` later reproduces these bytes exactly.
        reports = render_reports(
            metrics=json.loads(files["metrics.json"]),
            predictions=list(iter_jsonl(files["predictions.jsonl"], file="predictions.jsonl")),
            per_item=iter_jsonl(files[PER_ITEM], file=PER_ITEM),  # decompressed as the report reads it
            manifest=json.loads(canonical_json(pending.manifest)), corpus=corpus,
            worst_errors=report.worst_errors, markdown=report.markdown, html=report.html,
            predictions_checked=True,  # written by this run from predictions the reader accepted
            workers=workers,
        )
    files.update({name: text.encode("utf-8") for name, text in reports.items()})
    return finish_run(pending)
