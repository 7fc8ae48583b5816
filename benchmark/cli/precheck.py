"""Check the command line of ``python -m benchmark run`` before Hydra runs anything.

The command line is parsed with Hydra's own argument parser, so ``--cfg job``,
``-cd DIR``, ``--info config`` … are flags with their arguments, never
overrides.  Then, for every job the command would run (each combination of a
``-m`` sweep), the config is composed from the search path Hydra itself will
use (``--config-path``, ``--config-dir``, ``--config-name``) and converted to a
:class:`~benchmark.harness.config.RunConfig`.  Every mistake is one line and
exit code 2, before a system runs:

* an unknown config-group choice: ``Unknown system 'rulez'. Did you mean 'rules'?``;
* an unknown key, at any depth, with or without ``+``: ``Unknown key
  'scoring.n_resample'. Did you mean 'scoring.n_resamples'?``; a system's
  keys are its factory's keyword options (plugins included);
* a resolver interpolation (``${oc.env:…}``, ``${now:…}`` …) in an override
  other than ``hydra.*``: it would put the environment (secrets among it) into
  run-folder names, ``config.yaml`` and the config hash;
* a bad value (type, range, label, output folder), as
  :func:`~benchmark.harness.config.to_run_config` reports it;
* Hydra's own flag conflicts (``-m --cfg job``), which Hydra reports with a traceback.

Overrides of Hydra's own config (``hydra.*``, ``hydra/launcher=…``) are left
to Hydra.
"""

from __future__ import annotations

import argparse
import itertools
import re
from pathlib import Path
from typing import Any, Sequence

from benchmark.common.registry import unknown_name_message
from benchmark.errors import ConfigError, InputError

PROG = "python -m benchmark run"
CONFIG_PACKAGE = "benchmark.configs"
CONFIG_NAME = "run"
VERSION_BASE = "1.3"
"""Hydra's ``version_base`` of the run app (``hydra.main`` and the single run of :mod:`.single_run`)."""
MAX_JOBS_CHECKED = 1024
"""A sweep with more jobs than this is checked one swept value at a time (every value of every
swept key, the other keys at their first value) instead of job by job.  A job costs 2 ms
(``system=copy``) to 10 ms (``system=all``): each group selection is composed once, each job's
values are applied to a copy."""

_RESOLVER = re.compile(r"(?<!\\)(?:\\\\)*\$\{\s*([A-Za-z_][\w.\-]*)\s*:")
"""``${name:`` not escaped: OmegaConf escapes ``${`` with an odd number of backslashes before it."""


