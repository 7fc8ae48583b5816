"""Run reports: ``report.md`` and HTML (``report.html``, plus one page per article of a corpus).

Both are rendered from a run's own records (``metrics.json``,
``predictions.jsonl``, ``per_item.jsonl.gz``, ``manifest.json``) and the gold,
so ``python -m benchmark report RUN_DIR`` (:func:`render_run_dir`) rebuilds
them without re-running anything.  Rendering is deterministic: the same
inputs give the same bytes.

* :mod:`.data` reads the inputs into :class:`~.data.ReportData`;
* :mod:`.analysis` pairs gold and predictions per document (the quote
  alignment scoring uses) and :mod:`.worst` picks the worst errors;
* :mod:`.render` picks the requested formats; :mod:`.markdown` renders the
  Markdown and :mod:`.html` gathers the data of the HTML pages, whose markup
  is in Jinja2 templates (``templates/``, :mod:`.templating`, autoescaped;
  one base layout shared with the leaderboard);
* :mod:`.article` lays out the highlighted article (:mod:`.fragments` cuts
  it at span boundaries; :mod:`.panels` holds the compact records the page
  script turns into the details cards), :mod:`.html_errors` the error lists,
  :mod:`.bars` the interval bars, :mod:`.corpus` the page and error counts
  of each article of a corpus; :mod:`.assets` holds the palette and
  ``static/`` (CSS and the page script: inline in ``report.html``, which
  stands alone; one shared copy in ``articles/`` for a corpus's pages);
  :mod:`.calls` reads the "Model calls" block of both headers from the
  manifest.
"""

from benchmark.report.data import ReportData, build_report_data
from benchmark.report.render import render_reports
from benchmark.report.rundir import render_run_dir

__all__ = ["ReportData", "build_report_data", "render_reports", "render_run_dir"]
