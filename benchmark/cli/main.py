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

from benchmark.cli.arguments import ARGUMENTS
from benchmark.cli.output import report_error
from benchmark.common.redact import redacting_output
from benchmark.errors import BenchmarkError

COMMANDS = {
    "run": "score systems on the gold (Hydra app: python -m benchmark run [overrides], -m for multirun)",
    "score": "score an external submission file: score PREDICTIONS.jsonl",
    "validate": "validate a submission file (JSON Lines, format v1) against the gold",
    "check-data": "validate the gold data (offsets, surface text, ids, references, checksums)",
    "list": "list tasks, systems and metrics with one line each",
    "report": "re-render report.md and report.html of a finished run folder",
    "merge-shards": "join the shards of a sharded run (shard.index/shard.count) into one run folder",
    "leaderboard": "rank systems from run folders with CIs and paired significance",
    "publish": "build (and optionally upload) the Hub dataset and results folders",
    "export": "export the gold as a Hugging Face dataset folder (Parquet + card)",
    "agreement": "inter-annotator agreement between two annotation layers (default: the two raw passes)",
    "inputs": "write what each task gives a system (text, segments, gold quote spans, stance pairs) as JSON Lines",
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
        ARGUMENTS[name](sub.add_parser(name, help=help_, description=help_))
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
        return 2  # bad input data, like every other user error
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
    "merge-shards": ("benchmark.cli.commands", "cmd_merge_shards"),
    "export": ("benchmark.cli.commands", "cmd_export"),
    "agreement": ("benchmark.cli.commands", "cmd_agreement"),
    "annotate": ("benchmark.cli.annotate", "cmd_annotate"),
    "add-article": ("benchmark.cli.annotate", "cmd_add_article"),
    "leaderboard": ("benchmark.leaderboard", "cmd_leaderboard"),
    "publish": ("benchmark.publish", "cmd_publish"),
    "inputs": ("benchmark.cli.commands", "cmd_inputs"),
}

# Output options refused when they name a system directory (/, /etc, ~ …):
# folders as given, files by their folder.
_OUT_DIRS = {"leaderboard": "--out", "export": "--out", "score": "--out"}
_OUT_FILES = {"inputs": "--out"}


def _check_outputs(args: argparse.Namespace) -> None:
    from benchmark.common.outpaths import check_output_dir, check_output_file

    out = getattr(args, "out", None)
    if out is None:
        return
    if args.command in _OUT_DIRS:
        check_output_dir(out, option=_OUT_DIRS[args.command])
    elif args.command in _OUT_FILES:
        check_output_file(out, option=_OUT_FILES[args.command])


def _dispatch(args: argparse.Namespace, argv: list[str]) -> int:
    import importlib

    if args.command == "check-data":
        return _cmd_check_data(args)
    if args.command == "run":
        from benchmark.cli.run import run_cli

        return run_cli(args.overrides)
    _check_outputs(args)
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
    # Every line printed (ours, Hydra's, a warning) is redacted: no credential reaches the terminal.
    with redacting_output():
        try:
            if argv[0] == "run" or argv[0] in ("-sc", "--shell-completion"):
                # Hydra parses its own command line (overrides, -m, --cfg, --help, hydra/launcher=…);
                # bash completion of `benchmark run …` calls `benchmark -sc query=bash`.
                from benchmark.cli.run import run_cli

                return run_cli(argv[1:] if argv[0] == "run" else argv)
            args = parser.parse_args(argv)
            return _dispatch(args, argv)
        except (BenchmarkError, KeyboardInterrupt, OSError) as exc:
            # Ctrl-C, a path the user gave that cannot be read or written, output
            # piped into `head`: one line and an exit code, never a traceback.
            return report_error(exc)