def parse_run_args(argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed exactly as Hydra parses it (unknown flags: usage and exit code 2).

    Hydra's flag conflicts, which Hydra reports with a traceback, become a
    :class:`ConfigError`.
    """
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    parser.prog = PROG
    args = parser.parse_args(list(argv))
    modes = [flag for flag, given in (("--run", args.run), ("--multirun", args.multirun), ("--cfg", args.cfg),
                                      ("--info", args.info), ("--shell-completion", args.shell_completion)) if given]
    if len(modes) > 1:
        raise ConfigError(f"{' and '.join(modes)} cannot be combined: give one of --run, --multirun, --cfg, "
                          "--info, --shell-completion (--cfg job without -m shows the config of one job)")
    if args.resolve and args.cfg is None and not args.help:
        raise ConfigError("--resolve works only with --cfg or --help")
    return args


def refuse_resolvers(overrides: Sequence[str]) -> None:
    """Refuse resolver interpolations (``${oc.env:…}`` …) in overrides other than ``hydra.*``.

    >>> refuse_resolvers(["seed=3", "system.label=${seed}", "hydra.sweep.dir=m/${now:%H}"])
    >>> refuse_resolvers(["system.label=${oc.env:OPENAI_API_KEY}"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    benchmark.errors.ConfigError: system.label: resolver ${oc.env:…} is not allowed in a command-line override...
    """
    for arg in overrides:
        key, _, value = arg.partition("=")
        key = key.lstrip("+~")
        if key.startswith(("hydra.", "hydra/")):
            continue
        found = _RESOLVER.search(value)
        if found:
            raise ConfigError(
                f"resolver ${{{found.group(1)}:…}} is not allowed in a command-line override: it would copy "
                "values from the environment (secrets among them) into run-folder names, config.yaml and the "
                "config hash; write the value itself (references to other keys, such as ${seed}, are fine)",
                field=key)


def _message(exc: BaseException) -> str:
    """Hydra's and OmegaConf's multi-line errors on one line, with the validation error that says why."""
    message = " ".join(str(exc).split())
    cause = exc.__cause__
    if cause is not None:
        message += ": " + " ".join(str(cause).split("\n")[0].split())
    return message


class Composer:
    """Hydra's config loader over the search path ``run`` will use; compose without running.

    A context manager: Hydra keeps one global instance, cleared on exit so the
    real app can create its own.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.config_name = args.config_name or CONFIG_NAME
        self._hydra: Any = None
        self._bases: dict[tuple[str, ...], tuple[Any, dict[str, Any]]] = {}

    def __enter__(self) -> "Composer":
        import os

        from hydra._internal.hydra import Hydra
        from hydra._internal.utils import create_automatic_config_search_path
        from hydra.core.config_search_path import SearchPathQuery
        from hydra.core.global_hydra import GlobalHydra

        search_path = create_automatic_config_search_path(
            None, "benchmark.cli.run", self.args.config_path or f"pkg://{CONFIG_PACKAGE}")
        if self.args.config_dir is not None:
            config_dir = os.path.abspath(self.args.config_dir)
            if not os.path.isdir(config_dir):
                raise ConfigError("folder not found", field=f"--config-dir {self.args.config_dir}")
            search_path.prepend(provider="command-line", path=f"file://{config_dir}",
                                anchor=SearchPathQuery(provider="schema"))
        GlobalHydra.instance().clear()
        self._hydra = Hydra.create_main_hydra2(task_name="run", config_search_path=search_path)
        return self

    def __exit__(self, *exc: Any) -> None:
        from hydra.core.global_hydra import GlobalHydra

        GlobalHydra.instance().clear()

    @property
    def loader(self) -> Any:
        return self._hydra.config_loader

    def parse(self, overrides: Sequence[str]) -> list:
        """Hydra ``Override`` objects (grammar errors: :class:`ConfigError`)."""
        from hydra.core.override_parser.overrides_parser import OverridesParser
        from hydra.errors import HydraException

        try:
            return OverridesParser.create(config_loader=self.loader).parse_overrides(list(overrides))
        except HydraException as exc:
            raise ConfigError(_message(exc)) from None

    def group_options(self, group: str) -> list[str]:
        from hydra.core.object_type import ObjectType

        return sorted(self.loader.get_group_options(group, results_filter=ObjectType.CONFIG))

    def is_group(self, key: str) -> bool:
        return self.loader.repository.group_exists(key)

    def compose(self, overrides: Sequence[str]) -> Any:
        """The job's config without its ``hydra`` node, as ``hydra.compose`` returns it."""
        from hydra.errors import HydraException
        from hydra.types import RunMode
        from omegaconf import open_dict
        from omegaconf.errors import OmegaConfBaseException

        try:
            cfg = self._hydra.compose_config(self.config_name, list(overrides), run_mode=RunMode.RUN,
                                             from_shell=True, with_log_configuration=False)
        except (HydraException, OmegaConfBaseException) as exc:
            raise ConfigError(_message(exc)) from None
        with open_dict(cfg):
            del cfg["hydra"]
        return cfg

    def compose_for_run(self, overrides: Sequence[str]) -> Any:
        """The whole config of a single run, ``hydra`` node included, composed as ``Hydra.run`` composes it.

        Logging is configured from it, as Hydra does; Hydra's and OmegaConf's
        errors are raised as they are.
        """
        from hydra.types import RunMode

        return self._hydra.compose_config(self.config_name, list(overrides), run_mode=RunMode.RUN,
                                          with_log_configuration=True)

    def base(self, groups: Sequence[str]) -> tuple[Any, dict[str, Any]]:
        """The config composed from the group selections only, and its unresolved plain copy (cached).

        Composing (the defaults list) is what costs (~50 ms); a job's value
        overrides are then applied to a copy, as Hydra applies them after composing.
        """
        from omegaconf import OmegaConf

        key = tuple(groups)
        if key not in self._bases:
            cfg = self.compose(groups)
            self._bases[key] = (cfg, OmegaConf.to_container(cfg, resolve=False))
        return self._bases[key]

    @staticmethod
    def apply(base: Any, overrides: Sequence[Any]) -> Any:
        """A copy of ``base`` with the value overrides applied by Hydra's own function."""
        import copy

        from hydra._internal.config_loader_impl import ConfigLoaderImpl
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException

        cfg = copy.deepcopy(base)
        try:
            ConfigLoaderImpl._apply_overrides_to_config(list(overrides), cfg)
        except (HydraException, OmegaConfBaseException) as exc:
            raise ConfigError(_message(exc)) from None
        return cfg


def check_choices(overrides: Sequence[Any], composer: Composer) -> None:
    """Every value given to a config group (each value of a sweep too) is one of its options."""
    for o in overrides:
        group = o.key_or_group
        if o.is_delete() or not composer.is_group(group):
            continue
        if o.is_sweep_override():
            if not o.is_discrete_sweep() or o.value_type.name == "GLOB_CHOICE_SWEEP":
                continue  # intervals and globs: the sweeper's business
            values = list(o.sweep_string_iterator())
        else:
            values = [o.get_value_element_as_str()]
        choices = composer.group_options(group)
        for v in values:
            if v not in choices and v != "null":
                raise ConfigError(unknown_name_message(group.replace("/", " "), v, choices))


def sweep_jobs(overrides: Sequence[Any], *, multirun: bool) -> list[list[str]]:
    """The jobs a command runs, each a list of plain overrides (the basic sweeper's cartesian product).

    Above :data:`MAX_JOBS_CHECKED` jobs, one job per swept value instead.
    Interval sweeps cannot be enumerated: left to the sweeper.
    """
    if not multirun:
        return [[o.input_line for o in overrides]]
    axes: dict[str, list[str]] = {}
    for o in overrides:
        key = o.get_key_element()
        if o.is_sweep_override():
            if o.is_discrete_sweep():
                axes[key] = [f"{key}={v}" for v in o.sweep_string_iterator()]
        else:
            axes[key] = [f"{key}={o.get_value_element_as_str()}"]
    lists = [v for v in axes.values() if v]
    n_jobs = 1
    for values in lists:
        n_jobs *= len(values)
    if n_jobs <= MAX_JOBS_CHECKED:
        return [list(job) for job in itertools.product(*lists)]
    first = [values[0] for values in lists]
    return [first] + [first[:i] + [v] + first[i + 1:] for i, values in enumerate(lists) for v in values[1:]]


def _system_option(option: str, system: dict[str, Any], *, key: str, adding: bool) -> None:
    """``system.<option>``: one of the system's config keys or its factory's keyword options."""
    from benchmark.systems.registry import option_names, unknown_option_message

    name = str(system.get("name"))
    accepted = set(system) | {"name", "label"} | set(option_names(name))
    if option not in accepted:
        raise ConfigError(unknown_option_message(name, option, sorted(accepted - {"name"})), field=key)
    if option not in system and not adding:
        raise ConfigError(f"system {name!r} takes option {option!r}, but its config does not set it: "
                          f"add it with +{key}=…", field=key)


def check_key(key: str, base: dict[str, Any], *, adding: bool) -> None:
    """``key`` names an entry of the composed config ``base`` (or an option of its system).

    >>> base = {"scoring": {"n_resamples": 1000, "seed": 1}, "seed": 1}
    >>> check_key("scoring.n_resample", base, adding=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    benchmark.errors.ConfigError: Unknown key 'scoring.n_resample'. Did you mean 'scoring.n_resamples'? ...
    """
    parts = key.split(".")
    node: Any = base
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            return  # inside a value or a list: Hydra and the schema check it
        if depth == 1 and parts[0] == "system":
            _system_option(part, node, key=key, adding=adding)
        elif part not in node:
            name = ".".join(parts[:depth + 1])
            message = unknown_name_message("key", name, [".".join([*parts[:depth], k]) for k in node])
            if name != key:
                message = message.replace(f"key {name!r}.", f"key {name!r} (in {key!r}).", 1)
            raise ConfigError(message)
        node = node.get(part)


def check_job(job: Sequence[str], composer: Composer, *, extra: Sequence[str] = (), multirun: bool = False) -> None:
    """Every key of one job exists, and its composed config converts to a valid run."""
    parsed = composer.parse(job)
    values = [o for o in parsed if not composer.is_group(o.key_or_group)]
    base, plain = composer.base([*(o.input_line for o in parsed if o not in values), *extra])
    for o in values:
        check_key(o.key_or_group, plain, adding=o.is_add() or o.is_force_add())
        if o.is_delete() and not o.key_or_group.startswith("system."):
            raise ConfigError("cannot be deleted: every setting outside system.* is required (set a value instead)",
                              field=o.key_or_group)
        if o.is_sweep_override() and not multirun:
            raise ConfigError(f"{o.input_line!r} is a sweep: add --multirun (-m) to run one job per value, or "
                              "write a list as key=[a,b] or a string as key='a,b'", field=o.key_or_group)
    check_values(composer.apply(base, values))


def check_values(cfg: Any) -> None:
    """The composed job config (without its ``hydra`` node) converts to a valid run; named files exist."""
    from benchmark.harness.config import to_run_config

    run_cfg = to_run_config(cfg)
    for spec in run_cfg.systems:
        path = dict(spec.options).get("path") if spec.name == "predictions" else None
        if path not in (None, "???") and not Path(str(path)).is_file():
            raise InputError("file not found", file=str(path))


def precheck(args: argparse.Namespace) -> None:
    """Check every job of a ``run`` command line (see the module docstring); raise ConfigError."""
    from benchmark.errors import BenchmarkError

    if args.shell_completion or args.experimental_rerun is not None:
        return  # their "overrides" are completion commands or a pickled config's: Hydra's business
    refuse_resolvers(args.overrides)
    with Composer(args) as composer:
        parsed = composer.parse(args.overrides)
        own = [o for o in parsed if not o.is_hydra_override()]
        search = [o.input_line for o in parsed if o.key_or_group == "hydra.searchpath"]
        if not search:  # an extra search path adds options the loader does not list; composing checks them
            check_choices(own, composer)
        multirun = bool(args.multirun) or any(
            o.key_or_group == "hydra.mode" and str(o.value()) == "MULTIRUN" for o in parsed)
        for job in sweep_jobs(own, multirun=multirun):
            try:
                check_job(job, composer, extra=search, multirun=multirun)
            except BenchmarkError as exc:
                if multirun:
                    exc.message += f" (sweep job: {' '.join(job)})"
                raise
