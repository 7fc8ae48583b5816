"""Stance scores: the official SemEval-2016 / StanceEval 2024 semantics, by hand and against scikit-learn.

Expected values are derived by hand from the definition in ``eval.pl``
(P = TP/guessed, R = TP/gold, F = 2PR/(P+R), each 0 on a zero denominator;
F_avg = (F_FAVOR + F_AGAINST)/2, always divided by 2) — the arithmetic is in
the comments — or computed by scikit-learn's ``f1_score`` with
``zero_division=0.0``, which states the same convention.
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from benchmark.errors import InputError
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.scoring.stance import (
    LABELS, MISSING, PRED_LABELS, accuracy, f_avg, f_avg_defined, macro_f1, stance_scores, stance_specs,
)

SCORED = ["FAVOR", "AGAINST"]


def _quiet(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return stance_scores(**kw)


def _rows(gold, pred, targets):
    return [
        {"doc_id": "d", "item": f"i{n:03d}", "stats": {"stance": {
            "gold": LABELS.index(g), "pred": PRED_LABELS.index(p or MISSING), "target": t}}}
        for n, (g, p, t) in enumerate(zip(gold, pred, targets))
    ]


def _spec_values(rows):
    out = {}
    for spec in stance_specs():
        items = spec.build(rows)
        out[spec.name] = float(items.aggregate(items.stats.sum(0)[None])[0])
    return out


# --------------------------------------------------------------- hand-computed official values

def test_class_absent_from_gold_and_predictions_counts_zero():
    # FAVOR never occurs: P = R = F = 0.  AGAINST: TP 2, guessed 2, gold 3 →
    # P = 1, R = 2/3, F = 2·(2/3)/(5/3) = 0.8.  F_avg = (0 + 0.8)/2 = 0.4; the
    # defined-components average would be 0.8.
    s = _quiet(gold=["AGAINST", "AGAINST", "NONE", "AGAINST"], pred=["AGAINST", "NONE", "NONE", "AGAINST"])
    assert (s["f_favor"], s["f_against"]) == (0.0, pytest.approx(0.8))
    assert f"{s['f_avg']:.4f}" == "0.4000"
    assert s["f1"][0] is None  # the per-class value itself is undefined
    conf = np.array(s["confusion"], dtype=float)
    assert float(f_avg_defined(conf)) == pytest.approx(0.8)


def test_never_predicted_class_counts_zero():
    # FAVOR: guessed 0 → P = 0, TP 0 of gold 1 → R = 0, F = 0.
    # AGAINST: TP 1, guessed 2, gold 2 → P = R = F = 0.5.  F_avg = 0.25.
    s = _quiet(gold=["FAVOR", "AGAINST", "AGAINST"], pred=["AGAINST", "AGAINST", "NONE"])
    assert (s["f_favor"], s["f_against"], s["f_avg"]) == (0.0, 0.5, 0.25)
    assert s["precision"][0] is None and s["recall"][0] == 0.0


def test_missing_prediction_behaves_as_unknown():
    # FAVOR: TP 1, guessed 1 (the missing one is UNKNOWN, a guess for no class),
    # gold 2 → P = 1, R = 0.5, F = 2/3.  AGAINST: no gold, no guess → 0.
    # F_avg = (2/3 + 0)/2 = 1/3, printed 0.3333.
    s = _quiet(gold=["FAVOR", "FAVOR"], pred=["FAVOR", None])
    assert s["confusion"] == [[1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert f"{s['f_avg']:.4f}" == "0.3333"


def test_all_none_target_scores_zero_officially_and_is_skipped_when_defined_only():
    # Target a: every item NONE, predicted NONE → F_FAVOR = F_AGAINST = 0, F_avg 0.
    # Target b: FAVOR and AGAINST both right → F_avg 1.  StanceEval: (0 + 1)/2 = 0.5.
    # Defined components: target a has no defined component and is left out → 1.0.
    s = _quiet(gold=["NONE", "NONE", "FAVOR", "AGAINST"], pred=["NONE", "NONE", "FAVOR", "AGAINST"],
               targets=["a", "a", "b", "b"])
    assert s["per_target"] == {"a": 0.0, "b": 1.0}
    assert s["f_avg_per_target"] == 0.5
    assert s["per_target_defined"] == {"a": None, "b": 1.0}
    assert s["f_avg_per_target_defined"] == 1.0
    assert s["f_avg"] == 1.0  # pooled, both classes occur


def test_one_class_target_perfect_system_gets_half():
    # Only FAVOR items, all right: F_FAVOR = 1, F_AGAINST = 0 → F_avg = 0.5.
    s = _quiet(gold=["FAVOR", "FAVOR"], pred=["FAVOR", "FAVOR"], targets=["t", "t"])
    assert (s["f_avg"], s["f_avg_per_target"], s["f_avg_per_target_defined"]) == (0.5, 0.5, 1.0)


def test_empty_input_is_zero_as_eval_pl_prints():
    # eval.pl with no lines: every count is 0, so every F is 0 and F_avg = 0/2.
    s = _quiet(gold=[], pred=[])
    assert s["f_avg"] == 0.0 and s["accuracy"] is None


def test_predicted_class_absent_from_gold_scores_zero():
    # FAVOR: gold 1, guessed 0 → 0; AGAINST: guessed 1, TP 0 → P = 0, R = 0 (no gold) → 0.
    s = _quiet(gold=["FAVOR"], pred=["AGAINST"])
    assert (s["f_favor"], s["f_against"], s["f_avg"]) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------- an independent reading of eval.pl

def _eval_pl(gold, pred):
    """SemEval-2016's definition, written from its description with plain counters."""
    tp, guess, true = {}, {}, {}
    for g, p in zip(gold, pred):
        p = p or "UNKNOWN"
        true[g] = true.get(g, 0) + 1
        guess[p] = guess.get(p, 0) + 1
        if g == p:
            tp[g] = tp.get(g, 0) + 1
    total = 0.0
    for c in SCORED:
        p = tp.get(c, 0) / guess[c] if guess.get(c) else 0
        r = tp.get(c, 0) / true[c] if true.get(c) else 0
        total += 2 * p * r / (p + r) if p + r else 0
    return total / 2


