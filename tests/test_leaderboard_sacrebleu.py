"""The leaderboard's paired tests agree with sacrebleu's own on the same segments.

Three systems' translations are scored by the task registry into run folders;
the leaderboard reads the per-segment statistics back and tests each system
against the best.  sacrebleu's ``PairedTest`` (paired bootstrap ``bs`` and
approximate randomization ``ar``) runs on the same hypotheses and references
with the same seed and number of samples.  The p-values must agree within
Monte-Carlo error (they use the same random draws, so in practice they are
equal up to sacrebleu's float32 sums) and the significance marks must match.
"""

from __future__ import annotations

import warnings

import pytest
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

from benchmark.leaderboard import build_leaderboard
from benchmark.leaderboard.rank import ALPHA
from benchmark.scoring.result import UndefinedMetricWarning
from test_leaderboard_helpers import DOC, GOLD, SYSTEMS, write_run

SEED = 2024
METRICS = {"chrf++": lambda: CHRF(word_order=2), "bleu": BLEU}


def _hyps(label: str) -> list[str]:
    by_seg = {t.segment_id: t.text for t in SYSTEMS[label][1].translations}
    return [by_seg[s.id] for s in DOC.segments]


def _sacrebleu(metric: str, labels: list[str], test_type: str, n: int, monkeypatch) -> dict[str, float]:
    monkeypatch.setenv("SACREBLEU_SEED", str(SEED))
    refs = [[s.translation_en for s in DOC.segments]]  # one reference stream
    test = PairedTest([(lb, _hyps(lb)) for lb in labels], {metric: METRICS[metric]()}, refs,
                      test_type=test_type, n_samples=n)
    _, scores = test()
    (results,) = [v for k, v in scores.items() if k != "System"]
    return {label: res.p_value for label, res in zip(labels[1:], results[1:])}


@pytest.mark.parametrize("metric", ["chrf++", "bleu"])
def test_paired_tests_match_sacrebleu(metric, tmp_path, monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for label in ("strong", "close", "weak"):
            write_run(tmp_path, label, SYSTEMS[label][1], tasks=("translation",), main_first={"translation": metric})
    lb = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=1000, seed=SEED, ar_trials=2000)
    (board,) = lb.boards
    assert board.main_metric == metric
    labels = [r.label for r in board.rows]
    assert labels[0] == "strong"

    ours_bs = {r.label: r.vs_best.p_bootstrap for r in board.rows[1:]}
    ours_ar = {r.label: r.vs_best.p_ar for r in board.rows[1:]}
    theirs_bs = _sacrebleu(metric, labels, "bs", 1000, monkeypatch)
    theirs_ar = _sacrebleu(metric, labels, "ar", 2000, monkeypatch)
    for label in labels[1:]:
        # Same draws, so equal up to sacrebleu's float32 sums: at most two
        # resamples may land on the other side (far inside Monte-Carlo error).
        assert ours_bs[label] == pytest.approx(theirs_bs[label], abs=2 / 1001), label
        assert (ours_bs[label] < ALPHA) == (theirs_bs[label] < ALPHA), label
        # AR counts ties (>=) where sacrebleu counts only >, so ours is never
        # smaller; with chrF's near-continuous scores the two agree.
        assert ours_ar[label] >= theirs_ar[label] - 2 / 2001, label
        if metric == "chrf++":
            assert ours_ar[label] == pytest.approx(theirs_ar[label], abs=2 / 2001), label
            assert (ours_ar[label] < ALPHA) == (theirs_ar[label] < ALPHA), label
    # The data really contain both outcomes, so the marks are a real check.
    assert theirs_bs["close"] >= ALPHA > theirs_bs["weak"]
    assert [r.significant for r in board.rows[1:]] == [False, True]
    # The paired scores are sacrebleu's corpus scores.
    corpus = {lb: METRICS[metric]().corpus_score(_hyps(lb), [[s.translation_en for s in DOC.segments]]).score
              for lb in labels}
    for r in board.rows:
        assert r.value == pytest.approx(corpus[r.label], abs=1e-9)
