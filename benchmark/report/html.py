"""``report.html``: one self-contained page (inline CSS/JS, no network).

Sections: run header, training note and (for model-backed systems) the
model calls (:mod:`.calls`), summary of main metrics with
intervals, the highlighted article(s) with legend and side panel, one
section per task (all metrics, confusion matrices, worst errors), the
translation side by side with the reference, and the run metadata.

Examples
--------
>>> bar = ci_bar({"value": 0.5, "ci_low": 0.25, "ci_high": 0.75, "signature": "x"})
>>> 'style="left:25.0%;width:50.0%"' in bar, 'class="tick" style="left:50.0%"' in bar
(True, True)
"""

from __future__ import annotations

import json
from html import escape
from typing import Any, Mapping

from benchmark.report import fmt
from benchmark.report.article import render_article
from benchmark.report.calls import TITLE as CALLS_TITLE, model_call_rows
from benchmark.report.assets import CSS, JS
from benchmark.report.data import ReportData
from benchmark.report.html_errors import task_errors, translation_table


def _esc(value: Any) -> str:
    return escape(str(value))


def ci_bar(metric: Mapping[str, Any]) -> str:
    """A small bar: the interval as a band, the value as a tick (0–100 scale)."""
    value, low, high = metric.get("value"), metric.get("ci_low"), metric.get("ci_high")
    if value is None:
        return ""
    scale = 1.0 if fmt.on_100_scale(metric) else 100.0

    def pct(x: float) -> float:
        return round(min(100.0, max(0.0, x * scale)), 1)

    band = ""
    if low is not None and high is not None:
        band = f'<span class="band" style="left:{pct(low)}%;width:{round(pct(high) - pct(low), 1)}%"></span>'
    return (f'<span class="ci-bar" title="interval">{band}'
            f'<span class="tick" style="left:{pct(value)}%"></span></span>')


def _table(header: list[str], rows: list[str], cls: str = "") -> str:
    head = "".join(header)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def header_html(data: ReportData) -> str:
    m, man = data.metrics, data.manifest
    system = man.get("system") or {}
    out = [f"<h1>Run report: {_esc(data.system)}</h1>"]
    if system.get("description"):
        out.append(f'<p class="muted">{_esc(system["description"])}</p>')
    if system.get("training_note"):
        out.append(f'<div class="note"><strong>Training note.</strong> {_esc(system["training_note"])}</div>')
    if m.get("ranked") is False:
        out.append('<div class="note"><strong>Not ranked:</strong> this system is a reference point '
                   "(e.g. it sees the gold), not a competitor.</div>")
    out.append(f'<p class="mono muted">gold {_esc(m.get("gold_sha256", "not recorded"))} · config '
               f'{_esc(m.get("config_hash", "not recorded"))}</p>')
    calls = model_call_rows(man)
    if calls:
        rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in calls)
        out.append(f'<section id="model-calls"><h3>{CALLS_TITLE}</h3><table class="meta"><tbody>{rows}'
                   "</tbody></table></section>")
    missing = ", ".join(data.not_attempted) or "none"
    out.append(f'<div class="note muted"><strong>Not attempted:</strong> {_esc(missing)}. '
               f"{_esc(fmt.NOT_ATTEMPTED_NOTE)}</div>")
    links = ['<a href="#summary">Summary</a>'] + [
        f'<a href="#article-{n}">Article {n + 1}</a>' for n in range(len(data.views))]
    links += [f'<a href="#task-{_esc(t)}">{_esc(t)}</a>' for t in data.tasks]
    links += ['<a href="#metadata">Run metadata</a>']
    out.append('<nav class="toc">' + "".join(links) + "</nav>")
    return "<header>" + "".join(out) + "</header>"


