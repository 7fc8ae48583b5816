"""``report.html`` (and, for a corpus, one page per article): self-contained pages (inline CSS/JS, no network).

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

The markup is in Jinja2 templates (:mod:`.templating`); this module only
gathers plain data for them.
"""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup

from benchmark.report import fmt
from benchmark.report.article import PANEL_QUOTE_LIMIT, build_article
from benchmark.report.assets import STATUS_ICONS, STATUS_LABELS, report_css, static_text
from benchmark.report.bars import interval_bar
from benchmark.report.corpus import article_counts, article_page_name
from benchmark.report.calls import TITLE as CALLS_TITLE, model_call_rows
from benchmark.report.data import ReportData
from benchmark.report.html_errors import Links, entity_notes, task_errors, translation_rows
from benchmark.report.templating import render

METRICS_SHOWN_OPEN = 12
"""A task with more metrics than this shows its table collapsed."""
LEGEND_STATUSES = ("matched", "partial", "missed", "spurious", "gold")


def _common(data: ReportData) -> dict[str, Any]:
    return {"css": Markup(report_css()), "js": Markup(static_text("report.js")), "system": data.system,
            "icons": STATUS_ICONS,
            "legend_items": [(s, STATUS_ICONS[s], STATUS_LABELS[s]) for s in LEGEND_STATUSES]}


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


def article_context(data: ReportData, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """One highlighted article for the templates, and its cards (key → card)."""
    view = data.views[n]
    art = build_article(view, doc_index=n, targets={t.id: t.description_en for t in data.corpus.targets})
    return ({"n": n, "doc_id": view.doc.doc_id, "title": dict(view.doc.metadata).get("title_en", ""),
             "fragments": art.fragments, "translations": translation_rows(view)}, art.cards)


def page_data(data: ReportData, cards: dict[str, Any]) -> dict[str, Any]:
    """What the page script reads: the cards, status icons, the quote length limit and target descriptions."""
    used = {row[2] for c in cards.values() for row in c["r"] if row[0] == "stance" and len(row) > 2}
    return {"panels": cards, "icons": STATUS_ICONS, "limit": PANEL_QUOTE_LIMIT,
            "targets": {t.id: t.description_en for t in data.corpus.targets if t.id in used}}


def render_html(data: ReportData) -> str:
    """``report.html`` of a single-article run (the article inline)."""
    return render_pages(data)["report.html"]


def render_pages(data: ReportData) -> dict[str, str]:
    """Every HTML page of the run: ``report.html``, plus ``articles/*.html`` for a corpus."""
    corpus_mode = len(data.views) > 1
    pages = {v.doc.doc_id: article_page_name(n, v.doc.doc_id) for n, v in enumerate(data.views)} if corpus_mode else {}
    links = Links(data, pages)
    ctx = {**_common(data), "header": header_context(data), "conf": fmt.confidence_text(data.metrics),
           "summary": summary_rows(data), "tasks_list": data.tasks, "not_attempted_list": data.not_attempted,
           "task_sections": [task_context(data, t, links) for t in data.tasks],
           "metadata": metadata_rows(data), "corpus_mode": corpus_mode}
    out: dict[str, str] = {}
    if not corpus_mode:
        articles, cards = [], {}
        for n in range(len(data.views)):
            art, art_cards = article_context(data, n)
            articles.append(art)
            cards.update(art_cards)
        out["report.html"] = render("report.html.j2", **ctx, articles=articles, index=[],
                                    data=page_data(data, cards))
        return out
    index = [{"n": n, "doc_id": v.doc.doc_id, "title": dict(v.doc.metadata).get("title_en", ""),
              "href": pages[v.doc.doc_id], "counts": article_counts(v)} for n, v in enumerate(data.views)]
    out["report.html"] = render("report.html.j2", **ctx, articles=[], index=index, data=None)
    for n, view in enumerate(data.views):
        out[pages[view.doc.doc_id]] = article_page(data, n, pages)
    return out


def article_page(data: ReportData, n: int, pages: Mapping[str, str]) -> str:
    """The page of article ``n`` of a corpus run."""
    art, cards = article_context(data, n)
    ids = [v.doc.doc_id for v in data.views]

    def rel(doc_id: str) -> str:  # from articles/ to a sibling page
        return pages[doc_id].split("/", 1)[1]

    pager = {"summary": "../report.html", "index": "../report.html#articles", "position": n + 1, "total": len(ids),
             "prev": (rel(ids[n - 1]), ids[n - 1]) if n > 0 else None,
             "next": (rel(ids[n + 1]), ids[n + 1]) if n + 1 < len(ids) else None}
    return render("article.html.j2", **_common(data), article=art, pager=pager,
                  translation_scored="translation" in data.tasks, data=page_data(data, cards))
