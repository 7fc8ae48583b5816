"""Bootstrap intervals and paired tests; p-values against sacrebleu's."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

from benchmark.errors import ConfigError
from benchmark.scoring.stats import (
    approximate_randomization, bootstrap_ci, paired_bootstrap, point_estimate, resampled_sums,
)
from benchmark.scoring.translation import score_from_stats, segment_statistics


def accuracy(sums):
    return sums[:, 0] / sums[:, 1]


def test_resampled_sums_equal_naive_sums():
    rng = np.random.default_rng(0)
    stats = rng.integers(0, 5, size=(37, 3)).astype(float)
    idx = rng.choice(37, size=(11, 37))
    assert np.array_equal(resampled_sums(stats, idx), stats[idx].sum(axis=1))


def test_bootstrap_ci_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    stats = np.column_stack([rng.integers(0, 2, 200), np.ones(200)]).astype(float)
    a = bootstrap_ci(stats, accuracy, n_resamples=500, seed=7)
    b = bootstrap_ci(stats, accuracy, n_resamples=500, seed=7)
    c = bootstrap_ci(stats, accuracy, n_resamples=500, seed=8)
    assert a == b and a != c
    assert a.low < a.estimate < a.high
    assert a.estimate == stats[:, 0].mean()
    # binomial standard error ≈ 0.035, so the 95% interval is about ±0.07
    assert 0.1 < a.high - a.low < 0.18


def test_bootstrap_ci_reports_undefined_resamples():
    stats = np.array([[1.0, 1.0], [0.0, 0.0]])  # resamples of only item 2 are 0/0
    with np.errstate(invalid="ignore", divide="ignore"):
        ci = bootstrap_ci(stats, accuracy, n_resamples=400, seed=3)
    assert 50 < ci.n_undefined < 150  # about a quarter
    assert ci.low == ci.high == 1.0


def test_bootstrap_ci_validates_settings():
    with pytest.raises(ConfigError, match="confidence: must be in"):
        bootstrap_ci(np.ones((3, 2)), accuracy, seed=1, confidence=95)
    with pytest.raises(ConfigError, match="n_resamples: must be a positive integer"):
        bootstrap_ci(np.ones((3, 2)), accuracy, seed=1, n_resamples=0)


def test_paired_tests_detect_a_real_difference_and_not_a_null_one():
    a = np.array([[1, 1]] * 30 + [[0, 1]] * 70, dtype=float)
    b = np.array([[1, 1]] * 70 + [[0, 1]] * 30, dtype=float)
    assert paired_bootstrap(a, b, accuracy).p_value < 0.01
    assert approximate_randomization(a, b, accuracy, n_trials=2000).p_value < 0.01
    same = approximate_randomization(a, a, accuracy, n_trials=200)
    assert (same.difference, same.p_value) == (0.0, 1.0)
    r = paired_bootstrap(a, b, accuracy)
    assert (r.score_a, r.score_b, r.difference) == (0.3, 0.7, pytest.approx(0.4))


def _systems(n: int = 80):
    rng = random.Random(11)
    words = "the talks were very useful Lavrov said that Russia agreed to restore embassies soon".split()
    refs = [" ".join(rng.choices(words, k=rng.randint(4, 14))) for _ in range(n)]

    def degrade(p):
        return [" ".join(w if rng.random() > p else rng.choice(words) for w in r.split()) for r in refs]

    return refs, degrade(0.30), degrade(0.34)


@pytest.fixture(autouse=True)
def _default_sacrebleu_seed(monkeypatch):
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)  # sacrebleu then uses 12345


@pytest.mark.parametrize("name,metric", [("chrf", CHRF), ("bleu", BLEU)])
def test_paired_bootstrap_p_value_equals_sacrebleus(name, metric):
    refs, base, system = _systems()
    _, scores = PairedTest([("a", base), ("b", system)], {name: metric()}, [refs], test_type="bs", n_samples=1000)()
    theirs = next(v for k, v in scores.items() if k != "System")[1]
    stats_a, _ = segment_statistics(name, hypotheses=base, references=[(r,) for r in refs])
    stats_b, _ = segment_statistics(name, hypotheses=system, references=[(r,) for r in refs])
    ours = paired_bootstrap(stats_a, stats_b, lambda s: score_from_stats(name, s), n_resamples=1000, seed=12345)
    assert ours.score_b == pytest.approx(theirs.score)
    assert 0.001 < ours.p_value < 0.999  # a comparison that is not trivially decided
    # Same draws; only sacrebleu's float32 arithmetic can move a resample across the threshold.
    assert ours.p_value == pytest.approx(theirs.p_value, abs=0.01)


@pytest.mark.parametrize("name,metric", [("chrf", CHRF), ("bleu", BLEU)])
def test_approximate_randomization_p_value_equals_sacrebleus(name, metric):
    refs, base, system = _systems()
    _, scores = PairedTest([("a", base), ("b", system)], {name: metric()}, [refs], test_type="ar", n_samples=2000)()
    theirs = next(v for k, v in scores.items() if k != "System")[1]
    stats_a, _ = segment_statistics(name, hypotheses=base, references=[(r,) for r in refs])
    stats_b, _ = segment_statistics(name, hypotheses=system, references=[(r,) for r in refs])
    ours = approximate_randomization(stats_a, stats_b, lambda s: score_from_stats(name, s), n_trials=2000, seed=12345)
    assert 0.001 < ours.p_value < 0.999
    assert ours.p_value == pytest.approx(theirs.p_value, abs=0.01)


def test_point_estimate_sums_all_items():
    stats = np.array([[1.0, 2.0], [1.0, 2.0]])
    assert point_estimate(stats, accuracy) == 0.5


def test_approximate_randomization_counts_ties_for_discrete_metrics():
    """Two systems that differ on 2 of 33 items (accuracy): the largest swap
    difference is the observed one; a strict count would call it p ~ 1e-4,
    an exact sign test gives 0.5."""
    a = np.array([[1, 1]] * 33, dtype=float)
    b = a.copy()
    b[:2, 0] = 0
    r = approximate_randomization(a, b, lambda s: s[:, 0] / s[:, 1], n_trials=10000, seed=12345)
    assert r.p_value == pytest.approx(0.5, abs=0.02)
