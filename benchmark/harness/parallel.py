"""Per-item rows of many documents on several cores.

A document's rows depend on that document alone, so the corpus is cut into
contiguous chunks scored in worker processes and the rows are put back in
document order: the result is the same list, byte for byte, as one process
computes.  Small corpora (and ``workers=1``) stay in this process, where
starting workers would cost more than it saves.

Examples
--------
>>> choose_workers(None, n_documents=3, cpus=8)
1
>>> choose_workers(None, n_documents=500, cpus=2), choose_workers(4, n_documents=500, cpus=2)
(2, 4)
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Sequence

from benchmark.gold.schema import Document
from benchmark.harness.rundir import jsonl_bytes
from benchmark.submission.predictions import DocPrediction

MIN_DOCUMENTS = 32
"""Below this many documents the rows are computed in this process."""
MAX_AUTO_WORKERS = 8

Pairs = Sequence[tuple[Document, DocPrediction | None]]


def choose_workers(workers: int | None, *, n_documents: int, cpus: int | None = None) -> int:
    """Worker processes for ``n_documents``: ``workers`` when set, else every core (at most 8) on a large corpus."""
    if workers is not None:
        return max(1, workers)
    if n_documents < MIN_DOCUMENTS:
        return 1
    return max(1, min(cpus or os.cpu_count() or 1, MAX_AUTO_WORKERS))


def _rows_of_chunk(args: tuple[str, Pairs]) -> tuple[list[dict[str, Any]], bytes]:
    from benchmark.tasks.registry import TASKS

    task, pairs = args
    rows = TASKS.get(task).corpus_rows(pairs)
    # Serialised where they are computed: JSON Lines are per row, so the
    # chunks' bytes joined in order are the whole corpus's bytes.
    return rows, jsonl_bytes(rows)


def task_rows(task: str, pairs: Pairs, *, workers: int | None = None) -> tuple[list[dict[str, Any]], bytes]:
    """Rows of ``task`` for every document (as :meth:`Task.corpus_rows` gives them) and their JSON Lines bytes.

    Computed on ``workers`` processes; the bytes are those
    :func:`~benchmark.harness.rundir.jsonl_bytes` gives for the rows.
    """
    n = choose_workers(workers, n_documents=len(pairs))
    if n == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _rows_of_chunk((task, pairs))
    # A few chunks per worker even out documents of different lengths; order is kept by chunk.
    size = max(1, -(-len(pairs) // (4 * n)))
    chunks = [(task, pairs[lo:lo + size]) for lo in range(0, len(pairs), size)]
    # fork: the gold and the predictions are already in memory; nothing is pickled on the way in.
    with multiprocessing.get_context("fork").Pool(n) as pool:
        parts = pool.map(_rows_of_chunk, chunks, chunksize=1)
    return [row for rows, _ in parts for row in rows], b"".join(data for _, data in parts)