def summary_html(data: ReportData) -> str:
    conf = fmt.confidence_text(data.metrics)
    rows = []
    for task in data.tasks:
        main = data.task_metrics(task)[0]
        rows.append(f'<tr><td><a href="#task-{_esc(task)}">{_esc(task)}</a></td><td><code>{_esc(main["name"])}</code> '
                    f'{fmt.direction(main)}</td><td class="num">{_esc(fmt.value_text(main))}</td>'
                    f'<td class="num">{_esc(fmt.ci_text(main))}{ci_bar(main)}</td>'
                    f'<td class="num">{_esc(main.get("n_items", ""))}</td></tr>')
    for task in data.not_attempted:
        rows.append(f'<tr><td>{_esc(task)}</td><td colspan="4" class="muted">not attempted</td></tr>')
    head = ["<th>task</th>", "<th>main metric</th>", '<th class="num">value</th>',
            f'<th class="num">{conf} CI</th>', '<th class="num">n items</th>']
    return '<section id="summary"><h2>Summary</h2>' + _table(head, rows) + "</section>"


def legend_html(data: ReportData) -> str:
    items = [
        '<span class="sw st-matched">matched</span>', '<span class="sw st-partial">partial</span>',
        '<span class="sw st-missed">missed (gold only)</span>',
        '<span class="sw st-spurious">spurious (predicted only)</span>',
        '<span class="sw st-gold">gold quote (quotes not attempted)</span>',
        '<span class="in-g">gold quote content</span>', '<span class="in-p">predicted quote content</span>',
        '<span class="spk-g">gold speaker mention</span>', '<span class="spk-g spk-miss">missed speaker mention</span>',
        '<span class="spk-p">predicted speaker mention</span>', '<span class="cue-g">gold cue</span>',
        '<sup class="seg">s01</sup> segment start',
    ]
    return ('<div class="legend">' + "".join(items) + "</div>"
            '<p class="muted">Hover a highlighted span for its gold and predicted quotes; click it to show them in '
            "the side panel. Quote contents are aligned one-to-one, as in scoring.</p>")


def articles_html(data: ReportData) -> tuple[str, dict[str, str]]:
    targets = {t.id: t.description_en for t in data.corpus.targets}
    parts, panels = [], {}
    for n, view in enumerate(data.views):
        body, cards = render_article(view, doc_index=n, targets=targets)
        panels.update(cards)
        title = dict(view.doc.metadata).get("title_en", "")
        parts.append(
            f'<section id="article-{n}"><h2>Article {n + 1}: <code>{_esc(view.doc.doc_id)}</code></h2>'
            + (f'<p class="muted">{_esc(title)}</p>' if title else "") + legend_html(data)
            + '<div class="article-wrap">' + body
            + '<aside class="panel"><h3>Selected span</h3><div class="panel-body">'
            '<p class="muted">Click a highlighted span.</p></div></aside></div></section>')
    return "".join(parts), panels


def metrics_table(data: ReportData, task: str) -> str:
    conf = fmt.confidence_text(data.metrics)
    metrics = data.task_metrics(task)
    rows = []
    for n, m in enumerate(metrics):
        cls = ' class="main-metric"' if n == 0 else ""
        rows.append(f'<tr{cls}><td><code>{_esc(m["name"])}</code>{" (main)" if n == 0 else ""}</td>'
                    f'<td>{fmt.direction(m)}</td><td class="num">{_esc(fmt.value_text(m))}</td>'
                    f'<td class="num">{_esc(fmt.ci_text(m))}</td><td class="num">{_esc(m.get("n_items", ""))}</td>'
                    f'<td>{_esc(fmt.counts_text(m))}</td></tr>')
    head = ["<th>metric</th>", "<th></th>", '<th class="num">value</th>', f'<th class="num">{conf} CI</th>',
            '<th class="num">n items</th>', "<th>counts</th>"]
    table = _table(head, rows, "metrics")
    if len(metrics) <= 12:
        return table
    return f"<details><summary>All {len(metrics)} metrics of {_esc(task)}</summary>{table}</details>"


