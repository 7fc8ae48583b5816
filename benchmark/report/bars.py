"""Interval bars drawn with CSS: geometry of a value and its interval on an axis that starts at 0.

Used by the run report (summary table) and the leaderboard (one bar per
system in each task's table), so both read the same way: the axis runs from
0 to 100 on the metric's display scale (percent for proportions, sacrebleu's
own 0–100 for chrF, BLEU and TER), or to a larger round number when a value
exceeds 100 (TER can), and the page says where the axis ends.

Examples
--------
>>> b = interval_bar({"value": 0.5, "ci_low": 0.25, "ci_high": 0.75, "signature": "x"})
>>> b.band, b.tick, b.label
((25.0, 50.0), 50.0, '50.0%, interval 25.0 to 75.0, on an axis from 0 to 100')
>>> interval_bar({"value": None}) is None
True
>>> axis_end([120.4, 80.0]), axis_end([99.0]), axis_end([])
(150, 100, 100)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from benchmark.report.fmt import ci_text, on_100_scale, value_text


@dataclass(frozen=True)
class Bar:
    """Positions in percent of the axis width."""

    band: tuple[float, float] | None
    """``(left, width)`` of the interval, ``None`` without one."""
    tick: float
    """Position of the value."""
    label: str
    """The same in words, for screen readers (``aria-label``)."""


def display_value(metric: Mapping[str, Any], key: str = "value") -> float | None:
    """A metric's number on its display scale (proportions × 100)."""
    v = metric.get(key)
    if v is None:
        return None
    return float(v) if on_100_scale(metric) else 100.0 * float(v)


def axis_end(values: Iterable[float | None]) -> int:
    """100, or the next multiple of 50 above the largest value when one exceeds 100."""
    top = max((v for v in values if v is not None), default=0.0)
    return 100 if top <= 100 else int(math.ceil(top / 50.0) * 50)


def interval_bar(metric: Mapping[str, Any], *, end: int = 100) -> Bar | None:
    """Where the value and its interval fall on the axis ``[0, end]`` (``None`` without a value)."""
    value = display_value(metric)
    if value is None:
        return None

    def pos(x: float) -> float:
        return round(min(100.0, max(0.0, 100.0 * x / end)), 1)

    low, high = display_value(metric, "ci_low"), display_value(metric, "ci_high")
    band = None if low is None or high is None else (pos(low), round(pos(high) - pos(low), 1))
    interval = "" if band is None else ", interval " + ci_text(metric)[1:-1].replace(", ", " to ")
    return Bar(band, pos(value), f"{value_text(metric)}{interval}, on an axis from 0 to {end}")
