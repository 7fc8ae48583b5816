"""One-to-one alignment of gold and predicted span sets, one per scheme.

The objective each scheme's alignment maximises, and the credit a matched
pair earns, are described in :mod:`.spans`, which re-exports this module's
public names.  :func:`candidates` computes what every scheme's alignment of
one (gold, prediction, level) shares — units, overlapping pairs, canonical
ranks — once; :func:`align_candidates` aligns them under one scheme, with
exact integer weights (:func:`_weights`) solved by :mod:`.assignment`.

Examples
--------
>>> g = [SpanSet((Span(0, 10),), "S1")]
>>> p = [SpanSet((Span(0, 6),), "S2"), SpanSet((Span(6, 10),), "S1")]
>>> cands = candidates(g, p)
>>> [(m.gold, m.pred) for m in align_candidates(cands, "type")], [(m.gold, m.pred) for m in align_candidates(cands, "exact")]
([(0, 1)], [(0, 0)])
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from benchmark.errors import ConfigError
from benchmark.gold.schema import Span  # noqa: F401  (doctests)
from benchmark.scoring.assignment import max_weight_matching
from benchmark.scoring.units import SpanSet, Tokens, Units, check_level, overlap, size, units

SCHEMES = ("strict", "exact", "partial", "type", "proportional")


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


def pair_credit(scheme: str, m: Match) -> tuple[Fraction, Fraction]:
    """What a matched pair adds to the numerators of P and R under ``scheme``.

    >>> pair_credit("partial", Match(0, 0, 3, 5, 4, False, True))
    (Fraction(1, 2), Fraction(1, 2))
    >>> pair_credit("proportional", Match(0, 0, 3, 5, 4, False, True))
    (Fraction(3, 4), Fraction(3, 5))
    """
    if scheme == "proportional":
        return Fraction(m.overlap, m.pred_size), Fraction(m.overlap, m.gold_size)
    if scheme == "partial":
        c = Fraction(1) if m.bounds else Fraction(1, 2)
    else:
        c = Fraction(int(is_correct(scheme, m)))
    return c, c


def is_correct(scheme: str, m: Match) -> bool:
    """Whether a matched pair is COR under ``scheme``."""
    check_scheme(scheme)
    if scheme == "strict":
        return m.bounds and m.labelled
    if scheme == "type":
        return m.labelled
    return m.bounds


def _candidates(gu: list[Units], pu: list[Units]) -> list[tuple[int, int, int]]:
    """``(gold, pred, overlap)`` of every overlapping pair (a sweep over first units)."""
    order = sorted((u[0][0], i) for i, u in enumerate(gu) if u)
    firsts = [lo for lo, _ in order]
    out = []
    for j, u in enumerate(pu):
        if not u:
            continue
        for _, i in order[: bisect.bisect_left(firsts, u[-1][1])]:
            if gu[i][-1][1] > u[0][0]:
                ov = overlap(gu[i], u)
                if ov:
                    out.append((i, j, ov))
    return out


@dataclass(frozen=True)
class Candidates:
    """What the alignments of every scheme of one (gold, prediction, level) share.

    The units, the overlapping pairs and the canonical ranks do not depend
    on the scheme: :func:`candidates` computes them once, and
    :func:`align_candidates` aligns them under each scheme.
    """

    pairs: dict[tuple[int, int], Match]
    g_rank: dict[int, int]
    p_rank: dict[int, int]
    overlap_bound: int
    k: int


def candidates(gold: Sequence[SpanSet], pred: Sequence[SpanSet], *, level: str = "char",
               tokens: Tokens | None = None) -> Candidates:
    """Every overlapping (gold, prediction) pair as a :class:`Match`, and the canonical ranks."""
    check_level(level, tokens)
    gu = [units(g.spans, level=level, tokens=tokens) for g in gold]
    pu = [units(p.spans, level=level, tokens=tokens) for p in pred]
    # Canonical order makes the tie-break independent of the input order.
    g_rank = {i: r for r, i in enumerate(sorted(range(len(gold)), key=lambda i: (gu[i], gold[i].label or "")))}
    p_rank = {j: r for r, j in enumerate(sorted(range(len(pred)), key=lambda j: (pu[j], pred[j].label or "")))}
    pairs = {}
    for i, j, ov in _candidates(gu, pu):
        pairs[(i, j)] = Match(i, j, ov, size(gu[i]), size(pu[j]), gu[i] == pu[j], gold[i].label == pred[j].label)
    return Candidates(pairs, g_rank, p_rank, overlap_bound=sum(map(size, gu)) + 1, k=min(len(gold), len(pred)) + 1)


def align_candidates(cands: Candidates, scheme: str) -> tuple[Match, ...]:
    """The one-to-one alignment of ``scheme`` among ``cands`` (see :func:`align`)."""
    check_scheme(scheme)
    weights = _weights(list(cands.pairs.values()), scheme, overlap_bound=cands.overlap_bound, k=cands.k)
    by_rank = {(cands.g_rank[i], cands.p_rank[j]): w for (i, j), w in weights.items()}
    g_of = {r: i for i, r in cands.g_rank.items()}
    p_of = {r: j for j, r in cands.p_rank.items()}
    chosen = [cands.pairs[(g_of[a], p_of[b])] for a, b in max_weight_matching(by_rank)]
    return tuple(sorted(chosen, key=lambda m: (m.gold, m.pred)))


def align(
    gold: Sequence[SpanSet], pred: Sequence[SpanSet], *, scheme: str, level: str = "char",
    tokens: Tokens | None = None,
) -> tuple[Match, ...]:
    """The one-to-one alignment of ``scheme`` (objective in the module docstring).

    >>> g = [SpanSet((Span(0, 10),), "S1")]
    >>> p = [SpanSet((Span(0, 6),), "S2"), SpanSet((Span(6, 10),), "S1")]
    >>> [(m.gold, m.pred) for m in align(g, p, scheme="type")], [(m.gold, m.pred) for m in align(g, p, scheme="exact")]
    ([(0, 1)], [(0, 0)])
    """
    check_scheme(scheme)
    return align_candidates(candidates(gold, pred, level=level, tokens=tokens), scheme)


def _credit_sum(scheme: str, m: Match) -> tuple[int, int]:
    """``sum(pair_credit(scheme, m))`` as (numerator, denominator), in integers (no Fraction)."""
    if scheme == "proportional":  # overlap/|pred| + overlap/|gold|
        num, den = m.overlap * (m.pred_size + m.gold_size), m.pred_size * m.gold_size
        g = math.gcd(num, den)
        return num // g, den // g
    if scheme == "partial":
        return (2 if m.bounds else 1), 1
    return 2 * int(is_correct(scheme, m)), 1


def _weights(matches: list[Match], scheme: str, *, overlap_bound: int, k: int) -> dict[tuple[int, int], int]:
    """One exact integer per pair ranking matchings lexicographically (module docstring).

    The credit level is scaled by the common denominator of the credits, so
    it is an integer; every lower level sums to less than one unit above it.
    """
    credits = {(m.gold, m.pred): _credit_sum(scheme, m) for m in matches}
    scale = math.lcm(*(den for _, den in credits.values())) if credits else 1
    out = {}
    for m in matches:
        num, den = credits[(m.gold, m.pred)]
        c = num * (scale // den)
        out[(m.gold, m.pred)] = ((c * overlap_bound + m.overlap) * k + m.bounds) * k + m.labelled
    return out


def float_credit(scheme: str, m: Match) -> tuple[float, float]:
    """``float`` of each :func:`pair_credit`: int / int true division rounds as Fraction.__float__ does."""
    if scheme == "proportional":
        return m.overlap / m.pred_size, m.overlap / m.gold_size
    if scheme == "partial":
        c = 1.0 if m.bounds else 0.5
    else:
        c = float(is_correct(scheme, m))
    return c, c


def check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}", field="scheme")
