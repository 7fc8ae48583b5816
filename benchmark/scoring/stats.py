"""Bootstrap confidence intervals and paired significance tests.

Everything here works on a per-item sufficient-statistics matrix ``stats``
of shape ``(n_items, k)`` and an ``aggregate`` function that maps summed
statistics of shape ``(B, k)`` to ``B`` scores (vectorised over rows).  A
resample is a multiset of item indices; its summed statistics are computed
as ``counts @ stats`` where ``counts[b, i]`` is how often item ``i`` was
drawn, so ``B`` resamples cost one matrix product instead of a Python loop.

The paired tests follow sacrebleu's ``significance.py`` exactly: the same
random draws for the same seed (``rng.choice(n, size=(B, n))`` for the
bootstrap, ``rng.integers(2, size=(T, n), dtype=bool)`` for approximate
randomization), the same test statistics and the same ``(c + 1) / (B + 1)``
p-value, so our p-values equal sacrebleu's ``--paired-bs`` and
``--paired-ar`` up to sacrebleu's float32 rounding.  One deliberate
departure: when the two scores are equal the p-value is 1.0, where
sacrebleu's strict ``>`` reports the smallest possible p-value
``1 / (B + 1)`` for two identical systems.

Undefined scores (NaN) in a resample never count as "more extreme" in a
test, and confidence intervals use only the resamples whose score is
defined (their number is reported).

Examples
--------
>>> import numpy as np
>>> stats = np.array([[1, 1], [0, 1], [1, 1], [1, 1]], dtype=float)  # correct, total
>>> accuracy = lambda s: s[:, 0] / s[:, 1]
>>> ci = bootstrap_ci(stats, accuracy, n_resamples=200, seed=1)
>>> round(ci.estimate, 2), ci.low <= 0.75 <= ci.high
(0.75, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from benchmark.errors import ConfigError

Aggregate = Callable[[np.ndarray], np.ndarray]

# Resamples are summed in blocks so the (block, n) count matrix stays small.
_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class ConfidenceInterval:
    """A percentile bootstrap interval around a point estimate."""

    estimate: float
    """The score on all items (NaN when undefined)."""
    low: float
    """Lower percentile bound (NaN when no resample is defined)."""
    high: float
    """Upper percentile bound."""
    n_resamples: int
    n_undefined: int
    """Resamples whose score was undefined and left out of the interval."""


@dataclass(frozen=True)
class PairedTestResult:
    """Outcome of a paired test of system ``b`` against baseline ``a``."""

    method: str
    """``"paired_bootstrap"`` or ``"approximate_randomization"``."""
    score_a: float
    score_b: float
    difference: float
    """``score_b - score_a`` on all items."""
    p_value: float
    n_samples: int
    """Bootstrap resamples or randomization trials."""
    seed: int


def point_estimate(stats: np.ndarray, aggregate: Aggregate) -> float:
    """The aggregate of the summed statistics of all items."""
    stats = _as_matrix(stats)
    return float(aggregate(stats.sum(axis=0)[None, :])[0])


def resampled_sums(stats: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Summed statistics ``(B, k)`` of the resamples given as item ``indices`` ``(B, n)``."""
    stats = _as_matrix(stats)
    n_samples, n_draws = indices.shape
    n_items = stats.shape[0]
    out = np.empty((n_samples, stats.shape[1]))
    block = max(1, _BLOCK_CELLS // max(1, n_items, n_draws))
    for lo in range(0, n_samples, block):
        idx = indices[lo : lo + block]
        b = idx.shape[0]
        # Offsetting each row by its own block of n_items turns per-row
        # bincounts into one flat bincount.
        flat = (idx + (np.arange(b) * n_items)[:, None]).ravel()
        counts = np.bincount(flat, minlength=b * n_items).reshape(b, n_items)
        out[lo : lo + b] = counts @ stats
    return out


def bootstrap_ci(
    stats: np.ndarray,
    aggregate: Aggregate,
    *,
    n_resamples: int = 1000,
    seed: int,
    confidence: float = 0.95,
) -> ConfidenceInterval:
    """Percentile bootstrap confidence interval over items.

    Parameters
    ----------
    stats : ndarray of shape (n_items, k)
        Per-item sufficient statistics.
    aggregate : callable
        Maps summed statistics ``(B, k)`` to scores ``(B,)``.
    n_resamples : int
        Number of bootstrap resamples ``B``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    confidence : float
        Coverage of the interval, in (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> stats = np.array([[1.0], [2.0], [3.0]])
    >>> ci = bootstrap_ci(stats, lambda s: s[:, 0], n_resamples=50, seed=0)
    >>> ci.estimate, 3.0 <= ci.low <= ci.high <= 9.0
    (6.0, True)
    """
    return bootstrap_cis([stats], [aggregate], n_resamples=n_resamples, seed=seed, confidence=confidence)[0]


def bootstrap_cis(
    stats: Sequence[np.ndarray],
    aggregates: Sequence[Aggregate],
    *,
    n_resamples: int = 1000,
    seed: int,
    confidence: float = 0.95,
) -> list[ConfidenceInterval]:
    """:func:`bootstrap_ci` of several metrics over the same items, from one set of draws.

    Every metric of a task is resampled with the same seed, so its resamples
    are the same item multisets; drawing them once and summing every metric's
    statistics (identical matrices once) in the same matrix product gives
    exactly the intervals separate calls would, at a fraction of the cost on
    a large corpus.  Draws are made in blocks, so memory stays bounded.

    >>> import numpy as np
    >>> s = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
    >>> both = bootstrap_cis([s, s[:, :1]], [lambda x: x[:, 0] / x[:, 1], lambda x: x[:, 0]], n_resamples=40, seed=2)
    >>> both[0] == bootstrap_ci(s, lambda x: x[:, 0] / x[:, 1], n_resamples=40, seed=2)
    True
    """
    matrices = [_as_matrix(s) for s in stats]
    _check_resampling(n_resamples, confidence, seed)
    n_items = {m.shape[0] for m in matrices}
    if len(n_items) > 1:
        raise ValueError(f"metrics resampled together need the same items, got {sorted(n_items)} items")
    n = n_items.pop() if n_items else 0
    if n == 0:
        return [ConfidenceInterval(float("nan"), float("nan"), float("nan"), n_resamples, n_resamples)
                for _ in matrices]
    columns, where = _distinct_columns(matrices)
    sums = _resampled_sums_drawn(columns, n_resamples=n_resamples, seed=seed)
    return [_interval(m, agg, sums[:, lo:hi], n_resamples, confidence)
            for m, agg, (lo, hi) in zip(matrices, aggregates, where)]


def _distinct_columns(matrices: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    # Identical statistics (precision, recall and F1 of one family) are summed once.
    blocks: list[np.ndarray] = []
    where: list[tuple[int, int]] = []
    seen: dict[bytes, tuple[int, int]] = {}
    width = 0
    for m in matrices:
        key = m.shape[1].to_bytes(4, "little") + m.tobytes()
        if key not in seen:
            seen[key] = (width, width + m.shape[1])
            blocks.append(m)
            width += m.shape[1]
        where.append(seen[key])
    return np.concatenate(blocks, axis=1), where


def _resampled_sums_drawn(stats: np.ndarray, *, n_resamples: int, seed: int) -> np.ndarray:
    """Summed statistics of ``n_resamples`` resamples drawn as :func:`bootstrap_ci` draws them."""
    n = stats.shape[0]
    rng = np.random.default_rng(seed)
    out = np.empty((n_resamples, stats.shape[1]))
    block = max(1, _BLOCK_CELLS // max(1, n))
    for lo in range(0, n_resamples, block):
        b = min(block, n_resamples - lo)
        # Drawn block by block, the indices are those of one (B, n) draw with this seed.
        out[lo:lo + b] = resampled_sums(stats, rng.choice(n, size=(b, n), replace=True))
    return out


def _interval(stats: np.ndarray, aggregate: Aggregate, sums: np.ndarray, n_resamples: int,
              confidence: float) -> ConfidenceInterval:
    estimate = point_estimate(stats, aggregate)
    scores = np.asarray(aggregate(sums), dtype=float)
    defined = scores[~np.isnan(scores)]
    alpha = (1.0 - confidence) / 2.0
    if defined.size == 0:
        low = high = float("nan")
    else:
        low, high = (float(x) for x in np.percentile(defined, [100 * alpha, 100 * (1 - alpha)]))
    return ConfidenceInterval(estimate, low, high, n_resamples, int(scores.size - defined.size))


def paired_bootstrap(
    stats_a: np.ndarray,
    stats_b: np.ndarray,
    aggregate: Aggregate,
    *,
    n_resamples: int = 1000,
    seed: int = 12345,
) -> PairedTestResult:
    """Paired bootstrap resampling test (Koehn 2004), as sacrebleu ``--paired-bs``.

    Both systems are resampled with the same item indices.  With
    ``d* = |score_b* - score_a*|`` over resamples and ``d = |score_b - score_a|``
    on all items, the p-value is ``(#{d* - mean(d*) > d} + 1) / (B + 1)``, exactly as sacrebleu.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[1, 1]] * 5 + [[0, 1]] * 15, dtype=float)
    >>> b = np.array([[1, 1]] * 15 + [[0, 1]] * 5, dtype=float)
    >>> r = paired_bootstrap(a, b, lambda s: s[:, 0] / s[:, 1], seed=1)
    >>> round(r.difference, 2), r.p_value < 0.05
    (0.5, True)
    """
    stats_a, stats_b = _paired(stats_a, stats_b)
    _check_resampling(n_resamples, 0.5, seed)
    score_a, score_b = point_estimate(stats_a, aggregate), point_estimate(stats_b, aggregate)
    rng = np.random.default_rng(seed)
    n = stats_a.shape[0]
    indices = rng.choice(n, size=(n_resamples, n), replace=True)
    both = np.concatenate([stats_a, stats_b], axis=1)
    sums = resampled_sums(both, indices)
    k = stats_a.shape[1]
    res_a = np.asarray(aggregate(sums[:, :k]), dtype=float)
    res_b = np.asarray(aggregate(sums[:, k:]), dtype=float)
    sample_diffs = np.abs(res_b - res_a)
    centred = sample_diffs - np.nanmean(sample_diffs)
    observed = abs(score_b - score_a)
    p = _p_value(centred, observed, ties=False)
    return PairedTestResult("paired_bootstrap", score_a, score_b, score_b - score_a, p, n_resamples, seed)


def approximate_randomization(
    stats_a: np.ndarray,
    stats_b: np.ndarray,
    aggregate: Aggregate,
    *,
    n_trials: int = 10000,
    seed: int = 12345,
) -> PairedTestResult:
    """Paired approximate randomization test, as sacrebleu ``--paired-ar``.

    In each trial every item's statistics are swapped between the two
    systems with probability 1/2; the p-value is
    ``(#{|score_a' - score_b'| >= |score_a - score_b|} + 1) / (T + 1)`` (ties counted).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[1, 1]] * 10 + [[0, 1]] * 10, dtype=float)
    >>> r = approximate_randomization(a, a, lambda s: s[:, 0] / s[:, 1], n_trials=100)
    >>> r.difference, r.p_value
    (0.0, 1.0)
    """
    stats_a, stats_b = _paired(stats_a, stats_b)
    _check_count(n_trials, "n_trials")
    _check_seed(seed)
    score_a, score_b = point_estimate(stats_a, aggregate), point_estimate(stats_b, aggregate)
    rng = np.random.default_rng(seed)
    n = stats_a.shape[0]
    swap = rng.integers(2, size=(n_trials, n), dtype=bool)
    # sacrebleu: shuf_a = sel @ a + ~sel @ b and shuf_b = ~sel @ a + sel @ b;
    # rewritten with the difference so only one product per block is needed.
    diff = stats_a - stats_b
    total_a, total_b = stats_a.sum(axis=0), stats_b.sum(axis=0)
    block = max(1, _BLOCK_CELLS // max(1, n))
    scores_a = np.full(n_trials, np.nan)  # NaN, never stale memory, if a block were skipped
    scores_b = np.full(n_trials, np.nan)
    for lo in range(0, n_trials, block):
        moved = swap[lo : lo + block].astype(float) @ diff
        scores_a[lo : lo + block] = aggregate(total_b + moved)
        scores_b[lo : lo + block] = aggregate(total_a - moved)
    p = _p_value(np.abs(scores_a - scores_b), abs(score_a - score_b), ties=True)
    return PairedTestResult("approximate_randomization", score_a, score_b, score_b - score_a, p, n_trials, seed)


def _p_value(samples: np.ndarray, observed: float, *, ties: bool) -> float:
    """``(#{samples > observed} + 1) / (len + 1)``, or ``>=`` with ``ties``; 1.0 for equal scores.

    The bootstrap uses sacrebleu's strict count (its centred samples are
    practically never tied).  Approximate randomization counts ties, as
    Noreen's test does: for a discrete metric over few items (accuracy over
    33 quotes) the observed difference is often the largest a shuffle can
    produce, and the strict count then reports p = 1/(T+1) for a difference a
    sign test would give p = 0.5.  For chrF ties have probability ~0 and the
    two counts agree.  A small tolerance absorbs floating-point noise in ties.
    """
    if np.isnan(observed):
        return float("nan")
    if observed == 0.0:
        return 1.0
    if not ties:
        return (int(np.sum(samples > observed)) + 1) / (samples.size + 1)
    tol = 1e-12 * max(1.0, abs(observed))
    return (int(np.sum(samples >= observed - tol)) + 1) / (samples.size + 1)


def _as_matrix(stats: np.ndarray) -> np.ndarray:
    arr = np.asarray(stats, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"stats must have shape (n_items, k), got shape {arr.shape}")
    return arr


def _paired(stats_a: np.ndarray, stats_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = _as_matrix(stats_a), _as_matrix(stats_b)
    if a.shape != b.shape:
        raise ValueError(f"paired statistics must have equal shapes, got {a.shape} and {b.shape}")
    if a.shape[0] == 0:
        raise ValueError("paired tests need at least one item")
    return a, b


def _check_resampling(n_resamples: int, confidence: float, seed: int) -> None:
    _check_count(n_resamples, "n_resamples")
    if not 0.0 < confidence < 1.0:
        raise ConfigError(f"must be in (0, 1), got {confidence!r}", field="confidence")
    _check_seed(seed)


def _check_count(n: int, field: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ConfigError(f"must be a positive integer, got {n!r}", field=field)


def _check_seed(seed: int) -> None:
    """A seed is a non-negative integer: ``None`` would draw an unseeded, irreproducible stream."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"must be an integer >= 0 (None would be unseeded), got {seed!r}", field="seed")
