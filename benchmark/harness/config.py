"""Structured-config schema of ``python -m benchmark run`` and its typed view.

Hydra validates the YAML in ``configs/`` against these dataclasses; the rest of
the code never sees a ``DictConfig``: :func:`to_run_config` converts it at the
edge into frozen, typed records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from benchmark.common.outpaths import check_output_dir
from benchmark.errors import ConfigError
from benchmark.harness.shards import Shard, shard_from_config
from benchmark.submission.limits import DEFAULT_LIMITS, SubmissionLimits

MAX_RESAMPLES = 100_000
"""Upper bound of ``scoring.n_resamples``.

A bootstrap holds a resamples × items index matrix (8 bytes a cell) and the
gathered statistics.  At 100,000 resamples ``system=rules`` peaks at 255 MiB
and takes 32 s on two cores (101 MiB and 3.4 s at 1,000), measured with
``/usr/bin/time -f "%e s %M KB" python -m benchmark run system=rules
scoring.n_resamples=100000 report.html=false``; 10⁸ would need tens of GiB and
failed only after the system ran.  Checked before anything runs.
"""

LABEL_RULE = "1 to 64 characters from A-Z a-z 0-9 . _ + -, starting with a letter or digit"
"""What a system label (``system.label``, ``score --name``) may be: it names run folders and appears
in Markdown, HTML and CSV tables, so it carries no markup, path separator or space."""
_LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


@dataclass
class TaskSchema:
    names: list[str] = field(default_factory=list)


@dataclass
class LimitsSchema:
    """Size limits of a predictions file (:class:`~benchmark.submission.limits.SubmissionLimits`)."""

    max_file_mb: float = 64.0
    max_items: int = 5_000
    max_string_chars: int = 20_000


@dataclass
class ScoringSchema:
    n_resamples: int = 1000
    confidence: float = 0.95
    seed: int = 12345
    fuzzy_threshold: float = 90.0
    limits: LimitsSchema = field(default_factory=LimitsSchema)
    workers: Optional[int] = None


@dataclass
class ReportSchema:
    markdown: bool = True
    html: bool = True
    worst_errors: int = 10


@dataclass
class PathsSchema:
    results_dir: str = "results/runs"
    data_dir: Any = None


@dataclass
class ShardSchema:
    # Part `index` (0-based) of `count` contiguous parts of the corpus's
    # documents (benchmark/harness/shards.py); count 1 = the whole corpus.
    index: int = 0
    count: int = 1


@dataclass
class RunSchema:
    task: TaskSchema = field(default_factory=TaskSchema)
    # Systems have their own options (validated by each system's factory), so
    # this node is free-form here and checked in to_run_config.
    system: Any = None
    scoring: ScoringSchema = field(default_factory=ScoringSchema)
    report: ReportSchema = field(default_factory=ReportSchema)
    paths: PathsSchema = field(default_factory=PathsSchema)
    shard: ShardSchema = field(default_factory=ShardSchema)
    seed: int = 12345


def register_schema() -> None:
    """The schema, and a ``system=<name>`` choice for each plugin system.

    Built-in systems have a YAML file in ``configs/system/``; a system added
    by an installed distribution (entry-point group ``benchmark.systems``)
    gets a config node made of its name and the factory's keyword-only
    options with their defaults, set with ``system.<option>=…``.
    """
    from hydra.core.config_store import ConfigStore

    from benchmark.systems.registry import default_options, plugin_names

    store = ConfigStore.instance()
    store.store(name="schema", node=RunSchema)
    for name in plugin_names():
        options = {k: v for k, v in default_options(name).items() if v is None or isinstance(v, (str, int, float, bool))}
        store.store(group="system", name=name, node={"name": name, **options})


@dataclass(frozen=True)
class ScoringOptions:
    n_resamples: int
    confidence: float
    seed: int
    fuzzy_threshold: float
    limits: SubmissionLimits = DEFAULT_LIMITS
    workers: int | None = None
    """Processes computing per-item rows (``None``: every core on a large corpus); never changes a score."""


@dataclass(frozen=True)
class ReportOptions:
    markdown: bool
    html: bool
    worst_errors: int


@dataclass(frozen=True)
class SystemSpec:
    """One system to run: its registry name and keyword options."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()
    label: str | None = None
    """Folder and table name; defaults to ``name``."""

    @property
    def display(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class RunConfig:
    tasks: tuple[str, ...]
    systems: tuple[SystemSpec, ...]
    scoring: ScoringOptions
    report: ReportOptions
    results_dir: str
    data_dir: str | None
    seed: int
    shard: Shard | None = None
    """The part of the corpus this job runs (``shard.index``/``shard.count``); ``None``: all of it."""


def _check_range(field: str, value: Any, *, low: int, high: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low:,} and {high:,}"
        raise ConfigError(f"must be an integer {bound}, got {_shown(value)}", field=field)


def _shown(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(str(value)):,} characters)"


def check_label(label: Any, *, field: str = "system.label") -> str:
    """Return ``label`` if it follows :data:`LABEL_RULE`, else raise :class:`ConfigError`.

    >>> check_label("qwen2.5-7b+cot")
    'qwen2.5-7b+cot'
    >>> check_label("a](https://evil.example/phish) [b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    benchmark.errors.ConfigError: system.label: must be 1 to 64 characters ...; got 'a](https://evil.example/phish) [b'
    """
    if not isinstance(label, str) or not _LABEL_RE.fullmatch(label):
        raise ConfigError(f"must be {LABEL_RULE}; got {_shown(label)}", field=field)
    return label


