"""Sweeps on real Hydra launchers (the `sweep` extra): joblib, submitit_local and a local Ray cluster.

Each sweep runs `python -m benchmark run -m …` in a new process, as a user
would, and its run folders must be complete, byte-identical to the same runs
made in this process without a launcher, and ranked by `leaderboard`.  A
launcher test is skipped only when its plugin is not installed
(`pip install -e '.[sweep]'`; `.ci/run` installs it).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.cli.main import main
from corpus_copies import copy_corpus

ROOT = Path(__file__).resolve().parents[1]
RUN_FILES = {"config.yaml", "overrides.yaml", "predictions.jsonl", "per_item.jsonl.gz", "metrics.json",
             "manifest.json", "report.md", "report.html"}
DETERMINISTIC = ("metrics.json", "per_item.jsonl.gz", "predictions.jsonl")
SETTINGS = ("scoring.n_resamples=50",)


def installed(module: str) -> bool:
    """``module`` importable; a dotted name whose parent package is missing (no ``hydra_plugins`` at all) is not."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def needs_plugin(module: str, dist: str):
    return pytest.mark.skipif(not installed(module), reason=f"{dist} not installed (pip install -e '.[sweep]')")


def run_dirs(results: Path) -> dict[str, Path]:
    """label → the one complete run folder under ``results`` (hidden folders are not runs)."""
    found = {}
    for d in sorted(results.glob("*/*")):
        if d.is_dir() and not d.name.startswith(".") and not d.parent.name.startswith("."):
            assert d.parent.name not in found, f"two runs of {d.parent.name}"
            found[d.parent.name] = d
    return found


def sweep(tmp_path: Path, *overrides: str, timeout: int = 600, env: dict[str, str] | None = None,
          ) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "benchmark", "run", "-m", *overrides, *SETTINGS],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def assert_same_as_local_runs(results: Path, local: Path, labels: list[str]) -> None:
    """Every swept run is complete and byte-identical to the same run made here without a launcher."""
    swept = run_dirs(results)
    assert sorted(swept) == sorted(labels)
    for label in labels:
        assert main(["run", f"system={label}", f"paths.results_dir={local}", *SETTINGS]) == 0
        assert {p.name for p in swept[label].iterdir()} == RUN_FILES, label
        for name in DETERMINISTIC:
            assert (swept[label] / name).read_bytes() == (run_dirs(local)[label] / name).read_bytes(), (label, name)


def assert_ranked(results: Path, out: Path, expected: dict[tuple[str, str], Path]) -> None:
    """`leaderboard` ranks every swept run, with the main metric of its metrics.json."""
    import csv

    assert main(["leaderboard", "--runs", str(results), "--out", str(out), "--n-resamples", "50"]) == 0
    with (out / "leaderboard.csv").open(encoding="utf-8") as fh:
        rows = {(row["system"], row["task"]): row for row in csv.DictReader(fh)}
    for (label, task), run_dir in expected.items():
        main_metric = json.loads((run_dir / "metrics.json").read_text())["tasks"][task][0]
        row = rows[(label, task)]
        assert float(row["value"]) == main_metric["value"] and int(row["rank"]) >= 1, (label, task)
        assert row["run_dir"].endswith(run_dir.name), row["run_dir"]


@needs_plugin("hydra_plugins.hydra_joblib_launcher", "hydra-joblib-launcher")
def test_joblib_sweep_writes_one_complete_folder_per_system(tmp_path):
    results = tmp_path / "runs"
    sweep(tmp_path, "system=rules,lexicon", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2",
          f"paths.results_dir={results}")
    assert_same_as_local_runs(results, tmp_path / "local", ["lexicon", "rules"])


