"""The leaderboard chart: main metric and its interval per system per task, as SVG.

One panel per task, one line per system (best at the top), a dot at the
value and a bar over the bootstrap interval; colours follow rank groups and
sanity-check systems are grey and labelled "not ranked".  matplotlib is
imported here only (the Agg canvas; no pyplot, so no global state), and the
SVG is deterministic: a fixed ``svg.hashsalt`` for element ids, no date, no
metadata block, text drawn as paths so the page needs no font.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from benchmark.report.fmt import on_100_scale

if TYPE_CHECKING:
    from benchmark.leaderboard.rank import Row, TaskBoard

HASHSALT = "benchmark-leaderboard"
# Colour-blind-safe (Okabe–Ito) colours for rank groups 1, 2, 3, … (cycled).
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
UNRANKED_COLOUR = "#888888"


def _scaled(row: Row, key: str) -> float | None:
    v = None if row.main is None else row.main.get(key)
    if v is None:
        return None
    return float(v) if on_100_scale(row.main) else 100.0 * float(v)


def _points(board: TaskBoard) -> list[tuple[str, float, float | None, float | None, str]]:
    """``(label, value, low, high, colour)`` for every row with a value, top to bottom."""
    out = []
    for r in board.rows:
        v = _scaled(r, "value")
        if v is not None and r.rank is not None:
            out.append((r.label, v, _scaled(r, "ci_low"), _scaled(r, "ci_high"),
                        GROUP_COLOURS[(r.rank - 1) % len(GROUP_COLOURS)]))
    for r in board.not_ranked:
        v = _scaled(r, "value")
        if v is not None:
            out.append((f"{r.label} (not ranked)", v, _scaled(r, "ci_low"), _scaled(r, "ci_high"), UNRANKED_COLOUR))
    return out


def chart_svg(boards: tuple[TaskBoard, ...] | list[TaskBoard]) -> str:
    """An ``<svg>`` element (no XML prologue) or ``""`` when nothing has a value."""
    panels = [(b, _points(b)) for b in boards]
    panels = [(b, p) for b, p in panels if p]
    if not panels:
        return ""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    heights = [0.9 + 0.32 * len(p) for _, p in panels]
    rc = {"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "font.size": 9, "axes.titlesize": 10,
          "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(8.0, sum(heights) + 0.3), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, (board, pts) in zip(axes, panels):
            _panel(ax, board, pts)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline(buf.getvalue())


def _panel(ax, board: TaskBoard, pts) -> None:
    ys = list(range(len(pts)))[::-1]
    for y, (label, v, lo, hi, colour) in zip(ys, pts):
        if lo is not None and hi is not None:
            ax.hlines(y, lo, hi, colors=colour, linewidth=2.5, alpha=0.6)
        hollow = colour == UNRANKED_COLOUR
        ax.plot([v], [y], marker="o", markersize=6, color=colour, markerfacecolor="white" if hollow else colour,
                linestyle="none")
    ax.set_yticks(ys, [p[0] for p in pts])
    ax.set_xlim(*_xlim(pts, percent=not (board.rows and board.rows[0].main and on_100_scale(board.rows[0].main))))
    ax.set_ylim(-0.7, len(pts) - 0.3)
    arrow = "higher is better" if board.higher_is_better else "lower is better"
    ax.set_title(f"{board.task}: {board.main_metric} ({arrow})", loc="left")
    scale = "0–100" if board.rows and board.rows[0].main and on_100_scale(board.rows[0].main) else "%"
    ax.set_xlabel(f"{board.main_metric} [{scale}], bar = bootstrap interval")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _xlim(pts, *, percent: bool) -> tuple[float, float]:
    """A padded range around values and intervals; never below 0, nor above 100 for percentages."""
    xs = [x for p in pts for x in p[1:4] if x is not None]
    lo, hi = min(xs), max(xs)
    if hi - lo < 10.0:  # at least 10 points wide, so equal values do not zoom into noise
        mid = (lo + hi) / 2
        lo, hi = mid - 5.0, mid + 5.0
    pad = 0.06 * (hi - lo)
    right = min(hi + pad, 101.0) if percent else hi + pad
    return max(0.0, lo - pad), right


def _inline(svg: str) -> str:
    """Strip the XML prologue, DOCTYPE and metadata so the SVG can sit inside HTML."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return svg.strip() + "\n"
