"""What scoring needs from some documents' rows, extracted where the rows are made.

On a large corpus the per-item rows are computed in worker processes
(:mod:`benchmark.harness.parallel`).  Sending the rows themselves back —
tens of thousands of nested dicts, each with a ``stats`` dict per family —
costs more memory and time than computing them, and scoring never reads
most of a row: the statistics metrics read are the matrices a
:class:`~benchmark.scoring.families.RowTable` extracts.  So each worker
hands back a :class:`TablePart` (those matrices for its documents, plus the
few rows a metric reads directly), and :class:`PartsTable` joins the parts
into what one ``RowTable`` over all the rows would give: the same item keys
in the same order and the same matrices, so the metrics are byte for byte
those of scoring the rows (a merge of shards scores the rows; tests compare
the two).

Examples
--------
>>> from benchmark.scoring.families import RowTable, family_builder
>>> from benchmark.scoring.result import MetricSpec, ratio
>>> spec = MetricSpec("acc", "share correct", family_builder("acc", ("correct", "n"), ratio(0, 1)))
>>> row = lambda d, i, c: {"doc_id": d, "item": i, "stats": {"acc": {"correct": c, "n": 1}}}
>>> a, b = [row("d2", "q1", 0)], [row("d1", "q2", 1), row("d1", "q1", 1)]
>>> joined = PartsTable([table_part([spec], a), table_part([spec], b)])
>>> keys, m = joined.matrix("acc", ("correct", "n"), None)
>>> keys, m.tolist()
(('d1/q1', 'd1/q2', 'd2/q1'), [[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]])
>>> keys == RowTable(a + b).matrix("acc", ("correct", "n"), None)[0]
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from benchmark.scoring.families import FamilyBuild, RowTable, row_order

MatrixKey = tuple[str, "tuple[str, ...] | None", "str | None"]

REPORT_ONLY_FIELDS = ("alignment",)
"""Row fields only the report reads (from ``per_item.jsonl``); scoring never does."""


@dataclass(frozen=True)
class TablePart:
    """The statistics matrices of some documents' rows, and the rows a metric reads directly."""

    matrices: dict[MatrixKey, tuple[list[tuple[str, str]], tuple[str, ...], np.ndarray]]
    """``(family, columns, unit)`` -> (sort orders, item keys, matrix), sorted as a RowTable sorts."""
    rows: list[Mapping[str, Any]]
    """Rows (without report-only fields) that a metric's ``build`` or ``row_fields`` reads, in row order."""


def _direct_rows(specs: Sequence[Any], rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows some spec reads itself: all for a custom ``build``, else those carrying a recorded setting."""
    keep_all, keys = False, set()
    for spec in specs:
        keep_all |= not isinstance(spec.build, FamilyBuild)
        if spec.row_fields is not None:
            # A row_fields that names the row field it reads needs only the rows carrying it.
            key = getattr(spec.row_fields, "row_key", None)
            keep_all |= key is None
            keys.add(key)
    chosen = rows if keep_all else [r for r in rows if any(k in r for k in keys)]
    return [{k: v for k, v in r.items() if k not in REPORT_ONLY_FIELDS} for r in chosen]


def table_part(specs: Sequence[Any], rows: Sequence[Mapping[str, Any]]) -> TablePart:
    """What scoring ``specs`` (a task's :class:`~benchmark.scoring.result.MetricSpec` list) reads from ``rows``."""
    table = RowTable(rows)
    matrices: dict[MatrixKey, tuple[list[tuple[str, str]], tuple[str, ...], np.ndarray]] = {}
    for spec in specs:
        if isinstance(spec.build, FamilyBuild):
            b = spec.build
            key = (b.family, b.columns, b.unit)
            if key not in matrices:
                keys, matrix = table.matrix(*key)
                orders = [row_order(r) for r in table.chosen(b.family, b.unit)[1]]
                matrices[key] = (orders, keys, matrix)
    return TablePart(matrices, _direct_rows(specs, rows))


class PartsTable:
    """The parts of a corpus (in document order) read as one :class:`RowTable` of all their rows.

    Offers what scoring uses of a ``RowTable`` (:meth:`matrix`) and the
    directly read rows as :attr:`rows`.
    """

    def __init__(self, parts: Iterable[TablePart]) -> None:
        self.parts = list(parts)
        self.rows: list[Mapping[str, Any]] = [r for p in self.parts for r in p.rows]
        self._joined: dict[MatrixKey, tuple[tuple[str, ...], np.ndarray]] = {}

    def matrix(self, family: str, columns: tuple[str, ...] | None,
               unit: str | None) -> tuple[tuple[str, ...], np.ndarray]:
        """Item keys and matrix of ``(family, columns, unit)`` over every part, as ``RowTable.matrix`` gives them."""
        key = (family, columns, unit)
        if key not in self._joined:
            pieces = [p.matrices[key] for p in self.parts]
            filled = [pc for pc in pieces if len(pc[1])] or pieces[:1]
            orders = [o for pc in filled for o in pc[0]]
            keys = tuple(k for pc in filled for k in pc[1])
            matrix = np.concatenate([pc[2] for pc in filled]) if filled else np.zeros((0, len(columns or ())))
            # Each part is sorted; a stable sort of the joined orders is RowTable's
            # sort of all rows (equal orders keep document order in both).
            index = sorted(range(len(orders)), key=orders.__getitem__)
            if index != list(range(len(orders))):
                keys, matrix = tuple(keys[i] for i in index), matrix[index]
            self._joined[key] = (keys, matrix)
        return self._joined[key]
