"""Bootstrap intervals and paired tests: exact values from a plain re-implementation, hand counts, sacrebleu.

The reference implementations below are written from the definitions
(Koehn 2004; sacrebleu's ``significance.py``) as plain loops over the same
``numpy.random.default_rng(seed)`` draws, so they must agree exactly; the
hand-derived cases are those where every resample is forced (one item, two
identical systems).
"""

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
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[:, 0] / sums[:, 1]


def _coins(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.integers(0, 2, n), np.ones(n)]).astype(float)


# --------------------------------------------------------------- reference implementations

def _naive_bootstrap(stats, n_resamples, seed, confidence):
    rng = np.random.default_rng(seed)
    n = len(stats)
    draws = rng.choice(n, size=(n_resamples, n), replace=True)
    scores = np.array([accuracy(stats[d].sum(axis=0)[None])[0] for d in draws])
    defined = scores[~np.isnan(scores)]
    tail = 100 * (1 - confidence) / 2
    return np.percentile(defined, [tail, 100 - tail]), len(scores) - len(defined)


def _naive_paired_bootstrap(a, b, n_resamples, seed):
    rng = np.random.default_rng(seed)
    n = len(a)
    draws = rng.choice(n, size=(n_resamples, n), replace=True)
    diffs = np.array([abs(accuracy(b[d].sum(0)[None])[0] - accuracy(a[d].sum(0)[None])[0]) for d in draws])
    observed = abs(accuracy(b.sum(0)[None])[0] - accuracy(a.sum(0)[None])[0])
    return (np.sum(diffs - diffs.mean() > observed) + 1) / (n_resamples + 1)


def _naive_randomization(a, b, n_trials, seed):
    rng = np.random.default_rng(seed)
    swap = rng.integers(2, size=(n_trials, len(a)), dtype=bool)
    observed = abs(accuracy(a.sum(0)[None])[0] - accuracy(b.sum(0)[None])[0])
    count = 0
    for sel in swap:
        shuf_a = np.where(sel[:, None], a, b).sum(0)  # sacrebleu: a kept where selected
        shuf_b = np.where(sel[:, None], b, a).sum(0)
        count += abs(accuracy(shuf_a[None])[0] - accuracy(shuf_b[None])[0]) >= observed - 1e-12
    return (count + 1) / (n_trials + 1)


# --------------------------------------------------------------- bootstrap intervals

def test_resampled_sums_equal_naive_sums():
    rng = np.random.default_rng(0)
    stats = rng.integers(0, 5, size=(37, 3)).astype(float)
    idx = rng.choice(37, size=(11, 37))
    assert np.array_equal(resampled_sums(stats, idx), stats[idx].sum(axis=1))


@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.5])
def test_bootstrap_ci_equals_the_plain_percentile_bootstrap(confidence):
    stats = _coins(60, 1)
    ci = bootstrap_ci(stats, accuracy, n_resamples=300, seed=7, confidence=confidence)
    (low, high), undefined = _naive_bootstrap(stats, 300, 7, confidence)
    assert (ci.low, ci.high, ci.n_undefined) == (low, high, undefined)
    assert ci.estimate == stats[:, 0].mean()


def test_bootstrap_ci_width_matches_the_normal_approximation():
    # 200 coin flips: SE = sqrt(p(1-p)/200); a 95% interval is ~2·1.96·SE wide,
    # a 90% one ~2·1.645·SE (16% narrower), so ±6% tells them apart.
    stats = _coins(200, 1)
    p = stats[:, 0].mean()
    se = np.sqrt(p * (1 - p) / 200)
    ci = bootstrap_ci(stats, accuracy, n_resamples=4000, seed=7)
    assert ci.high - ci.low == pytest.approx(2 * 1.96 * se, rel=0.06)
    assert ci.low < ci.estimate < ci.high


def test_bootstrap_ci_is_seeded():
    stats = _coins(50, 2)
    a = bootstrap_ci(stats, accuracy, n_resamples=100, seed=7)
    assert a == bootstrap_ci(stats, accuracy, n_resamples=100, seed=7)
    assert a != bootstrap_ci(stats, accuracy, n_resamples=100, seed=8)


