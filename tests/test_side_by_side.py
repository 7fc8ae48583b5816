"""Systems of one run side by side (benchmark.cli.side_by_side): same outcomes, same bytes, errors kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.cli.side_by_side import run_systems, side_by_side_workers
from benchmark.common.forkmap import can_fork
from benchmark.errors import InputError, NothingToRun

needs_fork = pytest.mark.skipif(not can_fork(), reason="side by side needs the fork start method")


def _work(spec: str):
    if spec == "bad":
        raise InputError("no such file", file="x.jsonl", line=3)
    if spec == "none":
        raise NothingToRun("supports none of the tasks")
    return spec.upper(), os.getpid()


@needs_fork
def test_outcomes_come_back_in_the_given_order_from_other_processes():
    specs = ["a", "b", "c", "d", "e"]
    ends = run_systems(specs, _work, workers=2, order=lambda s: s == "e")
    assert [e.outcome[0] for e in ends] == ["A", "B", "C", "D", "E"]
    assert os.getpid() not in {e.outcome[1] for e in ends}  # each ran in a worker


@needs_fork
def test_an_error_is_reported_once_and_the_other_systems_finish(capfd):
    ends = run_systems(["a", "bad", "none", "b"], _work, workers=2)
    assert [e.outcome[0] if e.outcome else None for e in ends] == ["A", None, None, "B"]
    assert ends[1].error == 2 and not ends[1].skipped
    assert ends[2].skipped and ends[2].error is None
    err = capfd.readouterr().err  # written by the worker, on the inherited stderr
    assert err.count("no such file") == 1 and "x.jsonl" in err


def test_one_worker_stops_at_the_first_error_like_a_plain_loop(capsys):
    done = []
    ends = run_systems(["a", "bad", "b"], _work, workers=1, done=lambda: done.append(1))
    assert len(ends) == 2 and ends[0].outcome[0] == "A" and ends[1].error == 2
    assert len(done) == 2  # "b" never ran


def test_a_corpus_keeps_systems_one_after_the_other():
    # 31 documents: still small (harness.parallel.MIN_DOCUMENTS is 32); 32: documents go in parallel instead.
    assert side_by_side_workers(None, n_systems=6, n_documents=31, cpus=4) == 4
    assert side_by_side_workers(None, n_systems=6, n_documents=32, cpus=4) == 1
    assert side_by_side_workers(3, n_systems=2, n_documents=1, cpus=8) == 2  # never more than the systems


def _files(results: Path) -> dict[str, bytes]:
    out = {}
    for run in sorted(p for p in results.glob("*/*") if p.is_dir()):
        for name in ("metrics.json", "predictions.jsonl", "per_item.jsonl.gz"):
            out[f"{run.parent.name}/{name}"] = (run / name).read_bytes()
    return out


@needs_fork
def test_default_run_side_by_side_writes_the_same_bytes_as_one_after_the_other(tmp_path, capsys):
    tables = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        assert main(["run", f"paths.results_dir={out}", "scoring.n_resamples=100", f"scoring.workers={workers}"]) == 0
        tables.append(capsys.readouterr().out.split("\n\n")[0])  # the table, before the folder paths
    serial, side = _files(tmp_path / "w1"), _files(tmp_path / "w2")
    assert len(serial) == 18  # six built-in systems, three files each
    assert serial == side
    assert tables[0] == tables[1] and "sklearn" in tables[0]
