"""The one atomic folder writer: all or nothing, previous versions never lost, dead writers' leftovers cleaned."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

import benchmark.common.atomic as atomic
from benchmark.common.atomic import commit_new_folder, remove_stale_stages, replace_folders, stage_dir, write_files


def _folder(path, text):
    path.mkdir(parents=True)
    (path / "f.txt").write_text(text)
    return path


def test_replace_folders_swaps_all_and_removes_what_maps_to_none(tmp_path):
    a, b, c = _folder(tmp_path / "a", "old a"), _folder(tmp_path / "b", "old b"), _folder(tmp_path / "c", "old c")
    new_a, new_b = _folder(tmp_path / ".new-a", "new a"), _folder(tmp_path / ".new-b", "new b")
    replace_folders({a: new_a, b: new_b, c: None})
    assert (a / "f.txt").read_text() == "new a" and (b / "f.txt").read_text() == "new b"
    assert not c.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # nothing hidden left behind


def test_replace_folders_puts_everything_back_when_a_swap_fails(tmp_path, monkeypatch):
    a, b = _folder(tmp_path / "a", "old a"), _folder(tmp_path / "b", "old b")
    new_a, new_b = _folder(tmp_path / ".new-a", "new a"), _folder(tmp_path / ".new-b", "new b")
    real_replace = os.replace

    def failing(src, dst):
        if str(src) == str(new_b):  # the second swap-in fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OSError):
        replace_folders({a: new_a, b: new_b})
    assert (a / "f.txt").read_text() == "old a" and (b / "f.txt").read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_commit_new_folder_never_shares_a_name(tmp_path):
    names = [commit_new_folder(write_files(stage_dir(tmp_path, ".tmp-"), {"x": b"1"}), tmp_path, "run").name
             for _ in range(3)]
    assert names == ["run", "run-2", "run-3"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_stages_of_dead_writers_on_this_host_are_removed(tmp_path):
    host = socket.gethostname()
    dead = tmp_path / f".tmp-{host}.{_dead_pid()}.abc123"
    alive = tmp_path / f".tmp-{host}.{os.getppid()}.def456"
    other_host = tmp_path / f".tmp-elsewhere.example.{_dead_pid()}.ghi789"
    unrelated = tmp_path / ".tmp-notastage"
    for p in (dead, alive, other_host, unrelated):
        p.mkdir()
    assert remove_stale_stages(tmp_path, ".tmp-") == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (alive, other_host, unrelated))


def test_a_new_stage_cleans_up_after_a_killed_writer(tmp_path):
    # A writer killed with SIGKILL leaves its staging folder; the next writer removes it.
    code = ("import sys, os, pathlib; from benchmark.common.atomic import stage_dir; "
            "p = stage_dir(pathlib.Path(sys.argv[1]), '.tmp-'); (p / 'half').write_text('x'); "
            "print(p.name, flush=True); os.kill(os.getpid(), 9)")
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert res.returncode == -9
    left = tmp_path / res.stdout.strip()
    assert left.is_dir()
    fresh = stage_dir(tmp_path, ".tmp-")
    assert not left.exists() and fresh.is_dir()
