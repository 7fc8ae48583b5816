"""Several systems of one run (``system=all``) on several cores at once.

On a small corpus the per-document work of one system is too little to
spread over processes (:data:`benchmark.harness.parallel.MIN_DOCUMENTS`), but
the systems of ``system=all`` are independent of one another: each predicts,
scores and writes its own folder.  They then run side by side in forked
workers, the slowest first (:func:`benchmark.systems.registry.cost_hint`),
and their outcomes come back in the configured order, so the terminal table
and every written byte are the same as one after the other.  A large corpus
keeps the systems one after the other, each spreading its documents over the
cores (two systems at once would hold two corpora of predictions in memory).

A system that supports none of the run's tasks is skipped with a note; an
input or config error in one system's run is reported after every system has
finished (each folder is written whole or not at all), and the run exits
with that error's status, as the first error stops a run one after the other.

Examples
--------
>>> side_by_side_workers(None, n_systems=6, n_documents=1, cpus=2)
2
>>> side_by_side_workers(None, n_systems=6, n_documents=500, cpus=2)  # a corpus: documents in parallel instead
1
>>> side_by_side_workers(1, n_systems=6, n_documents=1, cpus=8), side_by_side_workers(None, n_systems=1, n_documents=1)
(1, 1)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from benchmark.cli.output import report_error
from benchmark.common.forkmap import can_fork
from benchmark.errors import BenchmarkError, NothingToRun
from benchmark.harness.parallel import MAX_AUTO_WORKERS, MIN_DOCUMENTS


def side_by_side_workers(workers: int | None, *, n_systems: int, n_documents: int, cpus: int | None = None) -> int:
    """Processes running systems side by side: 1 (one after the other) unless several systems meet a small corpus.

    ``workers`` is the run's ``scoring.workers`` (``None``: every core, at most 8).
    """
    if n_systems < 2 or n_documents >= MIN_DOCUMENTS:
        return 1
    limit = workers if workers is not None else min(cpus or os.cpu_count() or 1, MAX_AUTO_WORKERS)
    return max(1, min(limit, n_systems))


@dataclass(frozen=True)
class Finished:
    """One system's end: its outcome, or the note of a skip, or an error's exit status."""

    outcome: Any = None
    skipped: bool = False
    error: int | None = None


def _finish(run_one: Callable[[Any], Any], spec: Any) -> Finished:
    try:
        return Finished(outcome=run_one(spec))
    except NothingToRun:
        return Finished(skipped=True)
    except (BenchmarkError, OSError) as exc:
        # Printed where it happened, as one after the other would; only its status travels.
        return Finished(error=report_error(exc))


_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and systems of the running :func:`run_systems`, inherited by its forked workers."""


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_index(index: int) -> tuple[int, Finished]:
    assert _JOB is not None, "the workers inherit their job from the parent"
    run_one, specs = _JOB
    return index, _finish(run_one, specs[index])


def run_systems(specs: Sequence[Any], run_one: Callable[[Any], Any], *, workers: int,
                order: Callable[[Any], float] = lambda spec: 0.0,
                done: Callable[[], None] = lambda: None) -> list[Finished]:
    """``run_one(spec)`` of every system, in ``specs`` order, on up to ``workers`` forked processes.

    ``order`` ranks the systems to start first (higher first: the slowest,
    so that the last to finish is not started last); ``done`` is called once
    per finished system (the progress bar).  One worker (or no ``fork``)
    runs them here one after the other, stopping at the first error.
    """
    global _JOB
    if workers <= 1 or len(specs) < 2 or not can_fork():
        out = []
        for spec in specs:
            out.append(_finish(run_one, spec))
            done()
            if out[-1].error is not None:
                break
        return out
    dispatch = sorted(range(len(specs)), key=lambda i: (-order(specs[i]), i))
    results: dict[int, Finished] = {}
    previous, _JOB = _JOB, (run_one, specs)
    try:
        # Ctrl-C reaches the whole process group: the workers leave it to this
        # process, which stops them (each folder is written whole or not at all).
        with multiprocessing.get_context("fork").Pool(min(workers, len(specs)), initializer=_ignore_sigint) as pool:
            for index, finished in pool.imap_unordered(_run_index, dispatch, chunksize=1):
                results[index] = finished
                done()
    finally:
        _JOB = previous
    return [results[i] for i in range(len(specs))]
