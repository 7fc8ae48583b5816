"""Render the requested reports of one run from its records."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from benchmark.gold.schema import Corpus
from benchmark.report.data import build_report_data


def render_reports(
    *,
    metrics: Mapping[str, Any],
    predictions: Sequence[Mapping[str, Any]],
    per_item: Iterable[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    corpus: Corpus,
    worst_errors: int,
    markdown: bool,
    html: bool,
    predictions_file: str = "predictions.jsonl",
    predictions_checked: bool = False,
    workers: int | None = None,
) -> dict[str, str]:
    """Render the requested reports of one run.

    Parameters
    ----------
    metrics : dict
        The run's ``metrics.json`` object.
    predictions : list of dict
        The rows of ``predictions.jsonl`` (submission format v1, offsets).
    per_item : iterable of dict
        The rows of ``per_item.jsonl.gz``, read once (a generator over a large
        file is fine: only the alignments and chrF++ statistics are kept).
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
    predictions_checked : bool
        The predictions were accepted by the reader in this process (a run
        rendering its own reports): the JSON Schema is not checked again.
    workers : int, optional
        Processes rendering the article pages of a corpus (``None``: every
        core, at most 8, from 24 articles on); the bytes are the same
        whatever the number.

    Returns
    -------
    dict
        Run-folder path → text, only the requested reports: ``report.md``,
        ``report.html`` and, when the corpus has several articles,
        ``articles/<n>-<doc_id>.html`` (one page per article) with the style
        sheet and script they share, ``articles/report.css`` and
        ``articles/report.js``.
    """
    if not (markdown or html):
        return {}
    data = build_report_data(metrics=metrics, predictions=predictions, per_item=per_item, manifest=manifest,
                             corpus=corpus, worst_errors=worst_errors, predictions_file=predictions_file,
                             predictions_checked=predictions_checked)
    out: dict[str, str] = {}
    if markdown:
        from benchmark.report.markdown import render_markdown

        out["report.md"] = render_markdown(data)
    if html:
        from benchmark.report.html import render_pages

        out.update(render_pages(data, workers=workers))
    return out
