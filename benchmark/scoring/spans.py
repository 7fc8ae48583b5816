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

**Alignment** is one-to-one: predicted and gold span sets are paired by
``scipy.optimize.linear_sum_assignment`` maximising, in this order, the total
overlap, then the number of pairs with identical extent, then the number of
pairs with equal labels.  Inputs are sorted canonically first, so the result
does not depend on input order.  A prediction therefore never counts twice
and a gold span split across two predictions is matched once (the other
piece is spurious) — unlike nervaluate's greedy loop.

**Schemes.**  Matched pairs are ``COR``/``INC``/``PAR``; unmatched gold are
``MIS``, unmatched predictions ``SPU``; ``POS = COR+INC+PAR+MIS``,
``ACT = COR+INC+PAR+SPU``.

* ``strict``: COR when extent and label are equal, else INC; P = COR/ACT.
* ``exact``: COR when extent is equal, else INC.
* ``partial``: COR when extent is equal, else PAR; P = (COR + PAR/2)/ACT.
* ``type``: COR when labels are equal (any overlap), else INC.
* ``proportional`` (PARC): each matched pair earns ``overlap / |pred|``
  towards precision and ``overlap / |gold|`` towards recall, micro-averaged:
  P = Σ credit / ACT, R = Σ credit / POS.

**Undefined values.**  P is undefined (NaN) with no predictions, R with no
gold; F1 is the harmonic mean, 0 when one side is undefined and the other is
0 (which is then always the case), undefined only when both are.

Sufficient statistics per item are :data:`STAT_KEYS`: ``pos``, ``act``,
``matched``, ``bounds`` (matched with equal extent), ``labelled`` (matched
with equal label), ``strict`` (both), ``prop_p``, ``prop_r``.

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
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from benchmark.errors import ConfigError
from benchmark.gold.schema import Span
from benchmark.scoring.result import MetricSpec, family_builder, safe_divide

LEVELS = ("char", "token")
SCHEMES = ("strict", "exact", "partial", "type", "proportional")
STAT_KEYS = ("pos", "act", "matched", "bounds", "labelled", "strict", "prop_p", "prop_r")
_K = {k: i for i, k in enumerate(STAT_KEYS)}
_TOKEN = re.compile(r"\S+")

Units = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SpanSet:
    """A (possibly discontinuous) span set with an optional label."""

    spans: tuple[Span, ...]
    """Empty for a prediction that could not be aligned to the text."""
    label: str | None = None

    @property
    def first(self) -> int | None:
        """Offset of the first character, ``None`` when there are no spans."""
        return min((s.start for s in self.spans), default=None)


