"""A single ``python -m benchmark run`` composed once.

Through ``hydra.main`` a run's config is composed three times: by the
pre-check (:mod:`benchmark.cli.precheck`), by Hydra to find the run mode
(``Hydra.get_mode``), and by Hydra again to run the job; about 50 ms each.
The usual command, one job on the packaged configs with plain ``key=value``
overrides (the default run is one), needs one: Hydra composes the job's
whole config as ``Hydra.run`` would, the pre-check's checks run on it, and
the job runs on it through Hydra's own ``run_job`` (so ``HydraConfig``, the
job's working directory and callbacks are Hydra's).

Every other command line (``-m``, ``--cfg``, ``--info``, ``--help``,
``+key``/``~key``, a sweep value, ``hydra.*`` overrides, ``--config-dir`` …)
and any config that does not compose is left to the full pre-check and
``hydra.main``, as before: their errors and messages are unchanged.

Why the checks on the composed config are those of the pre-check: with only
plain ``key=value`` overrides, the pre-check's base config plus its values
is what Hydra composes (defaults first, then the overrides); an unknown key
fails Hydra's composition (the config is in struct mode) before any check;
what is left is :func:`~benchmark.cli.precheck.check_values`, run here on the
same config.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, Sequence

from benchmark.cli.precheck import VERSION_BASE, Composer, check_values, refuse_resolvers

_OTHER_MODES = ("multirun", "cfg", "info", "help", "hydra_help", "shell_completion", "experimental_rerun",
                "config_path", "config_name", "config_dir")
"""Flags of Hydra's command line that make it something other than a plain run of the packaged configs."""


def _plain(overrides: Sequence[Any]) -> bool:
    """Only ``key=value`` and ``group=option`` overrides of this project's config (nothing of Hydra's)."""
    return not any(o.is_add() or o.is_force_add() or o.is_delete() or o.is_sweep_override() or o.is_hydra_override()
                   for o in overrides)


def compose_single_run(args: argparse.Namespace) -> tuple[Composer, Any] | None:
    """An open :class:`Composer` and the checked config of a plain single run; ``None`` for anything else.

    Raises the pre-check's :class:`~benchmark.errors.ConfigError` or
    :class:`~benchmark.errors.InputError` for a config that composes but is
    not a valid run.  The caller closes the composer (Hydra's global state)
    once the job has run.
    """
    from hydra import version

    if any(getattr(args, flag, None) for flag in _OTHER_MODES):
        return None
    refuse_resolvers(args.overrides)
    version.setbase(VERSION_BASE)  # as hydra.main(version_base=…) does: Hydra's defaults of that version
    composer = Composer(args).__enter__()
    try:
        if not _plain(composer.parse(args.overrides)):
            composer.__exit__(None, None, None)
            return None
        cfg = _compose(composer, args.overrides)
        if cfg is None:
            composer.__exit__(None, None, None)
            return None
        check_values(_job_part(cfg))
    except BaseException:
        composer.__exit__(None, None, None)
        raise
    return composer, cfg


def _compose(composer: Composer, overrides: Sequence[str]) -> Any:
    """Hydra's run config, or ``None`` if it does not compose or sets its own ``hydra.mode``."""
    from hydra.errors import HydraException
    from hydra.types import RunMode
    from omegaconf import open_dict, read_write
    from omegaconf.errors import OmegaConfBaseException

    try:
        cfg = composer.compose_for_run(overrides)
    except (HydraException, OmegaConfBaseException):
        return None  # the full pre-check says why, in one line
    if cfg.hydra.mode is not None:
        return None  # a config that asks for a mode: Hydra decides (Hydra.get_mode)
    # What hydra.main does when the config names no mode: add the override, then compose.
    with read_write(cfg.hydra), open_dict(cfg.hydra):
        cfg.hydra.mode = RunMode.RUN
        cfg.hydra.overrides.hydra.append("hydra.mode=RUN")
    return cfg


def _job_part(cfg: Any) -> Any:
    """``cfg`` without its ``hydra`` node: what the task function gets."""
    import copy

    from omegaconf import open_dict, read_write

    job = copy.deepcopy(cfg)
    with read_write(job), open_dict(job):
        del job["hydra"]
    return job


def run_composed(composer: Composer, cfg: Any, task_function: Callable[[Any], Any]) -> None:
    """Run ``task_function`` as ``Hydra.run`` does, on the config composed already; closes ``composer``.

    Errors escaping the task function are reported by Hydra's
    ``run_and_report`` (message, exit code 1), as under ``hydra.main``.
    """
    from hydra._internal.callbacks import Callbacks
    from hydra._internal.utils import run_and_report
    from hydra.core.utils import run_job
    from hydra.types import HydraContext

    def run() -> None:
        callbacks = Callbacks(cfg)
        callbacks.on_run_start(config=cfg, config_name=composer.config_name)
        ret = run_job(hydra_context=HydraContext(config_loader=composer.loader, callbacks=callbacks),
                      task_function=task_function, config=cfg, job_dir_key="hydra.run.dir", job_subdir_key=None,
                      configure_logging=True)
        callbacks.on_run_end(config=cfg, config_name=composer.config_name, job_return=ret)
        _ = ret.return_value  # raises the task function's exception, as Hydra.run does

    try:
        run_and_report(run)
    finally:
        composer.__exit__(None, None, None)
