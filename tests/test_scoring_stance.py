"""Stance scores against scikit-learn, and the stated undefined-value policy."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from benchmark.errors import InputError
from benchmark.scoring.stance import (
    LABELS, MISSING, PRED_LABELS, SPECS, accuracy, f_avg, macro_f1, stance_scores,
)


def _draw(seed: int, n: int = 40):
    rng = random.Random(seed)
    gold = [rng.choice(LABELS) for _ in range(n)]
    pred = [rng.choice((*LABELS, None)) for _ in range(n)]
    targets = [rng.choice("abc") for _ in range(n)]
    return gold, pred, targets


def _rows(gold, pred, targets):
    return [
        {"doc_id": "d", "item": f"i{n:03d}", "stats": {"stance": {
            "gold": LABELS.index(g), "pred": PRED_LABELS.index(p or MISSING), "target": t}}}
        for n, (g, p, t) in enumerate(zip(gold, pred, targets))
    ]


@pytest.mark.parametrize("seed", range(10))
def test_scores_equal_scikit_learn(seed):
    gold, pred, targets = _draw(seed)
    y_pred = [p or MISSING for p in pred]
    s = stance_scores(gold=gold, pred=pred, targets=targets)
    assert s["f_avg"] == pytest.approx(f1_score(gold, y_pred, labels=["FAVOR", "AGAINST"], average="macro"))
    assert s["macro_f1"] == pytest.approx(f1_score(gold, y_pred, labels=list(LABELS), average="macro"))
    assert s["accuracy"] == pytest.approx(accuracy_score(gold, y_pred))
    per_target = [
        f1_score([g for g, t in zip(gold, targets) if t == x], [p for p, t in zip(y_pred, targets) if t == x],
                 labels=["FAVOR", "AGAINST"], average="macro")
        for x in "abc"
    ]
    assert s["f_avg_per_target"] == pytest.approx(np.mean(per_target))


@pytest.mark.parametrize("seed", range(5))
def test_one_hot_rows_sum_to_the_confusion_matrix_and_specs_agree(seed):
    gold, pred, targets = _draw(seed)
    rows = _rows(gold, pred, targets)
    items = SPECS[0].build(rows)
    total = items.stats.sum(axis=0).reshape(len(LABELS), len(PRED_LABELS))
    expected = confusion_matrix(gold, [p or MISSING for p in pred], labels=list(PRED_LABELS))[: len(LABELS)]
    assert total.astype(int).tolist() == expected.tolist()
    s = stance_scores(gold=gold, pred=pred, targets=targets)
    values = {spec.name: float(spec.build(rows).aggregate(spec.build(rows).stats.sum(0)[None])[0]) for spec in SPECS}
    assert values == pytest.approx({
        "stance_f_avg": s["f_avg"], "stance_f_avg_per_target": s["f_avg_per_target"],
        "stance_macro_f1": s["macro_f1"], "stance_accuracy": s["accuracy"],
    })


def test_missing_prediction_is_wrong_for_its_gold_class():
    s = stance_scores(gold=["FAVOR", "AGAINST"], pred=["FAVOR", None])
    assert s["confusion"] == [[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert (s["f_favor"], s["f_against"], s["f_avg"]) == (1.0, 0.0, 0.5)


def test_f_avg_leaves_out_an_undefined_class_instead_of_scoring_it_zero():
    # No AGAINST in gold or predictions: SemEval's script would give 0.5.
    s = stance_scores(gold=["FAVOR", "NONE"], pred=["FAVOR", "NONE"])
    assert (s["f_favor"], s["f_against"], s["f_avg"]) == (1.0, None, 1.0)


def test_f_avg_is_undefined_when_neither_component_is():
    s = stance_scores(gold=["NONE", "NONE"], pred=["NONE", "NONE"])
    assert s["f_avg"] is None and s["macro_f1"] == 1.0


def test_per_target_average_skips_targets_with_undefined_f_avg():
    s = stance_scores(gold=["FAVOR", "NONE", "AGAINST"], pred=["FAVOR", "NONE", "FAVOR"], targets=["a", "b", "c"])
    assert s["per_target"] == {"a": 1.0, "b": None, "c": 0.0}
    assert s["f_avg_per_target"] == 0.5


def test_predicted_class_absent_from_gold_scores_zero_not_undefined():
    s = stance_scores(gold=["FAVOR"], pred=["AGAINST"])
    assert (s["f_favor"], s["f_against"], s["f_avg"]) == (0.0, 0.0, 0.0)


def test_vectorised_functions_accept_batches():
    conf = np.zeros((2, 3, 4))
    conf[0, 0, 0] = conf[0, 1, 1] = 1
    conf[1, 2, 2] = 1
    assert f_avg(conf)[0] == 1.0 and np.isnan(f_avg(conf)[1])
    assert macro_f1(conf).tolist() == [1.0, 1.0]
    assert accuracy(conf).tolist() == [1.0, 1.0]


def test_unknown_label_raises_input_error_naming_the_field():
    with pytest.raises(InputError, match=r"pred\[1\]: unknown stance label 'PRO'"):
        stance_scores(gold=["FAVOR", "NONE"], pred=["FAVOR", "PRO"])