def confusion_html(metrics: list[Mapping[str, Any]]) -> str:
    out = []
    for names, rows, cols, matrix in fmt.task_confusions(metrics):
        head = ["<th>gold \\ predicted</th>"] + [f'<th class="num">{_esc(c)}</th>' for c in cols]
        body = []
        for r, vals in zip(rows, matrix):
            cells = "".join(f'<td class="num{" diag" if r == c else ""}">{_esc(v)}</td>' for c, v in zip(cols, vals))
            body.append(f"<tr><th>{_esc(r)}</th>{cells}</tr>")
        out.append(f"<h4>Confusion matrix ({_esc(', '.join(names))}): rows gold, columns predicted</h4>"
                   + _table(head, body, "confusion"))
    return "".join(out)


def task_html(data: ReportData, task: str) -> str:
    metrics = data.task_metrics(task)
    main = metrics[0]
    conf = fmt.confidence_text(data.metrics)
    card = (f'<div class="scorecard"><code>{_esc(main["name"])}</code> {fmt.direction(main)}<br>'
            f'<span class="value">{_esc(fmt.value_text(main))}</span><span class="ci">{conf} CI '
            f'{_esc(fmt.ci_text(main))} · {_esc(main.get("n_items", "n/a"))} items</span></div>')
    counts = fmt.counts_text(main)
    parts = [f'<section id="task-{_esc(task)}"><h2>Task <code>{_esc(task)}</code></h2>', card]
    if counts:
        parts.append(f"<p>Counts: {_esc(counts)}</p>")
    parts += [metrics_table(data, task), confusion_html(metrics)]
    errors = task_errors(data, task)
    if errors:
        parts.append("<h3>Worst errors</h3>" + errors)
    if task == "translation":
        parts.append(translation_table(data))
    parts.append("</section>")
    return "".join(parts)


def metadata_html(data: ReportData) -> str:
    m, man = data.metrics, data.manifest
    system = man.get("system") or {}
    scoring = m.get("scoring") or {}
    rows = [
        ("System", f"{data.system} ({m.get('system_name') or system.get('name') or '?'})"
                   + ("" if m.get("ranked", True) else ", not ranked")),
        ("Description", system.get("description") or "not recorded"),
        ("Training note", system.get("training_note") or "none"),
        ("Gold SHA-256", m.get("gold_sha256") or "not recorded"),
        ("Config hash", m.get("config_hash") or "not recorded"),
        ("Command", fmt.command_text(man)),
        ("Git commit", fmt.git_text(man)),
        ("Seeds", f"run seed {man.get('seed', 'n/a')}; bootstrap {scoring.get('n_resamples', 'n/a')} resamples, "
                  f"seed {scoring.get('seed', 'n/a')}, {fmt.confidence_text(m)} intervals"),
        ("Versions", fmt.versions_summary(man)),
    ]
    times = fmt.wall_times(man)
    rows.append(("Wall time", "; ".join(f"{k} {v}" for k, v in times) + f" ({fmt.WALL_TIME_NOTE})" if times
                 else "recorded in manifest.json once the run is complete"))
    body = [f"<tr><th>{_esc(k)}</th><td{' class=mono' if k in ('Gold SHA-256', 'Command', 'Config hash') else ''}>"
            f"{_esc(v)}</td></tr>" for k, v in rows]
    return ('<section id="metadata"><h2>Run metadata</h2><table class="meta"><tbody>' + "".join(body)
            + "</tbody></table></section>")


def _script_json(obj: Any) -> str:
    # Inside <script>, "<", ">" and "&" are escaped so no text can close the element.
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(data: ReportData) -> str:
    """The whole ``report.html``."""
    articles, panels = articles_html(data)
    body = (header_html(data) + summary_html(data) + articles
            + "".join(task_html(data, t) for t in data.tasks) + metadata_html(data))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Run report: {_esc(data.system)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n"
        f'<script type="application/json" id="report-data">{_script_json({"panels": panels})}</script>\n'
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )
