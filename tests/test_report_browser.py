"""report.html in a real browser: headless Chromium renders it without errors.

Two bounded Chromium runs on the synthetic run of ``test_report.py``:

1. ``--dump-dom`` of ``report.html#k=d0g1`` with ``--enable-logging=stderr
   --v=0``: the page's script sets ``data-report-ready="1"`` on ``<html>`` as
   its last statement, so its presence in the serialised DOM proves the
   script ran to the end; the ``#k=`` deep link must have filled the side
   panel with the card of gold quote q2.  Chromium logs every console
   message and uncaught exception on stderr as ``…:CONSOLE:<line>] "…"``;
   the page logs nothing, so any such line fails the test.
2. ``--screenshot --window-size=1280,2000``: the PNG must not be blank (many
   distinct colours) and must show the highlight colours of matched, partial,
   missed and spurious quotes, i.e. the article really rendered.

Skipped with a reason when ``/usr/bin/chromium`` (Debian package
``chromium``) or Pillow is missing.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from benchmark.report import render_reports
from benchmark.report.assets import STATUS_COLOURS

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 20  # seconds per Chromium run
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="headless browser test needs /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    from test_report import synthetic_run

    folder = tmp_path_factory.mktemp("html")
    path = folder / "report.html"
    path.write_text(render_reports(**{**synthetic_run(), "markdown": False})["report.html"], encoding="utf-8")
    return path


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    try:
        return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {TIMEOUT} s")


def test_page_script_runs_without_console_errors(page, tmp_path):
    res = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri() + "#k=d0g1")
    console = [line for line in res.stderr.splitlines() if re.search(r":CONSOLE(:\d+)?\]", line)]
    assert console == [], "console messages or uncaught exceptions:\n" + "\n".join(console)
    dom = res.stdout
    assert 'data-report-ready="1"' in dom, f"the page script did not finish; stderr:\n{res.stderr[-2000:]}"
    panel = dom[dom.index('class="panel-body"'):]
    assert panel.index("Gold quote q2") < panel.index("</aside>")
    assert 'class="frag st-missed in-g sel"' in dom  # the selected quote is outlined


def test_screenshot_is_not_blank_and_shows_highlights(page, tmp_path):
    image_module = pytest.importorskip("PIL.Image", reason="the screenshot check needs Pillow")
    shot = tmp_path / "shot.png"
    res = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.exists(), f"no screenshot written; stderr:\n{res.stderr[-2000:]}"
    with image_module.open(shot) as im:
        rgb = im.convert("RGB")
        assert rgb.size == (1280, 2000)
        colours = {c for _, c in rgb.getcolors(maxcolors=1 << 20)}
    assert len(colours) > 50, f"only {len(colours)} distinct colours: the page looks blank"
    for status in ("matched", "partial", "missed", "spurious"):
        hexa = STATUS_COLOURS[status].lstrip("#")
        want = tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
        assert any(max(abs(a - b) for a, b in zip(c, want)) <= 3 for c in colours), f"no {status} highlight visible"
