"""Result records and the per-item → metric machinery shared by all tasks.

A task turns one gold document and one prediction into **per-item rows**
(plain JSON-serialisable dicts, written to ``per_item.jsonl.gz``)::

    {"task": "quotes", "doc_id": "d1", "unit": "segment", "item": "s03",
     "stats": {"content.char": {"pos": 2, "act": 1, ...}, ...}}

Every metric is described by a :class:`MetricSpec` whose ``build`` reads the
rows (freshly computed or read back from disk) into an :class:`ItemStats`:
item keys, a ``(n_items, k)`` statistics matrix and a vectorised
``aggregate``.  The value, bootstrap interval and paired tests all start
from that matrix, so a metric recomputed from saved rows is identical to the
one computed in the run.

Undefined values (a zero denominator) are NaN internally, ``None`` in
:class:`MetricResult` and ``null`` in JSON, and raise an
:class:`UndefinedMetricWarning`.

Examples
--------
>>> rows = [{"doc_id": "d", "item": "q1", "stats": {"acc": {"correct": 1, "n": 1}}},
...         {"doc_id": "d", "item": "q2", "stats": {"acc": {"correct": 0, "n": 1}}}]
>>> spec = MetricSpec(name="accuracy", help="share correct",
...                   build=family_builder("acc", ("correct", "n"), ratio(0, 1)))
>>> r = score_metric(spec, rows, gold_sha256="0" * 64, n_resamples=100, seed=1)
>>> r.value, r.n_items, r.signature.split("|")[:2]
(0.5, 2, ['accuracy', 'boot:100'])
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from benchmark.errors import InputError, UnknownNameError
from benchmark.common.registry import unknown_name_message
from benchmark.scoring.families import (  # noqa: F401  (re-exported: tasks build their metrics from these)
    FamilyBuild, ItemStats, RowTable, family_builder, family_rows, item_key,
)
from benchmark.scoring.parts import PartsTable
from benchmark.scoring.signature import metric_signature
from benchmark.scoring.stats import Aggregate, ConfidenceInterval, bootstrap_cis


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined (zero denominator) and is reported as ``null``."""


def warn_undefined(where: str, names: Sequence[str], *, stacklevel: int = 3) -> None:
    """One :class:`UndefinedMetricWarning` naming every undefined value of a call.

    Like scikit-learn's ``zero_division`` warning, a public entry point warns
    once per call (not once per value), and only when something is undefined.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_undefined("span_scores", ["precision"])
    ...     warn_undefined("span_scores", [])
    >>> [str(w.message) for w in caught]
    ['span_scores: precision undefined (zero denominator); reported as None']
    """
    if names:
        warnings.warn(f"{where}: {', '.join(names)} undefined (zero denominator); reported as None",
                      UndefinedMetricWarning, stacklevel=stacklevel)


