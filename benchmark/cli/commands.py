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


LIMIT_FLAGS = ("max_file_mb", "max_items", "max_string_chars")
"""``--max-file-mb`` etc. of ``validate`` and ``score`` (:class:`~benchmark.submission.limits.SubmissionLimits`)."""


def _limits(args: argparse.Namespace):
    from benchmark.submission.limits import SubmissionLimits

    given = {k: getattr(args, k) for k in LIMIT_FLAGS if getattr(args, k, None) is not None}
    return SubmissionLimits(**given)


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate PREDICTIONS.jsonl``: check a submission against the gold, listing every problem."""
    import sys

    from benchmark.submission.report import validate_file

    limits = _limits(args)
    report = validate_file(Path(args.path), corpus=_corpus(args.data_dir), fuzzy_threshold=args.fuzzy_threshold,
                           limits=limits)
    if report.valid:
        print(report.summary())
        return 0
    for row in report.problem_lines():
        print(f"error: {row}", file=sys.stderr)
    print(f"validate: {report.n_problems} problem(s) in {args.path}", file=sys.stderr)
    return 2


def cmd_score(args: argparse.Namespace) -> int:
    """``score PREDICTIONS.jsonl``: run the harness with system=predictions."""
    from benchmark.cli.run import run_cli

    from benchmark.common.outpaths import check_output_dir
    from benchmark.harness.config import check_label, label_from_stem

    # Checked before the file: a bad --name or --out is refused whatever the file holds.
    label = check_label(args.name, field="--name") if args.name is not None else None
    check_output_dir(args.out, option="--out")
    path = Path(args.path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    label = label or label_from_stem(path.stem)
    overrides = ["system=predictions", f"system.path={hydra_quote(str(path))}",
                 f"system.label={hydra_quote(label)}", f"paths.results_dir={hydra_quote(args.out)}"]
    if args.data_dir:
        overrides.append(f"paths.data_dir={hydra_quote(args.data_dir)}")
    limits = _limits(args)  # checked here, so a bad value is refused before Hydra starts
    overrides += [f"scoring.limits.{k}={getattr(limits, k)}" for k in LIMIT_FLAGS if getattr(args, k, None) is not None]
    return run_cli(overrides)


def hydra_quote(value: str) -> str:
    r"""A Hydra override value that stays this one string whatever it contains (never an interpolation).

    Two levels of escaping: OmegaConf reads ``${`` as an interpolation unless
    it is escaped (``\${``, a backslash before it doubled); Hydra's quoted
    strings unescape backslashes only before a quote and at the end.

    >>> print(hydra_quote("runs/it's,mine.jsonl"))
    'runs/it\'s,mine.jsonl'
    >>> print(hydra_quote("${oc.env:HOME}.jsonl"))
    '\${oc.env:HOME}.jsonl'
    """
    import re

    omega = re.sub(r"(\\*)\$\{", lambda m: m.group(1) * 2 + "\\${", value)
    return "'" + re.sub(r"(\\*)('|$)", lambda m: m.group(1) * 2 + ("\\'" if m.group(2) else ""), omega) + "'"


def cmd_list(args: argparse.Namespace) -> int:
    """``list``: tasks, systems and metrics, one row each, as wide as the terminal (or ``COLUMNS``)."""
    from benchmark.cli.terminal import new_table, render, terminal_width, wants_colour
    from benchmark.systems.registry import systems
    from benchmark.tasks.registry import TASKS

    registry = systems()
    width, colour = terminal_width(), wants_colour()
    sections = {
        "tasks": [(name, TASKS.help(name)) for name in TASKS.names()],
        "systems": [(name, registry.help(name)) for name in registry.names()]
        + [("predictions", "reads a submission file: system=predictions system.path=FILE")],
        "metrics": [(f"{task}:{spec.name}", spec.help) for task in TASKS.names() for spec in TASKS.get(task).metrics],
    }
    for title, rows in sections.items():
        table = new_table((title[:-1], "left"), ("description", "left"), colour=colour)
        table.columns[0].no_wrap = True  # names are what one types: never broken
        for row in rows:
            table.add_row(*row)
        print(f"{title}:")
        print(render(table, width=width, colour=colour))
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
    from benchmark.publish.parquet import layer_datasets

    check_export_out(Path(args.out))  # refuse a foreign --out before the (slower) gold load
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    corpus = load_corpus(data_dir)
    tables = layer_datasets(corpus)
    card = dataset_card(corpus, data_dir=data_dir, tables=tables)
    counts = build_dataset_folder(corpus, Path(args.out), card=card, data_dir=data_dir, tables=tables)
    for name, n in counts.items():
        print(f"{name:<12} {n:>5} rows")
    print(f"wrote {args.out}")
    return 0


def cmd_inputs(args: argparse.Namespace) -> int:
    """``inputs``: what each task gives a system, as JSON Lines (one document a line, no answers)."""
    import json
    import sys

    from benchmark.common.atomic import write_text_atomic
    from benchmark.tasks.inputs import input_to_json, make_input
    from benchmark.tasks.registry import TASKS

    tasks = [t for arg in (args.task or TASKS.names()) for t in arg.split(",") if t]
    for t in tasks:
        TASKS.get(t)  # unknown task: did-you-mean, exit code 2
    corpus = _corpus(args.data_dir)
    text = "".join(json.dumps(input_to_json(make_input(d, corpus.targets, tasks=tasks)), ensure_ascii=False,
                              sort_keys=True) + "\n" for d in corpus.documents)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_text_atomic(args.out, text)
    print(f"wrote {args.out}: {len(corpus.documents)} document(s), inputs of {', '.join(tasks)}", file=sys.stderr)
    return 0


def cmd_merge_shards(args: argparse.Namespace) -> int:
    """``merge-shards SHARD_DIR…``: join the shards of one sharded run into one run folder."""
    import sys

    from benchmark.cli.finish import render_and_finish
    from benchmark.cli.run import comparison_table
    from benchmark.harness.merge import find_shard_dirs, merge_shards, read_shard, run_config_of
    from benchmark.harness.runner import undefined_note

    shards = [read_shard(d) for d in find_shard_dirs([Path(p) for p in args.shards])]
    cfg = run_config_of(shards[0])
    corpus = _corpus(args.data_dir or cfg.data_dir)
    argv = ["merge-shards", *args.shards, "--out", args.out, *(["--data-dir", args.data_dir] if args.data_dir else [])]
    pending, undefined = merge_shards(shards, corpus, cfg, out_dir=Path(args.out), argv=argv)
    note = undefined_note(pending.label, undefined)
    if note:
        print(f"warning: {note}", file=sys.stderr)
    outcome = render_and_finish(pending, corpus, cfg.report, workers=cfg.scoring.workers)
    print(comparison_table([outcome]))
    print(f"{outcome.label}: {outcome.run_dir} (joined from {len(shards)} shards, "
          f"{len(corpus.documents)} documents)")
    return 0
