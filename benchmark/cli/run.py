"""``python -m benchmark run``: the Hydra application.

A real ``@hydra.main`` app: every Hydra flag (``--cfg job``, ``--info``,
``-m`` multirun, ``--config-dir`` …) and launcher works unchanged.  Before
Hydra runs anything, :mod:`benchmark.cli.precheck` parses the command line as
Hydra does and checks every job it would run, so an unknown name or key gets
"Unknown system 'rulez'. Did you mean 'rules'? …" and exit code 2 instead of
Hydra's composition error halfway through a sweep.
"""

from __future__ import annotations

import re
import sys
from importlib import resources

from benchmark.cli.output import report_error
from benchmark.errors import BenchmarkError

CONFIG_PACKAGE = "benchmark.configs"
GROUPS = ("task", "system", "scoring", "report", "paths")


def group_options(group: str) -> list[str]:
    """Choices of a config group: ``configs/<group>/*.yaml``, plus plugin systems for ``system``."""
    root = resources.files(CONFIG_PACKAGE) / group
    names = {p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")}
    if group == "system":
        from benchmark.systems.registry import plugin_names

        names.update(plugin_names())
    return sorted(names)


def _main(cfg) -> None:
    """The Hydra task function: one job = one system (or all of them)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode
    from omegaconf import OmegaConf

    from benchmark.gold.check import load_checked_corpus
    from benchmark.harness.config import to_run_config

    try:
        run_cfg = to_run_config(cfg)
        overrides = list(HydraConfig.get().overrides.task)
        resolved = OmegaConf.to_container(cfg, resolve=True)
        corpus = load_checked_corpus(run_cfg.data_dir)
        outcomes, skipped = [], []
        with _progress(len(run_cfg.systems), tasks=len(run_cfg.tasks)) as advance:
            if len(run_cfg.systems) == 1:  # asked for this system by name: NothingToRun is a user error
                outcomes.append(_run_one(run_cfg.systems[0], corpus, run_cfg, overrides=overrides,
                                         resolved=resolved, progress=advance.describe))
                advance.step()
            else:
                for spec, end in zip(run_cfg.systems, _run_all(run_cfg, corpus, resolved, overrides, advance)):
                    if end.error is not None:
                        raise SystemExit(end.error)  # reported where it happened
                    if end.skipped:
                        skipped.append(f"{spec.display} (supports none of: {', '.join(run_cfg.tasks)})")
                    else:
                        outcomes.append(end.outcome)
        if HydraConfig.get().mode == RunMode.MULTIRUN:
            outcomes = [with_job_label(o, overrides) for o in outcomes]
        print(comparison_table(outcomes, confidence=run_cfg.scoring.confidence))
        for o in outcomes:
            print(f"{o.label}: {o.run_dir}")
            if o.shard is not None:
                print(f"{o.shard.text}; once every shard is done: python -m benchmark merge-shards {o.run_dir.parent}")
        for note in skipped:
            print(f"skipped {note}")
    except (BenchmarkError, OSError) as exc:
        # Hydra would print a traceback for anything escaping the task function.
        raise SystemExit(report_error(exc)) from None


_HELPER = None
"""The :class:`~benchmark.cli.side_by_side.Helper` :func:`run_cli` started for this run, if any."""


def _run_all(run_cfg, corpus, resolved, overrides, advance):
    """Every system of ``system=all`` (or a list): side by side on a small corpus, else one after the other."""
    from benchmark.cli.side_by_side import run_systems, side_by_side
    from benchmark.systems.registry import cost_hint

    wanted = side_by_side(run_cfg.scoring.workers, n_systems=len(run_cfg.systems),
                          n_documents=len(corpus.documents)) and run_cfg.shard is None
    helper = _HELPER if wanted else None

    def run_one(spec, predicted=None):
        return _run_one(spec, corpus, run_cfg, overrides=overrides, progress=advance.describe, predicted=predicted,
                        resolved={**resolved, "system": {"name": spec.name, **dict(spec.options)}})

    return run_systems(run_cfg.systems, run_one, helper=helper, job=lambda spec: (spec, corpus, run_cfg.tasks),
                       costs=[cost_hint(spec.name) for spec in run_cfg.systems], done=advance.step)


def _helper_for(argv: list[str]):
    """A helper started now, before Hydra, when ``argv`` may run the default systems side by side; else ``None``.

    Only a plain command line (``key=value`` overrides, no flags) that keeps
    ``system=all`` and does not ask for one process; the helper imports the
    slow built-in systems' libraries.  Whether it is used is decided once
    the config is composed (:func:`_run_all`); unused, it is stopped.
    """
    values = dict(a.split("=", 1) for a in argv if "=" in a)
    if any(a.startswith("-") or "=" not in a for a in argv) or values.get("system", "all") != "all" or \
            values.get("scoring.workers") == "1":
        return None
    from benchmark.cli.side_by_side import start_helper
    from benchmark.systems.registry import warm_up

    return start_helper(warm_up())


def _run_one(spec, corpus, run_cfg, *, overrides, resolved, progress, predicted=None):
    """Predict and score (harness), render the reports (report), then write the folder (harness)."""
    from benchmark.cli.finish import render_and_finish
    from benchmark.harness.runner import run_system
    from benchmark.harness.shards import shard_corpus

    pending = run_system(spec, corpus, run_cfg, overrides=overrides, argv=["run", *sys.argv[1:]],
                         resolved_config=resolved, progress=progress, predicted=predicted)
    if run_cfg.shard is not None:  # a shard's reports show its own documents
        corpus = shard_corpus(corpus, run_cfg.shard)
    return render_and_finish(pending, corpus, run_cfg.report, progress, workers=run_cfg.scoring.workers)


_SHOWN_IN_ROW = ("system=", "system.label=", "task=", "task.names=", "paths.", "hydra.", "hydra/")
"""Overrides a table row shows already (system, task) or that name no setting of the scores."""


def job_label(overrides) -> str:
    """What tells one sweep job's rows apart: its overrides, less those the row shows already.

    >>> job_label(["system=sklearn", "task=stance", "seed=3", "paths.results_dir=out", "scoring.n_resamples=50"])
    'seed=3 scoring.n_resamples=50'
    """
    return " ".join(o for o in overrides if not o.lstrip("+~").startswith(_SHOWN_IN_ROW))


def with_job_label(outcome, overrides):
    """``outcome`` with its sweep job's overrides after its label: ``sklearn [seed=3]``."""
    from dataclasses import replace

    job = job_label(overrides)
    return replace(outcome, label=f"{outcome.label} [{job}]") if job else outcome


def comparison_table(outcomes, *, confidence: float = 0.95, width: int | None = None,
                     colour: bool | None = None) -> str:
    """One row per (system, task) with the main metric, as wide as the terminal (80 columns when piped).

    The interval column is headed with the run's configured ``confidence``.
    Numbers are right-aligned.  When the metric names do not fit, they move
    out of the table into a list of each task's main metric below it.
    Colour only on an interactive terminal without ``NO_COLOR``.
    """
    from benchmark.cli.terminal import new_table, render, table_width, terminal_width, wants_colour
    from benchmark.report.fmt import ci_text, value_text

    width = terminal_width() if width is None else width
    colour = wants_colour() if colour is None else colour
    ci_head = f"{100 * confidence:g}% CI"
    rows, mains = [], {}
    for o in outcomes:
        for task, ms in o.metrics.items():
            m = ms[0]
            mains.setdefault(task, m["name"])
            rows.append((o.label + ("" if o.ranked else " (not ranked)"), task, m["name"], value_text(m), ci_text(m)))
    full = new_table(("system", "left"), ("task", "left"), ("main metric", "left"), ("value", "right"),
                     (ci_head, "right"), colour=colour)
    for r in rows:
        full.add_row(*r)
    if table_width(full) <= width:
        return render(full, width=width, colour=colour)
    short = new_table(("system", "left"), ("task", "left"), ("value", "right"), (ci_head, "right"), colour=colour)
    for system, task, _, value, ci in rows:
        short.add_row(system, task, value, ci)
    notes = ["", "main metric of each task:"] + [f"  {task}: {name}" for task, name in mains.items()]
    return render(short, width=width, colour=colour) + "\n" + "\n".join(notes)


class _NullProgress:
    def describe(self, text: str) -> None:
        pass

    def step(self) -> None:
        pass


_ITEMS = re.compile(r"\((\d+)/(\d+) items\)")


class _Tracker:
    """Turns the harness's stage messages into progress.

    The harness reports ``"<system>: predicting"``, ``"<system>: scoring
    <task>"`` and ``"<system>: writing reports"``; a model-backed system
    adds ``"(<done>/<total> items)"`` while it predicts.  Each system counts
    ``tasks + 2`` stages (predict, score each task, report), so the bar moves
    within a system, not only between systems; a system that skips tasks it
    does not support jumps to its end when it finishes.
    """

    def __init__(self, bar, n_systems: int, tasks: int) -> None:
        self.bar, self.n_systems, self.per_system = bar, n_systems, tasks + 2
        self.system = 0
        self.stages = 0
        self.last = ""
        self.main = bar.add_task("", total=n_systems * self.per_system)
        self.items = bar.add_task("", total=1, visible=False)

    def describe(self, text: str) -> None:
        items = _ITEMS.search(text)
        stage = _ITEMS.sub("", text).strip()
        if stage != self.last:
            if self.last and self.stages < self.per_system - 1:
                self.stages += 1
            self.last = stage
            self.bar.update(self.items, visible=False)
        self.bar.update(self.main, completed=self.system * self.per_system + self.stages,
                        description=f"[{self.system + 1}/{self.n_systems}] {stage}")
        if items:
            done, total = int(items.group(1)), int(items.group(2))
            self.bar.update(self.items, completed=done, total=max(total, 1), visible=True,
                            description=f"      items {done}/{total}")

    def step(self) -> None:
        self.system += 1
        self.stages, self.last = 0, ""
        self.bar.update(self.items, visible=False)
        self.bar.update(self.main, completed=self.system * self.per_system)


class _progress:
    """A rich progress bar of systems, stages and items on a terminal; silent when stderr is not one."""

    def __init__(self, total: int, *, tasks: int = 1) -> None:
        self.total, self.tasks = total, tasks
        self.bar = None

    def __enter__(self):
        if not sys.stderr.isatty():
            return _NullProgress()
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from benchmark.cli.terminal import wants_colour

        console = Console(stderr=True, no_color=not wants_colour(sys.stderr))
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True)
        self.bar.start()
        return _Tracker(self.bar, self.total, self.tasks)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_cli(argv: list[str]) -> int:
    """Entry point used by ``python -m benchmark run`` (and ``benchmark -sc …`` for shell completion)."""
    global _HELPER
    _HELPER = _helper_for(argv)  # first: it imports the slow systems' libraries while Hydra starts
    try:
        return _run_cli(argv)
    finally:
        helper, _HELPER = _HELPER, None
        if helper is not None:
            helper.close()


