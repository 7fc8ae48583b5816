"""The README workflow never writes a tracked file: `git status` of a clone stays clean.

A clone of the repository as it stands (every tracked file and every file
that is not git-ignored, committed into a new repository in a temporary
folder) runs, with this interpreter: the README's two commands
(`python -m benchmark run`, with few resamples to stay fast, and `pytest`,
on the doctests of the two stages of this workflow, harness and leaderboard,
not the whole suite, which would run this test again), then
`python -m benchmark leaderboard`, then a second run.  After each,
`git status --porcelain` is empty, and the second run's manifest records a
clean work tree (before, the leaderboard rewrote tracked tables and every
later run said "(uncommitted changes)").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the repository")
    dest = tmp_path_factory.mktemp("clone") / "repo"
    files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "clone", cwd=dest)
    return dest


def run(clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(clone.parent / "hf"))
    res = subprocess.run([sys.executable, *args], cwd=clone, capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    return res


def status(clone: Path) -> str:
    return git("status", "--porcelain", cwd=clone)


def test_readme_commands_then_leaderboard_leave_the_clone_clean(clone):
    run(clone, "-m", "benchmark", "run", "scoring.n_resamples=20")
    assert status(clone) == ""
    run(clone, "-m", "pytest", "-q", "-p", "no:cacheprovider", "benchmark/harness", "benchmark/leaderboard")
    assert status(clone) == ""
    out = run(clone, "-m", "benchmark", "leaderboard", "--n-resamples", "20").stdout
    assert f"wrote {Path('results') / 'leaderboard.md'}" in out
    assert status(clone) == ""
    assert sorted(p.name for p in (clone / "results").glob("leaderboard.*")) == [
        "leaderboard.csv", "leaderboard.html", "leaderboard.json", "leaderboard.md"]
    run(clone, "-m", "benchmark", "run", "system=copy", "scoring.n_resamples=20")
    assert status(clone) == ""
    newest = max((clone / "results" / "runs" / "copy").iterdir())
    manifest = json.loads((newest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["environment"]["git"]["dirty"] is False
    assert "(uncommitted changes)" not in (newest / "report.md").read_text(encoding="utf-8")
