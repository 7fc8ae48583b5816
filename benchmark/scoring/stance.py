"""Stance scores: SemEval-2016 F_avg, StanceEval per-target F_avg, macro F1.

Items are gold (quote, target) pairs.  A missing prediction is its own
column ``MISSING`` in the confusion matrix: it is wrong for the gold class
(lowers its recall) and counts for no predicted class.

**Per-class values** (as scikit-learn's ``precision_recall_fscore_support``
with ``zero_division=np.nan``): P = TP / predicted, R = TP / gold,
F = 2·TP / (predicted + gold); a zero denominator gives NaN (JSON ``null``).

**F_avg policy.**  F_avg = mean(F_FAVOR, F_AGAINST) over the components
that are *defined*.  A class with no gold item and no prediction has an
undefined F and is left out of the average; F_avg is undefined (``null``,
with a warning) only when both are.  SemEval-2016's script scores such a
class 0 instead; we do not, because then a perfect system would score
below 100% on any target with only NONE items.  The per-target F_avg
(StanceEval 2024) averages the defined per-target values; 3-class macro F1
likewise averages the defined class F values.

The statistics of an item are a one-hot row of the (gold, pred) cell —
and for the per-target average of the (target, gold, pred) cell — so the
sum over any resample of rows *is* its confusion matrix.

Examples
--------
>>> gold = ["FAVOR", "AGAINST", "NONE", "FAVOR"]
>>> pred = ["FAVOR", "FAVOR", "NONE", None]
>>> s = stance_scores(gold=gold, pred=pred)
>>> round(s["f_avg"], 4), s["f_favor"], s["f_against"]
(0.25, 0.5, 0.0)
>>> s["confusion"]
[[1, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]]
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping, Sequence

import numpy as np

from benchmark.errors import InputError
from benchmark.submission.predictions import PredStance
from benchmark.gold.schema import STANCE_LABELS, Document
from benchmark.scoring.result import ItemStats, MetricSpec, family_rows, index_predictions, item_key, safe_divide

LABELS = STANCE_LABELS
"""Gold labels, in confusion-matrix row order: FAVOR, AGAINST, NONE."""
MISSING = "MISSING"
PRED_LABELS = (*LABELS, MISSING)
"""Prediction columns: the three labels plus MISSING."""
N_CELLS = len(LABELS) * len(PRED_LABELS)


def gold_index(label: str, *, field: str = "label") -> int:
    if label not in LABELS:
        raise InputError(f"unknown stance label {label!r}; expected one of {', '.join(LABELS)}", field=field)
    return LABELS.index(label)


def pred_index(label: str | None, *, field: str = "label") -> int:
    """Column of a predicted label; ``None`` (no prediction) is ``MISSING``."""
    if label is None:
        return len(LABELS)
    return gold_index(label, field=field)


def class_scores(conf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class P, R, F from confusion arrays ``(..., 3, 4)``; NaN when undefined."""
    conf = np.asarray(conf, dtype=float)
    tp = np.diagonal(conf[..., :, : len(LABELS)], axis1=-2, axis2=-1)
    predicted = conf[..., :, : len(LABELS)].sum(axis=-2)
    true = conf.sum(axis=-1)
    return safe_divide(tp, predicted), safe_divide(tp, true), safe_divide(2 * tp, predicted + true)


def _nanmean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are the stated policy
        return np.nanmean(x, axis=axis)


def f_avg(conf: np.ndarray) -> np.ndarray:
    """(F_FAVOR + F_AGAINST) / 2 over the defined components."""
    return _nanmean(class_scores(conf)[2][..., :2])


def macro_f1(conf: np.ndarray) -> np.ndarray:
    """Mean F over the defined classes among FAVOR, AGAINST, NONE."""
    return _nanmean(class_scores(conf)[2])


def accuracy(conf: np.ndarray) -> np.ndarray:
    conf = np.asarray(conf, dtype=float)
    tp = np.diagonal(conf[..., :, : len(LABELS)], axis1=-2, axis2=-1).sum(axis=-1)
    return safe_divide(tp, conf.sum(axis=(-2, -1)))


