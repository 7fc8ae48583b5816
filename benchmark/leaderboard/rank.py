"""Rank systems per task with paired significance tests.

**Test.**  Each ranked system is compared with the best ranked system of the
task on the task's main metric by a paired bootstrap test (Koehn 2004;
:func:`benchmark.scoring.stats.paired_bootstrap`, the same draws and p-value
as sacrebleu ``--paired-bs``), with ``n_resamples`` resamples and ``seed``;
an approximate randomization p-value (``ar_trials`` trials, same seed, as
sacrebleu ``--paired-ar`` but counting ties) is shown beside it.  Both runs' per-item rows are
read back from ``per_item.jsonl.gz`` and rebuilt into statistics matrices by the
task's own metric spec; items are matched by ``doc_id``/``item`` key.  Only
documents present in both runs are compared.  Within them, an item present
in only one run is the pseudo-item holding that run's unaligned predictions;
it counts as a zero row in the other run (every statistics family is
additive, see :func:`benchmark.scoring.result.paired_item_stats`), so
spurious predictions are not hidden from the test and the paired scores
equal the scores the runs reported.  When they do not (a run scored by other
scoring code than the installed one), the task's notes say so.

**Ranking rule.**  Ranked systems with a defined main-metric value are
sorted best first (respecting ``higher_is_better``; equal values by label).
The best system leads rank group 1.  Going down the list, a system joins
the current group when the paired bootstrap test against the group's leader
gives ``p >= alpha`` (0.05), i.e. it is not significantly different from
the leader; otherwise it leads a new group numbered one higher.  Groups are
therefore contiguous, and group 1 is exactly the systems down to the first
one significantly worse than the best.  A system whose test cannot be run
(missing per-item file, statistics that cannot be paired) leads a new group
and the reason is noted.  Systems with an undefined main metric get no rank
and are listed last.  Systems that are not ranked (the oracle) are shown
apart and never tested.

Example: values 0.90, 0.85, 0.60, 0.55 with p(0.85 vs 0.90) = 0.40,
p(0.60 vs 0.90) = 0.001 and p(0.55 vs 0.60) = 0.30 give groups 1, 1, 2, 2
(the table still shows every system's p-value against the best).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from benchmark.errors import BenchmarkError
from benchmark.scoring.result import ItemStats, paired_item_stats
from benchmark.scoring.stats import approximate_randomization, paired_bootstrap
from benchmark.harness.rundir import per_item_path
from benchmark.leaderboard.collect import Run, read_per_item

ALPHA = 0.05
"""Significance level of the rank groups."""
AR_TRIALS = 10_000
"""Approximate randomization trials (sacrebleu's default)."""
N_SECONDARY = 3
"""How many secondary metrics a task table shows."""

ItemStatsFn = Callable[[str, str, Sequence[Mapping[str, Any]]], ItemStats]
"""``(task, metric name, per-item rows) → ItemStats``."""


def task_item_stats(task: str, metric: str, rows: Sequence[Mapping[str, Any]]) -> ItemStats:
    """Rebuild a metric's statistics from rows with the task registry's spec."""
    from benchmark.tasks.registry import metric_from_per_item

    return metric_from_per_item(task, metric, rows)


@dataclass(frozen=True)
class Comparison:
    """A paired test of one system against a baseline system (on the main metric)."""

    baseline: str
    """Label of the baseline (the best system, or the group's leader)."""
    difference: float | None
    """Score of the system minus score of the baseline, on the paired items."""
    p_bootstrap: float | None
    p_ar: float | None
    n_items: int
    note: str = ""
    """Why the test could not be run (``p_* is None``), else ``""``."""
    scores: tuple[float, float] | None = None
    """Baseline's and system's scores recomputed from the paired per-item rows."""

    @property
    def tested(self) -> bool:
        return self.p_bootstrap is not None

    def to_json(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "difference": self.difference, "p_bootstrap": self.p_bootstrap,
                "p_ar": self.p_ar, "n_items": self.n_items, "note": self.note or None}


@dataclass(frozen=True)
class Row:
    """One system's line in a task table."""

    run: Run
    main: Mapping[str, Any] | None
    """The main metric's JSON object, ``None`` when the run lacks it."""
    secondary: tuple[Mapping[str, Any] | None, ...]
    """Secondary metrics in the task's column order (``None`` when absent)."""
    rank: int | None = None
    """Rank group (1 = best); ``None`` for unranked rows."""
    leader: str | None = None
    """Label of this row's group leader."""
    vs_best: Comparison | None = None
    vs_leader: Comparison | None = None

    @property
    def label(self) -> str:
        return self.run.label

    @property
    def value(self) -> float | None:
        return None if self.main is None else self.main.get("value")

    @property
    def significant(self) -> bool | None:
        """Significantly different from the best (``None`` when untested or the best itself)."""
        if self.vs_best is None or not self.vs_best.tested:
            return None
        return self.vs_best.p_bootstrap < ALPHA


@dataclass(frozen=True)
class TaskBoard:
    """The ranking of one task."""

    task: str
    main_metric: str
    higher_is_better: bool
    secondary_names: tuple[str, ...]
    rows: tuple[Row, ...]
    """Ranked systems, best first, then those with an undefined main metric."""
    not_ranked: tuple[Row, ...]
    """Sanity-check systems (``ranked: false``), by label."""
    notes: tuple[str, ...] = field(default=())


def main_metric_name(runs: Sequence[Run], task: str) -> str:
    """The main metric: the first metric most runs list (ties: smallest name)."""
    counts: dict[str, int] = {}
    for run in runs:
        name = run.tasks[task][0]["name"]
        counts[name] = counts.get(name, 0) + 1
    return min(counts, key=lambda n: (-counts[n], n))


def secondary_metric_names(metrics: Sequence[Mapping[str, Any]], main: str, k: int = N_SECONDARY) -> tuple[str, ...]:
    """The key secondary metrics: precision and recall of an F1 main metric, then others in run order.

    "Others" skips precision/recall variants and per-type breakdowns (names
    with more than two dots) so the columns stay few and readable.

    >>> ms = [{"name": n} for n in ("q_f1.prop.char", "q_f1.strict.char", "q_precision.strict.char",
    ...       "q_f1.prop.char.direct", "q_precision.prop.char", "q_recall.prop.char", "q_type_accuracy")]
    >>> secondary_metric_names(ms, "q_f1.prop.char")
    ('q_precision.prop.char', 'q_recall.prop.char', 'q_f1.strict.char')
    """
    names = [m["name"] for m in metrics if m["name"] != main]
    chosen = [main.replace("_f1", v, 1) for v in ("_precision", "_recall") if "_f1" in main]
    chosen = [n for n in chosen if n in names]
    for n in names:
        if len(chosen) >= k:
            break
        if n not in chosen and "_precision" not in n and "_recall" not in n and n.count(".") <= 2:
            chosen.append(n)
    return tuple(chosen[:k])


def _metric(run: Run, task: str, name: str) -> Mapping[str, Any] | None:
    return next((m for m in run.tasks[task] if m["name"] == name), None)


class _Pairer:
    """Runs paired tests between runs of one task, reading each run's rows once."""

    def __init__(self, task: str, metric: str, *, n_resamples: int, seed: int, ar_trials: int,
                 item_stats: ItemStatsFn) -> None:
        self.task, self.metric = task, metric
        self.n_resamples, self.seed, self.ar_trials = n_resamples, seed, ar_trials
        self.item_stats = item_stats
        self._rows: dict[str, list[dict[str, Any]] | BenchmarkError] = {}

    def rows(self, run: Run) -> list[dict[str, Any]]:
        key = str(run.run_dir)
        if key not in self._rows:
            try:
                self._rows[key] = read_per_item(run, self.task)
            except BenchmarkError as exc:
                self._rows[key] = exc
        got = self._rows[key]
        if isinstance(got, BenchmarkError):
            raise got
        return got

    def compare(self, base: Run, other: Run) -> Comparison:
        try:
            rows_a, rows_b = self.rows(base), self.rows(other)
            common = {r["doc_id"] for r in rows_a} & {r["doc_id"] for r in rows_b}
            a = self.item_stats(self.task, self.metric, [r for r in rows_a if r["doc_id"] in common])
            b = self.item_stats(self.task, self.metric, [r for r in rows_b if r["doc_id"] in common])
            stats_a, stats_b, keys = paired_item_stats(a, b)
            if not keys:
                return Comparison(base.label, None, None, None, 0, "no items in common")
            bs = paired_bootstrap(stats_a, stats_b, a.aggregate, n_resamples=self.n_resamples, seed=self.seed)
            ar = approximate_randomization(stats_a, stats_b, a.aggregate, n_trials=self.ar_trials, seed=self.seed)
        except (BenchmarkError, ValueError, KeyError) as exc:
            return Comparison(base.label, None, None, None, 0, f"paired test not possible: {exc}")
        diff = None if math.isnan(bs.difference) else float(bs.difference)
        return Comparison(base.label, diff, float(bs.p_value), float(ar.p_value), len(keys),
                          scores=(float(bs.score_a), float(bs.score_b)))


def _recomputed_mismatches(rows: Sequence[Row]) -> list[str]:
    """Notes for runs whose reported main value differs from the one rebuilt from their rows.

    That happens when a run was scored by other scoring code than the one
    installed now (same gold, older benchmark version): its p-values then
    describe the rows under today's formula, not the value in the table.
    """
    notes = []
    for r in rows:
        if r.vs_best is None or r.vs_best.scores is None:
            continue
        pairs = [(rows[0], r.vs_best.scores[0])] if r is rows[1] else []
        for row, recomputed in pairs + [(r, r.vs_best.scores[1])]:
            if not math.isclose(row.value, recomputed, rel_tol=1e-9, abs_tol=1e-12) and not math.isnan(recomputed):
                notes.append(f"{row.label}: {row.main['name']} recomputed from {per_item_path(row.run.run_dir).name} "
                             f"is {recomputed:.6g}, "
                             f"metrics.json says {row.value:.6g}; the run was scored by other scoring code, "
                             "re-score it")
    return notes


def rank_task(
    task: str,
    runs: Sequence[Run],
    *,
    n_resamples: int,
    seed: int,
    ar_trials: int = AR_TRIALS,
    item_stats: ItemStatsFn = task_item_stats,
) -> TaskBoard:
    """Rank the runs of one task (one run per system) by the rule in the module docstring."""
    runs = sorted(runs, key=lambda r: r.label)
    main = main_metric_name(runs, task)
    first = next(r for r in runs if r.tasks[task][0]["name"] == main)
    higher = bool(first.tasks[task][0].get("higher_is_better", True))
    secondary = secondary_metric_names(first.tasks[task], main)
    notes: list[str] = []

    def row(run: Run, **kw: Any) -> Row:
        return Row(run, _metric(run, task, main), tuple(_metric(run, task, n) for n in secondary), **kw)

    ranked = [row(r) for r in runs if r.ranked]
    defined = [r for r in ranked if r.value is not None]
    undefined = [r for r in ranked if r.value is None]
    for r in undefined:
        notes.append(f"{r.label}: main metric {main} is " + ("missing" if r.main is None else "undefined (null)")
                     + "; not ranked")
    sign = -1.0 if higher else 1.0
    defined.sort(key=lambda r: (sign * r.value, r.label))
    pairer = _Pairer(task, main, n_resamples=n_resamples, seed=seed, ar_trials=ar_trials, item_stats=item_stats)
    out: list[Row] = []
    best = leader = None
    rank = 0
    for r in defined:
        if best is None:
            best = leader = r
            rank = 1
            out.append(Row(r.run, r.main, r.secondary, rank=1, leader=r.label))
            continue
        vs_best = pairer.compare(best.run, r.run)
        vs_leader = vs_best if leader is best else pairer.compare(leader.run, r.run)
        if not vs_leader.tested or vs_leader.p_bootstrap < ALPHA:
            if not vs_leader.tested:
                notes.append(f"{r.label}: {vs_leader.note}; starts a new rank group")
            rank += 1
            leader = r
        out.append(Row(r.run, r.main, r.secondary, rank=rank, leader=leader.label, vs_best=vs_best,
                       vs_leader=vs_leader))
    notes += _recomputed_mismatches(out)
    out += [Row(r.run, r.main, r.secondary) for r in sorted(undefined, key=lambda r: r.label)]
    not_ranked = tuple(row(r) for r in runs if not r.ranked)
    return TaskBoard(task, main, higher, secondary, tuple(out), not_ranked, tuple(notes))
