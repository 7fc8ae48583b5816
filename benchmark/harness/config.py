"""Structured-config schema of ``python -m benchmark run`` and its typed view.

Hydra validates the YAML in ``configs/`` against these dataclasses; the rest of
the code never sees a ``DictConfig``: :func:`to_run_config` converts it at the
edge into frozen, typed records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError


@dataclass
class TaskSchema:
    names: list[str] = field(default_factory=list)


@dataclass
class ScoringSchema:
    n_resamples: int = 1000
    confidence: float = 0.95
    seed: int = 12345
    fuzzy_threshold: float = 90.0


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
class RunSchema:
    task: TaskSchema = field(default_factory=TaskSchema)
    # Systems have their own options (validated by each system's factory), so
    # this node is free-form here and checked in to_run_config.
    system: Any = None
    scoring: ScoringSchema = field(default_factory=ScoringSchema)
    report: ReportSchema = field(default_factory=ReportSchema)
    paths: PathsSchema = field(default_factory=PathsSchema)
    seed: int = 12345


def register_schema() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="schema", node=RunSchema)


@dataclass(frozen=True)
class ScoringOptions:
    n_resamples: int
    confidence: float
    seed: int
    fuzzy_threshold: float


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


def to_run_config(cfg: Any) -> RunConfig:
    """Convert the composed Hydra config into a :class:`RunConfig`."""
    from omegaconf import OmegaConf

    from ..registry import unknown_name_message
    from ..tasks import TASKS

    raw = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=False)
    tasks = tuple(raw["task"]["names"])
    for t in tasks:
        if t not in TASKS:
            raise ConfigError(unknown_name_message("task", t, TASKS.names()), field="task.names")
    system = dict(raw.get("system") or {})
    name = system.pop("name", None)
    if not name:
        raise ConfigError("no system selected (use system=<name>)", field="system")
    if name == "all":
        members = system.pop("members", [])
        systems = tuple(SystemSpec(name=m) for m in members)
    else:
        label = system.pop("label", None)
        missing = [k for k, v in system.items() if v == "???"]
        if missing:
            raise ConfigError(f"missing value for system.{missing[0]} (set it with system.{missing[0]}=…)", field=f"system.{missing[0]}")
        systems = (SystemSpec(name=name, options=tuple(sorted(system.items())), label=label),)
    s, r, p = raw["scoring"], raw["report"], raw["paths"]
    return RunConfig(
        tasks=tasks,
        systems=systems,
        scoring=ScoringOptions(int(s["n_resamples"]), float(s["confidence"]), int(s["seed"]), float(s["fuzzy_threshold"])),
        report=ReportOptions(bool(r["markdown"]), bool(r["html"]), int(r["worst_errors"])),
        results_dir=str(p["results_dir"]),
        data_dir=p.get("data_dir"),
        seed=int(raw["seed"]),
    )
