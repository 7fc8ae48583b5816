"""The HTML leaderboard: one self-contained page with the chart, rendering in Chromium."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmark.leaderboard import build_leaderboard, write_leaderboard
from benchmark.leaderboard.chart import chart_svg
from benchmark.scoring.result import UndefinedMetricWarning
from test_leaderboard_helpers import GOLD, OLD_GOLD, SYSTEMS, write_all, write_run

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []  # (attribute, value) of src/href
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [(k, v) for k, v in attrs if k in ("src", "href", "xlink:href") and v is not None]

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


def test_page_parses_is_self_contained_and_has_the_chart(site):
    text = (site / "leaderboard.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    assert page.tags[0] == "html" and "style" in page.tags and "script" not in page.tags
    assert page.tags.count("svg") == 1 and page.tags.count("path") > 50  # text is drawn as paths
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
    assert "<?xml" not in text and "<metadata>" not in text and "dc:date" not in text


def test_chart_svg_is_deterministic(site):
    lb = build_leaderboard(site / "runs", gold_sha256=GOLD, n_resamples=300, seed=12345)
    a, b = chart_svg(lb.boards), chart_svg(lb.boards)
    assert a == b and a.startswith("<svg")
    assert a in (site / "leaderboard.html").read_text(encoding="utf-8")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_renders_in_headless_chromium(site, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,1600",
           (site / "leaderboard.html").resolve().as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    img = imread(shot)[:, :, :3]
    assert img.shape[:2] == (1600, 1280)
    dark = (img.mean(axis=2) < 0.5).mean()  # share of dark (text, lines) pixels
    coloured = ((img.max(axis=2) - img.min(axis=2)) > 0.25).mean()  # chart colours, link blue
    assert 0.005 < dark < 0.5 and coloured > 0.0005
