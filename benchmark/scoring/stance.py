"""Stance scores: SemEval-2016 F_avg, StanceEval 2024 per-target F_avg, macro F1.

Items are gold (quote, target) pairs.  A missing prediction is its own
column ``MISSING`` in the confusion matrix; it behaves exactly as the label
``UNKNOWN`` does in SemEval-2016's ``eval.pl``: it is a guess for no scored
class, so it lowers the recall of its gold class and no precision.

**Official semantics** (FIELD: SemEval-2016 Task 6, ``eval.pl`` by X. Zhu;
StanceEval 2024 leaderboard).  For each class ``c`` of FAVOR, AGAINST::

    P_c = TP_c / guessed_c      (0 when nothing was guessed as c)
    R_c = TP_c / gold_c         (0 when no gold item is c)
    F_c = 2·P_c·R_c / (P_c + R_c)   (0 when P_c + R_c = 0)
    F_avg = (F_FAVOR + F_AGAINST) / 2      -- always divided by 2

pooled over every item (``stance_f_avg``, SemEval-2016; ``eval.pl`` prints it
with 4 decimals).  StanceEval 2024 computes this F_avg for each target
separately and averages over the targets (``stance_f_avg_per_target``).
So a class absent from gold and predictions *pulls F_avg down*: a perfect
system scores 0.5 on a target whose items are all FAVOR, and 0 on a target
whose items are all NONE.  Published numbers are comparable only with
exactly these conventions, so the metrics named after the two shared tasks
follow them; their ``ceiling`` detail is what the gold itself scores.

**Defined-components variant** (``stance_f_avg_per_target_defined``): the
per-class values are undefined (NaN, JSON ``null``) on a zero denominator
(scikit-learn's ``zero_division=np.nan``), F_avg of a target averages its
*defined* F_FAVOR, F_AGAINST only, and targets whose F_avg is undefined are
left out.  Gold scored against itself is 100% on it, whatever the targets
hold; it is this project's own measure, not a shared task's.  3-class macro
F1 likewise averages the defined class F values.

The statistics of an item are a one-hot row of the (gold, pred) cell —
and for the per-target averages of the (target, gold, pred) cell — so the
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
from benchmark.scoring.result import (
    ItemStats, MetricSpec, family_rows, index_predictions, item_key, safe_divide, warn_undefined,
)

LABELS = STANCE_LABELS
"""Gold labels, in confusion-matrix row order: FAVOR, AGAINST, NONE."""
MISSING = "MISSING"
PRED_LABELS = (*LABELS, MISSING)
"""Prediction columns: the three labels plus MISSING (``eval.pl``'s UNKNOWN)."""
N_CELLS = len(LABELS) * len(PRED_LABELS)
_SCORED = 2
"""FAVOR and AGAINST, the first two labels, are the classes F_avg averages."""


def gold_index(label: str, *, field: str = "label") -> int:
    if label not in LABELS:
        raise InputError(f"unknown stance label {label!r}; expected one of {', '.join(LABELS)}", field=field)
    return LABELS.index(label)


def pred_index(label: str | None, *, field: str = "label") -> int:
    """Column of a predicted label; ``None`` (no prediction) is ``MISSING``."""
    if label is None:
        return len(LABELS)
    return gold_index(label, field=field)


def _counts(conf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, guesses and gold items per class from confusion arrays ``(..., 3, 4)``."""
    conf = np.asarray(conf, dtype=float)
    tp = np.diagonal(conf[..., :, : len(LABELS)], axis1=-2, axis2=-1)
    return tp, conf[..., :, : len(LABELS)].sum(axis=-2), conf.sum(axis=-1)


def class_scores(conf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class P, R, F from confusion arrays ``(..., 3, 4)``; NaN when undefined."""
    tp, guessed, true = _counts(conf)
    return safe_divide(tp, guessed), safe_divide(tp, true), safe_divide(2 * tp, guessed + true)


def official_class_scores(conf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class P, R, F as ``eval.pl`` computes them: a zero denominator gives 0.

    Same operations in the same order as the official script (P and R
    first, then ``2*P*R/(P+R)``), so the values are equal to the last bit.

    >>> import numpy as np
    >>> conf = np.array([[2, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]])  # no AGAINST anywhere
    >>> [round(float(x), 4) for x in official_class_scores(conf)[2]]
    [0.6667, 0.0, 0.0]
    """
    tp, guessed, true = _counts(conf)
    p = np.nan_to_num(safe_divide(tp, guessed))
    r = np.nan_to_num(safe_divide(tp, true))
    return p, r, np.nan_to_num(safe_divide(2 * p * r, p + r))


def _nanmean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are the stated policy
        return np.nanmean(x, axis=axis)


def f_avg(conf: np.ndarray) -> np.ndarray:
    """SemEval-2016 F_avg: ``(F_FAVOR + F_AGAINST) / 2`` with ``eval.pl``'s zeros; never NaN."""
    f = official_class_scores(conf)[2]
    return (f[..., 0] + f[..., 1]) / _SCORED


def f_avg_defined(conf: np.ndarray) -> np.ndarray:
    """Mean of the *defined* F_FAVOR, F_AGAINST; NaN when neither is defined."""
    return _nanmean(class_scores(conf)[2][..., :_SCORED])


def per_target_f_avg(conf: np.ndarray, *, defined: bool = False) -> np.ndarray:
    """Mean over targets of the per-target F_avg, from arrays ``(..., T, 3, 4)``.

    Only targets with at least one item count (in a bootstrap resample a
    target may have none): StanceEval averages over the targets of the test
    set.  ``defined=True`` averages :func:`f_avg_defined` values, skipping
    undefined ones.
    """
    conf = np.asarray(conf, dtype=float)
    present = conf.sum(axis=(-2, -1)) > 0
    if defined:
        return _nanmean(np.where(present, f_avg_defined(conf), np.nan))
    values = np.where(present, f_avg(conf), 0.0)
    return safe_divide(values.sum(axis=-1), present.sum(axis=-1))


def macro_f1(conf: np.ndarray) -> np.ndarray:
    """Mean F over the defined classes among FAVOR, AGAINST, NONE."""
    return _nanmean(class_scores(conf)[2])


def accuracy(conf: np.ndarray) -> np.ndarray:
    tp, _, _ = _counts(conf)
    return safe_divide(tp.sum(axis=-1), np.asarray(conf, dtype=float).sum(axis=(-2, -1)))


def _confusions(gold, pred, targets) -> tuple[list[str], np.ndarray]:
    names = sorted(set(targets))
    per = np.zeros((len(names), len(LABELS), len(PRED_LABELS)))
    for g, p, t in zip(gold, pred, targets):
        per[names.index(t), gold_index(g), pred_index(p)] += 1
    return names, per


def stance_scores(
    *, gold: Sequence[str], pred: Sequence[str | None], targets: Sequence[str] | None = None
) -> dict[str, Any]:
    """All stance scores for aligned label lists (``None`` = no prediction).

    ``f_avg``, ``f_favor`` and ``f_against`` are ``eval.pl``'s; with
    ``targets``, ``f_avg_per_target`` and ``per_target`` are StanceEval's and
    ``f_avg_per_target_defined``/``per_target_defined`` the defined-components
    variant.  ``precision``/``recall``/``f1`` per class and ``macro_f1`` are
    ``None`` where undefined; one :class:`UndefinedMetricWarning` names them.
    """
    if len(gold) != len(pred):
        raise InputError(f"gold and pred lengths differ: {len(gold)} vs {len(pred)}", field="pred")
    if targets is not None and len(targets) != len(gold):
        raise InputError(f"gold and targets lengths differ: {len(gold)} vs {len(targets)}", field="targets")
    for i, (g, p) in enumerate(zip(gold, pred)):
        gold_index(g, field=f"gold[{i}]")
        pred_index(p, field=f"pred[{i}]")
    names, per = _confusions(gold, pred, targets if targets is not None else [""] * len(gold))
    cells = per.sum(axis=0)
    p, r, f = class_scores(cells)
    official = official_class_scores(cells)[2]
    out: dict[str, Any] = {
        "f_avg": float(f_avg(cells)),
        "f_favor": float(official[0]),
        "f_against": float(official[1]),
        "macro_f1": _float(macro_f1(cells)),
        "accuracy": _float(accuracy(cells)),
        "precision": [_float(x) for x in p],
        "recall": [_float(x) for x in r],
        "f1": [_float(x) for x in f],
        "support": [int(x) for x in cells.sum(axis=1)],
        "confusion": cells.astype(int).tolist(),
    }
    if targets is not None:
        out["f_avg_per_target"] = _float(per_target_f_avg(per))
        out["per_target"] = {t: float(v) for t, v in zip(names, f_avg(per))}
        out["f_avg_per_target_defined"] = _float(per_target_f_avg(per, defined=True))
        out["per_target_defined"] = {t: _float(v) for t, v in zip(names, f_avg_defined(per))}
    warn_undefined("stance_scores", _undefined_names(out))
    return out


def _undefined_names(out: Mapping[str, Any]) -> list[str]:
    names = [k for k in ("macro_f1", "accuracy", "f_avg_per_target", "f_avg_per_target_defined")
             if k in out and out[k] is None]
    for key in ("precision", "recall", "f1"):
        names += [f"{key}[{label}]" for label, v in zip(LABELS, out[key]) if v is None]
    names += [f"per_target_defined[{t}]" for t, v in out.get("per_target_defined", {}).items() if v is None]
    return names


def _float(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def _details(cells: np.ndarray, score) -> tuple:
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
        ("ceiling", float(score(_gold_only(cells)))),
    )


def _gold_only(conf: np.ndarray) -> np.ndarray:
    """The confusion arrays of the gold scored against itself (every item on the diagonal)."""
    out = np.zeros_like(np.asarray(conf, dtype=float))
    gold = np.asarray(conf, dtype=float).sum(axis=-1)
    for k in range(len(LABELS)):
        out[..., k, k] = gold[..., k]
    return out


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
            lambda total: _details(total.reshape(shape), score),
        )

    return build


def _per_target_builder(*, defined: bool):
    def build(rows: Sequence[Mapping[str, Any]]) -> ItemStats:
        chosen = family_rows(rows, "stance")
        names = sorted({r["stats"]["stance"]["target"] for r in chosen})
        stats = np.zeros((len(chosen), len(names) * N_CELLS))
        for n, r in enumerate(chosen):
            s = r["stats"]["stance"]
            stats[n, names.index(s["target"]) * N_CELLS + s["gold"] * len(PRED_LABELS) + s["pred"]] = 1
        shape = (len(names), len(LABELS), len(PRED_LABELS))

        def aggregate(sums: np.ndarray) -> np.ndarray:
            return per_target_f_avg(sums.reshape(-1, *shape), defined=defined)

        def details(total: np.ndarray) -> tuple:
            conf = total.reshape(shape)
            per = f_avg_defined(conf) if defined else f_avg(conf)
            return (("targets", tuple(names)), ("f_avg", per.tolist()),
                    ("ceiling", float(per_target_f_avg(_gold_only(conf), defined=defined))))

        return ItemStats(tuple(item_key(r) for r in chosen), stats, aggregate, details)

    return build


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


_LABELS = (("labels", "FAVOR,AGAINST,NONE"), ("missing", "wrong"))
_OFFICIAL = (*_LABELS, ("undef", "zero"))
_DEFINED = (*_LABELS, ("undef", "skip"))


def stance_specs() -> tuple[MetricSpec, ...]:
    """The stance metrics, main one first (built by a function, so tests can build them afresh)."""
    return (
        MetricSpec("stance_f_avg",
                   "(F_FAVOR + F_AGAINST)/2 pooled over items, as SemEval-2016's eval.pl",  # pragma: no mutate
                   _pooled_builder(f_avg), (("avg", "pooled"), *_OFFICIAL), ("numpy",)),
        MetricSpec("stance_f_avg_per_target",
                   "F_avg per target, averaged over targets, as StanceEval 2024",  # pragma: no mutate
                   _per_target_builder(defined=False), (("avg", "per_target"), *_OFFICIAL), ("numpy",)),
        MetricSpec("stance_f_avg_per_target_defined",
                   "per-target F_avg over the defined F_FAVOR/F_AGAINST only, "  # pragma: no mutate
                   "averaged over defined targets",  # pragma: no mutate
                   _per_target_builder(defined=True), (("avg", "per_target"), *_DEFINED), ("numpy",)),
        MetricSpec("stance_macro_f1",
                   "3-class macro F1 over FAVOR, AGAINST, NONE (defined classes)",  # pragma: no mutate
                   _pooled_builder(macro_f1), (("avg", "macro3"), *_DEFINED), ("numpy",)),
        MetricSpec("stance_accuracy",
                   "share of items with the gold label",  # pragma: no mutate
                   _pooled_builder(accuracy), (("avg", "micro"), *_DEFINED), ("numpy",)),
    )

SPECS = stance_specs()
"""The stance metrics, main one first."""
