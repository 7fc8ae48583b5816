"""What a task is: the prediction field it reads, its per-item rows and metrics.

A task reads one field of :class:`~benchmark.submission.predictions.DocPrediction`;
when that field is ``None`` the task was **not attempted** and returns no
metrics (never zeros).  Scoring is two steps: per-item rows (JSON-ready,
written to ``per_item.jsonl.gz``), then metrics from rows.

Items: segments for span metrics (a span set belongs to the segment holding
its first character, a matched prediction to its gold's segment, a
prediction without spans to the pseudo-item ``unaligned``); gold quotes for
attribution; gold stances, i.e. (quote, target) pairs, for stance; segments
and gold quotes for translation; the document for the speaker-entity set.

The six definitions are in :mod:`benchmark.tasks.definitions`, listed by
name in :data:`benchmark.tasks.registry.TASKS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from benchmark.errors import InputError, UnknownNameError
from benchmark.common.registry import unknown_name_message
from benchmark.gold.schema import Document
from benchmark.scoring.parts import PartsTable
from benchmark.scoring.result import MetricSpec, TaskResult, score_metrics
from benchmark.submission.predictions import DocPrediction

TEXT_ALIGNED_TASKS = frozenset({"speakers", "quotes", "attribution", "end2end"})
"""Tasks whose predictions may be strings aligned to offsets (or names resolved to entities)."""


@dataclass(frozen=True)
class Task:
    """A scored task: the prediction field it reads, its rows and metrics."""

    name: str
    field: str
    """The :class:`DocPrediction` attribute this task scores."""
    help: str
    """One line for ``python -m benchmark list``."""
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
        if not self.attempted(pairs):
            return TaskResult(self.name, (), ())
        return self.score_rows(self.corpus_rows(pairs), gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed,
                               confidence=confidence, alignment=alignment)

    def attempted(self, pairs: Sequence[tuple[Document, DocPrediction | None]]) -> bool:
        """Whether any prediction has this task's field (``None`` everywhere: not attempted)."""
        return any(p is not None and getattr(p, self.field) is not None for _, p in pairs)

    def corpus_rows(self, pairs: Sequence[tuple[Document, DocPrediction | None]]) -> list[dict]:
        """Per-item rows of every document in order, a missing prediction scored as an empty one.

        These are the rows :meth:`evaluate_corpus` scores; a shard of a run
        writes them even when it is not attempted there, so that the rows of
        all shards joined are those of the whole corpus.
        """
        rows: list[dict] = []
        for gold, pred in pairs:
            if pred is None or getattr(pred, self.field) is None:
                pred = DocPrediction(gold.doc_id if pred is None else pred.doc_id, **{self.field: ()})
            rows += self.per_item(gold=gold, pred=pred)
        return rows

    def score_rows(
        self, rows: Sequence[Mapping[str, Any]] | PartsTable, *, gold_sha256: str, n_resamples: int, seed: int,
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
        metrics = tuple(score_metrics(
            self.specs, rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence,
            extra_fields=extra, extra_packages=packages, skip_empty_optional=True))
        return TaskResult(self.name, metrics, tuple(rows.rows if isinstance(rows, PartsTable) else rows))
