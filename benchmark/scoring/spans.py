"""Span-set matching and the SemEval-2013 / PARC span scores.

A **span set** (:class:`SpanSet`) is a tuple of half-open spans — more than
one when a quote content is discontinuous — with an optional label (a quote
type, a speaker id).  The overlap of two span sets is the number of shared
characters (``level="char"``) or shared tokens (``level="token"``).

**Tokens** are maximal runs of non-whitespace characters (``\\S+``), so
punctuation and proclitics stay inside their word; a span *covers* every
token it overlaps by at least one character.  At token level a span that
starts after a proclitic (``و|أضاف``) covers the same token as one that
includes it, so boundary choices inside a word do not cost credit.

**Schemes.**  Matched pairs are ``COR``/``INC``/``PAR``; unmatched gold are
``MIS``, unmatched predictions ``SPU``; ``POS = COR+INC+PAR+MIS`` (every
gold), ``ACT = COR+INC+PAR+SPU`` (every prediction).  A matched pair earns
*credit* towards the numerators of P and R:

* ``strict``: COR (credit 1) when extent and label are equal, else INC (0).
* ``exact``: COR (1) when the extent is equal, else INC (0).
* ``partial``: COR (1) when the extent is equal, else PAR (1/2).
* ``type``: COR (1) when the labels are equal (any overlap), else INC (0).
* ``proportional`` (PARC): ``overlap / |pred|`` towards precision and
  ``overlap / |gold|`` towards recall; COR when the extent is equal, else PAR.

P = Σ precision credit / ACT, R = Σ recall credit / POS, F1 their harmonic
mean (the two credits are equal except in ``proportional``).

**Alignment, one per scheme.**  Gold and predicted span sets are paired
one-to-one; only overlapping sets can pair.  Since POS and ACT do not depend
on the pairing, each scheme's matching maximises, in this order:

1. the scheme's total credit — strict: the number of pairs with equal extent
   and label; exact: with equal extent; type: with equal label; partial:
   ``#equal extent + #other overlapping pairs / 2``; proportional:
   ``Σ (overlap/|pred| + overlap/|gold|)``, the sum of the two credits
   (F1 itself is not a sum over pairs, so no matching algorithm maximises it
   exactly; this sum does, and no other matching beats it on both P and R);
2. the total overlap;
3. the number of pairs with equal extent, then with equal label;
4. then the first optimum the exact solver (:mod:`.assignment`) meets on
   inputs sorted canonically, so the result does not depend on input order.

A prediction therefore never counts twice, a gold span split across two
predictions is matched once (the other piece is spurious) — unlike
nervaluate's greedy loop — and a label-aware scheme is never denied a pair
it could have: gold ``S1[0,10)`` with predictions ``S2[0,6)``, ``S1[6,10)``
is COR + SPU under ``type``, where a single overlap-first matching gives
INC + SPU.

**Undefined values.**  P is undefined (NaN) with no predictions, R with no
gold; F1 is 0 when one side is undefined and the other is 0 (which is then
always the case), undefined only when both are.  :func:`span_scores` warns.

Sufficient statistics per item and scheme are :data:`STAT_KEYS`: ``pos``,
``act``, ``matched``, ``cor`` and the summed credits ``credit_p``,
``credit_r``.

Examples
--------
>>> gold = [SpanSet((Span(0, 10),), "direct")]
>>> pred = [SpanSet((Span(0, 5),), "direct")]
>>> s = span_scores(gold, pred, scheme="proportional")
>>> s["precision"], s["recall"]
(1.0, 0.5)
>>> span_scores(gold, pred, scheme="partial")["PAR"]
1
"""

from __future__ import annotations

import bisect
from typing import Sequence

import numpy as np

from benchmark.gold.schema import Span  # noqa: F401  (doctests)
from benchmark.scoring.span_alignment import (  # noqa: F401  (re-exported: the alignment is part of span scoring)
    SCHEMES, Candidates, Match, align, align_candidates, candidates, check_scheme, float_credit, is_correct,
    pair_credit,
)
from benchmark.scoring.result import MetricSpec, family_builder, safe_divide, warn_undefined
from benchmark.scoring.units import (  # noqa: F401  (LEVELS, check_level, tokenize: re-exported)
    LEVELS, SpanSet, Tokens, Units, check_level, overlap, size, tokenize, units,
)