@dataclass(frozen=True)
class Tokens:
    """Token boundaries of a text: maximal runs of non-whitespace."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def cover(self, start: int, end: int) -> tuple[int, int]:
        """Half-open range of the tokens overlapping ``[start, end)``.

        >>> tokenize("ab  cd ef").cover(1, 5)
        (0, 2)
        """
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        return (first, max(first, last))


def tokenize(text: str) -> Tokens:
    """Tokens of ``text`` (``\\S+`` runs).

    >>> tokenize("قال لافروف، إن").starts
    (0, 4, 12)
    """
    found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    return Tokens(tuple(s for s, _ in found), tuple(e for _, e in found))


def units(spans: Sequence[Span], *, level: str = "char", tokens: Tokens | None = None) -> Units:
    """Sorted, merged ``[lo, hi)`` intervals of characters or token indices."""
    check_level(level, tokens)
    raw = []
    for s in spans:
        lo, hi = (s.start, s.end) if level == "char" else tokens.cover(s.start, s.end)  # type: ignore[union-attr]
        if hi > lo:
            raw.append((lo, hi))
    raw.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def size(u: Units) -> int:
    return sum(hi - lo for lo, hi in u)


def overlap(a: Units, b: Units) -> int:
    """Shared units of two merged interval lists.

    >>> overlap(((0, 5), (10, 20)), ((3, 12),))
    4
    """
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass(frozen=True)
class Match:
    """One aligned (gold, prediction) pair."""

    gold: int
    pred: int
    overlap: int
    gold_size: int
    pred_size: int
    bounds: bool
    """Same characters (or tokens) covered."""
    labelled: bool
    """Same label."""


def align(
    gold: Sequence[SpanSet], pred: Sequence[SpanSet], *, level: str = "char", tokens: Tokens | None = None
) -> tuple[Match, ...]:
    """One-to-one alignment maximising overlap (see the module docstring).

    >>> g = [SpanSet((Span(0, 10),)), SpanSet((Span(20, 30),))]
    >>> p = [SpanSet((Span(5, 25),))]
    >>> [(m.gold, m.pred, m.overlap) for m in align(g, p)]
    [(0, 0, 5)]
    """
    gu = [units(g.spans, level=level, tokens=tokens) for g in gold]
    pu = [units(p.spans, level=level, tokens=tokens) for p in pred]
    if not gu or not pu:
        return ()
    # Canonical order makes tie-breaking independent of the input order.
    go = sorted(range(len(gold)), key=lambda i: (gu[i], gold[i].label or ""))
    po = sorted(range(len(pred)), key=lambda j: (pu[j], pred[j].label or ""))
    ov = np.array([[overlap(gu[i], pu[j]) for j in po] for i in go], dtype=np.int64)
    if not ov.any():
        return ()
    same = np.array([[gu[i] == pu[j] for j in po] for i in go])
    lab = np.array([[gold[i].label == pred[j].label for j in po] for i in go])
    k = min(len(gold), len(pred)) + 1
    # Lexicographic weights: overlap dominates any sum of bonuses.
    weight = np.where(ov > 0, ov * k * k + same * k + lab, 0)
    from scipy.optimize import linear_sum_assignment  # lazy: keeps `list` and `validate` quick to start

    rows, cols = linear_sum_assignment(weight, maximize=True)
    out = []
    for r, c in zip(rows, cols):
        if ov[r, c] > 0:
            i, j = go[r], po[c]
            out.append(Match(i, j, int(ov[r, c]), size(gu[i]), size(pu[j]), bool(same[r, c]), bool(lab[r, c])))
    return tuple(sorted(out, key=lambda m: (m.gold, m.pred)))


def item_of(offset: int | None, item_starts: Sequence[int]) -> int:
    """Index of the item (segment) holding ``offset``: the last one starting at or before it.

    ``None`` (no spans) maps to the pseudo-item ``len(item_starts)``.

    >>> item_of(12, [0, 10, 20]), item_of(None, [0, 10, 20])
    (1, 3)
    """
    if offset is None:
        return len(item_starts)
    return max(0, bisect.bisect_right(item_starts, offset) - 1)


def span_item_stats(
    gold: Sequence[SpanSet],
    pred: Sequence[SpanSet],
    *,
    item_starts: Sequence[int],
    matches: Sequence[Match],
    gold_keep: Sequence[bool] | None = None,
    pred_keep: Sequence[bool] | None = None,
) -> np.ndarray:
    """Sufficient statistics per item, shape ``(len(item_starts) + 1, 8)``.

    A gold span set belongs to the item holding its first character; a
    matched prediction to its gold's item; an unmatched one to the item of
    its own first character; one without spans to the last row (the
    unaligned pseudo-item).  ``gold_keep``/``pred_keep`` restrict the
    statistics to a subset (per-label breakdowns); a match counts when its
    gold is kept.
    """
    out = np.zeros((len(item_starts) + 1, len(STAT_KEYS)))
    gk = [True] * len(gold) if gold_keep is None else list(gold_keep)
    pk = [True] * len(pred) if pred_keep is None else list(pred_keep)
    for i, g in enumerate(gold):
        if gk[i]:
            out[item_of(g.first, item_starts), _K["pos"]] += 1
    for m in matches:
        if not gk[m.gold]:
            continue
        row = out[item_of(gold[m.gold].first, item_starts)]
        row[_K["act"]] += 1
        row[_K["matched"]] += 1
        row[_K["bounds"]] += m.bounds
        row[_K["labelled"]] += m.labelled
        row[_K["strict"]] += m.bounds and m.labelled
        row[_K["prop_p"]] += m.overlap / m.pred_size
        row[_K["prop_r"]] += m.overlap / m.gold_size
    matched_any = {m.pred for m in matches}
    for j, p in enumerate(pred):
        if pk[j] and j not in matched_any:
            out[item_of(p.first, item_starts), _K["act"]] += 1
    return out


def prf(sums: np.ndarray, scheme: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 from summed :data:`STAT_KEYS` (rows vectorised).

    >>> import numpy as np
    >>> p, r, f = prf(np.array([[4, 2, 2, 1, 2, 1, 1.5, 1.0]]), "partial")
    >>> float(p[0]), float(r[0]), round(float(f[0]), 4)
    (0.75, 0.375, 0.5)
    """
    s = np.atleast_2d(np.asarray(sums, dtype=float))
    c = {k: s[:, i] for k, i in _K.items()}
    if scheme == "proportional":
        num_p, num_r = c["prop_p"], c["prop_r"]
    else:
        num = _correct(c, scheme)
        num_p = num_r = num
    p = safe_divide(num_p, c["act"])
    r = safe_divide(num_r, c["pos"])
    return p, r, harmonic_mean(p, r)


