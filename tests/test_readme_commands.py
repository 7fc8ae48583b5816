"""Every ``python -m benchmark …`` command in README.md and docs/*.md runs, or at least parses.

Commands are taken from fenced code blocks (``\\`` continuations joined,
trailing ``# comments`` dropped) and from inline code spans (which may wrap
across lines).  Offline, each is checked as far as it can be without the
network, a token, a GPU or a run folder:

* ``run`` without ``-m``: run for real with ``--cfg job`` appended, i.e. Hydra
  parses the command line and composes the config, and the pre-check
  validates every key and value; nothing is predicted;
* ``run -m``: Hydra's argument parser, then the pre-check composes the config
  of every job of the sweep; a launcher must exist, or be one of the plugins the
  README says to install;
* ``list``, ``check-data``, ``agreement``, ``validate``, ``inputs`` and
  ``score``: run for real (a user's file is the example submission);
* the rest (``leaderboard``, ``report``, ``export``, ``publish``): parsed by the
  command line's argument parser, and ``publish``'s settings validated.

Nothing is written into the repository: commands run in a temporary folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from benchmark.cli.main import _parser, main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE = ROOT / "docs" / "examples" / "submission.jsonl"
PREFIX = "python -m benchmark"

# Placeholders of the docs and what stands in for them here.
PLACEHOLDERS = {
    "system=…": "system=rules,lexicon",  # "system=… hydra/launcher=ray": any sweep
    "<partition>": "debug",
    "<project id>": "7",
    "<run folder>": "20250218T120000Z-abcd1234",
    "<source id>": "d60cf795c66ab44c",
    "<server>": "gpu-node-1",
    "<that folder>": "results/runs",
}
USER_FILES = ("my_system.jsonl", "PREDICTIONS.jsonl", "FILE", "big.jsonl")
"""Names the docs give a user's submission file: the example submission stands in."""
HYPOTHETICAL_SYSTEMS = ("my_system", "my-ner")
HYPOTHETICAL_LAYERS = ("passes/jane", "passes/omar")
"""Reviewers' imports the annotation docs name: their commands are parsed, not run."""
"""Systems the docs show how to add: their commands are checked by the grammar only."""
EXTERNAL_LAUNCHERS = ("joblib", "submitit_slurm", "submitit_local", "ray")
"""Launcher plugins the README tells the user to install (not in the test extra)."""
RUN_FULLY = {"list", "check-data", "agreement", "validate", "inputs", "score"}


def _fenced(text: str) -> tuple[list[str], str]:
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    return blocks, re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)


def extract_commands(text: str) -> list[str]:
    """The ``python -m benchmark …`` commands of a Markdown text, each on one line."""
    found = []
    blocks, prose = _fenced(text)
    for block in blocks:
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            if PREFIX in line:
                found.append(re.sub(r"\s+#.*$", "", line[line.index(PREFIX):]).strip())
    for span in re.findall(r"`([^`]+)`", prose):
        span = " ".join(span.split())
        if PREFIX in span:
            found.append(span[span.index(PREFIX):])
    return found


def _argv(command: str) -> list[str]:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    # Optional parts of a synopsis have a space inside ([--data-dir DATA], [key=value …]); list values do not.
    command = re.sub(r"(?<=\s)\[[^\]]*\s[^\]]*\]", "", command)
    tokens = shlex.split(command)[3:]
    for i, t in enumerate(tokens):
        if t in (">", "|", "&&"):  # a shell redirection or pipe after the command
            tokens = tokens[:i]
            break
    return [t for t in tokens if t != "…"]


def _all_commands() -> list[tuple[str, str]]:
    return [(doc.name, c) for doc in DOCS for c in extract_commands(doc.read_text(encoding="utf-8"))]


COMMANDS = _all_commands()


def test_the_extractor_finds_the_documented_commands():
    found = {c for _, c in COMMANDS}
    # One of each kind, as printed in the README (a fenced line, a comment dropped, a wrapped inline span).
    assert "python -m benchmark run system=rules --cfg job" in found
    assert "python -m benchmark run -m system=sklearn task=stance seed=1,2,3,4,5,6,7,8,9,10" in found
    assert "python -m benchmark leaderboard" in found
    assert any(c.startswith("python -m benchmark run system=hf task=translation system.model=facebook/nllb")
               and c.endswith("system.label=nllb-600m") for c in found)
    assert len(COMMANDS) >= 40


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in USER_FILES:
        shutil.copy(EXAMPLE, tmp_path / name)
    # Commands are written to run from the repository root; files they name must be found.
    shutil.copytree(EXAMPLE.parent, tmp_path / "docs" / "examples")
    return tmp_path