def json_clean(value: Any) -> Any:
    """Turn tuples into lists, numpy scalars into Python numbers, NaN into ``None``.

    >>> json_clean((1, float("nan"), (("a", 2.0),)))
    [1, None, [['a', 2.0]]]
    """
    if isinstance(value, (tuple, list)):
        return [json_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_clean(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return json_clean(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _none_if_nan(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


@dataclass(frozen=True)
class MetricResult:
    """One metric value with its interval, signature and raw counts."""

    name: str
    """Unique within its task, e.g. ``"quote_content_f1.proportional.char"``."""
    value: float | None
    """``None`` when undefined."""
    ci_low: float | None
    ci_high: float | None
    signature: str
    """Every setting that changes the value (see :mod:`.signature`)."""
    n_items: int
    """Number of resampling units (segments, quotes, stance items, …)."""
    higher_is_better: bool = True
    details: tuple = ()
    """``(key, value)`` pairs: counts, confusion matrices, undefined resamples."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; NaN becomes ``None``.

        >>> MetricResult("m", float("nan"), None, None, "m|x:1", 0).to_json()["value"] is None
        True
        """
        return {
            "name": self.name,
            "value": _none_if_nan(self.value),
            "ci_low": _none_if_nan(self.ci_low),
            "ci_high": _none_if_nan(self.ci_high),
            "signature": self.signature,
            "n_items": self.n_items,
            "higher_is_better": self.higher_is_better,
            "details": {str(k): json_clean(v) for k, v in self.details},
        }


@dataclass(frozen=True)
class TaskResult:
    """All metrics of one task plus the per-item rows they were computed from."""

    task: str
    metrics: tuple[MetricResult, ...]
    """Empty when the task was not attempted (never zeros)."""
    per_item: tuple[dict, ...]

    @property
    def attempted(self) -> bool:
        return bool(self.metrics)

    def metric(self, name: str) -> MetricResult:
        """The metric called ``name`` (did-you-mean error when absent)."""
        for m in self.metrics:
            if m.name == name:
                return m
        raise UnknownNameError(unknown_name_message(f"{self.task} metric", name, [m.name for m in self.metrics]))

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "metrics": [m.to_json() for m in self.metrics]}


@dataclass(frozen=True)
class MetricSpec:
    """How to compute one metric from per-item rows."""

    name: str
    help: str
    build: Callable[[Sequence[Mapping[str, Any]]], ItemStats]
    signature_fields: tuple[tuple[str, object], ...] = ()
    packages: tuple[str, ...] = ("numpy",)
    higher_is_better: bool = True
    optional: bool = False
    """Left out (not attempted, never zero) when no row carries its statistics."""
    row_fields: Callable[[Sequence[Mapping[str, Any]]], tuple[tuple[str, object], ...]] | None = None
    """Signature fields read from the rows (settings recorded while scoring, e.g. sacrebleu's signature)."""

    @property
    def base(self) -> str:
        """The metric name without scheme/level suffixes (used in signatures)."""
        return self.name.split(".")[0]


def count_details(total: np.ndarray) -> tuple:
    """``correct`` and ``total`` details of a ``(correct, total)`` family."""
    return (("correct", int(total[0])), ("total", int(total[1])))


def ratio(num: int, den: int) -> Aggregate:
    """Aggregate ``sums[:, num] / sums[:, den]`` with NaN for 0/0."""

    def aggregate(sums: np.ndarray) -> np.ndarray:
        return safe_divide(sums[:, num], sums[:, den])

    return aggregate


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Elementwise ``num / den`` with NaN where ``den == 0``."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def score_metric(
    spec: MetricSpec,
    rows: Sequence[Mapping[str, Any]],
    *,
    gold_sha256: str,
    n_resamples: int,
    seed: int,
    confidence: float = 0.95,
    extra_fields: tuple[tuple[str, object], ...] = (),
    extra_packages: tuple[str, ...] = (),
) -> MetricResult:
    """Compute ``spec`` on ``rows``: value, percentile bootstrap CI, details.

    ``extra_fields``/``extra_packages`` add run-level settings (how text was
    aligned) to the signature.
    """
    return score_metrics([spec], rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed,
                         confidence=confidence, extra_fields=extra_fields, extra_packages=extra_packages)[0]


def score_metrics(
    specs: Sequence[MetricSpec],
    rows: Sequence[Mapping[str, Any]] | PartsTable,
    *,
    gold_sha256: str,
    n_resamples: int,
    seed: int,
    confidence: float = 0.95,
    extra_fields: tuple[tuple[str, object], ...] = (),
    extra_packages: tuple[str, ...] = (),
    skip_empty_optional: bool = False,
) -> list[MetricResult]:
    """:func:`score_metric` of several metrics of the same rows, in order.

    Metrics over the same items share one set of bootstrap draws
    (:func:`~benchmark.scoring.stats.bootstrap_cis`), which gives each the
    interval it would get alone.  With ``skip_empty_optional``, an optional
    metric without items is left out (not attempted).
    """
    # Sorted once, each statistics family read once, for all metrics of these rows.
    # A PartsTable (rows reduced where they were computed) already is such a table.
    if isinstance(rows, PartsTable):
        table, rows = rows, rows.rows
    else:
        table = RowTable(rows)
    built = [(s, s.build(table) if isinstance(s.build, FamilyBuild) else s.build(rows)) for s in specs]
    if skip_empty_optional:
        built = [(s, items) for s, items in built if not (s.optional and items.stats.shape[0] == 0)]
    groups: dict[tuple[str, ...], list[int]] = {}
    for n, (_, items) in enumerate(built):
        groups.setdefault(items.keys, []).append(n)
    cis: dict[int, ConfidenceInterval] = {}
    for members in groups.values():
        found = bootstrap_cis([built[n][1].stats for n in members], [built[n][1].aggregate for n in members],
                              n_resamples=n_resamples, seed=seed, confidence=confidence)
        cis.update(zip(members, found))
    return [_metric_result(s, items, cis[n], rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed,
                           confidence=confidence, extra_fields=extra_fields, extra_packages=extra_packages)
            for n, (s, items) in enumerate(built)]


def _metric_result(spec: MetricSpec, items: ItemStats, ci: ConfidenceInterval, rows: Sequence[Mapping[str, Any]], *,
                   gold_sha256: str, n_resamples: int, seed: int, confidence: float,
                   extra_fields: tuple[tuple[str, object], ...],
                   extra_packages: tuple[str, ...]) -> MetricResult:
    details: tuple = ()
    if items.details is not None:
        # JSON-clean values (NaN → None) so results compare equal and serialise.
        details = tuple((k, json_clean(v)) for k, v in items.details(items.stats.sum(axis=0)))
    if ci.n_undefined:
        details += (("undefined_resamples", ci.n_undefined),)
    n_items = int(items.stats.shape[0])
    if n_items < 2:
        # Resampling one item always gives the same value: a zero-width
        # interval would claim a certainty the data cannot support.
        details += (("ci", "undefined with fewer than 2 items"),)
    value = _none_if_nan(ci.estimate)
    if value is None:
        warnings.warn(
            f"{spec.name} is undefined (zero denominator over {items.stats.shape[0]} items); reported as null",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    recorded = spec.row_fields(rows) if spec.row_fields is not None else ()
    signature = metric_signature(
        spec.base,
        fields=(*spec.signature_fields, *recorded, *extra_fields),
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        gold_sha256=gold_sha256,
        packages=(*spec.packages, *extra_packages),
    )
    return MetricResult(
        name=spec.name,
        value=value,
        ci_low=None if value is None or n_items < 2 else _none_if_nan(ci.low),
        ci_high=None if value is None or n_items < 2 else _none_if_nan(ci.high),
        signature=signature,
        n_items=n_items,
        higher_is_better=spec.higher_is_better,
        details=details,
    )


def paired_item_stats(a: ItemStats, b: ItemStats) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Align two runs' statistics by item key for a paired test.

    An item present in only one run (the pseudo-item holding unaligned
    predictions) gets a zero row in the other: every statistics family is
    additive, so a zero row is the same as "no predictions there".
    """
    keys = tuple(sorted(set(a.keys) | set(b.keys)))
    if a.stats.shape[1] != b.stats.shape[1] and a.stats.size and b.stats.size:
        raise ValueError(f"statistics widths differ: {a.stats.shape[1]} vs {b.stats.shape[1]}")
    width = max(a.stats.shape[1], b.stats.shape[1])

    def expand(s: ItemStats) -> np.ndarray:
        pos = {k: i for i, k in enumerate(s.keys)}
        out = np.zeros((len(keys), width))
        for j, k in enumerate(keys):
            if k in pos:
                out[j] = s.stats[pos[k]]
        return out

    return expand(a), expand(b), keys


def index_predictions(items, key, field: str, known: set) -> dict:
    """Predictions by ``key(item)``; unknown keys and duplicates raise :class:`InputError`."""
    out = {}
    for j, item in enumerate(items):
        k = key(item)
        if k not in known:
            raise InputError(f"{k!r} is not a gold item of this document", field=f"{field}[{j}]")
        if k in out:
            raise InputError(f"duplicate prediction for {k!r}", field=f"{field}[{j}]")
        out[k] = item
    return out