def _run_cli(argv: list[str]) -> int:
    import hydra

    from benchmark.cli.precheck import VERSION_BASE, parse_run_args, precheck
    from benchmark.cli.launchers import check_launcher
    from benchmark.cli.single_run import compose_single_run, run_composed
    from benchmark.harness.config import register_schema

    register_schema()
    try:
        args = parse_run_args(argv)
        composed = compose_single_run(args)  # the usual command: its config composed once, checked, run on
        if composed is None:
            precheck(args)
            check_launcher(argv)  # a sweep launcher that is not installed: name the extra that brings it
    except BenchmarkError as exc:
        return report_error(exc)
    except SystemExit as exc:  # argparse: usage error (2) or --version (0)
        return exc.code if isinstance(exc.code, int) else 2
    if composed is not None:
        return _with_argv(argv, lambda: run_composed(*composed, _main))
    if args.shell_completion:
        _completion_line()
    if args.info is not None:
        import logging

        # --info prints through logging: output piped into `head` must not end in logging's tracebacks.
        logging.raiseExceptions = False
    app = hydra.main(version_base=VERSION_BASE, config_path=f"pkg://{CONFIG_PACKAGE}", config_name="run")(_main)
    return _with_argv(argv, app)


def _with_argv(argv: list[str], app) -> int:
    """Exit code of ``app()`` run with ``sys.argv`` set to the command line (Hydra and the manifest read it)."""
    saved = sys.argv
    # argv[0] is the installed command: Hydra's shell-completion script registers it.
    sys.argv = ["benchmark", *argv]
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = saved
    return 0


def _completion_line() -> None:
    """Drop the ``run`` word from the line bash completes, so Hydra sees ``benchmark <overrides>``."""
    import os
    import re

    line = os.environ.get("COMP_LINE")
    if line is not None:
        os.environ["COMP_LINE"] = re.sub(r"^(\s*\S+)\s+run(\s|$)", r"\1\2", line, count=1)
