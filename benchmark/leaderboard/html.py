"""The leaderboard as one self-contained HTML page.

Rendered from the Jinja2 template ``leaderboard.html.j2``, which extends the
run report's base layout (same style sheet, same accessibility basics), with
autoescaping on: system names and every other text are escaped by the
template engine.  No scripts and no network: every link is a relative path to
a run's ``report.html``, and each system's interval is a CSS bar in its table
row (:mod:`.chart`) on an axis that starts at 0.  Tables scroll sideways
inside their own box on a narrow screen, with rank and system kept in view.
Names may be Arabic, so cells holding them use ``dir="auto"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from benchmark.leaderboard.chart import board_axis, row_bar
from benchmark.leaderboard.rank import Row, TaskBoard
from benchmark.leaderboard.render import Leaderboard, confidence, headers, method_text, rel, report_link, table_cells
from benchmark.report.assets import leaderboard_css
from benchmark.report.templating import render


def _row(board: TaskBoard, row: Row, out_dir: Path, axis: int) -> dict[str, Any]:
    c = table_cells(board, row, out_dir)
    return {**c, "group": f"g{row.rank}" if row.rank is not None else "undef", "significant": row.significant,
            "bar": row_bar(row, axis), "tick": f"rank-{row.rank}" if row.rank is not None else ""}


def _board(board: TaskBoard, out_dir: Path) -> dict[str, Any]:
    axis = board_axis(board)
    return {"task": board.task, "main_metric": board.main_metric, "confidence": confidence(board),
            "direction": "higher" if board.higher_is_better else "lower", "headers": headers(board),
            "arrow": "↑" if board.higher_is_better else "↓",
            "secondary_names": list(board.secondary_names), "axis": axis, "notes": list(board.notes),
            "rows": [_row(board, r, out_dir, axis) for r in board.rows],
            "not_ranked": [_row(board, r, out_dir, axis) for r in board.not_ranked]}


def render_html(lb: Leaderboard, out_dir: Path) -> str:
    """The whole page (deterministic: the same leaderboard gives the same text)."""
    sel = lb.selection
    stale = [{"system": r.label, "folder": rel(r.run_dir, out_dir), "report": report_link(r, out_dir),
              "stamp": r.stamp or "n/a", "gold": r.gold_sha256[:12], "tasks": ", ".join(sorted(r.tasks))}
             for r in sel.stale]
    return render("leaderboard.html.j2", css=Markup(leaderboard_css()), gold=lb.gold_sha256, n_runs=sel.n_runs,
                  runs_dir=rel(lb.runs_dir, out_dir), method=method_text(lb),
                  boards=[_board(b, out_dir) for b in lb.boards], stale=stale,
                  skipped=[(rel(p, out_dir), why) for p, why in sel.skipped])
