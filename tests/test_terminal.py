"""Terminal output: tables fit the width, numbers right-aligned, plain when piped or under NO_COLOR; progress."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmark.cli.run import _Tracker, comparison_table
from benchmark.cli.terminal import terminal_width, wants_colour

ROOT = Path(__file__).resolve().parents[1]
ESC = "\x1b["


def _metric(name: str, value: float, low: float, high: float, *, hundred: bool = False) -> dict:
    return {"name": name, "value": value, "ci_low": low, "ci_high": high,
            "signature": name + ("|scale:0-100" if hundred else "")}


OUTCOMES = [
    SimpleNamespace(label="oracle", ranked=False, metrics={
        "speakers": [_metric("speaker_mention_f1.partial.char", 1.0, 1.0, 1.0)],
        "translation": [_metric("chrf++", 100.0, 100.0, 100.0, hundred=True)]}),
    SimpleNamespace(label="rules", ranked=True, metrics={
        "quotes": [_metric("quote_content_f1.proportional.char", 0.976, 0.939, 1.0)],
        "end2end": [_metric("e2e_attribution_f1.type.char", 0.985, 0.951, 1.0)]}),
    SimpleNamespace(label="copy", ranked=True, metrics={"translation": [_metric("chrf++", 2.0, 1.0, 3.4, hundred=True)]}),
]


def test_comparison_table_fits_80_columns_with_numbers_right_aligned():
    text = comparison_table(OUTCOMES, width=80, colour=False)
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= 80 and ESC not in text
    rows = [line for line in lines if line.startswith(("oracle", "rules", "copy"))]
    assert len(rows) == 5
    # Right-aligned: every value and every interval ends in the same column (by hand: "100.0%" and "2.0").
    value_ends = {line.index(v) + len(v) for line, v in zip(rows, ["100.0%", "100.0", "97.6%", "98.5%", "2.0"])}
    ci_ends = {len(line) for line in rows}
    assert len(value_ends) == 1 and len(ci_ends) == 1
    assert "oracle (not ranked)" in rows[0] and "[1.0, 3.4]" in rows[4]
    # The long metric names moved below the table, one per task, whole.
    assert "  quotes: quote_content_f1.proportional.char" in lines and "  translation: chrf++" in lines


def test_comparison_table_keeps_the_metric_column_when_wide_enough():
    text = comparison_table(OUTCOMES, width=120, colour=False)
    assert "main metric" in text.split("\n")[0] and "quote_content_f1.proportional.char   97.6%" in text
    assert max(len(line) for line in text.split("\n")) <= 120
    assert ESC in comparison_table(OUTCOMES, width=120, colour=True)


class _Tty:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_colour(_Tty()) is True
    assert wants_colour(open(os.devnull, "w")) is False  # a pipe or file
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_colour(_Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert wants_colour(_Tty()) is False
    monkeypatch.setenv("COLUMNS", "63")
    assert terminal_width(_Tty()) == 63


def _list(columns: str | None, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    environ.update(env)
    if columns is not None:
        environ["COLUMNS"] = columns
    res = subprocess.run([sys.executable, "-m", "benchmark", "list"], capture_output=True, text=True, cwd=ROOT,
                         env=environ, timeout=120, check=True)
    return res.stdout


@pytest.mark.parametrize("columns, limit", [(None, 80), ("60", 60), ("200", 200)])
def test_list_honours_columns_and_is_plain_when_piped(columns, limit):
    out = _list(columns)
    lines = out.rstrip("\n").split("\n")
    assert ESC not in out and "━" not in out and "─" not in out
    assert max(len(line) for line in lines) <= limit
    assert all(line == line.rstrip() for line in lines)
    for name in ("speakers", "oracle", "predictions", "quotes:quote_content_f1.proportional.char"):
        assert any(line.startswith(name + " ") for line in lines), name
    if limit == 200:  # wide enough: one line per entry (6 tasks, 7 systems, and the metrics)
        assert sum(1 for line in lines if line.startswith("translation ")) == 1


def test_list_under_no_color_is_plain():
    assert ESC not in _list("100", NO_COLOR="1")


class _Bar:
    """Records what the tracker shows (a stand-in for rich's Progress)."""

    def __init__(self) -> None:
        self.tasks: dict[int, dict] = {}

    def add_task(self, description, total, visible=True):
        self.tasks[len(self.tasks)] = {"description": description, "total": total, "completed": 0, "visible": visible}
        return len(self.tasks) - 1

    def update(self, task, **fields):
        self.tasks[task].update(fields)


def test_progress_shows_system_stage_and_items():
    bar = _Bar()
    t = _Tracker(bar, n_systems=2, tasks=3)  # 5 stages per system: predict, 3 scorings, reports
    main, items = bar.tasks[0], bar.tasks[1]
    assert main["total"] == 10
    t.describe("llm: predicting")
    assert (main["completed"], main["description"]) == (0, "[1/2] llm: predicting")
    t.describe("llm: predicting (3/12 items)")
    assert main["description"] == "[1/2] llm: predicting" and main["completed"] == 0
    assert (items["visible"], items["completed"], items["total"]) == (True, 3, 12)
    t.describe("llm: scoring quotes")
    assert (main["completed"], main["description"], items["visible"]) == (1, "[1/2] llm: scoring quotes", False)
    t.describe("llm: writing reports")
    assert main["completed"] == 2
    t.step()  # the system skipped two tasks: it still ends at its share of the bar
    assert main["completed"] == 5
    t.describe("rules: predicting")
    assert (main["completed"], main["description"]) == (5, "[2/2] rules: predicting")
    t.step()
    assert main["completed"] == 10


def test_brackets_in_a_label_are_text_not_markup():
    # A sweep job's label is "copy [seed=1]"; rich would read "[seed=1]" as a style tag and drop it.
    outcome = SimpleNamespace(label="copy [seed=1] [bold]x[/bold]", ranked=True,
                              metrics={"translation": [_metric("chrf++", 2.0, 1.0, 3.4, hundred=True)]})
    for colour in (False, True):
        assert "copy [seed=1] [bold]x[/bold]" in comparison_table([outcome], width=120, colour=colour)