def label_from_stem(stem: str) -> str:
    """A label following :data:`LABEL_RULE` made from a file name (``score`` without ``--name``).

    >>> label_from_stem("my system (v2)")
    'my-system-v2'
    """
    out = re.sub(r"[^A-Za-z0-9._+-]+", "-", stem).lstrip("._+-").rstrip("-")[:64].rstrip("-")
    return out or "submission"


def _unique(field: str, names: list[Any]) -> tuple[Any, ...]:
    seen = set()
    for n in names:
        if n in seen:
            raise ConfigError(f"lists {n!r} twice; each may appear once", field=field)
        seen.add(n)
    return tuple(names)


def member_configs(cfg: Any, members: list[str]) -> list[dict[str, Any]]:
    """``configs/system/<member>.yaml`` of each member, resolved in the context of ``cfg``."""
    import copy
    from importlib import resources

    from omegaconf import OmegaConf

    scoped = copy.deepcopy(cfg)  # once: a run config's deep copy costs milliseconds
    OmegaConf.set_struct(scoped, False)
    out = []
    for member in members:
        path = resources.files("benchmark.configs") / "system" / f"{member}.yaml"
        if not path.is_file():
            raise ConfigError(f"system=all lists {member!r}, which has no configs/system/{member}.yaml",
                              field="system.members")
        scoped.system = OmegaConf.load(str(path))
        out.append(OmegaConf.to_container(scoped.system, resolve=True))
    return out


def _spec(system: dict[str, Any]) -> SystemSpec:
    system = dict(system)
    name = system.pop("name")
    label = system.pop("label", None)
    missing = [k for k, v in system.items() if v == "???"]
    if missing:
        raise ConfigError(f"missing value for system.{missing[0]} (set it with system.{missing[0]}=…)",
                          field=f"system.{missing[0]}")
    if label is not None:
        check_label(label)
    if name == "predictions" and label is not None:
        from benchmark.systems.registry import systems

        if str(label) in systems():
            # The leaderboard identifies systems by label: a file must not pose as a built-in.
            raise ConfigError(f"label {label!r} is the name of a registered system; choose another "
                              "(system.label=… or score --name …)", field="system.label")
    return SystemSpec(name=name, options=tuple(sorted(system.items())), label=label)


def to_run_config(cfg: Any) -> RunConfig:
    """Convert the composed Hydra config into a :class:`RunConfig`."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from benchmark.common.registry import unknown_name_message
    from benchmark.tasks.registry import TASKS

    try:
        raw = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=False)
    except OmegaConfBaseException as exc:  # an interpolation to nothing, a resolver that fails
        raise ConfigError(" ".join(str(exc).split("\n")[0].split())) from None
    tasks = _unique("task.names", list(raw["task"]["names"]))
    if not tasks:
        raise ConfigError("no task selected (task.names is empty)", field="task.names")
    for t in tasks:
        if t not in TASKS:
            raise ConfigError(unknown_name_message("task", t, TASKS.names()), field="task.names")
    system = dict(raw.get("system") or {})
    name = system.pop("name", None)
    if not name:
        raise ConfigError("no system selected (use system=<name>)", field="system")
    if name == "all":
        members = _unique("system.members", list(system.pop("members", [])))
        if system:
            key = sorted(system)[0]
            raise ConfigError(f"system=all takes no options (got system.{key}); select one system to set its "
                              "options, e.g. system=sklearn system.n_splits=3", field=f"system.{key}")
        # Each member runs with its own configs/system/<member>.yaml, resolved
        # against this run's config (so ${seed} and friends apply).
        systems = tuple(_spec(c) for c in member_configs(cfg, members))
    else:
        systems = (_spec({"name": name, **system}),)
    shard = _shard(raw.get("shard") or {}, name)
    s, r, p = raw["scoring"], raw["report"], raw["paths"]
    _check_range("seed", raw["seed"], low=0)
    _check_range("scoring.seed", s["seed"], low=0)
    _check_range("scoring.n_resamples", s["n_resamples"], low=1, high=MAX_RESAMPLES)
    _check_range("report.worst_errors", r["worst_errors"], low=0)
    if s.get("workers") is not None:
        _check_range("scoring.workers", s["workers"], low=1, high=256)
    if not 0 < float(s["confidence"]) < 1:
        raise ConfigError(f"must be strictly between 0 and 1, got {s['confidence']}", field="scoring.confidence")
    if not 0 <= float(s["fuzzy_threshold"]) <= 100:
        raise ConfigError(f"must be between 0 and 100, got {s['fuzzy_threshold']}", field="scoring.fuzzy_threshold")
    check_output_dir(str(p["results_dir"]), option="paths.results_dir")
    return RunConfig(
        tasks=tasks,
        systems=systems,
        scoring=ScoringOptions(int(s["n_resamples"]), float(s["confidence"]), int(s["seed"]), float(s["fuzzy_threshold"]),
                               SubmissionLimits(**s.get("limits", {})), s.get("workers")),
        report=ReportOptions(bool(r["markdown"]), bool(r["html"]), int(r["worst_errors"])),
        results_dir=str(p["results_dir"]),
        data_dir=p.get("data_dir"),
        seed=int(raw["seed"]),
        shard=shard,
    )


def _shard(raw: dict[str, Any], system: str) -> Shard | None:
    """``shard.index``/``shard.count``, refused for what cannot be split by document."""
    shard = shard_from_config(raw.get("index", 0), raw.get("count", 1))
    if shard is not None and system in ("all", "predictions"):
        what = ("a submission file is scored whole" if system == "predictions"
                else "select one system to shard (system=<name>)")
        raise ConfigError(f"cannot shard system={system}: {what}", field="shard.count")
    return shard
