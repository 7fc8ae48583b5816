"""chrF and TER scores of many summed statistics at once, with sacrebleu's arithmetic.

A bootstrap interval scores 1,000 resampled sums per metric; sacrebleu scores
one list of statistics per call (``_compute_score_from_stats``), 10–30 µs
each.  chrF (without ``eps_smoothing``) and TER are plain arithmetic on the
statistics, so they are computed here over every row at once with numpy,
operation for operation as sacrebleu's Python code does them: each step is
one IEEE double operation on exactly representable integer counts, in the
same order, so the results are the same doubles (the tests compare them with
sacrebleu's own, value for value).  BLEU (logarithms and exponentials, whose
last bit numpy and the C library may round differently) stays with sacrebleu.

Examples
--------
>>> import numpy as np
>>> from sacrebleu.metrics import TER
>>> ter_scores(TER(), np.array([[3.0, 10.0], [0.0, 0.0], [2.0, 0.0]])).tolist()
[30.0, 0.0, 100.0]
"""

from __future__ import annotations

import numpy as np


def chrf_scores(metric, sums: np.ndarray) -> np.ndarray:
    """``metric._compute_f_score`` of each row of ``sums`` ``(B, 3 * order)`` (``eps_smoothing`` off)."""
    if metric.eps_smoothing:
        raise ValueError("chrf_scores follows the effective-order formula; eps_smoothing is scored by sacrebleu")
    rows = np.asarray(sums, dtype=float)
    factor = float(metric.beta ** 2)
    avg_prec = np.zeros(rows.shape[0])
    avg_rec = np.zeros(rows.shape[0])
    effective = np.zeros(rows.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(metric.order):
            n_hyp, n_ref, n_match = rows[:, 3 * i], rows[:, 3 * i + 1], rows[:, 3 * i + 2]
            both = (n_hyp > 0) & (n_ref > 0)
            # Only orders with both counts add to the averages (sacreBLEU's effective order);
            # adding 0.0 elsewhere leaves a sum unchanged, bit for bit.
            avg_prec = avg_prec + np.where(both, n_match / n_hyp, 0.0)
            avg_rec = avg_rec + np.where(both, n_match / n_ref, 0.0)
            effective = effective + both
        avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
        avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
        score = (1 + factor) * avg_prec * avg_rec
        score = score / ((factor * avg_prec) + avg_rec)
    return np.where(avg_prec + avg_rec != 0, 100 * score, 0.0)


def ter_scores(metric, sums: np.ndarray) -> np.ndarray:
    """``metric._compute_score_from_stats(row).score`` of each row of ``sums`` ``(B, 2)``: edits and reference length."""
    rows = np.asarray(sums, dtype=float)
    edits, ref_len = rows[:, 0], rows[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(ref_len > 0, edits / ref_len, np.where(edits > 0, 1.0, 0.0))
    return 100 * score