@needs_plugin("hydra_plugins.hydra_submitit_launcher", "hydra-submitit-launcher")
def test_submitit_local_sweep_is_ranked_by_the_leaderboard(tmp_path):
    results = tmp_path / "runs"
    sweep(tmp_path, "system=rules,lexicon", "hydra/launcher=submitit_local", "hydra.launcher.timeout_min=10",
          f"paths.results_dir={results}")
    # submitit ran the jobs: one folder of its own per job (logs, pickled results) in the sweep folder.
    job_logs = list((results / ".multirun").glob("*/.submitit/*/*_result.pkl"))
    assert len(job_logs) == 2, sorted(str(p) for p in (results / ".multirun").rglob("*"))
    assert_same_as_local_runs(results, tmp_path / "local", ["lexicon", "rules"])
    runs = run_dirs(results)
    assert_ranked(results, tmp_path / "lb", {("rules", "quotes"): runs["rules"], ("rules", "speakers"): runs["rules"],
                                             ("lexicon", "stance"): runs["lexicon"]})


@needs_plugin("hydra_plugins.hydra_ray_launcher", "hydra-ray-launcher")
def test_ray_sweep_on_a_local_cluster_is_ranked_by_the_leaderboard(tmp_path):
    results = tmp_path / "runs"
    # ray.init() with no address starts a local cluster (loopback only) and stops it at exit; tests stay
    # offline, so Ray's usage statistics (sent to Ray's servers by default) are switched off.
    proc = sweep(tmp_path, "system=rules,lexicon", "hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2",
                 "+hydra.launcher.ray.init.include_dashboard=false", f"paths.results_dir={results}",
                 env={"RAY_USAGE_STATS_ENABLED": "0"})
    # Each job ran in a Ray worker process: Ray prefixes their output with the remote task's name.
    assert proc.stdout.count("(_run_job pid=") >= 2, proc.stdout[-2000:]
    assert_same_as_local_runs(results, tmp_path / "local", ["lexicon", "rules"])
    runs = run_dirs(results)
    assert_ranked(results, tmp_path / "lb", {("rules", "attribution"): runs["rules"],
                                             ("lexicon", "stance"): runs["lexicon"]})


@needs_plugin("hydra_plugins.hydra_submitit_launcher", "hydra-submitit-launcher")
def test_sharded_sweep_on_submitit_merges_into_the_unsharded_run(tmp_path):
    """The README's SLURM recipe with submitit_local: one job per shard, then merge-shards."""
    data = copy_corpus(tmp_path / "data", 3)
    results = tmp_path / "runs"
    sweep(tmp_path, "system=rules", "shard.count=3", "shard.index=range(3)", "hydra/launcher=submitit_local",
          f"paths.data_dir={data}", f"paths.results_dir={results}")
    assert not run_dirs(results)  # shards are not runs
    (group,) = (results / ".shards" / "rules").iterdir()
    assert len(list(group.iterdir())) == 3
    assert main(["merge-shards", str(group), "--out", str(results)]) == 0
    assert main(["run", "system=rules", f"paths.data_dir={data}", f"paths.results_dir={tmp_path / 'whole'}",
                 *SETTINGS]) == 0
    merged, whole = run_dirs(results)["rules"], run_dirs(tmp_path / "whole")["rules"]
    for name in DETERMINISTIC:
        assert (merged / name).read_bytes() == (whole / name).read_bytes(), name
    lines = gzip.decompress((whole / "per_item.jsonl.gz").read_bytes()).splitlines()
    assert lines and gzip.decompress((merged / "per_item.jsonl.gz").read_bytes()).splitlines() == lines


@needs_plugin("hydra_plugins.hydra_submitit_launcher", "hydra-submitit-launcher")
def test_the_slurm_config_is_submitit_slurm_with_settings_for_shards():
    from hydra import compose, initialize_config_module

    from benchmark.harness.config import register_schema

    register_schema()
    with initialize_config_module(config_module="benchmark.configs", version_base="1.3"):
        cfg = compose(config_name="run", return_hydra_config=True,
                      overrides=["hydra/launcher=slurm", "hydra.launcher.partition=gpu", "hydra.launcher.gpus_per_node=1"])
    launcher = cfg.hydra.launcher
    assert launcher._target_ == "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
    assert (launcher.partition, launcher.gpus_per_node, launcher.tasks_per_node, launcher.timeout_min) == ("gpu", 1, 1, 240)
    # submitit's job folders go inside the sweep folder, which is hidden under paths.results_dir.
    assert launcher.submitit_folder.startswith("results/runs/.multirun/")
    assert launcher.submitit_folder.endswith("/.submitit/%j")


