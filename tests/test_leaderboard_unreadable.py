"""A run folder the leaderboard cannot read is a one-line warning, never a silent loss or an abort.

Before: a system folder without read permission was dropped silently (exit
0, no warning), while one unreadable ``metrics.json`` aborted the whole
leaderboard.  Permissions cannot be taken away from root (the test machine
may run as root), so the operating system's refusal is simulated where the
leaderboard meets it: listing a folder (``os.scandir``) and opening a file.
"""

from __future__ import annotations

import errno
import os
import warnings
from pathlib import Path

from test_leaderboard_helpers import SYSTEMS, write_run

from benchmark.cli.main import main
from benchmark.gold.loading import load_corpus
from benchmark.scoring.result import UndefinedMetricWarning

SHA = load_corpus().sha256


def _runs(root: Path) -> dict[str, Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return {label: write_run(root, label, SYSTEMS[label][1], tasks=("translation",), gold=SHA)
                for label in ("strong", "close", "weak")}


def _leaderboard(tmp_path: Path, capsys) -> tuple[int, str, str]:
    rc = main(["leaderboard", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "out"),
               "--n-resamples", "50", "--seed", "5"])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_a_system_folder_that_cannot_be_listed_is_a_warning(tmp_path, capsys, monkeypatch):
    runs = _runs(tmp_path / "runs")
    locked = runs["close"].parent  # runs/close
    real = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rc, out, err = _leaderboard(tmp_path, capsys)
    assert rc == 0
    assert err.splitlines() == [f"warning: skipped {locked}: cannot read folder: Permission denied"]
    assert "translation: 2 ranked system(s)" in out


def test_an_unreadable_metrics_file_is_a_warning_and_the_others_are_ranked(tmp_path, capsys, monkeypatch):
    runs = _runs(tmp_path / "runs")
    bad = runs["weak"] / "metrics.json"
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if self == bad:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    rc, out, err = _leaderboard(tmp_path, capsys)
    assert rc == 0, err
    assert err.splitlines() == [f"warning: skipped {runs['weak']}: {bad}: cannot read file: Permission denied"]
    assert "translation: 2 ranked system(s); rank 1: strong" in out


def test_an_unreadable_per_item_file_names_the_file_and_the_others_are_ranked(tmp_path, capsys, monkeypatch):
    runs = _runs(tmp_path / "runs")
    bad = runs["close"] / "per_item.jsonl.gz"
    real = Path.open

    def open_(self, *args, **kwargs):
        if self == bad:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    rc, out, err = _leaderboard(tmp_path, capsys)
    assert rc == 0, err
    assert "Traceback" not in err
    assert "translation: 3 ranked system(s)" in out
    assert f"{bad}: cannot read file: Permission denied" in (tmp_path / "out" / "leaderboard.md").read_text()
