"""Cost of a run at corpus scale: wall time, peak memory and run-folder size.

Builds synthetic corpora of N copies of the embedded article (each copy a new
``doc_id`` with the same text and gold) and runs one system over each with
``python -m benchmark run``, in a fresh process per size.  Prints wall time,
peak resident memory (``ru_maxrss`` of the child, as ``/usr/bin/time -v``
reports it), the cost per article, and the run folder's size and largest file.

Run: ``python benchmarks/bench_corpus.py [--sizes 1 10 100 1000] [--system oracle]``.
Nothing is written inside the repository (corpora and runs go to a temporary
folder, removed at the end unless ``--keep``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def build_corpus(out: Path, n: int) -> Path:
    """``out`` holding N copies of the gold article under new doc ids."""
    (out / "gold").mkdir(parents=True)
    (out / "articles").mkdir()
    shutil.copy(DATA / "targets.json", out / "targets.json")
    (gold_file,) = sorted((DATA / "gold").glob("*.json"))
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    text = (DATA / gold["text_file"]).read_bytes()
    for i in range(n):
        doc_id = f"doc{i:05d}"
        (out / "articles" / f"{doc_id}.txt").write_bytes(text)
        gold.update(doc_id=doc_id, text_file=f"articles/{doc_id}.txt")
        (out / "gold" / f"{doc_id}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return out


def folder_size(path: Path) -> tuple[int, str, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    largest = max(files, key=lambda p: p.stat().st_size)
    return sum(p.stat().st_size for p in files), largest.name, largest.stat().st_size


def run_once(data_dir: Path, results: Path, system: str, extra: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``python -m benchmark run`` in a child process."""
    cmd = [sys.executable, "-m", "benchmark", "run", f"system={system}", f"paths.data_dir={data_dir}",
           f"paths.results_dir={results}", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"run failed ({res.returncode}):\n{res.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: sizes run in increasing order.
    return wall, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    ap.add_argument("--system", default="oracle")
    ap.add_argument("--keep", action="store_true", help="keep the corpora and run folders")
    ap.add_argument("extra", nargs="*", help="more Hydra overrides, e.g. scoring.n_resamples=1000")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    print(f"system={args.system}, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'articles':>8} {'wall s':>8} {'peak MiB':>9} {'ms/article':>11} {'folder MB':>10}  largest file")
    rows = []
    try:
        for n in sorted(args.sizes):
            data_dir = build_corpus(tmp / f"data-{n}", n)
            results = tmp / f"runs-{n}"
            wall, peak = run_once(data_dir, results, args.system, args.extra)
            (run_dir,) = [p for p in (results / args.system).iterdir() if p.is_dir()]
            size, largest, largest_size = folder_size(run_dir)
            rows.append((n, wall, peak))
            print(f"{n:>8} {wall:>8.1f} {peak:>9.0f} {1000 * wall / n:>11.1f} {size / 1e6:>10.1f}  "
                  f"{largest} ({largest_size / 1e6:.1f} MB)", flush=True)
        if len(rows) > 1:
            (n0, w0, _), (n1, w1, _) = rows[-2], rows[-1]
            print(f"scaling {n0}→{n1} articles: wall ×{w1 / w0:.2f} for ×{n1 / n0:.0f} articles")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
