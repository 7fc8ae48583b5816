"""Small command implementations behind :mod:`benchmark.cli.main`.

Each returns an exit code and raises :class:`~benchmark.errors.BenchmarkError`
for user errors (the CLI prints them without a traceback, exit code 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmark.errors import InputError


def _corpus(data_dir: str | None):
    from benchmark.gold.check import load_checked_corpus

    return load_checked_corpus(data_dir)


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate PREDICTIONS.jsonl``: check a submission against the gold."""
    from benchmark.submission.report import validate_file

    report = validate_file(Path(args.path), corpus=_corpus(args.data_dir), fuzzy_threshold=args.fuzzy_threshold)
    print(report.summary())
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """``score PREDICTIONS.jsonl``: run the harness with system=predictions."""
    from benchmark.cli.run import run_cli

    path = Path(args.path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    label = args.name or path.stem
    overrides = ["system=predictions", f"system.path={hydra_quote(str(path))}",
                 f"system.label={hydra_quote(label)}", f"paths.results_dir={hydra_quote(args.out)}"]
    if args.data_dir:
        overrides.append(f"paths.data_dir={hydra_quote(args.data_dir)}")
    return run_cli(overrides)


def hydra_quote(value: str) -> str:
    r"""A Hydra override value that stays one string whatever it contains.

    >>> print(hydra_quote("runs/it's,mine.jsonl"))
    'runs/it\'s,mine.jsonl'
    """
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def cmd_list(args: argparse.Namespace) -> int:
    """``list``: tasks, systems and metrics, one line each."""
    from benchmark.systems.registry import systems
    from benchmark.tasks.registry import TASKS

    SYSTEMS = systems()

    print("tasks:")
    for name in TASKS.names():
        print(f"  {name:<12} {TASKS.help(name)}")
    print("systems:")
    for name in SYSTEMS.names():
        print(f"  {name:<12} {SYSTEMS.help(name)}")
    print(f"  {'predictions':<12} reads a submission file: system=predictions system.path=FILE")
    print("metrics:")
    for task in TASKS.names():
        for spec in TASKS.get(task).metrics:
            print(f"  {task + ':' + spec.name:<48} {spec.help}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``report RUN_DIR``: re-render the reports of a finished run."""
    from benchmark.report import render_run_dir

    run_dir = Path(args.run_dir)
    if not (run_dir / "metrics.json").exists():
        raise InputError("not a finished run folder (no metrics.json)", file=str(run_dir))
    for path in render_run_dir(run_dir):
        print(f"wrote {path}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """``agreement [--a LAYER --b LAYER]``: inter-annotator agreement of two layers.

    A layer is ``gold``, ``passes/<name>`` under the data folder, or any folder
    of ``<doc_id>.json`` files (say two reviewers' ``annotate import``s); the
    default is the two raw passes.
    """
    import json

    from benchmark.gold.loading import PASSES, default_data_dir, load_corpus, load_passes
    from benchmark.scoring.agreement import agreement_table, compute_agreement

    if args.a is None and args.b is None:
        agr = compute_agreement(*load_passes(args.data_dir))
    else:
        data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
        layers = [args.a or PASSES[0], args.b or PASSES[1]]
        for layer in layers:
            if not (data_dir / layer).is_dir():
                raise InputError(f"no layer folder {layer!r} (give gold, passes/<name> or a folder of <doc_id>.json)",
                                 file=str(data_dir / layer))
        agr = compute_agreement(*(load_corpus(data_dir, layer=layer) for layer in layers))
    if args.json:
        print(json.dumps(agr, indent=2, sort_keys=True))
    else:
        print(agreement_table(agr), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the gold as a Hugging Face dataset folder (Parquet + card)."""
    from benchmark.gold.loading import default_data_dir, load_corpus
    from benchmark.publish.dataset_card import dataset_card
    from benchmark.publish.export import build_dataset_folder
    from benchmark.publish.guard import check_export_out

    check_export_out(Path(args.out))  # refuse a foreign --out before the (slower) gold load
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    corpus = load_corpus(data_dir)
    card = dataset_card(corpus, data_dir=data_dir)
    counts = build_dataset_folder(corpus, Path(args.out), card=card)
    for name, n in counts.items():
        print(f"{name:<12} {n:>5} rows")
    print(f"wrote {args.out}")
    return 0
