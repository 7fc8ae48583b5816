"""The leaderboard as one self-contained HTML page.

Inline CSS, the chart as inline SVG (:mod:`.chart`), no scripts and no
network: every link is a relative path to a run's ``report.html``.  System
names and other text are escaped; names may be Arabic, so table cells holding
them use ``dir="auto"``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from benchmark.leaderboard.chart import chart_svg
from benchmark.leaderboard.rank import Row, TaskBoard
from benchmark.leaderboard.render import Leaderboard, confidence, headers, method_text, rel, report_link, table_cells

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif;
       color: #1b1b1b; background: #fff; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
p.meta, p.method { color: #444; }
code { font-size: .9em; background: #f4f4f4; padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .3rem .6rem; text-align: right; white-space: nowrap; }
th { background: #f6f6f6; font-weight: 600; white-space: normal; max-width: 11rem; vertical-align: bottom; }
.scroll { overflow-x: auto; }
td.sys, th.sys { text-align: left; }
tr.g1 td.rank { font-weight: 700; color: #0072B2; }
tr.unranked td { color: #666; font-style: italic; }
td.sig { color: #B00020; }
.chart svg { max-width: 100%; height: auto; }
ul.notes { color: #555; font-size: .92em; }
caption { caption-side: top; text-align: left; font-weight: 600; color: #555; padding-bottom: .2rem; }
"""


def _system_cell(c: dict) -> str:
    name = escape(c["system"])
    inner = f'<a href="{escape(c["report"])}">{name}</a>' if c["report"] else name
    return f'<td class="sys" dir="auto">{inner}</td>'


def _row_html(board: TaskBoard, row: Row, out_dir: Path) -> str:
    c = table_cells(board, row, out_dir)
    group = f"g{row.rank}" if row.rank is not None else "undef"
    sig = ' class="sig"' if row.significant else ""
    cells = [f'<td class="rank">{escape(c["rank"])}</td>', _system_cell(c), f'<td>{escape(c["value"])}</td>',
             f'<td>{escape(c["ci"])}</td>', f'<td>{escape(c["delta"])}</td>',
             f'<td{sig}>{escape(c["p_bs"])}</td>', f'<td>{escape(c["p_ar"])}</td>',
             *(f"<td>{escape(s)}</td>" for s in c["secondary"])]
    return f'<tr class="{group}">' + "".join(cells) + "</tr>"


def _unranked_html(board: TaskBoard, row: Row, out_dir: Path) -> str:
    c = table_cells(board, row, out_dir)
    cells = [_system_cell(c), f'<td>{escape(c["value"])}</td>', f'<td>{escape(c["ci"])}</td>',
             *(f"<td>{escape(s)}</td>" for s in c["secondary"])]
    return '<tr class="unranked">' + "".join(cells) + "</tr>"


def _head(names: list[str]) -> str:
    cls = {"system": ' class="sys"'}
    return "<tr>" + "".join(f"<th{cls.get(n, '')}>{_breakable(n)}</th>" for n in names) + "</tr>"


def _breakable(name: str) -> str:
    """Escaped text with a line-break opportunity after each ``.`` and ``_`` (long metric names)."""
    return "".join(escape(ch) + ("<wbr>" if ch in "._" else "") for ch in name)


def _task_html(board: TaskBoard, out_dir: Path) -> list[str]:
    direction = "higher" if board.higher_is_better else "lower"
    out = [f'<section id="task-{escape(board.task)}">', f"<h2>{escape(board.task)}</h2>",
           f"<p>Main metric: <code>{escape(board.main_metric)}</code> ({direction} is better); "
           f"{escape(confidence(board))} bootstrap interval from each run.</p>"]
    if board.rows:
        out += ['<div class="scroll"><table>', _head(headers(board))]
        out += [_row_html(board, r, out_dir) for r in board.rows]
        out.append("</table></div>")
    else:
        out.append("<p>No ranked system attempted this task.</p>")
    if board.not_ranked:
        h = headers(board)
        out += ['<div class="scroll"><table>', "<caption>Not ranked: sanity check</caption>",
                _head([h[1], h[2], h[3], *board.secondary_names])]
        out += [_unranked_html(board, r, out_dir) for r in board.not_ranked]
        out.append("</table></div>")
    if board.notes:
        out += ['<ul class="notes">', *(f"<li>{escape(n)}</li>" for n in board.notes), "</ul>"]
    out.append("</section>")
    return out


def _stale_html(lb: Leaderboard, out_dir: Path) -> list[str]:
    sel = lb.selection
    out: list[str] = []
    if sel.stale:
        out += ['<section id="stale">', "<h2>Stale runs</h2>",
                "<p>Scored against another gold version; not ranked.</p>", "<table>",
                _head(["system", "run folder", "stamp", "gold", "tasks"])]
        for r in sel.stale:
            link = report_link(r, out_dir)
            folder = escape(rel(r.run_dir, out_dir))
            folder = f'<a href="{escape(link)}">{folder}</a>' if link else folder
            out.append(f'<tr><td class="sys" dir="auto">{escape(r.label)}</td><td class="sys">{folder}</td>'
                       f"<td>{escape(r.stamp or 'n/a')}</td><td><code>{escape(r.gold_sha256[:12])}</code></td>"
                       f'<td class="sys">{escape(", ".join(sorted(r.tasks)))}</td></tr>')
        out += ["</table>", "</section>"]
    if sel.skipped:
        out += ['<section id="skipped">', "<h2>Skipped folders</h2>", '<ul class="notes">']
        out += [f"<li><code>{escape(rel(p, out_dir))}</code>: {escape(why)}</li>" for p, why in sel.skipped]
        out += ["</ul>", "</section>"]
    return out


def render_html(lb: Leaderboard, out_dir: Path) -> str:
    """The whole page (deterministic: the same leaderboard gives the same text)."""
    svg = chart_svg(lb.boards)
    body = [
        "<h1>Leaderboard</h1>",
        f'<p class="meta">Gold SHA-256 <code>{escape(lb.gold_sha256)}</code>. {lb.selection.n_runs} run folder(s) '
        f"read from <code>{escape(rel(lb.runs_dir, out_dir))}</code>; for each system and task the newest run "
        "against this gold is used. Each system name links to its run report.</p>",
        f'<p class="method">{escape(method_text(lb))}</p>',
    ]
    if svg:
        body += ['<figure class="chart">', svg.rstrip("\n"),
                 "<figcaption>Main metric per task: dot = value, bar = bootstrap interval; colours are rank "
                 "groups; grey = not ranked.</figcaption>", "</figure>"]
    if not lb.boards:
        body.append("<p>No run against the current gold was found.</p>")
    for b in lb.boards:
        body += _task_html(b, out_dir)
    body += _stale_html(lb, out_dir)
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Leaderboard</title>\n<style>{CSS}</style>\n</head>\n<body>\n")
    return head + "\n".join(body) + "\n</body>\n</html>\n"