# ------------------------------------------------------------------ a launcher that is not installed

def test_a_missing_launcher_plugin_gets_one_installable_line(monkeypatch, tmp_path, capsys):
    import benchmark.cli.launchers as launchers

    monkeypatch.setattr(launchers, "available_launchers", lambda: {"basic"})  # as on a plain install
    for name in ("joblib", "submitit_slurm", "ray", "slurm"):
        code = main(["run", "-m", "system=rules,lexicon", f"hydra/launcher={name}", f"paths.results_dir={tmp_path}"])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert f"error: hydra/launcher={name} needs Hydra's" in err
        assert "pip install 'arabic-quote-benchmark[sweep]'" in err and "pip install -e '.[sweep]'" in err
    assert not any(tmp_path.iterdir())


def test_an_unknown_launcher_gets_did_you_mean(capsys, tmp_path):
    assert main(["run", "-m", "system=rules", "hydra/launcher=jobllib", f"paths.results_dir={tmp_path}"]) == 2
    err = capsys.readouterr().err
    assert "Unknown launcher 'jobllib'. Did you mean 'joblib'? Available: basic" in err


def test_the_sweep_extra_holds_every_launcher_the_hint_names():
    import tomllib

    from benchmark.cli.launchers import EXTRA, PLUGINS

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {req.split(">")[0].split("=")[0].split("[")[0].strip() for req in extras[EXTRA]}
    assert set(PLUGINS.values()) <= names


# ------------------------------------------------------------------ the README's commands

def readme_commands(section: str) -> list[list[str]]:
    """Every `python -m benchmark …` command in the code blocks of one README section (placeholders filled)."""
    import re
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text[text.index(section):]
    body = body[:body.index("\n### ", 1)] if "\n### " in body[1:] else body
    blocks = re.findall(r"```bash\n(.*?)```", body, flags=re.S)
    commands = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("python -m benchmark"):
                for placeholder, value in (("<partition>", "gpu"), ("<server>", "127.0.0.1"),
                                           ("<config hash>", "abcd1234")):
                    line = line.replace(placeholder, value)
                commands.append(shlex.split(line)[3:])
    return commands


def _first_of_sweep(arg: str) -> str:
    key, _, value = arg.partition("=")
    if value.startswith("range("):  # range(stop) or range(start, stop[, step]): its first value
        bounds = value[6:-1].split(",")
        return f"{key}={bounds[0] if len(bounds) > 1 else 0}"
    return f"{key}={value.split(',')[0]}" if "," in value and "(" not in value else arg


@needs_plugin("hydra_plugins.hydra_ray_launcher", "hydra-ray-launcher")
@needs_plugin("hydra_plugins.hydra_submitit_launcher", "hydra-submitit-launcher")
def test_every_command_of_the_sweeps_section_parses():
    from hydra import compose, initialize_config_module

    from benchmark.cli.launchers import check_launcher
    from benchmark.cli.main import _parser
    from benchmark.cli.precheck import parse_run_args, precheck
    from benchmark.harness.config import register_schema, to_run_config

    commands = readme_commands("### Sweeps, clusters and sharded runs")
    assert len(commands) >= 9 and {c[0] for c in commands} == {"run", "merge-shards", "leaderboard"}
    register_schema()
    for argv in commands:
        if argv[0] != "run":
            _parser().parse_args(argv)  # exits on an unknown option
            continue
        overrides = [_first_of_sweep(a) for a in argv[1:] if a != "-m"]
        precheck(parse_run_args(argv[1:]))
        check_launcher(argv[1:])
        with initialize_config_module(config_module="benchmark.configs", version_base="1.3"):
            launcher = compose(config_name="run", overrides=overrides, return_hydra_config=True).hydra.launcher
            cfg = compose(config_name="run", overrides=[o for o in overrides if not o.lstrip("+").startswith("hydra")])
        chosen = any(a.startswith("hydra/launcher=") for a in argv)
        assert launcher._target_.startswith("hydra_plugins.hydra_" if chosen else "hydra._internal"), argv
        assert to_run_config(cfg).systems, argv
