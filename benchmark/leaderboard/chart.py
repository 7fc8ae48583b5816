"""The leaderboard's interval bars: each system's main metric and interval, drawn in its table row.

Bars are plain CSS (:mod:`benchmark.report.bars`, the same as the run
report's summary), so they reflow with the table on any screen, stay sharp,
and need no image or font.  Within a task every bar shares one axis that
starts at 0: 0–100 on the metric's display scale (percent for proportions,
sacrebleu's 0–100 for chrF), or up to the next multiple of 50 when a value
is larger (TER can exceed 100); the column header says where it ends.

Examples
--------
>>> from types import SimpleNamespace as NS
>>> row = NS(main={"value": 0.9, "ci_low": 0.8, "ci_high": 0.95, "signature": "m"})
>>> board = NS(rows=[row], not_ranked=[])
>>> board_axis(board), row_bar(row, 100).band
(100, (80.0, 15.0))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmark.report.bars import Bar, axis_end, display_value, interval_bar

if TYPE_CHECKING:
    from benchmark.leaderboard.rank import Row, TaskBoard


def board_axis(board: TaskBoard) -> int:
    """Where the shared axis of a task's bars ends (its start is always 0)."""
    values = [display_value(r.main, key) for r in (*board.rows, *board.not_ranked) if r.main is not None
              for key in ("value", "ci_low", "ci_high")]
    return axis_end(values)


def row_bar(row: Row, end: int) -> Bar | None:
    """The bar of one system (``None`` when its main metric is undefined)."""
    return None if row.main is None else interval_bar(row.main, end=end)
