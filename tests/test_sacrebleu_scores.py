"""chrF and TER scores over many rows equal sacrebleu's ``_compute_score_from_stats``, double for double."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st
from sacrebleu.metrics import CHRF, TER

from benchmark.scoring.sacrebleu_scores import chrf_scores, ter_scores
from benchmark.scoring.translation import score_from_stats


def _sacrebleu(metric, rows):
    # The expected values: sacrebleu's own formula, one row at a time, on Python ints as corpus_score passes them.
    return np.array([metric._compute_score_from_stats([int(x) for x in row]).score for row in rows])


def _chrf_rows(draw_counts, order):
    rows = []
    for counts in draw_counts:
        row = []
        for i in range(order):
            n_hyp, n_ref, frac = counts[i % len(counts)]
            row += [n_hyp, n_ref, min(n_hyp, n_ref, frac)]
        rows.append(row)
    return np.array(rows, dtype=float)


_COUNTS = st.lists(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000)),
                            min_size=1, max_size=8), min_size=1, max_size=20)


@pytest.mark.parametrize("metric", [CHRF(word_order=2), CHRF(), CHRF(beta=3), CHRF(char_order=4, word_order=1)],
                         ids=["chrf++", "chrf", "beta3", "orders4-1"])
@given(counts=_COUNTS)
def test_chrf_rows_equal_sacrebleu(metric, counts):
    rows = _chrf_rows(counts, metric.order)
    np.testing.assert_array_equal(chrf_scores(metric, rows), _sacrebleu(metric, rows))


def test_chrf_edge_rows():
    metric = CHRF(word_order=2)
    rows = np.zeros((4, 3 * metric.order))
    rows[1, :] = 7  # everything matches
    rows[2, 0::3] = 5  # hypothesis counts only: no order has a reference
    rows[3, 1::3] = 5  # reference counts only
    np.testing.assert_array_equal(chrf_scores(metric, rows), _sacrebleu(metric, rows))
    assert chrf_scores(metric, rows).tolist() == [0.0, 100.0, 0.0, 0.0]  # by the formula: P=R=1 gives 100


def test_eps_smoothing_is_left_to_sacrebleu():
    with pytest.raises(ValueError, match="eps_smoothing"):
        chrf_scores(CHRF(eps_smoothing=True), np.zeros((1, 18)))


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=30))
def test_ter_rows_equal_sacrebleu(pairs):
    rows = np.array(pairs, dtype=float)
    np.testing.assert_array_equal(ter_scores(TER(), rows), _sacrebleu(TER(), rows))


def test_score_from_stats_uses_them_and_still_scores_bleu_with_sacrebleu():
    rng = np.random.default_rng(0)
    chrf_rows = rng.integers(0, 300, size=(50, 24)).astype(float)  # chrF++: 3 counts x (6 char + 2 word orders)
    np.testing.assert_array_equal(score_from_stats("chrf++", chrf_rows), _sacrebleu(CHRF(word_order=2), chrf_rows))
    bleu_rows = rng.integers(1, 300, size=(5, 10)).astype(float)
    from sacrebleu.metrics import BLEU

    np.testing.assert_array_equal(score_from_stats("bleu", bleu_rows), _sacrebleu(BLEU(), bleu_rows))
