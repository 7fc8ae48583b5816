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

import os
from typing import Sequence

from benchmark.common.forkmap import can_fork, fork_map
from benchmark.gold.schema import Document
from benchmark.harness.rundir import jsonl_bytes
from benchmark.scoring.parts import PartsTable, TablePart, table_part
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


def _part_of_chunk(args: tuple[str, Pairs]) -> tuple[TablePart, bytes]:
    from benchmark.tasks.registry import TASKS

    task, pairs = args
    spec = TASKS.get(task)
    rows = spec.corpus_rows(pairs)
    # Reduced and serialised where they are computed: scoring reads only the
    # statistics matrices (scoring.parts), and JSON Lines are per row, so the
    # chunks' bytes joined in order are the whole corpus's bytes.
    return table_part(spec.specs, rows), jsonl_bytes(rows)


def task_table(task: str, pairs: Pairs, *, workers: int | None = None) -> tuple[PartsTable, list[bytes]]:
    """What scoring ``task`` reads from the rows of every document, and the rows' JSON Lines bytes.

    The rows are those :meth:`Task.corpus_rows` gives; the table scores as
    they do (:class:`~benchmark.scoring.parts.PartsTable`), and the bytes are
    :func:`~benchmark.harness.rundir.jsonl_bytes` of the rows, in pieces of
    whole lines whose concatenation is that of all the rows (a corpus's rows
    are tens of MB: they are not joined into one copy).  Computed on
    ``workers`` processes.
    """
    n = min(choose_workers(workers, n_documents=len(pairs)), len(pairs))
    if n <= 1 or not can_fork():
        part, data = _part_of_chunk((task, pairs))
        return PartsTable([part]), [data]
    # A few chunks per worker even out documents of different lengths; order is kept by chunk.
    size = max(1, -(-len(pairs) // (4 * n)))
    bounds = [(lo, min(lo + size, len(pairs))) for lo in range(0, len(pairs), size)]
    # Forked workers inherit the gold and the predictions; only chunk bounds go to them
    # (pickling the documents themselves would cost more than computing their rows).
    parts = fork_map(lambda b: _part_of_chunk((task, pairs[b[0]:b[1]])), bounds, workers=n)
    return PartsTable(part for part, _ in parts), [data for _, data in parts]