LABEL = st.sampled_from(LABELS)
PRED = st.sampled_from((*LABELS, None))


@settings(deadline=None)
@given(st.lists(st.tuples(LABEL, PRED, st.sampled_from("abc")), max_size=25))
def test_f_avg_equals_eval_pl_on_every_input(items):
    gold, pred, targets = ([x[k] for x in items] for k in range(3))
    s = _quiet(gold=gold, pred=pred, targets=targets)
    assert s["f_avg"] == _eval_pl(gold, pred)  # same operations, so equal to the last bit
    per = [_eval_pl([g for g, t in zip(gold, targets) if t == x], [p for p, t in zip(pred, targets) if t == x])
           for x in sorted(set(targets))]
    assert s["f_avg_per_target"] == (pytest.approx(sum(per) / len(per)) if per else None)


@pytest.mark.parametrize("seed", range(10))
def test_scores_equal_scikit_learn_with_zero_division_zero(seed):
    rng = random.Random(seed)
    n = rng.randint(5, 40)
    # Draws that often lack a class, so the zero conventions are exercised.
    gold = [rng.choice(LABELS[seed % 3:] or LABELS) for _ in range(n)]
    pred = [rng.choice((*LABELS[: 1 + seed % 3], None)) for _ in range(n)]
    targets = [rng.choice("abc") for _ in range(n)]
    y_pred = [p or MISSING for p in pred]
    s = _quiet(gold=gold, pred=pred, targets=targets)
    assert s["f_avg"] == pytest.approx(f1_score(gold, y_pred, labels=SCORED, average="macro", zero_division=0.0),
                                       abs=1e-12)
    assert s["accuracy"] == pytest.approx(accuracy_score(gold, y_pred), abs=1e-12)
    per_target = [f1_score([g for g, t in zip(gold, targets) if t == x], [p for p, t in zip(y_pred, targets) if t == x],
                           labels=SCORED, average="macro", zero_division=0.0)
                  for x in sorted(set(targets))]
    assert s["f_avg_per_target"] == pytest.approx(np.mean(per_target), abs=1e-12)


# --------------------------------------------------------------- per-item rows and metric specs

