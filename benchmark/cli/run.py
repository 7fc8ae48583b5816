"""``python -m benchmark run``: the Hydra application.

A real ``@hydra.main`` app, so ``-m`` multirun and launchers
(``hydra/launcher=joblib``, submitit for SLURM, ray) work unchanged.  Group
selections are checked *before* Hydra composes the config, so an unknown name
gets "Unknown system 'rulez'. Did you mean 'rules'? …" and exit code 2 instead
of Hydra's composition error.
"""

from __future__ import annotations

import sys
from importlib import resources

from benchmark.cli.output import report_error
from benchmark.errors import BenchmarkError, ConfigError
from benchmark.common.registry import unknown_name_message

CONFIG_PACKAGE = "benchmark.configs"
GROUPS = ("task", "system", "scoring", "report", "paths")
TOP_LEVEL = (*GROUPS, "shard", "seed", "hydra")


def group_options(group: str) -> list[str]:
    """Choices of a config group: ``configs/<group>/*.yaml``, plus plugin systems for ``system``."""
    root = resources.files(CONFIG_PACKAGE) / group
    names = {p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")}
    if group == "system":
        from benchmark.systems.registry import plugin_names

        names.update(plugin_names())
    return sorted(names)


def check_overrides(argv: list[str]) -> None:
    """Reject unknown config-group choices with a did-you-mean message."""
    for arg in argv:
        if arg.startswith("-") or "=" not in arg:
            continue
        key, value = arg.split("=", 1)
        key = key.lstrip("+~")
        head = key.split(".", 1)[0].split("/", 1)[0]
        if head not in TOP_LEVEL:
            raise ConfigError(unknown_name_message("config key", head, TOP_LEVEL), field=key)
        if key not in GROUPS:
            continue
        choices = group_options(key)
        # Multirun sweeps: system=rules,lexicon ; also choice(...) / glob(...) syntax left to Hydra.
        if "(" in value:
            continue
        for v in value.split(","):
            v = v.strip()
            if v and v not in choices:
                raise ConfigError(unknown_name_message(key, v, choices))


def _main(cfg) -> None:
    """The Hydra task function: one job = one system (or all of them)."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from benchmark.gold.check import load_checked_corpus
    from benchmark.harness.config import to_run_config
    from benchmark.errors import NothingToRun

    try:
        run_cfg = to_run_config(cfg)
        overrides = list(HydraConfig.get().overrides.task)
        resolved = OmegaConf.to_container(cfg, resolve=True)
        corpus = load_checked_corpus(run_cfg.data_dir)
        outcomes, skipped = [], []
        with _progress(len(run_cfg.systems)) as advance:
            for spec in run_cfg.systems:
                sys_resolved = dict(resolved)
                if len(run_cfg.systems) > 1:
                    sys_resolved["system"] = {"name": spec.name, **dict(spec.options)}
                try:
                    outcomes.append(_run_one(spec, corpus, run_cfg, overrides=overrides, resolved=sys_resolved,
                                             progress=advance.describe))
                except NothingToRun:
                    if len(run_cfg.systems) == 1:
                        raise  # asked for this system by name: a user error
                    skipped.append(f"{spec.display} (supports none of: {', '.join(run_cfg.tasks)})")
                advance.step()
        print(comparison_table(outcomes))
        for o in outcomes:
            print(f"{o.label}: {o.run_dir}")
            if o.shard is not None:
                print(f"{o.shard.text}; once every shard is done: python -m benchmark merge-shards {o.run_dir.parent}")
        for note in skipped:
            print(f"skipped {note}")
    except (BenchmarkError, OSError) as exc:
        # Hydra would print a traceback for anything escaping the task function.
        raise SystemExit(report_error(exc)) from None


def _run_one(spec, corpus, run_cfg, *, overrides, resolved, progress):
    """Predict and score (harness), render the reports (report), then write the folder (harness)."""
    from benchmark.cli.finish import render_and_finish
    from benchmark.harness.runner import run_system
    from benchmark.harness.shards import shard_corpus

    pending = run_system(spec, corpus, run_cfg, overrides=overrides, argv=["run", *sys.argv[1:]],
                         resolved_config=resolved, progress=progress)
    if run_cfg.shard is not None:  # a shard's reports show its own documents
        corpus = shard_corpus(corpus, run_cfg.shard)
    return render_and_finish(pending, corpus, run_cfg.report, progress)


def comparison_table(outcomes) -> str:
    """A compact plain-text table: one row per (system, task), main metric first."""
    from benchmark.report.fmt import ci_text, value_text

    rows = [("system", "task", "main metric", "value", "95% CI")]
    for o in outcomes:
        for task, ms in o.metrics.items():
            m = ms[0]
            rows.append((o.label + ("" if o.ranked else " (not ranked)"), task, m["name"], value_text(m), ci_text(m)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def precompose(argv: list[str]) -> None:
    """Compose the config once before Hydra runs, so a bad value (a wrong type,
    a key the schema does not know) is a one-line error with exit code 2.

    Multirun sweeps are left to Hydra: their values are lists to expand.
    """
    if "-m" in argv or "--multirun" in argv:
        return
    from hydra import compose, initialize_config_module
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    overrides = [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith("hydra")]
    try:
        with initialize_config_module(config_module=CONFIG_PACKAGE, version_base="1.3"):
            compose(config_name="run", overrides=overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        message = " ".join(str(exc).split())
        cause = exc.__cause__
        if cause is not None:  # Hydra wraps OmegaConf's validation error, which says why
            message += ": " + " ".join(str(cause).split("\n")[0].split())
        raise ConfigError(message) from None


class _NullProgress:
    def describe(self, text: str) -> None:
        pass

    def step(self) -> None:
        pass


class _progress:
    """A rich progress bar on a terminal; silent when output is not a TTY."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if not sys.stderr.isatty():
            return _NullProgress()
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        task = self.bar.add_task("running", total=self.total)
        bar = self.bar

        class _P:
            def describe(self, text: str) -> None:
                bar.update(task, description=text)

            def step(self) -> None:
                bar.advance(task)

        return _P()

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_cli(argv: list[str]) -> int:
    """Entry point used by ``python -m benchmark run``."""
    import hydra

    from benchmark.cli.launchers import check_launcher
    from benchmark.harness.config import register_schema

    register_schema()
    try:
        check_overrides(argv)
        check_launcher(argv)  # a sweep launcher that is not installed: name the extra that brings it
        precompose(argv)
    except BenchmarkError as exc:
        return report_error(exc)
    app = hydra.main(version_base="1.3", config_path=f"pkg://{CONFIG_PACKAGE}", config_name="run")(_main)
    saved = sys.argv
    sys.argv = ["benchmark run", *argv]
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = saved
    return 0