STAT_KEYS = ("pos", "act", "matched", "cor", "credit_p", "credit_r")
_COL = {k: i for i, k in enumerate(STAT_KEYS)}
_PARTIAL_CREDIT = {"partial", "proportional"}
"""Schemes whose non-COR pairs are PAR (partial credit) rather than INC."""


def item_of(offset: int | None, item_starts: Sequence[int]) -> int:
    """Index of the item (segment) holding ``offset``: the last one starting at or before it.

    ``None`` (no spans) maps to the pseudo-item ``len(item_starts)``.

    >>> item_of(12, [0, 10, 20]), item_of(None, [0, 10, 20]), item_of(3, [5, 10])
    (1, 3, 0)
    """
    if offset is None:
        return len(item_starts)
    return max(0, bisect.bisect_right(item_starts, offset) - 1)


def span_item_stats(
    gold: Sequence[SpanSet],
    pred: Sequence[SpanSet],
    *,
    scheme: str,
    item_starts: Sequence[int],
    matches: Sequence[Match],
    gold_keep: Sequence[bool] | None = None,
    pred_keep: Sequence[bool] | None = None,
) -> np.ndarray:
    """Sufficient statistics of ``scheme`` per item, shape ``(len(item_starts) + 1, 6)``.

    ``matches`` is that scheme's alignment.  A gold span set belongs to the
    item holding its first character; a matched prediction to its gold's
    item; an unmatched one to the item of its own first character; one
    without spans to the last row (the unaligned pseudo-item).
    ``gold_keep``/``pred_keep`` restrict the statistics to a subset
    (per-label breakdowns); a match counts when its gold is kept.
    """
    check_scheme(scheme)
    # Accumulated in Python floats (float64, in the same order as the numpy
    # rows would be), then one array: per-cell numpy updates cost ~1 µs each.
    out = [[0.0] * len(STAT_KEYS) for _ in range(len(item_starts) + 1)]
    gk = [True] * len(gold) if gold_keep is None else list(gold_keep)
    pk = [True] * len(pred) if pred_keep is None else list(pred_keep)
    gold_item = [item_of(g.first, item_starts) for g in gold]
    pos, act, matched, cor, cp, cr = (_COL[k] for k in STAT_KEYS)
    for i in range(len(gold)):
        if gk[i]:
            out[gold_item[i]][pos] += 1
    for m in matches:
        if not gk[m.gold]:
            continue
        row = out[gold_item[m.gold]]
        credit_p, credit_r = float_credit(scheme, m)
        row[act] += 1
        row[matched] += 1
        row[cor] += is_correct(scheme, m)
        row[cp] += credit_p
        row[cr] += credit_r
    matched_any = {m.pred for m in matches}
    for j, p in enumerate(pred):
        if pk[j] and j not in matched_any:
            out[item_of(p.first, item_starts)][act] += 1
    return np.array(out, dtype=float).reshape(len(item_starts) + 1, len(STAT_KEYS))


