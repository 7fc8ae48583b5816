"""`python -m benchmark run` takes every Hydra flag as any `@hydra.main` app does.

Each flag is run for real, in-process (subprocess for shell completion in
bash); expected outputs come from Hydra's documented behaviour: `--cfg job`
prints the job config and runs nothing, `--package` prints one package,
`--resolve` resolves `${seed}`, `--info` prints the named section, `--config-dir`
adds a search-path folder, `--config-name` picks the primary config, and so on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmark.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def run_dirs(results: Path) -> list[Path]:
    # Hidden folders (Hydra's .multirun sweep folder, .tmp-* runs in progress) are not runs.
    return sorted(p for p in results.glob("*/*")
                  if p.is_dir() and not p.name.startswith(".") and not p.parent.name.startswith("."))


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _out(argv, capsys, code=0):
    assert main(["run", *argv]) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


@pytest.mark.parametrize("flag", ["--cfg", "-c"])
def test_cfg_job_prints_the_job_config_and_runs_nothing(flag, cwd, capsys):
    out, _ = _out(["system=rules", flag, "job"], capsys)
    cfg = yaml.safe_load(out)
    assert cfg["system"] == {"name": "rules"}
    assert cfg["scoring"]["seed"] == "${seed}"  # unresolved without --resolve
    assert "hydra" not in cfg
    assert not (cwd / "results").exists()


def test_cfg_hydra_and_all(cwd, capsys):
    hydra_only = yaml.safe_load(_out(["--cfg", "hydra"], capsys)[0])
    assert list(hydra_only) == ["hydra"] and hydra_only["hydra"]["run"]["dir"] == "."
    both = yaml.safe_load(_out(["--cfg", "all", "task=stance"], capsys)[0])
    assert "hydra" in both and both["task"]["names"] == ["stance"]


@pytest.mark.parametrize("flag", ["--package", "-p"])
def test_package_with_resolve_prints_one_resolved_package(flag, cwd, capsys):
    out, _ = _out(["--cfg", "job", flag, "scoring", "--resolve", "seed=7"], capsys)
    assert out.startswith("# @package scoring")
    # configs/scoring/default.yaml, with seed: ${seed} resolved to the override's 7
    assert yaml.safe_load(out) == {"n_resamples": 1000, "confidence": 0.95, "seed": 7, "fuzzy_threshold": 90.0,
                                   "limits": {"max_file_mb": 64.0, "max_items": 5000, "max_string_chars": 20000},
                                   "workers": None}


@pytest.mark.parametrize("argv,expected", [
    (["--info"], "Installed Hydra Plugins"),
    (["-i", "config"], "Defaults List"),
    (["--info", "defaults-tree"], "Defaults Tree"),
    (["--info", "searchpath"], "pkg://benchmark.configs"),
    (["--info", "plugins"], "BasicLauncher"),
])
def test_info_prints_the_section(argv, expected, cwd, capsys):
    out, err = _out(argv, capsys)
    assert expected in out + err
    assert not (cwd / "results").exists()


@pytest.fixture
def extra_configs(tmp_path):
    d = tmp_path / "myconf"
    (d / "system").mkdir(parents=True)
    (d / "system" / "mine.yaml").write_text("name: rules\nlabel: mine\n")
    (d / "quick.yaml").write_text("defaults:\n  - run\n  - _self_\nscoring:\n  n_resamples: 50\n")
    return d


@pytest.mark.parametrize("flag", ["--config-dir", "-cd"])
def test_config_dir_adds_options_that_run(flag, extra_configs, cwd, capsys):
    cfg = yaml.safe_load(_out([flag, str(extra_configs), "system=mine", "--cfg", "job"], capsys)[0])
    assert cfg["system"] == {"name": "rules", "label": "mine"}
    _out([flag, str(extra_configs), "system=mine", "task=quotes", "paths.results_dir=out",
          "scoring.n_resamples=20"], capsys)
    assert [d.parent.name for d in run_dirs(cwd / "out")] == ["mine"]


@pytest.mark.parametrize("flag", ["--config-name", "-cn"])
def test_config_name_picks_the_primary_config(flag, extra_configs, cwd, capsys):
    cfg = yaml.safe_load(_out(["-cd", str(extra_configs), flag, "quick", "--cfg", "job"], capsys)[0])
    assert cfg["scoring"]["n_resamples"] == 50


def test_config_path_names_the_packaged_configs(cwd, capsys):
    cfg = yaml.safe_load(_out(["-cp", "pkg://benchmark.configs", "system=copy", "--cfg", "job"], capsys)[0])
    assert cfg["system"] == {"name": "copy"}


@pytest.mark.parametrize("argv,message", [
    (["-cd", "no-such-folder", "system=rules"], "--config-dir no-such-folder: folder not found"),
    (["-cn", "no-such-config"], "Cannot find primary config 'no-such-config'"),
    (["-m", "system=rules", "--cfg", "job"], "--multirun and --cfg cannot be combined"),
    (["--resolve"], "--resolve works only with --cfg or --help"),
])
def test_flag_mistakes_are_one_line_with_exit_2(argv, message, cwd, capsys):
    out, err = _out(argv, capsys, code=2)
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unknown_flag_or_choice_is_argparse_usage_with_exit_2(cwd, capsys):
    _, err = _out(["--cfg", "jobs"], capsys, code=2)
    assert "argument --cfg/-c: invalid choice: 'jobs'" in err and err.startswith("usage: python -m benchmark run")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_hydra_app_help(flag, cwd, capsys):
    out, _ = _out([flag], capsys)
    assert out.startswith("python -m benchmark run: score systems on the gold")
    assert "system: all, copy, hf, lexicon, llm, majority, oracle, predictions, rules, sklearn" in out
    assert "== Config ==" in out and "--hydra-help" in out


def test_hydra_help_and_version(cwd, capsys):
    out, _ = _out(["--hydra-help"], capsys)
    assert "== Flags ==" in out and "--cfg,-c" in out
    out, _ = _out(["--version"], capsys)
    assert out.startswith("Hydra 1.3")


@pytest.mark.parametrize("flag", ["--run", "-r"])
def test_run_flag_runs(flag, cwd, capsys):
    out, _ = _out([flag, "system=copy", "paths.results_dir=out", "scoring.n_resamples=20"], capsys)
    assert [d.parent.name for d in run_dirs(cwd / "out")] == ["copy"]


@pytest.mark.parametrize("flag", ["--multirun", "-m"])
def test_multirun_runs_each_job_and_rows_name_their_overrides(flag, cwd, capsys):
    out, _ = _out([flag, "system=copy", "seed=1,2", "paths.results_dir=out", "scoring.n_resamples=20"], capsys)
    assert len(run_dirs(cwd / "out")) == 2
    # Each job's row says which job it is (the sweep's two seeds), not "copy" twice.
    rows = [line for line in out.splitlines() if " translation " in line]
    assert len(rows) == 2
    assert "copy [seed=1 scoring.n_resamples=20]" in rows[0] and "copy [seed=2 scoring.n_resamples=20]" in rows[1]
    # ... and so does the line naming each job's run folder.
    folders = [line for line in out.splitlines() if line.startswith("copy [seed=") and ": out/" in line]
    assert len(folders) == 2 and all(": out/copy/" in line for line in folders)


def test_shell_completion_install_and_query(cwd, capsys, monkeypatch):
    for flag in ("--shell-completion", "-sc"):
        out, _ = _out([flag, "install=bash"], capsys)
        assert out.rstrip().endswith("-F hydra_bash_completion benchmark")
    # bash calls `benchmark -sc query=bash` with the line typed so far.
    monkeypatch.setenv("COMP_LINE", "benchmark run system=ru")
    assert main(["-sc", "query=bash"]) == 0
    assert capsys.readouterr().out.split() == ["system=rules"]
    monkeypatch.setenv("COMP_LINE", "benchmark run scoring.n_res")
    assert main(["-sc", "query=bash"]) == 0
    assert capsys.readouterr().out.split() == ["scoring.n_resamples="]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_the_installed_command(tmp_path):
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "benchmark").exists(), "the console script of the editable install"
    script = ('eval "$(benchmark run -sc install=bash)"; COMP_LINE="benchmark run task=sta"; '
              'COMP_POINT=${#COMP_LINE}; COMP_CWORD=2; hydra_bash_completion; echo "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["task=stance"], proc.stderr[-2000:]