@pytest.mark.parametrize("seed", range(5))
def test_one_hot_rows_sum_to_the_confusion_matrix_and_specs_agree(seed):
    rng = random.Random(seed)
    gold = [rng.choice(LABELS) for _ in range(40)]
    pred = [rng.choice((*LABELS, None)) for _ in range(40)]
    targets = [rng.choice("abc") for _ in range(40)]
    rows = _rows(gold, pred, targets)
    items = stance_specs()[0].build(rows)
    total = items.stats.sum(axis=0).reshape(len(LABELS), len(PRED_LABELS))
    expected = confusion_matrix(gold, [p or MISSING for p in pred], labels=list(PRED_LABELS))[: len(LABELS)]
    assert total.astype(int).tolist() == expected.tolist()
    s = _quiet(gold=gold, pred=pred, targets=targets)
    assert _spec_values(rows) == pytest.approx({
        "stance_f_avg": s["f_avg"], "stance_f_avg_per_target": s["f_avg_per_target"],
        "stance_f_avg_per_target_defined": s["f_avg_per_target_defined"],
        "stance_macro_f1": s["macro_f1"], "stance_accuracy": s["accuracy"],
    }, abs=1e-12)


def test_ceiling_is_what_the_gold_scores_against_itself():
    # Targets: a has FAVOR only (gold vs gold: 0.5), b FAVOR and AGAINST (1.0) → 0.75.
    gold = ["FAVOR", "FAVOR", "FAVOR", "AGAINST"]
    rows = _rows(gold, ["NONE", None, "FAVOR", "FAVOR"], ["a", "a", "b", "b"])
    spec = {s.name: s for s in stance_specs()}
    for name, ceiling in (("stance_f_avg", 1.0), ("stance_f_avg_per_target", 0.75),
                          ("stance_f_avg_per_target_defined", 1.0)):
        items = spec[name].build(rows)
        assert dict(items.details(items.stats.sum(0)))["ceiling"] == ceiling, name
    perfect = _spec_values(_rows(gold, gold, ["a", "a", "b", "b"]))
    assert perfect["stance_f_avg_per_target"] == 0.75


def test_per_target_average_skips_targets_absent_from_a_resample():
    # Summed statistics in which target b has no item (a bootstrap resample
    # can draw none): the average runs over target a alone.
    rows = _rows(["FAVOR", "AGAINST", "FAVOR"], ["FAVOR", "AGAINST", "AGAINST"], ["a", "a", "b"])
    items = {s.name: s for s in stance_specs()}["stance_f_avg_per_target"].build(rows)
    only_a = items.stats[:2].sum(0)[None]
    assert items.aggregate(only_a).tolist() == [1.0]


def test_vectorised_functions_accept_batches():
    conf = np.zeros((2, 3, 4))
    conf[0, 0, 0] = conf[0, 1, 1] = 1
    conf[1, 2, 2] = 1
    assert f_avg(conf).tolist() == [1.0, 0.0]
    assert f_avg_defined(conf)[0] == 1.0 and np.isnan(f_avg_defined(conf)[1])
    assert macro_f1(conf).tolist() == [1.0, 1.0]
    assert accuracy(conf).tolist() == [1.0, 1.0]


# --------------------------------------------------------------- warnings and errors

def test_undefined_values_warn_once_naming_them():
    with pytest.warns(UndefinedMetricWarning) as caught:
        stance_scores(gold=["FAVOR", "NONE"], pred=["FAVOR", "NONE"])
    assert len(caught) == 1
    assert "precision[AGAINST], recall[AGAINST], f1[AGAINST]" in str(caught[0].message)


def test_defined_values_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stance_scores(gold=["FAVOR", "AGAINST", "NONE"], pred=["FAVOR", "AGAINST", "NONE"], targets=["a"] * 3)


@pytest.mark.parametrize("kwargs,message", [
    ({"gold": ["FAVOR", "NONE"], "pred": ["FAVOR", "PRO"]},
     "pred[1]: unknown stance label 'PRO'; expected one of FAVOR, AGAINST, NONE"),
    ({"gold": ["favor"], "pred": ["FAVOR"]}, "gold[0]: unknown stance label 'favor'; expected one of FAVOR, AGAINST, NONE"),
    ({"gold": ["FAVOR"], "pred": ["FAVOR"], "targets": ["a", "b"]}, "targets: gold and targets lengths differ: 1 vs 2"),
    ({"gold": ["FAVOR"], "pred": []}, "pred: gold and pred lengths differ: 1 vs 0"),
])
def test_bad_input_raises_input_error_naming_the_field(kwargs, message):
    with pytest.raises(InputError) as info:
        stance_scores(**kwargs)
    assert str(info.value) == message


