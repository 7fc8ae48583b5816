"""``report.md``: metrics with intervals and the worst errors, quoted from the article.

Examples
--------
>>> md_inline("a*b_c|d")
'a\\\\*b\\\\_c\\\\|d'
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from benchmark.report import fmt
from benchmark.report.calls import TITLE as CALLS_TITLE, model_call_rows
from benchmark.report.data import ReportData
from benchmark.report.worst import (
    count, entity_name, gold_quote, mention_errors, offsets_text, quote_text, worst_quote_errors,
    worst_speaker_errors, worst_stance_errors, worst_translations,
)

QUOTE_LIMIT = 400
"""Longest article excerpt quoted for one error (characters)."""
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_inline(text: str) -> str:
    """Escape Markdown syntax and fold newlines, for text inside a line or table cell."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    text = str(text)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _quoted(text: str) -> str:
    return "   > " + md_inline(text)


def header(data: ReportData) -> list[str]:
    m, man = data.metrics, data.manifest
    system = man.get("system") or {}
    out = [f"# Run report: {md_inline(data.system)}", ""]
    note = system.get("training_note")
    if note:
        out += [f"> **Training note.** {md_inline(note)}", ""]
    if m.get("ranked") is False:
        out += ["> **Not ranked:** this system is a reference point (e.g. it sees the gold), not a competitor.", ""]
    scoring = m.get("scoring") or {}
    rows = [
        ["System", f"{md_inline(data.system)} ({code(m.get('system_name') or system.get('name') or '?')})"],
        ["Description", md_inline(system.get("description") or "not recorded")],
        ["Gold SHA-256", code(m.get("gold_sha256") or "not recorded")],
        ["Config hash", code(m.get("config_hash") or "not recorded")],
        ["Command", code(fmt.command_text(man))],
        ["Git commit", md_inline(fmt.git_text(man))],
        ["Seeds", md_inline(f"run seed {man.get('seed', 'n/a')}; bootstrap {scoring.get('n_resamples', 'n/a')} "
                            f"resamples, seed {scoring.get('seed', 'n/a')}, {fmt.confidence_text(m)} intervals")],
        ["Versions", md_inline(fmt.versions_summary(man))],
    ]
    times = fmt.wall_times(man)
    rows.append(["Wall time", md_inline("; ".join(f"{k} {v}" for k, v in times) + f" ({fmt.WALL_TIME_NOTE})"
                                        if times else "recorded in manifest.json once the run is complete")])
    out += _table(["", ""], rows) + [""]
    calls = model_call_rows(man)
    if calls:
        out += [f"**{CALLS_TITLE}**", ""] + _table(["", ""], [[md_inline(k), md_inline(v)] for k, v in calls]) + [""]
    attempted = ", ".join(code(t) for t in data.tasks) or "none"
    missing = ", ".join(code(t) for t in data.not_attempted) or "none"
    out += [f"**Scored tasks:** {attempted}. **Not attempted:** {missing}.", "",
            f"*{md_inline(fmt.NOT_ATTEMPTED_NOTE)}*", ""]
    return out


def summary(data: ReportData) -> list[str]:
    conf = fmt.confidence_text(data.metrics)
    rows = []
    for task in data.tasks:
        main = data.task_metrics(task)[0]
        rows.append([code(task), code(main["name"]), fmt.value_text(main), fmt.ci_text(main),
                     str(main.get("n_items", ""))])
    for task in data.not_attempted:
        rows.append([code(task), "—", "not attempted", "", ""])
    return ["## Summary", ""] + _table(["task", "main metric", "value", f"{conf} CI", "n items"], rows) + [""]


def metric_section(data: ReportData, task: str) -> list[str]:
    metrics = data.task_metrics(task)
    main = metrics[0]
    conf = fmt.confidence_text(data.metrics)
    out = [f"## Task `{task}`", "",
           f"**Main metric** {code(main['name'])} {fmt.direction(main)}: **{fmt.value_text(main)}** "
           f"({conf} CI {fmt.ci_text(main)}, {main.get('n_items', 'n/a')} items)", ""]
    counts = fmt.counts_text(main)
    if counts:
        out += [f"Counts: {md_inline(counts)}", ""]
    rows = [[code(m["name"]) + (" (main)" if n == 0 else ""), fmt.direction(m), fmt.value_text(m), fmt.ci_text(m),
             str(m.get("n_items", "")), md_inline(fmt.counts_text(m))] for n, m in enumerate(metrics)]
    out += _table(["metric", "", "value", f"{conf} CI", "n items", "counts"], rows) + [""]
    for names, row_labels, col_labels, matrix in fmt.task_confusions(metrics):
        out += [f"Confusion matrix of {', '.join(code(n) for n in names)} (rows: gold, columns: predicted):", ""]
        out += _table(["gold \\ predicted", *map(md_inline, col_labels)],
                      [[md_inline(r), *(str(v) for v in vals)] for r, vals in zip(row_labels, matrix)]) + [""]
    errors = ERRORS.get(task)
    if errors is not None:
        lines = errors(data)
        out += ["### Worst errors", ""] + (lines or ["None."]) + [""]
    return out