def prf(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 from summed :data:`STAT_KEYS` (rows vectorised).

    >>> import numpy as np
    >>> p, r, f = prf(np.array([[4, 2, 2, 1, 1.5, 1.5]]))
    >>> float(p[0]), float(r[0]), round(float(f[0]), 4)
    (0.75, 0.375, 0.5)
    """
    s = np.atleast_2d(np.asarray(sums, dtype=float))
    p = safe_divide(s[:, _COL["credit_p"]], s[:, _COL["act"]])
    r = safe_divide(s[:, _COL["credit_r"]], s[:, _COL["pos"]])
    return p, r, harmonic_mean(p, r)


def harmonic_mean(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """F1 of precision and recall arrays under the module's undefined-value policy."""
    both_undefined = np.isnan(p) & np.isnan(r)
    p0, r0 = np.nan_to_num(p), np.nan_to_num(r)
    f = safe_divide(2 * p0 * r0, p0 + r0)
    f = np.where(np.isnan(f), 0.0, f)
    return np.where(both_undefined, np.nan, f)


def categories(sums: Sequence[float], scheme: str) -> dict[str, int]:
    """COR/INC/PAR/MIS/SPU/POS/ACT of a scheme from summed statistics.

    >>> categories([3, 3, 2, 1, 1, 1], "strict")
    {'COR': 1, 'INC': 1, 'PAR': 0, 'MIS': 1, 'SPU': 1, 'POS': 3, 'ACT': 3}
    >>> categories([3, 3, 2, 1, 1.5, 1.5], "partial")["PAR"]
    1
    """
    check_scheme(scheme)
    c = {k: int(round(float(sums[_COL[k]]))) for k in ("pos", "act", "matched", "cor")}
    rest = c["matched"] - c["cor"]
    par = rest if scheme in _PARTIAL_CREDIT else 0
    return {
        "COR": c["cor"], "INC": rest - par, "PAR": par,
        "MIS": c["pos"] - c["matched"], "SPU": c["act"] - c["matched"],
        "POS": c["pos"], "ACT": c["act"],
    }


def span_scores(
    gold: Sequence[SpanSet],
    pred: Sequence[SpanSet],
    *,
    scheme: str,
    level: str = "char",
    tokens: Tokens | None = None,
) -> dict[str, float | int | None]:
    """Precision, recall, F1 and category counts for one set of span sets.

    An undefined value is ``None`` and raises one
    :class:`~benchmark.scoring.result.UndefinedMetricWarning` per call.
    """
    matches = align(gold, pred, scheme=scheme, level=level, tokens=tokens)
    sums = span_item_stats(gold, pred, scheme=scheme, item_starts=[0], matches=matches).sum(axis=0)
    p, r, f = prf(sums)
    out: dict[str, float | int | None] = {
        k: (None if np.isnan(v[0]) else float(v[0])) for k, v in (("precision", p), ("recall", r), ("f1", f))
    }
    warn_undefined("span_scores", [k for k in ("precision", "recall", "f1") if out[k] is None])
    out.update(categories(sums, scheme))
    return out


def span_metric_specs(
    base: str,
    family: str,
    what: str,
    *,
    schemes: Sequence[str],
    levels: Sequence[str] = LEVELS,
    extra: tuple[tuple[str, str], ...] = (),
) -> list[MetricSpec]:
    """F1, precision and recall specs for each scheme and level of a span family.

    Names are ``<base>_<f1|precision|recall>.<scheme>.<level>[.<extra values>]``
    and read the row family ``<family>.<level>.<scheme>[.<extra values>]``,
    the statistics of that scheme's own alignment.

    >>> [s.name for s in span_metric_specs("cue", "cue", "cue", schemes=("exact",), levels=("char",))]
    ['cue_f1.exact.char', 'cue_precision.exact.char', 'cue_recall.exact.char']
    """
    suffix = "".join(f".{v}" for _, v in extra)
    specs = []
    for scheme in schemes:
        check_scheme(scheme)
        for level in levels:
            for stat in ("f1", "precision", "recall"):
                k = ("precision", "recall", "f1").index(stat)  # position in prf()'s output
                specs.append(MetricSpec(
                    f"{base}_{stat}.{scheme}.{level}{suffix}",
                    f"{what} {stat} ({scheme} scheme, {level} level{suffix.replace('.', ', ')})",  # pragma: no mutate
                    family_builder(f"{family}.{level}.{scheme}{suffix}", STAT_KEYS, _prf_aggregate(k),
                                   _category_details(scheme), unit="segment"),
                    (("scheme", scheme), ("level", level), ("norm", "none"), *extra),
                    ("numpy",),
                ))
    return specs


def _prf_aggregate(k: int):
    def aggregate(sums: np.ndarray) -> np.ndarray:
        return prf(sums)[k]

    return aggregate


def _category_details(scheme: str):
    def details(total: np.ndarray) -> tuple:
        return tuple(categories(total, scheme).items())

    return details
