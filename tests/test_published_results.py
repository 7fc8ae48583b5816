"""The README's result tables are what the maintainer step produces from the runs, on metrics.json's scale.

`results/published/regenerate.py` renders the two README blocks from
`results/published/leaderboard.json`.  These tests check that the README
holds exactly that rendering, that each number shown equals the JSON value
on its display scale (derived here by hand: sacrebleu's chrF++ is 0-100
already, every other main metric is a proportion shown ×100 as a
percentage), and that a fresh run with the default settings reproduces both
the published values and the README tables.  When the scores change, run
`python results/published/regenerate.py` and review the diff.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "results" / "published"
SACREBLEU_METRICS = {"chrf", "chrf++", "bleu", "ter", "quote_chrf++"}


def load_script():
    spec = importlib.util.spec_from_file_location("regenerate_published", PUBLISHED / "regenerate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def published() -> dict:
    return json.loads((PUBLISHED / "leaderboard.json").read_text(encoding="utf-8"))


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def shown(name: str, value: float) -> str:
    """How a value must read on a 0-100 display (by hand, not through benchmark.scoring.scale)."""
    return f"{value:.1f}" if name in SACREBLEU_METRICS else f"{100 * value:.1f}%"


def interval(name: str, low: float, high: float) -> str:
    f = (lambda v: v) if name in SACREBLEU_METRICS else (lambda v: 100 * v)
    return f"[{f(low):.1f}, {f(high):.1f}]"


def test_readme_tables_are_the_rendering_of_the_published_leaderboard(script, published):
    assert script.readme_blocks(readme()) == script.blocks(published)


def test_readme_numbers_equal_the_published_values_on_their_scale(script, published):
    blocks = script.readme_blocks(readme())
    rows = [line.split(" | ") for line in blocks["leaderboard"].splitlines() if re.match(r"\| [a-z0-9]", line)]
    table = {(r[0].strip("| "), r[2]): (r[3], r[4]) for r in rows}
    table_text, _, notes = blocks["run-table"].split("```")[1].strip("\n").partition("\n\n")
    run_lines = table_text.splitlines()
    # At 80 columns the metric names leave the rows for a list below the table ("task: metric").
    listed = dict(line.strip().split(": ", 1) for line in notes.splitlines()[1:])
    n = 0
    for task in published["tasks"]:
        for row in task["rows"] + task["not_ranked"]:
            m = row["main"]
            value, ci = shown(m["name"], m["value"]), interval(m["name"], m["ci_low"], m["ci_high"])
            label = row["system"] + ("" if row["ranked"] else " (not ranked)")
            metric = rf"\s+{re.escape(m['name'])}" if not listed else ""
            assert any(re.fullmatch(rf"{re.escape(label)}\s+{task['task']}{metric}\s+"
                                    rf"{re.escape(value)}\s+{re.escape(ci)}", line) for line in run_lines), label
            assert not listed or listed[task["task"]] == m["name"]
            if row["ranked"]:
                assert table[(task["task"], row["system"])] == (value, ci)
            n += 1
    assert n == len(run_lines) - 2  # one line per (system, task) below the header and its rule
    assert f"`{published['gold_sha256'][:8]}…`" in blocks["run-table"]


def main_values(lb: dict) -> dict:
    return {(t["task"], r["system"]): (r["main"]["name"], r["main"]["value"], r["main"]["ci_low"], r["main"]["ci_high"],
                                       r["rank"]) for t in lb["tasks"] for r in t["rows"] + t["not_ranked"]}


def test_a_fresh_run_reproduces_the_published_numbers_and_tables(script, published, tmp_path):
    out = script.fresh_leaderboard(tmp_path)
    fresh = json.loads((out / "leaderboard.json").read_text(encoding="utf-8"))
    assert script.blocks(fresh) == script.readme_blocks(readme()), \
        "the scores changed: run `python results/published/regenerate.py` and review the diff"
    assert main_values(fresh) == main_values(published) and fresh["gold_sha256"] == published["gold_sha256"]
    for path in (tmp_path / "runs").glob("*/*/metrics.json"):  # and they are the runs' own numbers
        doc = json.loads(path.read_text(encoding="utf-8"))
        for task, ms in doc["tasks"].items():
            name, value, low, high, _ = main_values(fresh)[(task, doc["system"])]
            assert (name, value, low, high) == (ms[0]["name"], ms[0]["value"], ms[0]["ci_low"], ms[0]["ci_high"])
