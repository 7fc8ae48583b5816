"""``report.html`` (and, for a corpus, one page per article): pages that need no network.

A run over one article is one page: run header, training note and (for
model-backed systems) the model calls (:mod:`.calls`), the summary of main
metrics with intervals, the highlighted article with legend and details
panel, one section per task (all metrics, confusion matrices, worst errors),
the translation side by side with the reference, and the run metadata.

A run over several articles writes ``report.html`` as the index (the same
header, summary, tasks with the worst errors across the corpus, metadata,
and a table of articles) and ``articles/<n>-<doc_id>.html`` per article
(the highlighted article and its translations, with links to the previous
and next article and back to the summary), so every page stays small.

**Which pages stand alone.**  ``report.html`` always does (style sheet and,
with an article, script and data inline): it is the file a reader mails or
attaches, and it reads completely without the folder around it.  The
article pages of a corpus only make sense together (each links to its
neighbours and to the index), so they share one style sheet and one script,
``articles/report.css`` and ``articles/report.js``, written once per run and
referenced by a relative path: the folder still opens from ``file://`` and
can be zipped and moved, and each page holds only its own article and data.

The markup is in Jinja2 templates (:mod:`.templating`); this module only
gathers plain data for them.  The article pages are independent of one
another and are rendered on several processes for a large corpus
(:func:`~benchmark.common.forkmap.fork_map`); the bytes do not depend on how
many.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from markupsafe import Markup

from benchmark.report import fmt
from benchmark.common.forkmap import fork_map
from benchmark.report.article import build_article
from benchmark.report.assets import SHARED_ASSETS, STATUS_ICONS, STATUS_LABELS, report_css, report_js
from benchmark.report.bars import interval_bar
from benchmark.report.corpus import article_counts, article_page_name
from benchmark.report.calls import TITLE as CALLS_TITLE, model_call_rows
from benchmark.report.data import ReportData
from benchmark.report.html_errors import Links, entity_notes, task_errors, translation_rows
from benchmark.report.templating import render

METRICS_SHOWN_OPEN = 12
"""A task with more metrics than this shows its table collapsed."""
LEGEND_STATUSES = ("matched", "partial", "missed", "spurious", "gold")
ARTICLES_DIR = "articles"
"""Folder of the article pages (and their shared style sheet and script) in the run folder."""
MIN_PARALLEL_ARTICLES = 24
"""Below this many articles the pages are rendered in this process (starting workers would cost more)."""
MAX_AUTO_WORKERS = 8


def _common(data: ReportData) -> dict[str, Any]:
    return {"system": data.system, "legend_items": [(s, STATUS_ICONS[s], STATUS_LABELS[s]) for s in LEGEND_STATUSES]}


def targets_shown(data: ReportData) -> dict[str, str]:
    """Description of each stance target of the gold stances (the cards show it under the stance)."""
    used = {s.target for v in data.views for s in v.doc.stances}
    return {t.id: t.description_en for t in data.corpus.targets if t.id in used}


def _inline_assets(data: ReportData) -> dict[str, Any]:
    return {"css": Markup(report_css()), "js": Markup(report_js(targets_shown(data)))}


def shared_assets(data: ReportData) -> dict[str, str]:
    """Run-folder path → text of the style sheet and script the article pages share."""
    css_name, js_name = SHARED_ASSETS
    return {f"{ARTICLES_DIR}/{css_name}": report_css(), f"{ARTICLES_DIR}/{js_name}": report_js(targets_shown(data))}


def header_context(data: ReportData) -> dict[str, Any]:
    m, man = data.metrics, data.manifest
    system = man.get("system") or {}
    return {"description": system.get("description") or "", "training_note": system.get("training_note") or "",
            "ranked": m.get("ranked") is not False, "gold": m.get("gold_sha256", "not recorded"),
            "config_hash": m.get("config_hash", "not recorded"), "calls_title": CALLS_TITLE,
            "calls": model_call_rows(man), "not_attempted": ", ".join(data.not_attempted) or "none",
            "not_attempted_note": fmt.NOT_ATTEMPTED_NOTE}


def summary_rows(data: ReportData) -> list[dict[str, Any]]:
    rows = []
    for task in data.tasks:
        main = data.task_metrics(task)[0]
        rows.append({"task": task, "metric": main["name"], "direction": fmt.direction(main),
                     "value": fmt.value_text(main), "ci": fmt.ci_text(main), "bar": interval_bar(main),
                     "n_items": main.get("n_items", "")})
    return rows


def task_context(data: ReportData, task: str, links: Links) -> dict[str, Any]:
    metrics = data.task_metrics(task)
    main = metrics[0]
    rows = [{"name": m["name"], "main": n == 0, "direction": fmt.direction(m), "value": fmt.value_text(m),
             "ci": fmt.ci_text(m), "n_items": m.get("n_items", ""), "counts": fmt.counts_text(m)}
            for n, m in enumerate(metrics)]
    return {"task": task, "main": rows[0], "n_items": main.get("n_items", "n/a"),
            "counts": fmt.counts_text(main), "metrics": rows, "collapsed": len(metrics) > METRICS_SHOWN_OPEN,
            "confusions": fmt.task_confusions(metrics), "errors": task_errors(data, task, links),
            "entity_notes": entity_notes(data) if task == "speakers" else []}


def metadata_rows(data: ReportData) -> list[tuple[str, str, bool]]:
    """``(label, text, monospace)`` rows of the run metadata table."""
    m, man = data.metrics, data.manifest
    system = man.get("system") or {}
    scoring = m.get("scoring") or {}
    times = fmt.wall_times(man)
    rows = [
        ("System", f"{data.system} ({m.get('system_name') or system.get('name') or '?'})"
                   + ("" if m.get("ranked", True) else ", not ranked"), False),
        ("Description", system.get("description") or "not recorded", False),
        ("Training note", system.get("training_note") or "none", False),
        ("Gold SHA-256", m.get("gold_sha256") or "not recorded", True),
        ("Config hash", m.get("config_hash") or "not recorded", True),
        ("Command", fmt.command_text(man), True),
        ("Git commit", fmt.git_text(man), False),
        ("Seeds", f"run seed {man.get('seed', 'n/a')}; bootstrap {scoring.get('n_resamples', 'n/a')} resamples, "
                  f"seed {scoring.get('seed', 'n/a')}, {fmt.confidence_text(m)} intervals", False),
        ("Versions", fmt.versions_summary(man), False),
        ("Wall time", "; ".join(f"{k} {v}" for k, v in times) + f" ({fmt.WALL_TIME_NOTE})" if times
         else "recorded in manifest.json once the run is complete", False),
    ]
    return rows


def article_context(data: ReportData, n: int, *, classes: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """One highlighted article for the templates, and its panel records (:mod:`.panels`)."""
    view = data.views[n]
    art = build_article(view, classes=classes)
    return ({"n": n, "doc_id": view.doc.doc_id, "title": dict(view.doc.metadata).get("title_en", ""),
             "fragments": art.fragments, "translations": translation_rows(view)}, art.panels)


def render_html(data: ReportData) -> str:
    """``report.html`` of a single-article run (the article inline)."""
    return render_pages(data)["report.html"]


def choose_workers(workers: int | None, *, n_articles: int, cpus: int | None = None) -> int:
    """Processes rendering the article pages: ``workers`` when set, else every core (at most 8) on a large corpus.

    >>> choose_workers(None, n_articles=3, cpus=8), choose_workers(None, n_articles=500, cpus=2)
    (1, 2)
    >>> choose_workers(4, n_articles=3, cpus=2), choose_workers(0, n_articles=500)
    (4, 1)
    """
    if workers is not None:
        return max(1, workers)
    if n_articles < MIN_PARALLEL_ARTICLES:
        return 1
    return max(1, min(cpus or os.cpu_count() or 1, MAX_AUTO_WORKERS))


def render_pages(data: ReportData, *, workers: int | None = None) -> dict[str, str]:
    """Every HTML page of the run: ``report.html``, plus for a corpus ``articles/*.html`` and their shared assets.

    ``workers``: processes rendering the article pages (``None``: chosen by
    :func:`choose_workers`); the pages are the same bytes whatever the number.
    """
    corpus_mode = len(data.views) > 1
    pages = {v.doc.doc_id: article_page_name(n, v.doc.doc_id) for n, v in enumerate(data.views)} if corpus_mode else {}
    links = Links(data, pages)
    ctx = {**_common(data), **_inline_assets(data), "header": header_context(data),
           "conf": fmt.confidence_text(data.metrics), "summary": summary_rows(data), "tasks_list": data.tasks, "not_attempted_list": data.not_attempted,
           "task_sections": [task_context(data, t, links) for t in data.tasks],
           "metadata": metadata_rows(data), "corpus_mode": corpus_mode}
    out: dict[str, str] = {}
    if not corpus_mode:
        articles, records = [], {}
        for n in range(len(data.views)):
            art, records[f"d{n}"] = article_context(data, n)
            articles.append(art)
        out["report.html"] = render("report.html.j2", **ctx, articles=articles, index=[], data=records)
        return out
    index = [{"n": n, "doc_id": v.doc.doc_id, "title": dict(v.doc.metadata).get("title_en", ""),
              "href": pages[v.doc.doc_id], "counts": article_counts(v)} for n, v in enumerate(data.views)]
    out["report.html"] = render("report.html.j2", **ctx, articles=[], index=index, data=None)
    out.update(shared_assets(data))
    names = [pages[v.doc.doc_id] for v in data.views]
    texts = fork_map(lambda n: article_page(data, n, pages), range(len(names)),
                     workers=choose_workers(workers, n_articles=len(names)))
    out.update(zip(names, texts))
    return out


def article_page(data: ReportData, n: int, pages: Mapping[str, str]) -> str:
    """The page of article ``n`` of a corpus run (style sheet and script: the shared files beside it)."""
    art, records = article_context(data, n, classes=False)
    views = data.views

    def link(k: int) -> tuple[str, str]:  # from articles/ to a sibling page
        doc_id = views[k].doc.doc_id
        return pages[doc_id].split("/", 1)[1], doc_id

    pager = {"summary": "../report.html", "index": "../report.html#articles", "position": n + 1, "total": len(views),
             "prev": link(n - 1) if n > 0 else None, "next": link(n + 1) if n + 1 < len(views) else None}
    css_name, js_name = SHARED_ASSETS
    return render("article.html.j2", **_common(data), css_href=css_name, js_href=js_name, article=art, pager=pager,
                  translation_scored="translation" in data.tasks, data={f"d{n}": records})
