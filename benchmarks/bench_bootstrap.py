"""Timing of the vectorised bootstrap (not a unit test; prints timings and ratios).

Run: ``python benchmarks/bench_bootstrap.py``.  The brief's target: 10,000
resamples of 1,000 items well under a second.  The reference point is the
per-resample Python loop sacrebleu's significance code uses
(``[aggregate(s[idx].sum(0)) for idx in indices]``).
"""

from __future__ import annotations

import time

import numpy as np

from benchmark.scoring.spans import prf
from benchmark.scoring.stance import f_avg
from benchmark.scoring.stats import approximate_randomization, bootstrap_ci, paired_bootstrap
from benchmark.scoring.translation import score_from_stats, segment_statistics


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def loop_bootstrap(stats, aggregate, n_resamples, seed):
    rng = np.random.default_rng(seed)
    idx = rng.choice(stats.shape[0], size=(n_resamples, stats.shape[0]), replace=True)
    return np.array([aggregate(stats[i].sum(axis=0)[None])[0] for i in idx])


def span_stats(n_items: int, rng) -> np.ndarray:
    pos = rng.integers(0, 4, n_items)
    act = rng.integers(0, 4, n_items)
    matched = np.minimum(pos, act) * rng.integers(0, 2, n_items)
    bounds = (matched * rng.random(n_items)).round()
    prop = matched * rng.random(n_items)
    return np.column_stack([pos, act, matched, bounds, bounds, bounds, prop, prop]).astype(float)


def main() -> None:
    rng = np.random.default_rng(0)
    stats = span_stats(1000, rng)
    f1 = lambda s: prf(s, "proportional")[2]  # noqa: E731
    print("span F1 (proportional), 1,000 items, k = 8")
    fast = timed(lambda: bootstrap_ci(stats, f1, n_resamples=10_000, seed=1))
    slow = timed(lambda: loop_bootstrap(stats, f1, 1_000, 1), repeat=1) * 10  # extrapolated from 1,000
    print(f"  vectorised, 10,000 resamples: {fast:8.3f} s")
    print(f"  Python loop, 10,000 resamples: {slow:8.3f} s (extrapolated from 1,000)")
    print(f"  speed-up: {slow / fast:6.1f}x")

    stance = np.zeros((1000, 12))
    stance[np.arange(1000), rng.integers(0, 12, 1000)] = 1
    agg = lambda s: f_avg(s.reshape(-1, 3, 4))  # noqa: E731
    print("stance F_avg, 1,000 items, one-hot k = 12")
    seconds = timed(lambda: bootstrap_ci(stance, agg, n_resamples=10_000, seed=1))
    print(f"  vectorised, 10,000 resamples: {seconds:8.3f} s")

    words = "the talks were very useful Lavrov said that Russia agreed to restore embassies soon".split()
    refs = [(" ".join(rng.choice(words, 12)),) for _ in range(1000)]
    hyps_a = [" ".join(w if rng.random() > 0.3 else "x" for w in r[0].split()) for r in refs]
    hyps_b = [" ".join(w if rng.random() > 0.35 else "x" for w in r[0].split()) for r in refs]
    a, _ = segment_statistics("chrf++", hypotheses=hyps_a, references=refs)
    b, _ = segment_statistics("chrf++", hypotheses=hyps_b, references=refs)
    chrf = lambda s: score_from_stats("chrf++", s)  # noqa: E731
    print("chrF++ (sacrebleu's own formula per resample), 1,000 segments, k = 24")
    print(f"  bootstrap CI, 1,000 resamples: {timed(lambda: bootstrap_ci(a, chrf, n_resamples=1000, seed=1)):8.3f} s")
    print(f"  paired bootstrap, 1,000 resamples: {timed(lambda: paired_bootstrap(a, b, chrf), repeat=1):8.3f} s")
    print(f"  approximate randomization, 10,000 trials: "
          f"{timed(lambda: approximate_randomization(a, b, chrf), repeat=1):8.3f} s")
    print("span F1 paired tests, 1,000 items")
    stats_b = span_stats(1000, rng)
    print(f"  paired bootstrap, 10,000 resamples: "
          f"{timed(lambda: paired_bootstrap(stats, stats_b, f1, n_resamples=10_000)):8.3f} s")
    print(f"  approximate randomization, 10,000 trials: "
          f"{timed(lambda: approximate_randomization(stats, stats_b, f1)):8.3f} s")


if __name__ == "__main__":
    main()
