"""The benchmark tasks: each scores a gold Document against a DocPrediction.

A task reads one field of :class:`~benchmark.predictions.DocPrediction`;
when that field is ``None`` the task was **not attempted** and returns no
metrics (never zeros).  Scoring is two steps: per-item rows (JSON-ready,
written to ``per_item.jsonl``), then metrics from rows;
:func:`metric_from_per_item` rebuilds any metric's statistics from rows read
back from disk, and :func:`paired_test` compares two runs.

Items: segments for span metrics (a span set belongs to the segment holding
its first character, a matched prediction to its gold's segment, a
prediction without spans to the pseudo-item ``unaligned``); gold quotes for
attribution; gold stances, i.e. (quote, target) pairs, for stance; segments
and gold quotes for translation; the document for the speaker-entity set.

The six task definitions, and the choices they make, are in
:mod:`benchmark.task_defs`.

Examples
--------
>>> TASKS.names()
['speakers', 'quotes', 'attribution', 'end2end', 'stance', 'translation']
>>> TASKS.get("quotes").main
'quote_content_f1.proportional.char'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence


from .errors import ConfigError, InputError, UnknownNameError
from .predictions import DocPrediction
from .registry import Registry, unknown_name_message
from .schema import Document
from .scoring.result import (
    ItemStats, MetricSpec, TaskResult, paired_item_stats, score_metric,
)
from .scoring.stats import PairedTestResult, approximate_randomization, paired_bootstrap



@dataclass(frozen=True)
class Task:
    """A scored task: the prediction field it reads, its rows and metrics."""

    name: str
    field: str
    """The :class:`DocPrediction` attribute this task scores."""
    rows: Callable[[Document, Any], list[dict]]
    """Per-item rows of one document (without ``task`` and ``doc_id``)."""
    specs: tuple[MetricSpec, ...]
    """Metrics, the main one first."""

    @property
    def main(self) -> str:
        """Name of the main metric (the first spec)."""
        return self.specs[0].name

    @property
    def metrics(self) -> tuple[MetricSpec, ...]:
        """The metric specs (alias of :attr:`specs`)."""
        return self.specs

    def spec(self, name: str) -> MetricSpec:
        for s in self.specs:
            if s.name == name:
                return s
        raise UnknownNameError(unknown_name_message(f"{self.name} metric", name, [s.name for s in self.specs]))

    def per_item(self, *, gold: Document, pred: DocPrediction) -> list[dict]:
        """Rows of one document; ``[]`` when not attempted."""
        if pred.doc_id != gold.doc_id:
            raise InputError(f"prediction for {pred.doc_id!r} scored against gold {gold.doc_id!r}", field="doc_id")
        value = getattr(pred, self.field)
        if value is None:
            return []
        return [{"task": self.name, "doc_id": gold.doc_id, **row} for row in self.rows(gold, value)]

    def evaluate(
        self, *, gold: Document, pred: DocPrediction, gold_sha256: str, n_resamples: int, seed: int,
        confidence: float = 0.95,
    ) -> TaskResult:
        """Score one document (see :meth:`evaluate_corpus`)."""
        return self.evaluate_corpus(
            pairs=[(gold, pred)], gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence
        )

    def evaluate_corpus(
        self, *, pairs: Sequence[tuple[Document, DocPrediction | None]], gold_sha256: str, n_resamples: int,
        seed: int, confidence: float = 0.95, alignment: str | None = None,
    ) -> TaskResult:
        """Score several documents, pooling their items.

        Not attempted when the field is ``None`` in every prediction; a
        document without a prediction, or whose field is ``None``, among
        attempted ones is scored as an empty prediction.
        """
        if all(p is None or getattr(p, self.field) is None for _, p in pairs):
            return TaskResult(self.name, (), ())
        rows: list[dict] = []
        for gold, pred in pairs:
            if pred is None or getattr(pred, self.field) is None:
                pred = DocPrediction(gold.doc_id if pred is None else pred.doc_id, **{self.field: ()})
            rows += self.per_item(gold=gold, pred=pred)
        return self.score_rows(rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed,
                               confidence=confidence, alignment=alignment)

    def score_rows(
        self, rows: Sequence[Mapping[str, Any]], *, gold_sha256: str, n_resamples: int, seed: int,
        confidence: float = 0.95, alignment: str | None = None,
    ) -> TaskResult:
        """All metrics from per-item rows (fresh, or read back from disk).

        ``alignment`` describes how text-only predictions were aligned to
        offsets (e.g. ``exact>ar-norm-v2>fuzzy90``); it changes the values of
        the span and speaker tasks, so it goes into their signatures.
        """
        extra: tuple[tuple[str, object], ...] = ()
        packages: tuple[str, ...] = ()
        if alignment and self.name in TEXT_ALIGNED_TASKS:
            extra, packages = (("align", alignment),), ("rapidfuzz",)
        metrics = tuple(
            score_metric(s, rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence,
                         extra_fields=extra, extra_packages=packages)
            for s in self.specs
            if not (s.optional and s.build(rows).stats.shape[0] == 0)
        )
        return TaskResult(self.name, metrics, tuple(rows))


TASKS: Registry[Task] = Registry("task")

TEXT_ALIGNED_TASKS = frozenset({"speakers", "quotes", "attribution", "end2end"})
"""Tasks whose predictions may be strings aligned to offsets (or names resolved to entities)."""


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

    Rows of other tasks are ignored, so a whole ``per_item.jsonl`` can be passed.
    """
    rows = [r for r in per_item_rows if r.get("task", task) == task]
    return TASKS.get(task).spec(metric_name).build(rows)


def paired_test(
    task: str, metric_name: str, *, rows_a: Sequence[Mapping[str, Any]], rows_b: Sequence[Mapping[str, Any]],
    method: str = "bs", n_samples: int | None = None, seed: int = 12345,
) -> PairedTestResult:
    """Paired test of run ``b`` against baseline run ``a``: ``bs`` (1,000) or ``ar`` (10,000)."""
    a = metric_from_per_item(task, metric_name, rows_a)
    b = metric_from_per_item(task, metric_name, rows_b)
    stats_a, stats_b, _ = paired_item_stats(a, b)
    if method == "bs":
        return paired_bootstrap(stats_a, stats_b, a.aggregate, n_resamples=n_samples or 1000, seed=seed)
    if method == "ar":
        return approximate_randomization(stats_a, stats_b, a.aggregate, n_trials=n_samples or 10000, seed=seed)
    raise ConfigError(f"unknown paired test {method!r}; expected 'bs' or 'ar'", field="method")


def register(name: str, field: str, help: str, rows, specs) -> None:
    TASKS.add(name, Task(name, field, rows, tuple(specs)), help=help)


# The definitions register themselves with ``register`` above; importing them
# last keeps this module the one place the registry lives.
from . import task_defs as _task_defs  # noqa: E402,F401
from .task_defs import UNALIGNED, resolve_entity, segment_items  # noqa: E402,F401  (public names)