def test_bootstrap_ci_reports_undefined_resamples():
    stats = np.array([[1.0, 1.0], [0.0, 0.0]])  # a resample of item 2 twice is 0/0
    ci = bootstrap_ci(stats, accuracy, n_resamples=400, seed=3)
    _, undefined = _naive_bootstrap(stats, 400, 3, 0.95)
    assert ci.n_undefined == undefined and 0 < undefined < 400
    assert ci.low == ci.high == 1.0  # every defined resample scores 1/1 or 2/2


def test_bootstrap_ci_of_no_items_is_undefined():
    ci = bootstrap_ci(np.zeros((0, 2)), accuracy, n_resamples=10, seed=1)
    assert np.isnan(ci.estimate) and np.isnan(ci.low) and ci.n_undefined == 10


@pytest.mark.parametrize("kwargs,message", [
    ({"confidence": 1.0}, "confidence: must be in"),
    ({"confidence": 0.0}, "confidence: must be in"),
    ({"confidence": 95}, "confidence: must be in"),
    ({"n_resamples": 0}, "n_resamples: must be a positive integer"),
    ({"n_resamples": True}, "n_resamples: must be a positive integer"),
    ({"n_resamples": 2.5}, "n_resamples: must be a positive integer"),
    ({"seed": None}, "seed: must be an integer >= 0"),
    ({"seed": -1}, "seed: must be an integer >= 0"),
    ({"seed": True}, "seed: must be an integer >= 0"),
])
def test_bootstrap_ci_validates_settings(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        bootstrap_ci(np.ones((3, 2)), accuracy, **{"seed": 1, **kwargs})


def test_paired_tests_validate_settings():
    a = np.ones((3, 2))
    with pytest.raises(ConfigError, match="n_trials: must be a positive integer"):
        approximate_randomization(a, a, accuracy, n_trials=0)
    with pytest.raises(ConfigError, match="seed: must be an integer >= 0"):
        approximate_randomization(a, a, accuracy, seed=None)
    with pytest.raises(ConfigError, match="seed: must be an integer >= 0"):
        paired_bootstrap(a, a, accuracy, seed=None)
    with pytest.raises(ValueError, match="equal shapes"):
        paired_bootstrap(a, np.ones((2, 2)), accuracy)
    with pytest.raises(ValueError, match="at least one item"):
        paired_bootstrap(np.ones((0, 2)), np.ones((0, 2)), accuracy)


# --------------------------------------------------------------- paired tests: forced cases

def test_identical_systems_get_p_one():
    # sacrebleu's strict count would give the smallest p, 1/(B+1), to two identical systems.
    a = _coins(40, 3)
    for r in (paired_bootstrap(a, a.copy(), accuracy, n_resamples=200),
              approximate_randomization(a, a.copy(), accuracy, n_trials=200)):
        assert (r.difference, r.p_value) == (0.0, 1.0)


def test_one_item_forces_every_resample():
    # One item that b gets wrong: every bootstrap resample is that item, so every
    # centred difference is 0 < 1 = observed → p = (0 + 1)/(B + 1).  Every
    # randomization keeps |difference| = 1 → p = (T + 1)/(T + 1).
    a, b = np.array([[1.0, 1.0]]), np.array([[0.0, 1.0]])
    bs = paired_bootstrap(a, b, accuracy, n_resamples=999)
    assert (bs.score_a, bs.score_b, bs.difference, bs.p_value) == (1.0, 0.0, -1.0, 1 / 1000)
    assert approximate_randomization(a, b, accuracy, n_trials=99).p_value == 1.0


def test_approximate_randomization_counts_ties_for_discrete_metrics():
    """Two systems that differ on 2 of 33 items: a swap keeps |difference| at
    2/33 exactly when both or neither item swaps (probability 1/2), so p ≈ 0.5
    as a sign test; a strict count would report p = 1/(T+1)."""
    a = np.array([[1, 1]] * 33, dtype=float)
    b = a.copy()
    b[:2, 0] = 0
    r = approximate_randomization(a, b, accuracy, n_trials=2000, seed=12345)
    swap = np.random.default_rng(12345).integers(2, size=(2000, 33), dtype=bool)
    assert r.p_value == (np.sum(swap[:, 0] == swap[:, 1]) + 1) / 2001


@pytest.mark.parametrize("seed", range(3))
def test_paired_tests_equal_their_plain_definitions(seed):
    a = _coins(50, 10 + seed)
    b = _coins(50, 20 + seed)
    bs = paired_bootstrap(a, b, accuracy, n_resamples=300, seed=seed)
    assert bs.p_value == _naive_paired_bootstrap(a, b, 300, seed)
    assert (bs.score_a, bs.score_b) == (a[:, 0].mean(), b[:, 0].mean())
    ar = approximate_randomization(a, b, accuracy, n_trials=300, seed=seed)
    assert ar.p_value == _naive_randomization(a, b, 300, seed)
    assert 0.01 < bs.p_value < 1 and bs.difference != 0  # not one of the forced cases above


def test_point_estimate_sums_all_items():
    stats = np.array([[1.0, 2.0], [1.0, 2.0]])  # 2 of 4
    assert point_estimate(stats, accuracy) == 0.5


# --------------------------------------------------------------- against sacrebleu

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


@pytest.mark.parametrize("test_type", ["bs", "ar"])
@pytest.mark.parametrize("name,metric", [("chrf", CHRF), ("bleu", BLEU)])
def test_p_values_equal_sacrebleus(name, metric, test_type):
    refs, base, system = _systems()
    n = 1000 if test_type == "bs" else 2000
    _, scores = PairedTest([("a", base), ("b", system)], {name: metric()}, [refs], test_type=test_type,
                           n_samples=n)()
    theirs = next(v for k, v in scores.items() if k != "System")[1]
    stats_a, _ = segment_statistics(name, hypotheses=base, references=[(r,) for r in refs])
    stats_b, _ = segment_statistics(name, hypotheses=system, references=[(r,) for r in refs])
    aggregate = lambda s: score_from_stats(name, s)  # noqa: E731
    if test_type == "bs":
        ours = paired_bootstrap(stats_a, stats_b, aggregate, n_resamples=n, seed=12345)
    else:
        ours = approximate_randomization(stats_a, stats_b, aggregate, n_trials=n, seed=12345)
    assert ours.score_b == pytest.approx(theirs.score, abs=1e-9)
    assert 0.01 < ours.p_value < 0.99  # a comparison that is not trivially decided
    # Same draws: only sacrebleu's float32 sums can move a resample across the
    # threshold, at most one or two of them; ties (counted here) have no
    # weight for these near-continuous scores.
    assert ours.p_value == pytest.approx(theirs.p_value, abs=2 / (n + 1))


def test_results_name_their_method_and_settings_and_default_to_sacrebleus():
    a, b = _coins(30, 1), _coins(30, 2)
    bs = paired_bootstrap(a, b, accuracy)
    ar = approximate_randomization(a, b, accuracy, n_trials=50, seed=3)
    assert (bs.method, bs.n_samples, bs.seed) == ("paired_bootstrap", 1000, 12345)
    assert (ar.method, ar.n_samples, ar.seed) == ("approximate_randomization", 50, 3)
    assert (ar.score_a, ar.score_b) == (a[:, 0].mean(), b[:, 0].mean())
    assert approximate_randomization(a, b, accuracy).n_samples == 10000


def test_bootstrap_counts_only_strictly_larger_differences():
    """a = (1, 1), b = (0, 1): a resample scores |Δ| = 1 (item 1 twice), 1/2 or
    0 (item 2 twice).  When it draws item 1 twice exactly as often as item 2
    twice, the mean |Δ| is exactly 1/2, the centred values are exactly
    1/2, 0, −1/2, and the observed |Δ| = 1/2 ties the first: sacrebleu's strict
    count leaves ties out, so p = (0 + 1)/(B + 1)."""
    a, b = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 1.0]])
    for seed in range(200):
        draws = np.random.default_rng(seed).choice(2, size=(20, 2), replace=True)
        firsts = (draws == 0).sum(axis=1)
        if np.sum(firsts == 2) == np.sum(firsts == 0) > 0:
            break
    else:
        pytest.fail("no seed below 200 draws the two extremes equally often")
    assert paired_bootstrap(a, b, accuracy, n_resamples=20, seed=seed).p_value == 1 / 21
