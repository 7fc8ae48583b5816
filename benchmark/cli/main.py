"""Command-line entry point: ``python -m benchmark <command>``.

This is the only place that turns :class:`~benchmark.errors.BenchmarkError`
into a one-line message and exit code 2.  Heavy libraries (datasets, evaluate,
matplotlib, hydra) are imported inside the commands that need them so that
``--help``, ``list`` and ``validate`` start quickly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmark.errors import BenchmarkError

COMMANDS = {
    "run": "score systems on the gold (Hydra app: python -m benchmark run [overrides], -m for multirun)",
    "score": "score an external submission file: score PREDICTIONS.jsonl",
    "validate": "validate a submission file (JSON Lines, format v1) against the gold",
    "check-data": "validate the gold data (offsets, surface text, ids, references, checksums)",
    "list": "list tasks, systems and metrics with one line each",
    "report": "re-render report.md and report.html of a finished run folder",
    "leaderboard": "rank systems from run folders with CIs and paired significance",
    "publish": "build (and optionally upload) the Hub dataset and results folders",
    "export": "export the gold as a Hugging Face dataset folder (Parquet + card)",
    "agreement": "inter-annotator agreement between two annotation layers (default: the two raw passes)",
    "annotate": "Label Studio round trip: export tasks, import a review, print the labeling config, push/pull",
    "add-article": "add a new article: store its text, segment it, write an empty gold skeleton and its tasks",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmark",
        description="Arabic quote-attribution benchmark: gold data, systems, scoring, reports.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_ in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        if name in ("run",):
            sp.add_argument("overrides", nargs=argparse.REMAINDER, help="Hydra overrides")
        elif name in ("validate", "score"):
            sp.add_argument("path", help="predictions file (JSON Lines)")
            sp.add_argument("--data-dir", default=None, help="gold data folder (default: the packaged data/)")
            if name == "validate":
                sp.add_argument("--fuzzy-threshold", type=float, default=90.0,
                                help="rapidfuzz score (0-100) needed to align a text-only span (default 90)")
            if name == "score":
                sp.add_argument("--name", default=None, help="system name for the run folder (default: file stem)")
                sp.add_argument("--out", default="results/runs", help="where run folders go")
        elif name == "check-data":
            sp.add_argument("--data-dir", default=None)
            sp.add_argument("--layer", default="gold", help="gold, or passes/<annotator> for a raw pass")
        elif name == "report":
            sp.add_argument("run_dir", help="a finished run folder")
        elif name == "export":
            sp.add_argument("--out", default="results/hub/dataset", help="output folder")
            sp.add_argument("--data-dir", default=None)
        elif name == "agreement":
            sp.add_argument("--data-dir", default=None)
            sp.add_argument("--json", action="store_true", help="print JSON instead of a table")
            sp.add_argument("--a", default=None, metavar="LAYER",
                            help="reference layer: gold, passes/<name> or a folder of <doc_id>.json "
                                 "(default: passes/annotator_a)")
            sp.add_argument("--b", default=None, metavar="LAYER", help="compared layer (default: passes/annotator_b)")
        elif name == "annotate":
            from benchmark.cli.annotate import add_parsers

            add_parsers(sp)
        elif name == "add-article":
            from benchmark.cli.annotate import add_article_parser

            add_article_parser(sp)
        elif name == "leaderboard":
            sp.add_argument("--runs", default="results/runs", help="folder of run folders")
            sp.add_argument("--out", default="results", help="where leaderboard.{md,csv,json,html} go")
            sp.add_argument("--n-resamples", type=int, default=1000)
            sp.add_argument("--seed", type=int, default=12345)
        elif name == "publish":
            sp.add_argument("overrides", nargs=argparse.REMAINDER, help="hub.repo_id=… hub.results_repo_id=… hub.dry_run=…")
    return p


def _cmd_check_data(args: argparse.Namespace) -> int:
    from benchmark.gold.loading import default_data_dir
    from benchmark.gold.check import check_data

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    problems = check_data(data_dir, layer=args.layer)
    for pr in problems:
        print(f"error: {pr}", file=sys.stderr)
    if problems:
        print(f"check-data: {len(problems)} problem(s) in {data_dir / args.layer}", file=sys.stderr)
        return 1
    from benchmark.gold.loading import load_corpus

    everything = load_corpus(data_dir, layer=args.layer, include_unannotated=True)
    for d in everything.documents:
        note = " (unannotated: checked, not scored)" if d.status == "unannotated" else ""
        print(f"{d.doc_id}: {len(d.entities)} entities, {len(d.mentions)} mentions, "
              f"{len(d.quotes)} quotes, {len(d.stances)} stances, {len(d.segments)} segments{note}")
    n_open = sum(d.status == "unannotated" for d in everything.documents)
    if n_open == len(everything.documents):
        print(f"check-data: OK ({n_open} unannotated document(s), nothing to score yet)")
        return 0
    corpus = load_corpus(data_dir, layer=args.layer)
    extra = f", {n_open} unannotated" if n_open else ""
    print(f"check-data: OK ({len(corpus.documents)} annotated document(s){extra}, gold sha256 {corpus.sha256})")
    return 0


# command → (module, function), imported only when that command runs, so the
# start-up path of `--help`, `list` and `validate` stays free of heavy libraries.
_HANDLERS = {
    "validate": ("benchmark.cli.commands", "cmd_validate"),
    "score": ("benchmark.cli.commands", "cmd_score"),
    "list": ("benchmark.cli.commands", "cmd_list"),
    "report": ("benchmark.cli.commands", "cmd_report"),
    "export": ("benchmark.cli.commands", "cmd_export"),
    "agreement": ("benchmark.cli.commands", "cmd_agreement"),
    "annotate": ("benchmark.cli.annotate", "cmd_annotate"),
    "add-article": ("benchmark.cli.annotate", "cmd_add_article"),
    "leaderboard": ("benchmark.leaderboard", "cmd_leaderboard"),
    "publish": ("benchmark.publish", "cmd_publish"),
}


def _dispatch(args: argparse.Namespace, argv: list[str]) -> int:
    import importlib

    if args.command == "check-data":
        return _cmd_check_data(args)
    if args.command == "run":
        from benchmark.cli.run import run_cli

        return run_cli(args.overrides)
    module, function = _HANDLERS[args.command]
    return getattr(importlib.import_module(module), function)(args)


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    # Users of the command line need the message, not the source line that raised it.
    return f"warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (2 for user errors)."""
    import warnings

    warnings.formatwarning = _one_line_warning
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not argv:
        parser.print_help()
        return 0
    try:
        if argv[0] == "run" and not {"-h", "--help"} & set(argv[1:2]):
            # Hydra parses its own command line (overrides, -m, --cfg, hydra/launcher=…).
            from benchmark.cli.run import run_cli

            return run_cli(argv[1:])
        args = parser.parse_args(argv)
        return _dispatch(args, argv)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A path the user gave cannot be read or written (no such folder, permissions).
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2

