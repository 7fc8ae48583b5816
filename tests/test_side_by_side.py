"""Systems of one run side by side (benchmark.cli.side_by_side): same outcomes, same bytes, errors kept."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.cli.run import _helper_for
from benchmark.cli.side_by_side import Helper, run_systems, side_by_side, split
from benchmark.common.forkmap import can_fork
from benchmark.errors import InputError, NothingToRun

needs_fork = pytest.mark.skipif(not can_fork(), reason="side by side needs the fork start method")


def _work(spec: str, predicted=None):
    if spec == "bad":
        raise InputError("no such file", file="x.jsonl", line=3)
    if spec == "none":
        raise NothingToRun("supports none of the tasks")
    return spec.upper()


def test_one_process_stops_at_the_first_error_like_a_plain_loop(capsys):
    done = []
    ends = run_systems(["a", "bad", "b"], _work, done=lambda: done.append(1))
    assert len(ends) == 2 and ends[0].outcome == "A" and ends[1].error == 2
    assert len(done) == 2  # "b" never ran
    assert "x.jsonl" in capsys.readouterr().err


def test_a_skip_is_not_an_error():
    ends = run_systems(["none", "a"], _work)
    assert ends[0].skipped and ends[0].error is None and ends[1].outcome == "A"


def test_split_gives_the_helper_the_slowest_then_balances():
    # By hand: costs 10,1,1,1,1,1 -> helper takes 10; every other goes to the lighter side (this process).
    assert split([10.0, 1, 1, 1, 1, 1]) == ([0], [1, 2, 3, 4, 5])
    # Equal costs alternate, helper first: 0 -> helper, 1 -> here, 2 -> helper, ...
    assert split([1.0] * 4) == ([0, 2], [1, 3])
    assert split([1.0, 3.0]) == ([1], [0])


def test_a_corpus_keeps_systems_one_after_the_other():
    # 31 documents: still small (harness.parallel.MIN_DOCUMENTS is 32); 32: documents go in parallel instead.
    assert side_by_side(None, n_systems=6, n_documents=31, cpus=4) is True
    assert side_by_side(None, n_systems=6, n_documents=32, cpus=4) is False
    assert side_by_side(None, n_systems=6, n_documents=1, cpus=1) is False  # one core: nothing beside
    assert side_by_side(2, n_systems=2, n_documents=1, cpus=8) is True


@needs_fork
def test_helper_runs_jobs_in_order_and_stops():
    helper = Helper(["math", "no_such_module_xyz", "math:no_such_function"])  # a failed warm-up is only lost time
    try:
        helper.submit(math.factorial, 5)
        helper.submit(math.factorial, 3)
        assert (helper.result(), helper.result()) == (120, 6)
    finally:
        helper.close()
    busy = Helper([])
    busy.submit(math.factorial, 4)
    busy.close()  # a job still pending: stopped, not waited for


@needs_fork
@pytest.mark.parametrize("argv, started", [
    ([], True), (["scoring.n_resamples=100"], True), (["system=all"], True),
    (["system=rules"], False), (["scoring.workers=1"], False), (["-m", "system=rules,copy"], False),
    (["--cfg", "job"], False), (["+foo"], False),
])
def test_the_helper_starts_only_for_a_plain_run_of_the_default_systems(argv, started):
    helper = _helper_for(argv)
    try:
        assert (helper is not None) is started
    finally:
        if helper is not None:
            helper.close()


def _files(results: Path) -> dict[str, bytes]:
    out = {}
    for run in sorted(p for p in results.glob("*/*") if p.is_dir()):
        for name in ("metrics.json", "predictions.jsonl", "per_item.jsonl.gz"):
            out[f"{run.parent.name}/{name}"] = (run / name).read_bytes()
    return out


@needs_fork
def test_default_run_side_by_side_writes_the_same_bytes_as_one_after_the_other(tmp_path, capsys, monkeypatch):
    sent = []
    submit = Helper.submit
    monkeypatch.setattr(Helper, "submit", lambda self, func, arg: (sent.append(arg[0].name), submit(self, func, arg)))
    tables = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        assert main(["run", f"paths.results_dir={out}", "scoring.n_resamples=100", f"scoring.workers={workers}"]) == 0
        tables.append(capsys.readouterr().out.split("\n\n")[0])  # the table, before the folder paths
    assert sent == ["sklearn"]  # workers=2: the slowest system predicted on the helper; workers=1: none
    serial, side = _files(tmp_path / "w1"), _files(tmp_path / "w2")
    assert len(serial) == 18  # six built-in systems, three files each
    assert serial == side
    assert tables[0] == tables[1] and "sklearn" in tables[0]
    manifest = next((tmp_path / "w2" / "sklearn").glob("*/manifest.json")).read_text(encoding="utf-8")
    assert '"predict":' in manifest  # the helper's own prediction time is recorded
