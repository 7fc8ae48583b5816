"""Settings of ``python -m benchmark publish``: YAML defaults plus ``key=value`` overrides.

The defaults are the ``hub`` and ``paths`` config groups shipped in
:mod:`benchmark.configs` (``configs/hub/default.yaml``,
``configs/paths/default.yaml``); overrides are parsed by OmegaConf's dotlist
parser, so ``hub.dry_run=false`` is a bool and ``hub.systems=[rules,oracle]``
a list.  Every key is checked (unknown keys get a did-you-mean message) and
the result is converted here, at the edge, into a frozen
:class:`PublishSettings`; nothing downstream sees a ``DictConfig``.

A Hub token is never a setting: a key named ``token`` is refused, so a token
cannot end up in a config file, a shell history or a manifest.

Examples
--------
>>> s = load_settings(["hub.repo_id=org/quotes", "hub.dry_run=true", "hub.systems=[rules]"])
>>> s.repo_id, s.dry_run, s.systems, s.out_dir
('org/quotes', True, ('rules',), 'results/hub')
>>> load_settings(["hub.repo_idd=org/quotes"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
benchmark.errors.ConfigError: hub.repo_idd: Unknown publish setting 'hub.repo_idd'. Did you mean 'hub.repo_id'? Available: ...
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from benchmark.errors import ConfigError
from benchmark.common.outpaths import check_output_dir
from benchmark.common.registry import unknown_name_message

CONFIG_PACKAGE = "benchmark.configs"
GROUPS = ("hub", "paths")
REPO_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
MODEL_INDEX_METRICS = ("main", "all")
TOKEN_MESSAGE = (
    "a Hub token is never read from settings or the command line (it would end up in shell history "
    "and manifests); set the HF_TOKEN environment variable or run `hf auth login`"
)


@dataclass(frozen=True)
class PublishSettings:
    """Typed view of the ``hub`` and ``paths`` settings (see ``configs/hub/default.yaml``)."""

    repo_id: str | None
    """Benchmark dataset repo (gold Parquet, card, ``eval.yaml``)."""
    results_repo_id: str | None
    """Results dataset repo (one config per system, one split per run)."""
    dry_run: bool | None
    """``None``: upload only when a token and a repo id are present."""
    private: bool
    out_dir: str
    leaderboard_dir: str
    runs: tuple[str, ...] | None
    """Run folders (``<system>/<run>``) to publish, exactly these; ``None``: the leaderboard's rule."""
    systems: tuple[str, ...] | None
    """Systems (folder names or labels) the leaderboard's rule picks runs of; ``None`` means all."""
    include_run_files: bool
    evaluation_framework: str
    model_id: str | None
    system: str | None
    run: str | None
    model_index_metrics: str
    results_dir: str
    """``paths.results_dir``: where run folders are (``<results_dir>/<system>/<run>/``)."""
    data_dir: str | None
    """``paths.data_dir``: the gold the runs were made on (``None``: the folder the runs recorded, else ``data/``)."""

    def resolved(self) -> dict[str, Any]:
        """The settings as plain JSON-ready data (recorded in the publish manifest)."""
        out = asdict(self)
        out["systems"] = None if self.systems is None else list(self.systems)
        out["runs"] = None if self.runs is None else list(self.runs)
        return out


def default_config() -> dict[str, dict[str, Any]]:
    """The shipped defaults of every group, as plain dicts."""
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for group in GROUPS:
        text = (resources.files(CONFIG_PACKAGE) / group / "default.yaml").read_text(encoding="utf-8")
        out[group] = yaml.safe_load(text) or {}
    return out


def _flat_keys(config: dict[str, dict[str, Any]]) -> list[str]:
    """``group.key`` for every setting (values, lists included, are leaves)."""
    return [f"{group}.{key}" for group, values in config.items() for key in values]


def _refuse_token_keys(keys: list[str]) -> None:
    for key in keys:
        if "token" in key.split(".")[-1].lower():
            raise ConfigError(TOKEN_MESSAGE, field=key)


