"""Several systems of one run (``system=all``) on two cores at once.

On a small corpus the per-document work of one system is too little to
spread over processes (:data:`benchmark.harness.parallel.MIN_DOCUMENTS`), but
the systems of ``system=all`` are independent of one another.  They then use
two processes, this one and a :class:`Helper`: the slowest systems
(:func:`benchmark.systems.registry.cost_hint`) predict on the helper while
this process runs the others, then this process scores them and writes their
folders (so every report, message and progress line comes from one place).

**Started before Hydra.**  The helper is forked before the run's config is
composed (:func:`start_helper`), when the command line may run the default
systems, and imports the libraries of the slow ones at once: scikit-learn
takes longer to import (about 0.65 s) than Hydra takes to start and compose
the run.  Once the config is composed, the helper is sent its systems (with
the corpus), or stopped when the run has no use for it.

Outcomes come back in the configured order, so the terminal table and every
written byte are the same as one after the other.  A large corpus keeps the
systems one after the other, each spreading its documents over the cores
(two systems at once would hold two corpora of predictions in memory).  A
system that supports none of the run's tasks is skipped with a note; an
input or config error in a system's run is printed where it happens, and
the run exits with that error's status once every started system has
finished (each folder is written whole or not at all).

Examples
--------
>>> side_by_side(None, n_systems=6, n_documents=1, cpus=2)
True
>>> side_by_side(None, n_systems=6, n_documents=500, cpus=2)  # a corpus: documents in parallel instead
False
>>> side_by_side(1, n_systems=6, n_documents=1, cpus=8), side_by_side(None, n_systems=1, n_documents=1)
(False, False)
>>> split([10.0, 1.0, 1.0, 1.0, 1.0, 1.0])  # indices for the helper, for this process
([0], [1, 2, 3, 4, 5])
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from benchmark.cli.output import report_error
from benchmark.common.forkmap import can_fork
from benchmark.errors import BenchmarkError, NothingToRun

def side_by_side(workers: int | None, *, n_systems: int, n_documents: int, cpus: int | None = None) -> bool:
    """Whether the systems of a run go side by side: several of them, a small corpus, and two cores allowed.

    ``workers`` is the run's ``scoring.workers`` (``None``: every core).
    """
    # Imported here, not at the top: run_cli imports this module before forking the helper,
    # and the harness brings NumPy and the scoring modules (0.15 s the helper would wait for).
    from benchmark.harness.parallel import MIN_DOCUMENTS

    cores = workers if workers is not None else (cpus or os.cpu_count() or 1)
    return n_systems >= 2 and n_documents < MIN_DOCUMENTS and cores >= 2


def split(costs: Sequence[float]) -> tuple[list[int], list[int]]:
    """Indices of the systems for the helper and for this process: the slowest first, each to the less loaded side.

    The helper gets the first (slowest) one, so a single slow system runs
    beside all the others.
    """
    helper: list[int] = []
    here: list[int] = []
    load = [0.0, 0.0]
    for i in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        side = 0 if load[0] <= load[1] else 1
        (helper if side == 0 else here).append(i)
        load[side] += costs[i]
    return sorted(helper), sorted(here)


@dataclass(frozen=True)
class Finished:
    """One system's end: its outcome, or a skip, or an error's exit status."""

    outcome: Any = None
    skipped: bool = False
    error: int | None = None


def finish(run_one: Callable[[Any], Any], spec: Any) -> Finished:
    """``run_one(spec)`` as a :class:`Finished` (errors printed here, as a run prints them)."""
    try:
        return Finished(outcome=run_one(spec))
    except NothingToRun:
        return Finished(skipped=True)
    except (BenchmarkError, OSError) as exc:
        return Finished(error=report_error(exc))


def _serve(conn, warm_up: tuple[str, ...]) -> None:
    # Ctrl-C reaches the whole process group: the helper leaves it to the run,
    # which stops it (each folder is written whole or not at all).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in warm_up:
        module, _, func = name.partition(":")
        try:
            loaded = importlib.import_module(module)
            if func:
                getattr(loaded, func)()
        except Exception:  # noqa: BLE001 - only a head start: the job imports what it needs and reports errors
            pass
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the run ended without a word (killed): nothing left to do
            return
        if job is None:
            return
        func, arg = job
        conn.send(func(arg))


class Helper:
    """A forked process that imports ``warm_up`` (``module`` or ``module:function``), then runs the jobs it is sent.

    Jobs run in the order sent; :meth:`result` returns their results in that
    order.  :meth:`close` stops the helper (at once if it still has work).
    """

    def __init__(self, warm_up: Sequence[str]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, tuple(warm_up)), daemon=True, name="benchmark-helper")
        self._proc.start()
        child.close()
        self._pending = 0

    def submit(self, func: Callable[[Any], Any], arg: Any) -> None:
        """Send ``func(arg)`` (``func`` a module-level function; ``arg`` pickles)."""
        self._conn.send((func, arg))
        self._pending += 1

    def result(self) -> Any:
        """The result of the oldest job not yet collected."""
        try:
            out = self._conn.recv()
        except EOFError:
            raise RuntimeError(f"the helper process ended unexpectedly (exit code {self._proc.exitcode})") from None
        self._pending -= 1
        return out

    def close(self) -> None:
        if self._pending:
            self._proc.terminate()  # the run stopped early: its jobs are not wanted
        else:
            try:
                self._conn.send(None)
            except OSError:
                pass
        self._proc.join()
        self._conn.close()


def start_helper(warm_up: Sequence[str]) -> Helper | None:
    """A :class:`Helper` importing ``warm_up``; ``None`` where processes cannot fork or there is one core."""
    if not can_fork() or (os.cpu_count() or 1) < 2:
        return None
    return Helper([*warm_up, "benchmark.harness.runner", "benchmark.tasks.inputs"])


def run_systems(specs: Sequence[Any], run_one: Callable[..., Any], *, helper: Helper | None = None,
                job: Callable[[Any], Any] = lambda spec: spec, costs: Sequence[float] | None = None,
                done: Callable[[], None] = lambda: None) -> list[Finished]:
    """Every system's :class:`Finished`, in ``specs`` order.

    Without a ``helper``: ``run_one(spec)`` here, one after the other,
    stopping at the first error.  With one: the systems :func:`split` gives
    the helper are sent to it first, to predict
    (:func:`~benchmark.harness.runner.remote_predictions` of ``job(spec)``,
    pickled); the others run here meanwhile; then each of the helper's is
    scored and written here, ``run_one(spec, predicted=…)`` with its
    predictions.  ``done`` is called once per finished system (the progress bar).
    """
    from benchmark.harness.runner import remote_predictions

    if helper is None or len(specs) < 2:
        out = []
        for spec in specs:
            out.append(finish(run_one, spec))
            done()
            if out[-1].error is not None:
                break
        return out
    theirs, ours = split(list(costs) if costs is not None else [1.0] * len(specs))
    for i in theirs:
        helper.submit(remote_predictions, job(specs[i]))
    results: dict[int, Finished] = {}
    for i in ours:
        results[i] = finish(run_one, specs[i])
        done()
    for i in theirs:
        answer = helper.result()
        results[i] = finish(lambda spec: run_one(spec, predicted=lambda: answer), specs[i])
        done()
    return [results[i] for i in range(len(specs))]
