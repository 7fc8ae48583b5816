"""Report size and render time on synthetic corpora of 1, 10, 100 (and 1,000) articles.

    python benchmarks/bench_reports.py [--sizes 1,10,100,1000] [--system oracle] [--resamples 200] [--work DIR]

For each size N it writes a corpus of N copies of the embedded article
under new doc ids (``data/`` with ``gold/<n>_copy.json``; the text file is
shared), runs ``python -m benchmark run system=<system>`` on it, then
re-renders the reports in-process with ``render_run_dir`` (timed twice, the
faster kept) and prints, per N: the report stage of the run (from
``manifest.json``), the re-render time (and its two parts: building the
report data, i.e. reading the records and pairing gold with predictions,
then rendering the Markdown and HTML pages from it), the size of ``report.html`` (the
index), of the largest article page, of all reports together (with the style
sheet and script the article pages share), of ``per_item.jsonl.gz`` and of the
whole run folder, and the cost per article.
The whole-run time is printed too, for context: scoring is not the
reports' share.  Work files go to a temporary folder (or ``--work``) that is
removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT_NAMES = ("report.md", "report.html")


def make_corpus(dest: Path, copies: int) -> Path:
    """``copies`` copies of the embedded gold under doc ids ``0000_copy``…; the article text is shared."""
    src = ROOT / "data"
    (dest / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", dest / "articles")
    shutil.copy(src / "targets.json", dest / "targets.json")
    (gold_file,) = sorted((src / "gold").glob("*.json"))
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    for n in range(copies):
        gold["doc_id"] = f"{n:04d}_copy"
        (dest / "gold" / f"{n:04d}_copy.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return dest


def _size(paths) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def measure(work: Path, n: int, *, system: str, resamples: int) -> dict:
    from benchmark.gold.loading import load_corpus
    from benchmark.harness.rundir import per_item_path
    from benchmark.report import render_run_dir

    data = make_corpus(work / f"corpus-{n}", n)
    results = work / f"runs-{n}"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "benchmark", "run", f"system={system}", f"paths.data_dir={data}",
                    f"paths.results_dir={results}", f"scoring.n_resamples={resamples}"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    run_wall = time.perf_counter() - t0
    (run_dir,) = [p for p in (results / system).iterdir() if not p.name.startswith(".")]
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    corpus = load_corpus(data)
    renders = []
    for _ in range(2):
        t0 = time.perf_counter()
        render_run_dir(run_dir, corpus=corpus)
        renders.append(time.perf_counter() - t0)
    data_s, pages_s = _split(run_dir, corpus)
    pages = sorted((run_dir / "articles").glob("*.html"))
    reports = [run_dir / name for name in REPORT_NAMES] + sorted((run_dir / "articles").glob("*"))
    return {"n": n, "run_wall": run_wall, "report_stage": manifest["wall_time_seconds"].get("report"),
            "render": min(renders), "data": data_s, "pages": pages_s, "index": _size([run_dir / "report.html"]),
            "md": _size([run_dir / "report.md"]), "largest_page": max((p.stat().st_size for p in pages), default=0),
            "reports": _size(reports), "per_item": _size([per_item_path(run_dir)]),
            "folder": _size(run_dir.rglob("*"))}


def _split(run_dir: Path, corpus) -> tuple[float, float]:
    """Seconds to build the report data (pairing gold and predictions) and to render the pages from it."""
    from benchmark.report.data import build_report_data
    from benchmark.report.html import render_pages
    from benchmark.report.markdown import render_markdown
    from benchmark.harness.rundir import per_item_path
    from benchmark.report.rundir import read_json, read_jsonl, run_config

    t0 = time.perf_counter()
    data = build_report_data(metrics=read_json(run_dir / "metrics.json"),
                             predictions=read_jsonl(run_dir / "predictions.jsonl"),
                             per_item=read_jsonl(per_item_path(run_dir)),
                             manifest=read_json(run_dir / "manifest.json"), corpus=corpus,
                             worst_errors=run_config(run_dir)[0])
    t1 = time.perf_counter()
    render_markdown(data)
    render_pages(data)
    return t1 - t0, time.perf_counter() - t1


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="corpus sizes (articles), comma-separated")
    parser.add_argument("--system", default="oracle", help="system to run (oracle: every task, every span)")
    parser.add_argument("--resamples", type=int, default=200, help="bootstrap resamples of the runs")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-reports-"))
    work.mkdir(parents=True, exist_ok=True)
    head = (f"{'articles':>8}  {'run':>8}  {'report stage':>12}  {'re-render':>9}  {'data':>8}  {'pages':>8}  "
            f"{'per article':>11}  "
            f"{'report.html':>11}  {'largest page':>12}  {'report.md':>10}  {'all reports':>11}  "
            f"{'per article':>11}  {'per_item':>10}  {'run folder':>10}")
    print(f"system={args.system}, {args.resamples} bootstrap resamples; work folder {work}")
    print(head)
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            r = measure(work, n, system=args.system, resamples=args.resamples)
            stage = f"{r['report_stage']:.2f} s" if r["report_stage"] is not None else "n/a"
            print(f"{n:>8}  {r['run_wall']:>6.1f} s  {stage:>12}  {r['render']:>7.2f} s  {r['data']:>6.2f} s  "
                  f"{r['pages']:>6.2f} s  "
                  f"{1000 * r['render'] / n:>8.1f} ms  {_mb(r['index']):>11}  {_mb(r['largest_page']):>12}  "
                  f"{_mb(r['md']):>10}  {_mb(r['reports']):>11}  {r['reports'] / n / 1e3:>8.1f} kB  "
                  f"{_mb(r['per_item']):>10}  {_mb(r['folder']):>10}", flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