def load_settings(overrides: list[str] | tuple[str, ...] = ()) -> PublishSettings:
    """Merge the defaults with ``key=value`` overrides and validate every value."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    base = default_config()
    allowed = _flat_keys(base)
    _refuse_token_keys(allowed)
    keys: list[str] = []
    for arg in overrides:
        key, sep, _ = arg.partition("=")
        # Never echo the argument itself: its value could be a secret typed by mistake.
        if not sep or not key:
            raise ConfigError(f"expected key=value, got an argument without '=' (key {key!r})")
        if key[0] in "+~":
            raise ConfigError("'+' and '~' overrides are not supported; set an existing key", field=key)
        keys.append(key)
    _refuse_token_keys(keys)
    for key in keys:
        if key not in allowed:
            raise ConfigError(unknown_name_message("publish setting", key, allowed), field=key)
    try:
        merged = OmegaConf.merge(OmegaConf.create(base), OmegaConf.from_dotlist(list(overrides)))
        # No interpolation: `${oc.env:…}` could copy a secret into the settings and the manifest.
        raw = OmegaConf.to_container(merged, resolve=False)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"cannot parse overrides: {type(exc).__name__}") from None
    return _to_settings(raw)


def _opt_str(raw: dict, group: str, key: str) -> str | None:
    value = raw[group][key]
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(f"expected a string or null, got {type(value).__name__}", field=f"{group}.{key}")
    return str(value)


def _str(raw: dict, group: str, key: str) -> str:
    value = _opt_str(raw, group, key)
    if not value:
        raise ConfigError("expected a non-empty string", field=f"{group}.{key}")
    return value


def _bool(raw: dict, group: str, key: str, *, optional: bool = False) -> bool | None:
    value = raw[group][key]
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        expected = "true, false or null" if optional else "true or false"
        raise ConfigError(f"expected {expected}, got {value!r}", field=f"{group}.{key}")
    return value


def _repo_id(raw: dict, key: str) -> str | None:
    value = _opt_str(raw, "hub", key)
    if value is not None and not REPO_ID_RE.match(value):
        raise ConfigError(f"expected a Hub repo id 'owner/name', got {value!r}", field=f"hub.{key}")
    return value


def _names(raw: dict, key: str) -> tuple[str, ...] | None:
    values = raw["hub"][key]
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise ConfigError(f"expected a non-empty list of names or null, got {values!r}", field=f"hub.{key}")
    return tuple(values)


def _to_settings(raw: dict[str, Any]) -> PublishSettings:
    systems, runs = _names(raw, "systems"), _names(raw, "runs")
    if systems is not None and runs is not None:
        raise ConfigError("give hub.runs (run folders) or hub.systems (systems), not both", field="hub.runs")
    mim = _str(raw, "hub", "model_index_metrics")
    if mim not in MODEL_INDEX_METRICS:
        raise ConfigError(unknown_name_message("model_index_metrics value", mim, MODEL_INDEX_METRICS),
                          field="hub.model_index_metrics")
    settings = PublishSettings(
        repo_id=_repo_id(raw, "repo_id"),
        results_repo_id=_repo_id(raw, "results_repo_id"),
        dry_run=_bool(raw, "hub", "dry_run", optional=True),
        private=bool(_bool(raw, "hub", "private")),
        out_dir=_str(raw, "hub", "out_dir"),
        leaderboard_dir=_str(raw, "hub", "leaderboard_dir"),
        runs=runs,
        systems=systems,
        include_run_files=bool(_bool(raw, "hub", "include_run_files")),
        evaluation_framework=_str(raw, "hub", "evaluation_framework"),
        model_id=_repo_id(raw, "model_id"),
        system=_opt_str(raw, "hub", "system"),
        run=_opt_str(raw, "hub", "run"),
        model_index_metrics=mim,
        results_dir=_str(raw, "paths", "results_dir"),
        data_dir=_opt_str(raw, "paths", "data_dir"),
    )
    check_output_dir(settings.out_dir, option="hub.out_dir")  # never /, /etc, ~ … (benchmark.common.outpaths)
    if (settings.model_id is None) != (settings.system is None):
        missing = "hub.system" if settings.system is None else "hub.model_id"
        raise ConfigError(f"model card entries need both hub.model_id and hub.system; {missing} is missing",
                          field=missing)
    if settings.model_id is not None and settings.repo_id is None:
        raise ConfigError("model card entries refer to the benchmark dataset: set hub.repo_id too",
                          field="hub.repo_id")
    if settings.repo_id is not None and settings.repo_id == settings.results_repo_id:
        raise ConfigError("the results repo must differ from the benchmark dataset repo", field="hub.results_repo_id")
    return settings
