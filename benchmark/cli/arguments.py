"""The arguments of each command, one function a command (the table :data:`ARGUMENTS`).

``run`` and ``publish`` take Hydra-style ``key=value`` overrides; every other
command is plain argparse.  Output folders are checked when a command runs
(:mod:`benchmark.common.outpaths`), not here.
"""

from __future__ import annotations

import argparse
from typing import Callable

_DATA_DIR_HELP = "gold data folder (default: the packaged data/)"


def _overrides(sp: argparse.ArgumentParser, help_: str) -> None:
    sp.add_argument("overrides", nargs=argparse.REMAINDER, help=help_)


def _limits(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--max-file-mb", type=float, default=None,
                    help="refuse a larger file (default 64; config: scoring.limits.max_file_mb)")
    sp.add_argument("--max-items", type=int, default=None,
                    help="refuse a document line with more items (default 5000; scoring.limits.max_items)")
    sp.add_argument("--max-string-chars", type=int, default=None,
                    help="refuse a longer string (default 20000; scoring.limits.max_string_chars)")


def _validate(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("path", help="predictions file (JSON Lines)")
    sp.add_argument("--data-dir", default=None, help=_DATA_DIR_HELP)
    sp.add_argument("--fuzzy-threshold", type=float, default=90.0,
                    help="rapidfuzz score (0-100) needed to align a text-only span (default 90)")
    _limits(sp)


def _score(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("path", help="predictions file (JSON Lines)")
    sp.add_argument("--data-dir", default=None, help=_DATA_DIR_HELP)
    _limits(sp)
    sp.add_argument("--name", default=None, help="system name for the run folder (default: file stem)")
    sp.add_argument("--out", default="results/runs", help="where run folders go")


def _check_data(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--data-dir", default=None)
    sp.add_argument("--layer", default="gold", help="gold, or passes/<annotator> for a raw pass")


def _report(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("run_dir", help="a finished run folder")


def _merge_shards(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("shards", nargs="+", metavar="SHARD_DIR",
                    help="shard folders, or a folder holding them (<results_dir>/.shards/<system>/<hash>)")
    sp.add_argument("--out", default="results/runs", help="where the joined run folder goes (default: %(default)s)")
    sp.add_argument("--data-dir", default=None,
                    help="gold data folder (default: the shards' paths.data_dir, else the packaged data/)")


def _export(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--out", default="results/hub/dataset", help="output folder")
    sp.add_argument("--data-dir", default=None)


def _agreement(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--data-dir", default=None)
    sp.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sp.add_argument("--a", default=None, metavar="LAYER",
                    help="reference layer: gold, passes/<name> or a folder of <doc_id>.json "
                         "(default: passes/annotator_a)")
    sp.add_argument("--b", default=None, metavar="LAYER", help="compared layer (default: passes/annotator_b)")


def _annotate(sp: argparse.ArgumentParser) -> None:
    from benchmark.cli.annotate import add_parsers

    add_parsers(sp)


def _add_article(sp: argparse.ArgumentParser) -> None:
    from benchmark.cli.annotate import add_article_parser

    add_article_parser(sp)


def _leaderboard(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--runs", default="results/runs", help="folder of run folders")
    sp.add_argument("--out", default="results",
                    help="where leaderboard.{md,csv,json,html} go (git-ignored under results/)")
    sp.add_argument("--n-resamples", type=int, default=1000)
    sp.add_argument("--seed", type=int, default=12345)
    sp.add_argument("--data-dir", default=None,
                    help="gold data folder the runs were made on (default: the one their config.yaml "
                         "records, else the packaged data/; runs naming several folders are refused "
                         "unless this chooses one)")


def _inputs(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--task", action="append", default=None, metavar="TASK",
                    help="task(s) whose inputs to write (repeat or comma-separate; default: all tasks)")
    sp.add_argument("--out", default=None, help="output file (default: standard output)")
    sp.add_argument("--data-dir", default=None)


def _nothing(sp: argparse.ArgumentParser) -> None:
    pass


ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "run": lambda sp: _overrides(sp, "Hydra overrides"),
    "score": _score,
    "validate": _validate,
    "check-data": _check_data,
    "list": _nothing,
    "report": _report,
    "merge-shards": _merge_shards,
    "leaderboard": _leaderboard,
    "publish": lambda sp: _overrides(sp, "hub.repo_id=… hub.results_repo_id=… hub.dry_run=…"),
    "export": _export,
    "agreement": _agreement,
    "inputs": _inputs,
    "annotate": _annotate,
    "add-article": _add_article,
}
"""Command → the function adding its arguments (every command of ``COMMANDS`` has one)."""
