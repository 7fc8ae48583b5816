"""Map a function over a sequence on several processes started with ``fork``, keeping the order.

For work whose inputs are already in memory (a run's gold, predictions and
analysis) and whose items are independent of one another: the workers are
forked, so they inherit the function and the items and nothing is pickled
on the way in (the function may be a closure); only the results come back.
The items are cut into a few contiguous chunks per worker (items of
different cost even out) and the results are put back in order, so the
output is the same list whatever the number of workers.  One worker, a
single item, a platform without ``fork`` or a daemonic process (a pool's
own worker, which may not have children) map in this process.

Examples
--------
>>> fork_map(lambda x: x * x, range(7), workers=2)
[0, 1, 4, 9, 16, 25, 36]
>>> fork_map(str.upper, ["a", "b"], workers=1)
['A', 'B']
"""

from __future__ import annotations

import gc
import multiprocessing
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 4

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and items of the running :func:`fork_map`, inherited by its forked workers."""


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None, "fork_map's workers inherit their job from the parent"
    func, items = _JOB
    return [func(items[i]) for i in range(*bounds)]


def can_fork() -> bool:
    """This process may start forked workers."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the garbage collector of forked workers off the parent's objects (``gc.freeze``).

    A forked worker shares the parent's memory until it writes to it, and a
    collection writes to the header of every object it visits: without this
    each worker would copy the parent's whole heap (a corpus's gold and
    predictions, hundreds of MB) page by page, costing seconds per pool.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def fork_map(func: Callable[[T], R], items: Sequence[T], *, workers: int) -> list[R]:
    """``[func(x) for x in items]``, computed on up to ``workers`` forked processes.

    Parameters
    ----------
    func : callable
        Applied to each item; any callable (it is inherited, not pickled).
        Its results must pickle.
    items : sequence
        Indexable items (a ``range`` is fine).
    workers : int
        Processes to use; 1 (or less) maps in this process.

    Returns
    -------
    list
        The results in the order of ``items``.
    """
    global _JOB
    n = min(workers, len(items))
    if n <= 1 or not can_fork():
        return [func(x) for x in items]
    size = -(-len(items) // (CHUNKS_PER_WORKER * n))
    bounds = [(lo, min(lo + size, len(items))) for lo in range(0, len(items), size)]
    previous, _JOB = _JOB, (func, items)
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(n) as pool:
            parts = pool.map(_run_chunk, bounds, chunksize=1)
    finally:
        _JOB = previous
    return [result for part in parts for result in part]