def harmonic_mean(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """F1 of precision and recall arrays under the module's undefined-value policy."""
    both_undefined = np.isnan(p) & np.isnan(r)
    p0, r0 = np.nan_to_num(p), np.nan_to_num(r)
    f = safe_divide(2 * p0 * r0, p0 + r0)
    f = np.where(np.isnan(f), 0.0, f)
    return np.where(both_undefined, np.nan, f)


def _correct(c: dict[str, np.ndarray], scheme: str) -> np.ndarray:
    if scheme == "strict":
        return c["strict"]
    if scheme == "exact":
        return c["bounds"]
    if scheme == "type":
        return c["labelled"]
    if scheme == "partial":
        return c["bounds"] + 0.5 * (c["matched"] - c["bounds"])
    raise ConfigError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}", field="scheme")


def categories(sums: Sequence[float], scheme: str) -> dict[str, int]:
    """COR/INC/PAR/MIS/SPU/POS/ACT of a scheme from summed statistics.

    >>> categories([3, 3, 2, 1, 2, 1, 1.5, 1.2], "strict")
    {'COR': 1, 'INC': 1, 'PAR': 0, 'MIS': 1, 'SPU': 1, 'POS': 3, 'ACT': 3}
    """
    check_scheme(scheme)
    c = {k: int(round(float(sums[i]))) for k, i in _K.items() if not k.startswith("prop")}
    good = {"strict": c["strict"], "exact": c["bounds"], "type": c["labelled"],
            "partial": c["bounds"], "proportional": c["bounds"]}[scheme]
    rest = c["matched"] - good
    par = rest if scheme in ("partial", "proportional") else 0
    return {
        "COR": good, "INC": rest - par, "PAR": par,
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
    """Precision, recall, F1 and category counts for one set of span sets."""
    check_scheme(scheme)
    matches = align(gold, pred, level=level, tokens=tokens)
    sums = span_item_stats(gold, pred, item_starts=[0], matches=matches).sum(axis=0)
    p, r, f = prf(sums, scheme)
    out: dict[str, float | int | None] = {
        k: (None if np.isnan(v[0]) else float(v[0])) for k, v in (("precision", p), ("recall", r), ("f1", f))
    }
    out.update(categories(sums, scheme))
    return out


def check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}", field="scheme")


def check_level(level: str, tokens: Tokens | None) -> None:
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}", field="level")
    if level == "token" and tokens is None:
        raise ConfigError("level 'token' needs the text's tokens (tokenize(text))", field="level")


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
    and read the row family ``<family>.<level>[.<extra values>]``.

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
                    f"{what} {stat} ({scheme} scheme, {level} level{suffix.replace('.', ', ')})",
                    family_builder(f"{family}.{level}{suffix}", STAT_KEYS, _prf_aggregate(scheme, k),
                                   _category_details(scheme)),
                    (("scheme", scheme), ("level", level), ("norm", "none"), *extra),
                    ("numpy", "scipy"),
                ))
    return specs


def _prf_aggregate(scheme: str, k: int):
    def aggregate(sums: np.ndarray) -> np.ndarray:
        return prf(sums, scheme)[k]

    return aggregate


def _category_details(scheme: str):
    def details(total: np.ndarray) -> tuple:
        return tuple(categories(total, scheme).items())

    return details
