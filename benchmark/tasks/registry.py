"""The task registry: one table naming every task, and what runs over it.

The six tasks are listed below in the order reports show them; each entry is
a :class:`~benchmark.tasks.base.Task` defined in
:mod:`benchmark.tasks.definitions`, whose ``specs`` are that task's metrics
(the main one first).  Nothing registers itself on import.

Examples
--------
>>> TASKS.names()
['speakers', 'quotes', 'attribution', 'end2end', 'stance', 'translation']
>>> TASKS.get("quotes").main
'quote_content_f1.proportional.char'
>>> TASKS.get("stanse")
Traceback (most recent call last):
...
benchmark.errors.UnknownNameError: Unknown task 'stanse'. Did you mean 'stance'? Available: attribution, end2end, quotes, speakers, stance, translation
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from benchmark.common.registry import Registry
from benchmark.errors import ConfigError
from benchmark.gold.schema import Document
from benchmark.scoring.result import ItemStats, TaskResult, paired_item_stats
from benchmark.scoring.stats import PairedTestResult, approximate_randomization, paired_bootstrap
from benchmark.submission.predictions import DocPrediction
from benchmark.tasks import definitions as d
from benchmark.tasks.base import Task

TASKS: Registry[Task] = Registry.from_table("task", [
    (task.name, task, task.help)
    for task in (d.SPEAKERS, d.QUOTES, d.ATTRIBUTION, d.END2END, d.STANCE, d.TRANSLATION)
])
"""Every task by name."""

PAIRED_DEFAULTS = {"bs": 1000, "ar": 10000}
"""Samples of each paired test when none are given (sacrebleu's defaults)."""


def evaluate_task(
    task: str, pairs: Sequence[tuple[Document, DocPrediction | None]], *, gold_sha256: str, n_resamples: int,
    seed: int, confidence: float = 0.95, alignment: str | None = None,
) -> TaskResult | None:
    """Score registered ``task`` over (gold, prediction) pairs; ``None`` when not attempted."""
    result = TASKS.get(task).evaluate_corpus(
        pairs=pairs, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence,
        alignment=alignment)
    return result if result.attempted else None


def metric_from_per_item(task: str, metric_name: str, per_item_rows: Sequence[Mapping[str, Any]]) -> ItemStats:
    """Item keys, statistics matrix and aggregate of one metric, rebuilt from rows.

    Rows of other tasks are ignored, so a whole ``per_item.jsonl.gz`` can be passed.
    """
    rows = [r for r in per_item_rows if r.get("task", task) == task]
    return TASKS.get(task).spec(metric_name).build(rows)


def paired_test(
    task: str, metric_name: str, *, rows_a: Sequence[Mapping[str, Any]], rows_b: Sequence[Mapping[str, Any]],
    method: str = "bs", n_samples: int | None = None, seed: int = 12345,
) -> PairedTestResult:
    """Paired test of run ``b`` against baseline run ``a``: ``bs`` or ``ar``.

    ``n_samples=None`` takes the method's default, sacrebleu's: 1,000
    bootstrap resamples or 10,000 randomization trials; any other value is
    used as given (0 is refused, never replaced).
    """
    if method not in PAIRED_DEFAULTS:
        raise ConfigError(f"unknown paired test {method!r}; expected 'bs' or 'ar'", field="method")
    n = PAIRED_DEFAULTS[method] if n_samples is None else n_samples
    a = metric_from_per_item(task, metric_name, rows_a)
    b = metric_from_per_item(task, metric_name, rows_b)
    stats_a, stats_b, _ = paired_item_stats(a, b)
    if method == "bs":
        return paired_bootstrap(stats_a, stats_b, a.aggregate, n_resamples=n, seed=seed)
    return approximate_randomization(stats_a, stats_b, a.aggregate, n_trials=n, seed=seed)