def stance_scores(
    *, gold: Sequence[str], pred: Sequence[str | None], targets: Sequence[str] | None = None
) -> dict[str, Any]:
    """All stance scores for aligned label lists (``None`` = no prediction)."""
    if len(gold) != len(pred):
        raise InputError(f"gold and pred lengths differ: {len(gold)} vs {len(pred)}", field="pred")
    for i, (g, p) in enumerate(zip(gold, pred)):
        gold_index(g, field=f"gold[{i}]")
        pred_index(p, field=f"pred[{i}]")
    y_true = list(gold)
    y_pred = [MISSING if p is None else p for p in pred]
    # scikit-learn computes the confusion matrix and per-class values here; the
    # vectorised functions above (used for bootstrap resamples) must agree.
    # Imported here: scikit-learn is slow to import and `list`/`validate` never need it.
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix
    from sklearn.metrics import precision_recall_fscore_support

    cells = sk_confusion_matrix(y_true, y_pred, labels=list(PRED_LABELS))[: len(LABELS)].astype(float)
    p, r, f, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=np.nan
    ) if y_true else (np.full(3, np.nan),) * 3 + (np.zeros(3),)
    out: dict[str, Any] = {
        "f_avg": _float(f_avg(cells)),
        "macro_f1": _float(macro_f1(cells)),
        "accuracy": _float(accuracy(cells)),
        "f_favor": _float(f[0]),
        "f_against": _float(f[1]),
        "f_none": _float(f[2]),
        "precision": [_float(x) for x in p],
        "recall": [_float(x) for x in r],
        "support": [int(x) for x in support],
        "confusion": cells.astype(int).tolist(),
    }
    if targets is not None:
        names = sorted(set(targets))
        per = np.zeros((len(names), len(LABELS), len(PRED_LABELS)))
        for g, p, t in zip(gold, pred, targets):
            per[names.index(t), gold_index(g), pred_index(p)] += 1
        values = f_avg(per)
        out["f_avg_per_target"] = _float(_nanmean(values))
        out["per_target"] = {t: _float(v) for t, v in zip(names, values)}
    return out


def _float(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def _details(cells: np.ndarray) -> tuple:
    p, r, f = class_scores(cells)
    conf = cells.astype(int)
    return (
        ("labels", LABELS),
        ("pred_labels", PRED_LABELS),
        ("confusion", conf.tolist()),
        ("precision", p.tolist()),
        ("recall", r.tolist()),
        ("f1", f.tolist()),
        ("support", conf.sum(axis=1).tolist()),
    )


def _pooled_builder(score):
    def build(rows: Sequence[Mapping[str, Any]]) -> ItemStats:
        chosen = family_rows(rows, "stance")
        stats = np.zeros((len(chosen), N_CELLS))
        for n, r in enumerate(chosen):
            s = r["stats"]["stance"]
            stats[n, s["gold"] * len(PRED_LABELS) + s["pred"]] = 1
        shape = (len(LABELS), len(PRED_LABELS))
        return ItemStats(
            tuple(item_key(r) for r in chosen),
            stats,
            lambda sums: score(sums.reshape(-1, *shape)),
            lambda total: _details(total.reshape(shape)),
        )

    return build


def _per_target_build(rows: Sequence[Mapping[str, Any]]) -> ItemStats:
    chosen = family_rows(rows, "stance")
    names = sorted({r["stats"]["stance"]["target"] for r in chosen})
    stats = np.zeros((len(chosen), len(names) * N_CELLS))
    for n, r in enumerate(chosen):
        s = r["stats"]["stance"]
        stats[n, names.index(s["target"]) * N_CELLS + s["gold"] * len(PRED_LABELS) + s["pred"]] = 1
    shape = (len(names), len(LABELS), len(PRED_LABELS))

    def aggregate(sums: np.ndarray) -> np.ndarray:
        return _nanmean(f_avg(sums.reshape(-1, *shape)))

    def details(total: np.ndarray) -> tuple:
        per = f_avg(total.reshape(shape))
        return (("targets", tuple(names)), ("f_avg", per.tolist()))

    return ItemStats(tuple(item_key(r) for r in chosen), stats, aggregate, details)


def stance_rows(doc: Document, preds: Sequence[PredStance]) -> list[dict]:
    """Per-item rows of the stance task: one per gold stance (a (quote, target) pair)."""
    known = {(s.quote, s.target) for s in doc.stances}
    by_pair = index_predictions(preds, lambda p: (p.quote_id, p.target), "stance", known)
    rows = []
    for s in doc.stances:
        p = by_pair.get((s.quote, s.target))
        label = None if p is None else p.label
        rows.append({
            "unit": "stance_item", "item": s.id, "quote": s.quote, "target": s.target, "gold": s.label, "pred": label,
            "stats": {"stance": {
                "gold": gold_index(s.label, field=f"stances[{s.id}].label"),
                "pred": pred_index(label, field=f"stance[{s.quote},{s.target}].label"),
                "target": s.target,
            }},
        })
    return rows


_POLICY = (("labels", "FAVOR,AGAINST,NONE"), ("missing", "wrong"), ("undef", "skip"))
SPECS = (
    MetricSpec("stance_f_avg", "(F_FAVOR + F_AGAINST)/2 pooled over items (SemEval-2016)",
               _pooled_builder(f_avg), (("avg", "pooled"), *_POLICY), ("numpy", "sklearn")),
    MetricSpec("stance_f_avg_per_target", "F_avg per target, averaged over targets (StanceEval 2024)",
               _per_target_build, (("avg", "per_target"), *_POLICY), ("numpy", "sklearn")),
    MetricSpec("stance_macro_f1", "3-class macro F1 over FAVOR, AGAINST, NONE",
               _pooled_builder(macro_f1), (("avg", "macro3"), *_POLICY), ("numpy", "sklearn")),
    MetricSpec("stance_accuracy", "share of items with the gold label",
               _pooled_builder(accuracy), (("avg", "micro"), *_POLICY), ("numpy", "sklearn")),
)
"""The stance metrics, main one first."""
