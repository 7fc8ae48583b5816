"""``kill -9`` during a run's final write leaves a hidden staging folder; the next run removes it.

The child process is a real ``python -m benchmark run``, stopped at a
deterministic point: its run folder's files are written into the staging
folder and it is about to rename it into place.  There it reports the
staging folder on stdout and blocks; the test reads that line (no sleeping
on the clock), kills the process with SIGKILL, and runs again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from benchmark.cli.main import main

ROOT = Path(__file__).resolve().parents[1]

# Runs `python -m benchmark run ARGS` with the final rename replaced by "say where, then wait forever".
CHILD = """
import sys, threading
import benchmark.harness.rundir as rundir

def stop_before_rename(stage, parent, name, **kw):
    print("STAGED", stage, flush=True)
    threading.Event().wait()

rundir.commit_new_folder = stop_before_rename
from benchmark.cli.main import main
sys.exit(main(["run", *sys.argv[1:]]))
"""


def test_a_killed_writer_leaves_a_hidden_folder_that_the_next_run_removes(tmp_path):
    runs = tmp_path / "runs"
    args = ["system=oracle", "task=stance", "scoring.n_resamples=10", f"paths.results_dir={runs}"]
    child = subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()  # blocks until the child is inside its final write
        assert line.startswith("STAGED "), child.stderr.read()
        stage = Path(line.split(" ", 1)[1].strip())
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    # what kill -9 leaves: a complete-looking but hidden folder named after its host and pid
    assert stage.parent == runs / "oracle" and stage.name.startswith(".tmp-")
    assert f".{child.pid}." in stage.name and (stage / "metrics.json").is_file()
    assert [p.name for p in (runs / "oracle").iterdir()] == [stage.name]

    assert main(["run", *args]) == 0
    left = sorted(p.name for p in (runs / "oracle").iterdir())
    assert not stage.exists() and len(left) == 1 and not left[0].startswith(".")