def _shown(title: str, shown: int, total: int) -> list[str]:
    if not total:
        return [f"#### {title}: none", ""]
    return [f"#### {title} ({shown} of {total} shown)", ""]


def _doc(data: ReportData, doc_id: str):
    return data.corpus.document(doc_id)


def _where(data: ReportData, doc_id: str, segment_id: str, spans) -> str:
    where = f"segment {segment_id} · offsets {offsets_text(spans)}"
    return (f"{code(doc_id)} · " if len(data.corpus.documents) > 1 else "") + where


def quote_errors(data: ReportData) -> list[str]:
    out: list[str] = []
    views = list(data.views)
    for kind, title in (("missed", "Missed gold quotes"), ("spurious", "Spurious predicted quotes"),
                        ("boundary", "Boundary errors (aligned, different extent)")):
        errs = worst_quote_errors(views, kind, data.worst)
        out += _shown(title, len(errs), count(views, kind))
        for n, e in enumerate(errs, 1):
            doc = _doc(data, e.doc_id)
            if kind == "missed":
                q = gold_quote(doc, e.quote_id)
                out.append(f"{n}. **{e.quote_id}** · {_where(data, e.doc_id, e.segment_id, e.spans)} · {e.size} "
                           f"characters · {q.type if q else '?'} · speaker {md_inline(entity_name(doc, e.speaker))}")
                out += [_quoted(quote_text(doc, e.spans, limit=QUOTE_LIMIT))]
            elif kind == "spurious":
                spk = md_inline(entity_name(doc, e.speaker, e.speaker_raw))
                out.append(f"{n}. predicted #{e.pred_index} · {_where(data, e.doc_id, e.segment_id, e.spans)} · "
                           f"{e.size} characters · speaker {spk}")
                text = (quote_text(doc, e.spans, limit=QUOTE_LIMIT) if e.spans
                        else f"(not in the article) {e.raw_text or ''}")
                out += [_quoted(text)]
            else:
                out.append(f"{n}. gold **{e.quote_id}** vs predicted #{e.pred_index} · segment {e.segment_id} · "
                           f"{e.size} characters differ")
                out += [f"   > gold {offsets_text(e.spans)}: {md_inline(quote_text(doc, e.spans, limit=QUOTE_LIMIT))}",
                        "   >",
                        f"   > predicted {offsets_text(e.pred_spans)}: "
                        f"{md_inline(quote_text(doc, e.pred_spans, limit=QUOTE_LIMIT))}"]
        out.append("")
    return out


def speaker_errors(task: str, title: str):
    def render(data: ReportData) -> list[str]:
        views = list(data.views)
        errs = worst_speaker_errors(views, task, data.worst)
        out = _shown(title, len(errs), count(views, task))
        for n, e in enumerate(errs, 1):
            doc = _doc(data, e.doc_id)
            out.append(f"{n}. **{e.quote_id}** · {_where(data, e.doc_id, e.segment_id, e.spans)} · gold "
                       f"**{md_inline(entity_name(doc, e.gold_speaker))}**, predicted "
                       f"**{md_inline(entity_name(doc, e.pred_speaker, e.pred_raw))}**")
            out.append(_quoted(quote_text(doc, e.spans, limit=QUOTE_LIMIT)))
        return out

    return render