def _check_run(argv: list[str]) -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from benchmark.cli.precheck import Composer, parse_run_args, precheck
    from benchmark.harness.config import register_schema

    args = parse_run_args(argv)
    OverridesParser.create().parse_overrides(args.overrides)
    if any(f"system={name}" in argv for name in HYPOTHETICAL_SYSTEMS):
        return
    if not args.multirun:
        assert main(["run", *argv, "--cfg", "job"]) == 0
        return
    register_schema()
    precheck(args)
    with Composer(args) as composer:
        available = composer.group_options("hydra/launcher")
    for arg in argv:
        if arg.startswith("hydra/launcher="):
            launcher = arg.split("=", 1)[1]
            assert launcher in available or launcher in EXTERNAL_LAUNCHERS, launcher


def check_command(command: str) -> None:
    """Run or parse one documented command (see the module docstring); raise or fail an assert if wrong."""
    argv = _argv(command)
    if argv[0] == "run":
        _check_run(argv[1:])
        return
    args = _parser().parse_args(argv)  # a wrong flag exits with code 2 here
    if args.command in RUN_FULLY and not set(HYPOTHETICAL_LAYERS) & set(argv):
        assert main(argv) == 0
    elif args.command == "publish":
        from benchmark.publish.config import load_settings

        load_settings(args.overrides)


@pytest.mark.parametrize("doc,command", COMMANDS, ids=[f"{d}: {c[len(PREFIX) + 1:]}" for d, c in COMMANDS])
def test_documented_command_runs_or_parses(doc, command, workdir):
    check_command(command)
    assert not (ROOT / "results" / "runs" / "my-system").exists()  # `score` wrote into the temporary folder


@pytest.mark.parametrize("command", [
    "python -m benchmark run system=rulez",
    "python -m benchmark run scoring.n_resample=10",
    "python -m benchmark run system=rules --cfg jobs",
    "python -m benchmark run -m system=rules seed=1,abc",
    "python -m benchmark run -m system=rules,lexicon hydra/launcher=joblb",
    "python -m benchmark validate",
    "python -m benchmark leaderboard --n-resamples many",
    "python -m benchmark publish hub.repo_idd=org/x",
    "python -m benchmark validate my_system.jsonl --fuzzy-treshold 85",
])
def test_the_check_fails_on_a_wrong_command(command, workdir):
    from benchmark.errors import BenchmarkError

    with pytest.raises((AssertionError, SystemExit, BenchmarkError)):
        check_command(command)


def _per_item_commands() -> list[str]:
    """The README's shell lines that read a run's ``per_item.jsonl.gz`` (not ``python -m benchmark`` commands)."""
    blocks, _ = _fenced((ROOT / "README.md").read_text(encoding="utf-8"))
    return [line.strip() for block in blocks for line in block.splitlines()
            if "per_item.jsonl.gz" in line and PREFIX not in line]


def test_the_readme_commands_that_read_per_item_jsonl_gz_run(tmp_path):
    import gzip
    import json
    import subprocess
    import sys

    commands = _per_item_commands()
    assert [c.split()[0] for c in commands] == ["zcat", "python"]
    assert main(["run", "system=rules", f"paths.results_dir={tmp_path / 'results' / 'runs'}",
                 "scoring.n_resamples=10", "report.html=false", "report.markdown=false"]) == 0
    (run_dir,) = (tmp_path / "results" / "runs" / "rules").iterdir()
    rows = [json.loads(x) for x in gzip.decompress((run_dir / "per_item.jsonl.gz").read_bytes()).splitlines()]
    outputs = []
    for command in commands:
        command = command.replace("<run folder>", run_dir.name)
        if command.startswith("python "):  # this interpreter, where pandas is installed
            command = shlex.quote(sys.executable) + command[len("python"):]
        done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    assert [json.loads(x) for x in outputs[0].splitlines()] == rows[:2]  # zcat … | head -n 2
    # pandas' row count per task, as counted here from the decompressed lines
    counts = {task: sum(r["task"] == task for r in rows) for task in {r["task"] for r in rows}}
    shown = dict(re.findall(r"^(\w+)\s+(\d+)$", outputs[1], flags=re.M))
    assert {t: int(n) for t, n in shown.items()} == counts and len(counts) == 4
