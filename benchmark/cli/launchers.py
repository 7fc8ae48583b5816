"""Hydra launchers for sweeps, and what to install when one is missing.

``python -m benchmark run -m … hydra/launcher=<name>`` runs the jobs of a
sweep through a Hydra launcher plugin: ``joblib`` (processes on this
machine), ``submitit_local`` / ``submitit_slurm`` (submitit, SLURM) and
``ray`` (a Ray cluster, local or joined), and this project's ``slurm``
(``configs/hydra/launcher/slurm.yaml``: ``submitit_slurm`` with settings for
sharded runs).  They come with the ``sweep``
extra.  Without the plugin Hydra says only "Could not find
'hydra/launcher/joblib'"; :func:`check_launcher` says instead, in one line
with exit code 2, which plugin is missing and how to install it.

Examples
--------
>>> requested_launcher(["-m", "system=rules,lexicon", "hydra/launcher=joblib"])
'joblib'
>>> requested_launcher(["system=rules"]) is None
True
>>> print(install_hint("joblib"))
hydra/launcher=joblib needs Hydra's joblib launcher plugin (hydra-joblib-launcher), which is not installed: pip install 'arabic-quote-benchmark[sweep]' (in a source checkout: pip install -e '.[sweep]')
"""

from __future__ import annotations

from benchmark.common.registry import unknown_name_message
from benchmark.errors import ConfigError

EXTRA = "sweep"
"""The optional-dependency group that installs the launchers below."""

PLUGINS = {
    "joblib": "hydra-joblib-launcher",
    "submitit_local": "hydra-submitit-launcher",
    "submitit_slurm": "hydra-submitit-launcher",
    "ray": "hydra-ray-launcher",
    "ray_aws": "hydra-ray-launcher",
}
"""``hydra/launcher=<name>`` → the distribution of its Hydra plugin (all in the ``sweep`` extra)."""

PROJECT_LAUNCHERS = {"slurm": "submitit_slurm"}
"""Launcher configs of this project (``configs/hydra/launcher/``) → the plugin config each extends."""


def requested_launcher(argv: list[str]) -> str | None:
    """The launcher chosen on the command line (``hydra/launcher=<name>``), if any."""
    for arg in argv:
        key, eq, value = arg.partition("=")
        if eq and key.lstrip("+~") == "hydra/launcher":
            return value.strip()
    return None


def install_hint(name: str) -> str:
    """The one line a user gets when the plugin of launcher ``name`` is not installed."""
    base = PROJECT_LAUNCHERS.get(name, name)
    short = base.split("_", 1)[0]
    return (f"hydra/launcher={name} needs Hydra's {short} launcher plugin ({PLUGINS[base]}), which is not installed: "
            f"pip install 'arabic-quote-benchmark[{EXTRA}]' (in a source checkout: pip install -e '.[{EXTRA}]')")


def available_launchers() -> set[str]:
    """Launcher configs Hydra can find: its own ``basic`` plus every installed plugin's."""
    from hydra.core.config_store import ConfigStore
    from hydra.core.plugins import Plugins

    Plugins.instance()  # imports the installed hydra_plugins.*, which register their configs
    return {n[:-5] if n.endswith(".yaml") else n for n in ConfigStore.instance().list("hydra/launcher")}


def check_launcher(argv: list[str]) -> None:
    """Refuse a launcher that is not installed (with the install line) or does not exist (did you mean)."""
    name = requested_launcher(argv)
    if name is None:
        return
    available = available_launchers()
    base = PROJECT_LAUNCHERS.get(name, name)
    if base in available:
        return
    if base in PLUGINS:
        raise ConfigError(install_hint(name))
    raise ConfigError(unknown_name_message("launcher", name, available | set(PLUGINS) | set(PROJECT_LAUNCHERS)))
