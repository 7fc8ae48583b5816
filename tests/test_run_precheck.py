"""`run` checks every job of its command line before anything runs.

Unknown keys (any depth, with or without `+`), resolver interpolations,
unsafe labels, system directories as output, unbounded resampling, duplicate
tasks, and bad values in any job of a sweep: each is one line on stderr, exit
code 2, no run folder, and the system never runs (`make_system` is replaced
by a function that fails the test if called).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmark.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def run_dirs(results: Path) -> list[Path]:
    return sorted(p for p in results.glob("*/*")
                  if p.is_dir() and not p.name.startswith(".") and not p.parent.name.startswith("."))


@pytest.fixture
def no_system(monkeypatch):
    """Fail the test if a system is built (the refusal must come first)."""
    from benchmark.systems import registry

    def refuse(*a, **k):
        raise AssertionError("a system was built before the command line was refused")

    monkeypatch.setattr(registry, "make_system", refuse)


def _refused(argv: list[str], tmp_path: Path, capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not run_dirs(tmp_path)
    return err


UNKNOWN_KEYS = [
    ("scoring.n_resample=10", "Unknown key 'scoring.n_resample'. Did you mean 'scoring.n_resamples'?"),
    ("+scoring.n_resample=10", "Unknown key 'scoring.n_resample'. Did you mean 'scoring.n_resamples'?"),
    ("++scoring.n_resample=10", "Unknown key 'scoring.n_resample'. Did you mean 'scoring.n_resamples'?"),
    ("~scoring.n_resample", "Unknown key 'scoring.n_resample'. Did you mean 'scoring.n_resamples'?"),
    ("report.worst_error=3", "Unknown key 'report.worst_error'. Did you mean 'report.worst_errors'?"),
    ("+paths.result_dir=x", "Unknown key 'paths.result_dir'. Did you mean 'paths.results_dir'?"),
    ("task.name=[quotes]", "Unknown key 'task.name'. Did you mean 'task.names'?"),
    ("+sed=3", "Unknown key 'sed'. Did you mean 'seed'?"),
    ("scorng.n_resamples=3", "Unknown key 'scorng' (in 'scorng.n_resamples'). Did you mean 'scoring'?"),
]


@pytest.mark.parametrize("override,message", UNKNOWN_KEYS, ids=[o for o, _ in UNKNOWN_KEYS])
def test_unknown_key_at_any_depth_with_or_without_plus(override, message, tmp_path, capsys, no_system):
    err = _refused(["run", "system=rules", override, f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert message in err


SYSTEM_OPTIONS = [
    (["system=sklearn", "system.n_split=3"], "Unknown option 'n_split' of system 'sklearn'. Did you mean 'n_splits'?"),
    (["system=sklearn", "+system.n_split=3"], "Unknown option 'n_split' of system 'sklearn'. Did you mean 'n_splits'?"),
    (["system=llm", "system.modle=m"], "Unknown option 'modle' of system 'llm'. Did you mean 'model'?"),
    (["system=predictions", "system.pth=x.jsonl"], "Unknown option 'pth' of system 'predictions'. Did you mean 'path'?"),
    (["system=rules", "system.seed=3"], "system 'rules' takes option 'seed', but its config does not set it: "
                                        "add it with +system.seed=…"),
    (["system=all", "system.member=[rules]"], "Unknown option 'member' of system 'all'. Did you mean 'members'?"),
]


@pytest.mark.parametrize("argv,message", SYSTEM_OPTIONS, ids=[" ".join(a) for a, _ in SYSTEM_OPTIONS])
def test_system_keys_are_the_factory_options(argv, message, tmp_path, capsys, no_system):
    err = _refused(["run", *argv, f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert message in err


def test_a_factory_option_missing_from_the_yaml_is_set_with_plus(tmp_path, capsys):
    import yaml

    assert main(["run", "system=rules", "+system.seed=3", "--cfg", "job"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["system"] == {"name": "rules", "seed": 3}


def test_a_junk_key_never_reaches_config_yaml(tmp_path, capsys):
    # Before: Hydra's hint "+scoring.n_resample=10" ran with n_resamples 1000 and stored the junk key.
    assert main(["run", "system=copy", "+scoring.n_resample=10", f"paths.results_dir={tmp_path}"]) == 2
    assert not list(tmp_path.rglob("config.yaml"))


SWEEPS = [
    (["-m", "system=rules", "seed=abc"], "Value 'abc' of type 'str' could not be converted to Integer"),
    (["-m", "system=rules,lexicon", "seed=1,abc"], "(sweep job: system=rules seed=abc"),
    (["-m", "system=copy,sklearn", "system.n_splits=3"], "Unknown option 'n_splits' of system 'copy'"),
    (["-m", "system=copy", "scoring.n_resamples=10,100000000"], "must be an integer between 1 and 100,000"),
    (["-m", "system=copy", "task=quotes,stanse"], "Unknown task 'stanse'. Did you mean 'stance'?"),
    (["-m", "system=copy", "seed=range(0,3)", "scoring.confidence=0.9,2"], "strictly between 0 and 1"),
]


@pytest.mark.parametrize("argv,message", SWEEPS, ids=[" ".join(a) for a, _ in SWEEPS])
def test_every_job_of_a_sweep_is_checked_before_the_first_runs(argv, message, tmp_path, capsys, no_system):
    err = _refused(["run", *argv, f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert message in err


def test_a_large_sweep_is_checked_value_by_value(monkeypatch):
    from benchmark.cli import precheck

    parsed_args = precheck.parse_run_args(["-m", "seed=range(0,600)", "system=copy,rules", "scoring.n_resamples=20"])
    from benchmark.harness.config import register_schema

    register_schema()
    with precheck.Composer(parsed_args) as composer:
        jobs = precheck.sweep_jobs(composer.parse(parsed_args.overrides), multirun=True)
    # 1,200 jobs > 1,024: the first job, then each other value of each swept key once (599 seeds + 1 system).
    assert len(jobs) == 1 + 599 + 1
    assert jobs[0] == ["seed=0", "system=copy", "scoring.n_resamples=20"]
    assert ["seed=0", "system=rules", "scoring.n_resamples=20"] in jobs


def test_duplicate_tasks_are_refused(tmp_path, capsys, no_system):
    err = _refused(["run", "task.names=[speakers,speakers]", f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert "task.names: lists 'speakers' twice; each may appear once" in err
    err = _refused(["run", "system.members=[rules,rules]", f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert "system.members: lists 'rules' twice" in err


def test_resampling_is_bounded_before_the_system_runs(tmp_path, capsys, no_system):
    err = _refused(["run", "system=copy", "scoring.n_resamples=100000000", f"paths.results_dir={tmp_path}"],
                   tmp_path, capsys)
    assert "scoring.n_resamples: must be an integer between 1 and 100,000, got 100000000" in err


RESOLVERS = [
    "system.label=${oc.env:BENCH_SECRET}",
    "system.label='${oc.env:BENCH_SECRET}'",
    "system.label=x-${oc.env:BENCH_SECRET,none}",
    "system.label=${oc.decode:${oc.env:BENCH_SECRET}}",
    r"system.label='\\${oc.env:BENCH_SECRET}'",  # an escaped backslash, then a live interpolation
    "paths.results_dir=${now:%H%M}",
]


@pytest.mark.parametrize("override", RESOLVERS)
def test_resolvers_are_refused_in_overrides(override, tmp_path, capsys, monkeypatch, no_system):
    monkeypatch.setenv("BENCH_SECRET", "sk-abc123")
    err = _refused(["run", "system=predictions", f"system.path={ROOT / 'docs/examples/submission.jsonl'}",
                    override, f"paths.results_dir={tmp_path}"] if "results_dir" not in override
                   else ["run", "system=copy", override], tmp_path, capsys)
    assert "is not allowed in a command-line override" in err and "sk-abc123" not in err


def test_references_and_hydra_resolvers_stay_allowed(tmp_path, capsys):
    import yaml

    example = ROOT / "docs" / "examples" / "submission.jsonl"
    assert main(["run", "system=predictions", f"system.path={example}", "system.label=run-${seed}",
                 "hydra.sweep.dir=multirun/${now:%Y}", "--cfg", "job", "--resolve"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["system"]["label"] == "run-12345"


LABELS = [
    "a](https://evil.example/phish) [b",
    "<img src=x onerror=alert(1)>",
    "my system",
    "../escape",
    "-flag",
    "x" * 65,
]


@pytest.mark.parametrize("label", LABELS, ids=[lb[:20] for lb in LABELS])
def test_unsafe_labels_are_refused_with_the_rule(label, tmp_path, capsys, no_system):
    from benchmark.cli.commands import hydra_quote

    example = ROOT / "docs" / "examples" / "submission.jsonl"
    err = _refused(["run", "system=predictions", f"system.path={example}", f"system.label={hydra_quote(label)}",
                    f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert "system.label: must be 1 to 64 characters from A-Z a-z 0-9 . _ + -, starting with a letter or digit" in err
    err = _refused(["score", str(example), f"--name={label}", "--out", str(tmp_path)], tmp_path, capsys)
    assert "--name: must be 1 to 64 characters" in err


def test_a_100_kb_label_is_refused_at_once(tmp_path, capsys, no_system):
    example = ROOT / "docs" / "examples" / "submission.jsonl"
    t0 = time.perf_counter()
    err = _refused(["score", str(example), "--name", "a" * 100_000, "--out", str(tmp_path)], tmp_path, capsys)
    assert "(100,000 characters)" in err and len(err) < 300
    err = _refused(["run", "system=predictions", f"system.path={example}", "system.label=" + "a" * 100_000,
                    f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert "(100,000 characters)" in err and len(err) < 300
    assert time.perf_counter() - t0 < 30  # no job ran (a whole run takes longer); generous for a loaded machine


def test_a_file_name_becomes_a_safe_label(tmp_path, capsys):
    src = ROOT / "docs" / "examples" / "submission.jsonl"
    odd = tmp_path / "my file (v2).jsonl"
    odd.write_bytes(src.read_bytes())
    assert main(["score", str(odd), "--out", str(tmp_path / "out")]) == 0
    assert [d.parent.name for d in run_dirs(tmp_path / "out")] == ["my-file-v2"]


SYSTEM_DIRS = ["/", "/etc", "/etc/bench", "/usr/lib/x", "/proc/x", "/var", "/boot"]


@pytest.mark.parametrize("folder", SYSTEM_DIRS)
def test_system_directories_are_refused_for_every_output_option(folder, tmp_path, capsys, no_system):
    example = str(ROOT / "docs" / "examples" / "submission.jsonl")
    for argv, option in [
        (["run", "system=copy", f"paths.results_dir={folder}"], "paths.results_dir"),
        (["score", example, "--out", folder], "--out"),
        (["leaderboard", "--out", folder], "--out"),
        (["export", "--out", folder], "--out"),
        (["publish", f"hub.out_dir={folder}"], "hub.out_dir"),
        (["inputs", "--out", f"{folder}/inputs.jsonl"], "--out"),
    ]:
        err = _refused(argv, tmp_path, capsys)
        assert err.startswith(f"error: {option}: '{folder}") and "system directory" in err, (argv, err)


def test_the_home_directory_itself_is_refused_but_a_folder_in_it_is_not(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    err = _refused(["run", "system=copy", f"paths.results_dir={home}"], tmp_path, capsys)
    assert "is your home directory" in err
    assert main(["run", "system=copy", f"paths.results_dir={home}/runs", "--cfg", "job"]) == 0
    assert main(["run", "system=copy", "paths.results_dir=~", "--cfg", "job"]) == 2


ODD = [
    (["~seed"], "seed: cannot be deleted: every setting outside system.* is required"),
    (["seed=1,2"], "'seed=1,2' is a sweep: add --multirun (-m)"),
    (["system=sklearn", "system.seed=${nothing}"], "Interpolation key 'nothing' not found"),
    (["system=rules,lexicon"], "Ambiguous value for argument 'system=rules,lexicon'"),
]


@pytest.mark.parametrize("argv,message", ODD, ids=[" ".join(a) for a, _ in ODD])
def test_deletions_sweeps_without_m_and_dangling_references(argv, message, tmp_path, capsys, no_system):
    err = _refused(["run", *argv, f"paths.results_dir={tmp_path}"], tmp_path, capsys)
    assert message in err
