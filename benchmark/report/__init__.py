"""Run reports: ``report.md`` and a self-contained ``report.html``.

Both are rendered from a run's own records (``metrics.json``,
``predictions.jsonl``, ``per_item.jsonl``, ``manifest.json``) and the gold,
so ``python -m benchmark report RUN_DIR`` (:func:`render_run_dir`) rebuilds
them without re-running anything.  Rendering is deterministic: the same
inputs give the same bytes.

* :mod:`.data` reads the inputs into :class:`~.data.ReportData`;
* :mod:`.analysis` pairs gold and predictions per document (the quote
  alignment scoring uses) and :mod:`.worst` picks the worst errors;
* :mod:`.markdown` and :mod:`.html` render; :mod:`.article` draws the
  highlighted article, :mod:`.fragments` cuts it at span boundaries and
  :mod:`.assets` holds the inline CSS and JavaScript; :mod:`.calls` reads
  the "Model calls" block of both headers from the manifest.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from benchmark.gold.schema import Corpus
from benchmark.report.data import ReportData, build_report_data
from benchmark.report.rundir import render_run_dir

__all__ = ["ReportData", "build_report_data", "render_reports", "render_run_dir"]


def render_reports(
    *,
    metrics: Mapping[str, Any],
    predictions: Sequence[Mapping[str, Any]],
    per_item: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    corpus: Corpus,
    worst_errors: int,
    markdown: bool,
    html: bool,
    predictions_file: str = "predictions.jsonl",
) -> dict[str, str]:
    """Render the requested reports of one run.

    Parameters
    ----------
    metrics : dict
        The run's ``metrics.json`` object.
    predictions : list of dict
        The rows of ``predictions.jsonl`` (submission format v1, offsets).
    per_item : list of dict
        The rows of ``per_item.jsonl``.
    manifest : dict
        The run's ``manifest.json`` object.
    corpus : Corpus
        The gold the run was scored against.
    worst_errors : int
        How many errors to list per category.
    markdown, html : bool
        Which reports to render.
    predictions_file : str
        Name used in error messages about the predictions.

    Returns
    -------
    dict
        ``{"report.md": text, "report.html": text}``, only the requested ones.
    """
    if not (markdown or html):
        return {}
    data = build_report_data(metrics=metrics, predictions=predictions, per_item=per_item, manifest=manifest,
                             corpus=corpus, worst_errors=worst_errors, predictions_file=predictions_file)
    out: dict[str, str] = {}
    if markdown:
        from benchmark.report.markdown import render_markdown

        out["report.md"] = render_markdown(data)
    if html:
        from benchmark.report.html import render_html

        out["report.html"] = render_html(data)
    return out