def test_the_warning_names_the_entry_point_and_every_undefined_value():
    # One NONE item, not predicted: nothing is guessed (every precision 0/0),
    # FAVOR and AGAINST have no gold (recall and F 0/0); NONE's F is 2·0/(0 + 1) = 0,
    # so macro F1 = 0 over the one defined class; target b has no defined F_avg.
    with pytest.warns(UndefinedMetricWarning) as caught:
        out = stance_scores(gold=["NONE"], pred=[None], targets=["b"])
    (w,) = caught
    assert str(w.message) == ("stance_scores: f_avg_per_target_defined, precision[FAVOR], precision[AGAINST], "
                              "precision[NONE], recall[FAVOR], recall[AGAINST], f1[FAVOR], f1[AGAINST], "
                              "per_target_defined[b] undefined (zero denominator); reported as None")
    assert out["support"] == [0, 0, 1] and (out["accuracy"], out["macro_f1"]) == (0.0, 0.0)
    # No item at all: every ratio is 0/0 (F_avg itself is eval.pl's 0).
    with pytest.warns(UndefinedMetricWarning, match=r"^stance_scores: macro_f1, accuracy, f_avg_per_target, "
                                                    r"f_avg_per_target_defined, precision\[FAVOR\]"):
        assert stance_scores(gold=[], pred=[], targets=[])["f_avg"] == 0.0


def test_spec_names_signature_fields_and_packages():
    specs = stance_specs()
    assert [s.name for s in specs] == ["stance_f_avg", "stance_f_avg_per_target", "stance_f_avg_per_target_defined",
                                       "stance_macro_f1", "stance_accuracy"]
    labels = (("labels", "FAVOR,AGAINST,NONE"), ("missing", "wrong"))
    assert [s.signature_fields for s in specs] == [
        (("avg", "pooled"), *labels, ("undef", "zero")), (("avg", "per_target"), *labels, ("undef", "zero")),
        (("avg", "per_target"), *labels, ("undef", "skip")), (("avg", "macro3"), *labels, ("undef", "skip")),
        (("avg", "micro"), *labels, ("undef", "skip"))]
    assert {s.packages for s in specs} == {("numpy",)} and all(s.higher_is_better for s in specs)


def test_official_and_defined_per_target_specs_differ_where_a_target_lacks_a_class():
    # Target a: FAVOR only, right (official 0.5, defined 1.0); target b: FAVOR and
    # AGAINST, right (1.0 both).  Means: 0.75 and 1.0.  Batched rows (two resamples).
    rows = _rows(["FAVOR", "FAVOR", "AGAINST"], ["FAVOR", "FAVOR", "AGAINST"], ["a", "b", "b"])
    spec = {s.name: s for s in stance_specs()}
    for name, value in (("stance_f_avg_per_target", 0.75), ("stance_f_avg_per_target_defined", 1.0)):
        items = spec[name].build(rows)
        both = np.stack([items.stats.sum(0), items.stats[:1].sum(0)])  # all items; target a alone
        assert items.aggregate(both).tolist() == [value, 0.5 if name == "stance_f_avg_per_target" else 1.0]
        assert dict(items.details(items.stats.sum(0)))["f_avg"] == ([0.5, 1.0] if value == 0.75 else [1.0, 1.0])


def test_pooled_details_list_the_confusion_and_per_class_values():
    # FAVOR: TP 1, guessed 2, gold 2; AGAINST: TP 0, guessed 0, gold 1; NONE: TP 0, guessed 1, gold 0.
    rows = _rows(["FAVOR", "FAVOR", "AGAINST"], ["FAVOR", "NONE", "FAVOR"], ["a", "a", "a"])
    items = stance_specs()[0].build(rows)
    details = dict(items.details(items.stats.sum(0)))
    assert details["confusion"] == [[1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert (details["labels"], details["pred_labels"]) == (LABELS, PRED_LABELS)
    assert details["support"] == [2, 1, 0] and details["ceiling"] == 1.0
    assert details["precision"][:1] == [0.5] and np.isnan(details["precision"][1])
    assert details["recall"] == [0.5, 0.0, pytest.approx(float("nan"), nan_ok=True)]
    assert details["f1"][:2] == [0.5, 0.0]