def mention_section(data: ReportData) -> list[str]:
    views = list(data.views)
    out: list[str] = []
    for kind, title in (("missed", "Missed speaker mentions"),
                        ("spurious", "Spurious speaker mentions")):
        errs = mention_errors(views, kind, data.worst)
        out += _shown(title, len(errs), count(views, f"mention-{kind}"))
        for n, e in enumerate(errs, 1):
            doc = _doc(data, e.doc_id)
            text = doc.text[e.span.start:e.span.end] if e.span else "(not in the article)"
            spans = (e.span,) if e.span else ()
            who = entity_name(doc, e.entity) if e.entity else "resolves to no gold entity"
            out.append(f"{n}. «{md_inline(text)}» · {_where(data, e.doc_id, e.segment_id, spans)} · "
                       f"{md_inline(who)}")
        out.append("")
    rows = [(-(len(v.speakers.missed_entities) + len(v.speakers.false_entities)), v.doc.doc_id, v)
            for v in views if v.speakers is not None and (v.speakers.missed_entities or v.speakers.false_entities)]
    # Across a corpus only the documents with the most such entities are listed, like every other error.
    for _, _, v in sorted(rows, key=lambda r: r[:2])[: max(data.worst, 1)]:
        sm = v.speakers
        names = lambda ids: ", ".join(md_inline(entity_name(v.doc, i)) for i in ids) or "none"  # noqa: E731
        prefix = f"{code(v.doc.doc_id)}: " if len(views) > 1 else ""
        out += [f"{prefix}speaking entities never found: {names(sm.missed_entities)}; "
                f"predicted speakers who never speak: {names(sm.false_entities)}.", ""]
    return out


def stance_section(data: ReportData) -> list[str]:
    views = list(data.views)
    errs = worst_stance_errors(views, data.worst)
    out = _shown("Wrong stance labels", len(errs), count(views, "stance"))
    targets = {t.id: t.description_en for t in data.corpus.targets}
    for n, e in enumerate(errs, 1):
        doc = _doc(data, e.doc_id)
        out.append(f"{n}. **{e.quote_id}** → {code(e.target)} ({md_inline(targets.get(e.target, '?'))}): gold "
                   f"**{e.gold}**, predicted **{e.pred or 'no label'}** · "
                   f"{_where(data, e.doc_id, e.segment_id, e.spans)}")
        out.append(_quoted(quote_text(doc, e.spans, limit=QUOTE_LIMIT)))
    return out


def translation_section(data: ReportData) -> list[str]:
    views = list(data.views)
    rows = worst_translations(views, data.worst)
    out = _shown("Segments with the lowest sentence chrF++ (below 100)", len(rows), count(views, "translation"))
    for n, t in enumerate(rows, 1):
        seg = t.segment
        doc = _doc(data, t.doc_id)
        where = ((f"{code(t.doc_id)} · " if len(data.corpus.documents) > 1 else "")
                 + f"offsets {offsets_text((seg.span,))}")
        out += [f"{n}. **{seg.id}** ({seg.kind}) · {where} · "
                f"sentence chrF++ **{t.chrf:.1f}**",
                _quoted(doc.text[seg.span.start:seg.span.end]), "   >",
                f"   > *reference:* {md_inline(seg.translation_en)}", "   >",
                f"   > *system:* {md_inline(t.hypothesis) if t.hypothesis is not None else '(no translation)'}"]
    return out


ERRORS: Mapping[str, Any] = {
    "speakers": mention_section,
    "quotes": quote_errors,
    "end2end": speaker_errors("quotes", "Wrong speakers of aligned quotes"),
    "attribution": speaker_errors("attribution", "Wrong speakers of gold quotes"),
    "stance": stance_section,
    "translation": translation_section,
}
"""Worst-error lists shown under each task."""


def articles_section(data: ReportData) -> list[str]:
    """For a corpus: where the article pages are, and the articles with the most errors (not every article)."""
    from benchmark.report.corpus import article_counts, article_page_name, total_errors

    if len(data.views) < 2:
        return []
    rows = sorted(((total_errors(article_counts(v)), n, v) for n, v in enumerate(data.views)),
                  key=lambda r: (-r[0], r[1]))
    shown = [r for r in rows if r[0] > 0][: data.worst]
    out = ["## Articles", "",
           f"{len(data.views):,} articles; each has its own page in `articles/` (linked from `report.html`).", ""]
    if not shown:
        return out + ["No article has an error.", ""]
    out += [f"Articles with the most errors ({len(shown)} of {sum(1 for r in rows if r[0] > 0)} with any shown):", ""]
    table = []
    for total, n, v in shown:
        c = article_counts(v)
        cells = [f"{c[s]}" if c[s] is not None else "–" for s in ("partial", "missed", "spurious")]
        table.append([f"[{code(v.doc.doc_id)}]({article_page_name(n, v.doc.doc_id)})", str(total), *cells,
                      str(c["speakers"]), str(c["stance"]), str(c["translation"])])
    return out + _table(["article", "errors", "partial", "missed", "spurious", "wrong speakers", "wrong stances",
                         "segments < 100"], table) + [""]


def render_markdown(data: ReportData) -> str:
    """The whole ``report.md``."""
    lines = header(data) + summary(data) + articles_section(data)
    for task in data.tasks:
        lines += metric_section(data, task)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
