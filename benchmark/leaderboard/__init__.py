"""``python -m benchmark leaderboard``: rank systems from their run folders.

Stages, each in its own module:

* :mod:`.corpus` decides which corpus the runs are ranked against
  (``--data-dir``, else the one the runs recorded; several are refused);
* :mod:`.collect` finds run folders, reads them and keeps, per (system,
  task), the newest run against that corpus's current gold; other runs are *stale*;
* :mod:`.rank` ranks each task's systems with paired significance tests
  against the best and forms rank groups (the exact rule is there);
* :mod:`.render`, :mod:`.html` and :mod:`.chart` write
  ``leaderboard.{md,csv,json,html}``, deterministic and atomically replaced.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> lb = build_leaderboard(root, gold_sha256="0" * 64, n_resamples=10, seed=1)
>>> [p.name for p in write_leaderboard(lb, out_dir=root / "out")]
['leaderboard.md', 'leaderboard.csv', 'leaderboard.json', 'leaderboard.html']
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmark.common.atomic import write_text_atomic
from benchmark.errors import ConfigError
from benchmark.leaderboard.collect import Run, Selection, collect
from benchmark.leaderboard.rank import AR_TRIALS, ItemStatsFn, TaskBoard, rank_task, task_item_stats
from benchmark.leaderboard.render import Leaderboard, render_csv, render_json, render_markdown

__all__ = ["Leaderboard", "Run", "Selection", "TaskBoard", "build_leaderboard", "cmd_leaderboard",
           "write_leaderboard"]


def _task_order(tasks: list[str]) -> list[str]:
    """Tasks in registry order (as ``list`` shows them), unknown ones after, sorted."""
    try:
        from benchmark.tasks.registry import TASKS

        known = TASKS.names()
    except ImportError:  # pragma: no cover - the registry is part of the package
        known = []
    return sorted(tasks, key=lambda t: (known.index(t) if t in known else len(known), t))


def build_leaderboard(
    runs_dir: Path | str,
    *,
    gold_sha256: str,
    n_resamples: int = 1000,
    seed: int = 12345,
    ar_trials: int = AR_TRIALS,
    item_stats: ItemStatsFn = task_item_stats,
) -> Leaderboard:
    """Read the run folders under ``runs_dir`` and rank every task.

    Parameters
    ----------
    runs_dir : path
        A folder of run folders (``results/runs``), a system's folder, or one run folder.
    gold_sha256 : str
        Checksum of the current gold; runs with another checksum are stale.
    n_resamples, seed : int
        Paired bootstrap resamples and seed (the AR test uses the same seed).
    ar_trials : int
        Approximate randomization trials.
    item_stats : callable
        ``(task, metric, rows) → ItemStats``; the task registry's by default.
    """
    for name, value in (("n_resamples", n_resamples), ("ar_trials", ar_trials)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"must be a positive integer, got {value!r}", field=name)
    runs_dir = Path(runs_dir)
    selection = collect(runs_dir, gold_sha256=gold_sha256)
    boards = tuple(
        rank_task(task, selection.runs_for(task), n_resamples=n_resamples, seed=seed, ar_trials=ar_trials,
                  item_stats=item_stats)
        for task in _task_order(selection.tasks())
    )
    return Leaderboard(gold_sha256, runs_dir, n_resamples, seed, ar_trials, boards, selection)


def write_leaderboard(lb: Leaderboard, *, out_dir: Path | str) -> list[Path]:
    """Render all four files into ``out_dir``; return their paths (md, csv, json, html)."""
    from benchmark.leaderboard.html import render_html

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        "leaderboard.md": render_markdown(lb, out_dir),
        "leaderboard.csv": render_csv(lb, out_dir),
        "leaderboard.json": render_json(lb, out_dir),
        "leaderboard.html": render_html(lb, out_dir),
    }
    paths = []
    for name, text in texts.items():  # everything is rendered before anything is replaced
        write_text_atomic(out_dir / name, text)
        paths.append(out_dir / name)
    return paths


def cmd_leaderboard(args) -> int:
    """CLI entry: ``--runs``, ``--out``, ``--n-resamples``, ``--seed``, ``--data-dir``.

    The gold to rank against is that of ``--data-dir`` when given, else of the
    corpus the runs recorded in their ``config.yaml`` (:mod:`.corpus`); runs
    made on different corpora are refused rather than mixed.
    """
    from benchmark.leaderboard.collect import find_run_dirs
    from benchmark.leaderboard.corpus import choose_corpus

    runs_dir = Path(args.runs)
    choice = choose_corpus(find_run_dirs(runs_dir), data_dir=getattr(args, "data_dir", None), root=runs_dir)
    lb = build_leaderboard(runs_dir, gold_sha256=choice.corpus.sha256, n_resamples=args.n_resamples, seed=args.seed)
    print(f"corpus: {choice.how}; gold {choice.corpus.sha256[:12]}")
    for path in write_leaderboard(lb, out_dir=args.out):
        print(f"wrote {path}")
    for board in lb.boards:
        top = [r.label for r in board.rows if r.rank == 1]
        print(f"{board.task}: {len(board.rows)} ranked system(s); rank 1: {', '.join(top) or 'none'}")
    sel = lb.selection
    if sel.stale:
        print(f"{len(sel.stale)} stale run(s) (scored against another gold: an older version or another corpus) "
              "listed, not ranked")
    for path, why in sel.skipped:
        print(f"warning: skipped {path}: {why}", file=sys.stderr)
    return 0
