"""Screenshots of the run report, an article page and the leaderboard at a phone and a desktop width.

    python benchmarks/screenshots.py OUT_DIR [--runs RESULTS/runs] [--widths 400,1400]

Without ``--runs`` it first makes its own runs in ``OUT_DIR/results`` (the
built-in systems on the embedded article, and ``rules`` on a three-article
copy of it, so an index page and article pages exist), then the
leaderboard, then opens each page in headless Chromium (``/usr/bin/chromium``)
and writes ``OUT_DIR/<page>-<width>.png`` (the whole page, up to 6,000 px
high) and, for pages with an article, ``<page>-<width>-details.png`` (the
screen after a span was opened with Enter).  For each page and width it
prints the page width the browser laid out (it must equal the screen width:
nothing scrolls sideways) and the number of highlighted spans.  Use an
OUT_DIR outside the repository or ``results/screenshots`` (git-ignored):
nothing tracked is written.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _corpus_copy(dest: Path, copies: int) -> Path:
    """The embedded gold, ``copies`` times under new doc ids (the article text is shared)."""
    src = ROOT / "data"
    (dest / "gold").mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / "articles", dest / "articles", dirs_exist_ok=True)
    shutil.copy(src / "targets.json", dest / "targets.json")
    (gold_file,) = sorted((src / "gold").glob("*.json"))
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    for n in range(copies):
        gold["doc_id"] = f"{n:03d}_copy"
        (dest / "gold" / f"{n:03d}_copy.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return dest


def make_runs(out: Path) -> Path:
    """Runs of every built-in system, a three-article run of rules, and the leaderboard."""
    results = out / "results"
    runs = results / "runs"
    py = sys.executable
    subprocess.run([py, "-m", "benchmark", "run", f"paths.results_dir={runs}"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    data = _corpus_copy(out / "corpus3", 3)
    subprocess.run([py, "-m", "benchmark", "run", "system=rules", f"paths.data_dir={data}",
                    f"paths.results_dir={out / 'corpus-runs'}"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([py, "-m", "benchmark", "leaderboard", "--runs", str(runs), "--out", str(results)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    return runs


def pages(out: Path, runs: Path) -> dict[str, Path]:
    """Page name → file: the rules report, the leaderboard, and (when made) a corpus index and article."""
    found = {"report": sorted(runs.glob("rules/*/report.html"))[-1],
             "leaderboard": runs.parent / "leaderboard.html"}
    corpus = sorted((out / "corpus-runs").glob("rules/*/report.html"))
    if corpus:
        found["corpus-index"] = corpus[-1]
        found["corpus-article"] = sorted(corpus[-1].parent.glob("articles/*.html"))[1]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--runs", type=Path, default=None, help="existing results/runs (default: make new runs)")
    parser.add_argument("--widths", default="400,1400", help="screen widths in CSS pixels")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))  # the DevTools driver the browser tests use
    from browser import Browser

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    runs = args.runs.resolve() if args.runs else make_runs(out)
    widths = [int(w) for w in args.widths.split(",")]
    with tempfile.TemporaryDirectory() as profile, Browser(Path(profile), width=widths[0], height=900) as b:
        for name, path in pages(out, runs).items():
            for width in widths:
                b.resize(width, 900)
                b.open(path.resolve().as_uri())
                laid_out = b.js("document.documentElement.scrollWidth")
                spans = b.js("document.querySelectorAll('.frag[role=button]').length")
                png = out / f"{name}-{width}.png"
                b.screenshot(png, width=width)
                print(f"{name:15} {width:5} px screen: page {laid_out} px wide, {spans} span buttons -> {png}")
                if spans:  # the details of a span opened by keyboard, as the screen shows them
                    b.resize(width, 900)
                    b.js("document.querySelectorAll('.frag[role=button]')[12].focus(), true")
                    b.key("Enter")
                    b.screenshot(out / f"{name}-{width}-details.png", width=width, full=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
