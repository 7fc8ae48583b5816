"""The HTML leaderboard: one self-contained page whose tables draw each interval on an axis from 0.

The layout in a real browser (no sideways scrolling at 400 and 1,400 px,
axe-core) is checked in ``test_pages_browser.py``.
"""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmark.leaderboard import build_leaderboard, write_leaderboard
from benchmark.leaderboard.html import render_html
from benchmark.scoring.result import UndefinedMetricWarning
from test_leaderboard_helpers import GOLD, OLD_GOLD, SYSTEMS, write_all, write_run


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []  # (attribute, value) of src/href
        self.texts: list[str] = []
        self.bars: list[dict[str, str]] = []  # attributes of every ci-bar, band and tick

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [(k, v) for k, v in attrs if k in ("src", "href", "xlink:href") and v is not None]
        cls = dict(attrs).get("class") or ""
        if cls.split()[:1] in (["ci-bar"], ["band"], ["tick"]):
            self.bars.append(dict(attrs))

    def handle_data(self, data):
        self.texts.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("html")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_all(root / "results" / "runs")
        write_run(root / "results" / "runs", "legacy", SYSTEMS["weak"][1], gold=OLD_GOLD, tasks=("translation",))
    lb = build_leaderboard(root / "results" / "runs", gold_sha256=GOLD, n_resamples=300, seed=12345)
    write_leaderboard(lb, out_dir=root / "results")
    return root / "results"


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def test_page_parses_and_is_self_contained(site):
    text = (site / "leaderboard.html").read_text(encoding="utf-8")
    page = _parse(text)
    assert page.tags[0] == "html" and "style" in page.tags and "script" not in page.tags
    assert "svg" not in page.tags and "img" not in page.tags  # intervals are CSS bars in the tables
    assert page.tags.count("table") == 5  # 2 tasks × (ranked + not ranked) + stale runs
    for attr, value in page.links:
        assert not value.startswith(("http://", "https://", "//")), (attr, value)
    hrefs = [v for a, v in page.links if a == "href"]
    reports = [h for h in hrefs if h.endswith("report.html")]
    assert len(reports) == 2 * 4 + 1  # every system row of both tasks, plus the stale run
    for h in reports:
        assert (site / h).is_file(), h
    body = " ".join(page.texts)
    assert "1000 resamples" not in body and "300 resamples and seed 12345" in body
    assert "Not ranked: sanity check" in body and "Stale runs" in body and "legacy" in body
    # Every wide table scrolls in its own focusable, labelled box.
    assert text.count('<div class="table-scroll" role="region" aria-label="Table: ') == 5


def test_bars_start_at_zero_and_match_the_json(site):
    """Each bar's tick sits at value/axis of the width and its band spans the interval (axis from 0)."""
    import json

    text = (site / "leaderboard.html").read_text(encoding="utf-8")
    board = json.loads((site / "leaderboard.json").read_text(encoding="utf-8"))
    page = _parse(text)
    ticks = [float(re.search(r"left:([\d.]+)%", b["style"]).group(1)) for b in page.bars if "tick" in b["class"]]
    bands = [tuple(float(x) for x in re.findall(r"[\d.]+", b["style"])) for b in page.bars if b["class"] == "band"]
    labels = [b["aria-label"] for b in page.bars if b["class"] == "ci-bar"]
    expected_ticks, expected_bands = [], []
    for task in board["tasks"]:
        # chrF++ is on sacrebleu's 0–100 scale; the span metrics are proportions (× 100). Both axes end at 100.
        scale = 1.0 if task["main_metric"].startswith("chrf") else 100.0
        for row in task["rows"] + task["not_ranked"]:
            m = row["main"]
            expected_ticks.append(round(m["value"] * scale, 1))
            low, high = round(m["ci_low"] * scale, 1), round(m["ci_high"] * scale, 1)
            expected_bands.append((low, round(high - low, 1)))
    assert ticks == pytest.approx(expected_ticks, abs=0.051)
    assert [x for b in bands for x in b] == pytest.approx([x for b in expected_bands for x in b], abs=0.11)
    assert all(label.endswith("on an axis from 0 to 100") for label in labels) and len(labels) == len(ticks)
    assert text.count('<span class="axis" aria-hidden="true"><span>0</span><span>100</span></span>') == 4


def test_rendering_is_deterministic_and_escapes_names(site, tmp_path):
    lb = build_leaderboard(site / "runs", gold_sha256=GOLD, n_resamples=300, seed=12345)
    assert render_html(lb, site) == render_html(lb, site) == (site / "leaderboard.html").read_text(encoding="utf-8")
    hostile = "<b>x</b> & co"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path / "runs", hostile, SYSTEMS["weak"][1], tasks=("translation",))
    text = render_html(build_leaderboard(tmp_path / "runs", gold_sha256=GOLD, n_resamples=20, seed=1), tmp_path)
    assert "<b>x</b>" not in text and "&lt;b&gt;x&lt;/b&gt; &amp; co" in text
