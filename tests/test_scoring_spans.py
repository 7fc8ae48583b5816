"""Span-set alignment and span scores: case tables and nervaluate cross-checks."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest
from nervaluate import Evaluator

from benchmark.errors import ConfigError
from benchmark.gold.schema import Span
from benchmark.scoring.spans import (
    STAT_KEYS, SpanSet, align, categories, item_of, prf, span_item_stats, span_scores, tokenize, units,
)


def sets(*triples):
    """SpanSets from (start, end[, label]) triples; a list of pairs makes one discontinuous set."""
    out = []
    for t in triples:
        if isinstance(t, list):
            out.append(SpanSet(tuple(Span(s, e) for s, e in t)))
        else:
            out.append(SpanSet((Span(t[0], t[1]),), t[2] if len(t) > 2 else None))
    return out


def counts(gold, pred, scheme, **kw):
    s = span_scores(gold, pred, scheme=scheme, **kw)
    return tuple(s[k] for k in ("COR", "INC", "PAR", "MIS", "SPU"))


# --------------------------------------------------------------- proportional

def test_proportional_precision_and_recall_not_swapped():
    half = span_scores(sets((0, 10)), sets((0, 5)), scheme="proportional")
    assert (half["precision"], half["recall"]) == (1.0, 0.5)
    double = span_scores(sets((0, 10)), sets((0, 20)), scheme="proportional")
    assert (double["precision"], double["recall"]) == (0.5, 1.0)


def test_proportional_is_micro_averaged_over_span_sets():
    # credits: pred 1 → p 1.0, r 0.5; pred 2 → p 0.25, r 1.0; one gold missed
    s = span_scores(sets((0, 10), (20, 24), (40, 50)), sets((0, 5), (18, 34)), scheme="proportional")
    assert s["precision"] == pytest.approx((1.0 + 4 / 16) / 2)
    assert s["recall"] == pytest.approx((0.5 + 1.0) / 3)


# --------------------------------------------------------------- schemes

CASES = [
    # name, gold, pred, scheme, (COR, INC, PAR, MIS, SPU)
    ("exact same label", [(0, 5, "A")], [(0, 5, "A")], "strict", (1, 0, 0, 0, 0)),
    ("exact other label strict", [(0, 5, "A")], [(0, 5, "B")], "strict", (0, 1, 0, 0, 0)),
    ("exact other label exact", [(0, 5, "A")], [(0, 5, "B")], "exact", (1, 0, 0, 0, 0)),
    ("exact other label type", [(0, 5, "A")], [(0, 5, "B")], "type", (0, 1, 0, 0, 0)),
    ("overlap strict", [(0, 5, "A")], [(2, 7, "A")], "strict", (0, 1, 0, 0, 0)),
    ("overlap partial", [(0, 5, "A")], [(2, 7, "A")], "partial", (0, 0, 1, 0, 0)),
    ("overlap type", [(0, 5, "A")], [(2, 7, "A")], "type", (1, 0, 0, 0, 0)),
    ("touching is disjoint", [(0, 5, "A")], [(5, 9, "A")], "partial", (0, 0, 0, 1, 1)),
    ("missed and spurious", [(0, 5, "A")], [(10, 15, "A")], "exact", (0, 0, 0, 1, 1)),
]


@pytest.mark.parametrize("name,gold,pred,scheme,expected", CASES, ids=[c[0] for c in CASES])
def test_scheme_case_table(name, gold, pred, scheme, expected):
    assert counts(sets(*gold), sets(*pred), scheme) == expected


def test_partial_gives_half_credit():
    s = span_scores(sets((0, 5), (10, 15)), sets((0, 5), (12, 20)), scheme="partial")
    assert (s["precision"], s["recall"]) == (0.75, 0.75)
    assert (s["POS"], s["ACT"]) == (2, 2)


@pytest.mark.parametrize("scheme", ["strict", "exact", "partial", "type", "proportional"])
def test_gold_against_itself_is_perfect(scheme):
    gold = sets((0, 4, "A"), [(6, 9), (12, 20)], (30, 31, "B"))
    s = span_scores(gold, gold, scheme=scheme)
    assert (s["precision"], s["recall"], s["f1"]) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("scheme", ["strict", "exact", "partial", "type", "proportional"])
def test_undefined_policy(scheme):
    empty_pred = span_scores(sets((0, 4)), [], scheme=scheme)
    assert (empty_pred["precision"], empty_pred["recall"], empty_pred["f1"]) == (None, 0.0, 0.0)
    empty_gold = span_scores([], sets((0, 4)), scheme=scheme)
    assert (empty_gold["precision"], empty_gold["recall"], empty_gold["f1"]) == (0.0, None, 0.0)
    both = span_scores([], [], scheme=scheme)
    assert (both["precision"], both["recall"], both["f1"]) == (None, None, None)


def test_unknown_scheme_raises_config_error():
    with pytest.raises(ConfigError, match="unknown scheme 'strct'"):
        span_scores([], [], scheme="strct")


# --------------------------------------------------------------- alignment

def test_discontinuous_overlap_counts_shared_characters_once():
    gold = sets([(0, 5), (10, 20)])
    pred = sets((0, 20))  # covers the gap: 15 shared of 20 predicted
    s = span_scores(gold, pred, scheme="proportional")
    assert (s["precision"], s["recall"]) == (0.75, 1.0)
    assert counts(gold, pred, "exact") == (0, 1, 0, 0, 0)
    assert counts(gold, sets([(0, 5), (10, 20)]), "exact") == (1, 0, 0, 0, 0)


def test_alignment_maximises_total_overlap():
    gold = sets((0, 10), (10, 20))
    pred = sets((8, 20), (0, 10))  # greedy order would give pred 0 to gold 0
    pairs = [(m.gold, m.pred, m.overlap) for m in align(gold, pred)]
    assert pairs == [(0, 1, 10), (1, 0, 10)]


def test_alignment_breaks_ties_by_extent_then_label_and_ignores_input_order():
    gold = sets((0, 10, "A"))
    pred = sets((0, 10, "B"), (0, 10, "A"), (0, 12, "A"))
    for perm in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        shuffled = [pred[i] for i in perm]
        (m,) = align(gold, shuffled)
        assert shuffled[m.pred] == pred[1]


def test_prediction_never_counts_twice_and_split_gold_counts_once():
    split = span_scores(sets((0, 10)), sets((0, 5), (5, 10)), scheme="proportional")
    assert (split["precision"], split["recall"]) == (0.5, 0.5)
    assert (split["PAR"], split["SPU"]) == (1, 1)
    wide = span_scores(sets((0, 5), (6, 10)), sets((0, 10)), scheme="proportional")
    assert (wide["precision"], wide["recall"]) == (0.5, 0.5)
    assert (wide["PAR"], wide["MIS"]) == (1, 1)


# --------------------------------------------------------------- token level

TEXT = "قال لافروف، إن المحادثات كانت مفيدة جدا. وأضاف أن"


def test_tokens_are_non_space_runs():
    tokens = tokenize(TEXT)
    assert [TEXT[s:e] for s, e in zip(tokens.starts, tokens.ends)][:3] == ["قال", "لافروف،", "إن"]


def test_token_level_forgives_boundaries_inside_words():
    tokens = tokenize(TEXT)
    start = TEXT.index("أضاف")
    gold = [SpanSet((Span(start, start + 4),))]  # after the proclitic و
    pred = [SpanSet((Span(start - 1, start + 4),))]  # with it
    assert counts(gold, pred, "exact", level="char") == (0, 1, 0, 0, 0)
    assert counts(gold, pred, "exact", level="token", tokens=tokens) == (1, 0, 0, 0, 0)
    name = TEXT.index("لافروف")
    gold = [SpanSet((Span(name, name + 6),))]
    with_comma = [SpanSet((Span(name, name + 7),))]
    assert span_scores(gold, with_comma, scheme="proportional")["precision"] == pytest.approx(6 / 7)
    assert span_scores(gold, with_comma, scheme="proportional", level="token", tokens=tokens)["precision"] == 1.0


def test_token_level_counts_tokens_not_characters():
    tokens = tokenize(TEXT)
    content = TEXT.index("المحادثات")
    end = TEXT.index(".")
    gold = [SpanSet((Span(content, end),))]  # 4 tokens (the last one holds the full stop)
    pred = [SpanSet((Span(content, content + 3),))]  # 3 characters inside the first token
    char = span_scores(gold, pred, scheme="proportional")
    token = span_scores(gold, pred, scheme="proportional", level="token", tokens=tokens)
    assert char["recall"] == pytest.approx(3 / (end - content))
    assert (token["precision"], token["recall"]) == (1.0, 0.25)


def test_token_level_needs_tokens():
    with pytest.raises(ConfigError, match="needs the text's tokens"):
        units((Span(0, 3),), level="token")


# --------------------------------------------------------------- per-item statistics

def test_items_follow_gold_and_unaligned_predictions_get_the_pseudo_item():
    gold = sets((5, 15))
    pred = [SpanSet((Span(12, 25),)), SpanSet((Span(22, 24),)), SpanSet(())]
    matches = align(gold, pred)
    stats = span_item_stats(gold, pred, item_starts=[0, 10, 20], matches=matches)
    col = {k: i for i, k in enumerate(STAT_KEYS)}
    # gold starts in item 0; its match (first char 12, item 1) is counted there too
    assert stats[0, col["pos"]] == 1 and stats[0, col["act"]] == 1 and stats[0, col["matched"]] == 1
    assert stats[1].sum() == 0
    assert stats[2, col["act"]] == 1  # unmatched, first char 22
    assert stats[3, col["act"]] == 1  # no spans
    assert item_of(3, [5, 10]) == 0


def test_prf_is_vectorised_over_rows():
    rows = np.array([[2, 2, 2, 1, 2, 1, 1.5, 1.5], [2, 0, 0, 0, 0, 0, 0, 0]])
    p, r, f = prf(rows, "partial")
    assert p[0] == 0.75 and math.isnan(p[1]) and r[1] == 0.0 and f[1] == 0.0


# --------------------------------------------------------------- nervaluate cross-check

def _flat_case(rng: random.Random):
    """Flat spans where every prediction overlaps at most one gold and vice versa."""
    gold, pred, pos = [], [], 0
    for _ in range(rng.randint(0, 12)):
        pos += rng.randint(1, 6)
        length = rng.randint(1, 40)  # < 100 so one shared character is >= 1% of the gold
        start, end = pos, pos + length
        label = rng.choice("AB")
        kind = rng.random()
        if kind < 0.65:
            gold.append((start, end, label))
        if kind < 0.25:  # same extent, maybe another label
            pred.append((start, end, rng.choice("AB")))
        elif kind < 0.5:  # overlapping, maybe running past the gold
            s = rng.randint(start, end - 1)
            e = rng.randint(s + 1, end + 5)
            pred.append((s, e, rng.choice("AB")))
            end = max(end, e)
        elif 0.65 <= kind < 0.85:  # spurious
            pred.append((start, end, label))
        pos = end
    return gold, pred


def _nervaluate(gold, pred):
    to = lambda spans: [[{"label": l, "start": s, "end": e - 1} for s, e, l in spans]]  # noqa: E731 inclusive ends
    result = Evaluator(to(gold), to(pred), tags=["A", "B"], loader="dict").evaluate()["overall"]
    return {k: (v.correct, v.incorrect, v.partial, v.missed, v.spurious) for k, v in result.items()}


@pytest.mark.parametrize("seed", range(40))
def test_counts_equal_nervaluate_on_flat_spans(seed):
    gold, pred = _flat_case(random.Random(seed))
    theirs = _nervaluate(gold, pred)
    for scheme, their_name in (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type")):
        assert counts(sets(*gold), sets(*pred), scheme) == theirs[their_name], scheme


def test_differs_from_nervaluate_where_its_greedy_pairing_misassigns():
    # The first prediction touches both golds; nervaluate pairs it with the
    # first gold it meets, so the exact prediction that follows becomes
    # spurious and the second gold missed.  The optimal alignment pairs each
    # prediction with the gold it overlaps most.
    gold, pred = [(0, 10, "A"), (10, 20, "A")], [(8, 20, "A"), (0, 10, "A")]
    assert _nervaluate(gold, pred)["strict"] == (0, 1, 0, 1, 1)
    assert counts(sets(*gold), sets(*pred), "strict") == (1, 1, 0, 0, 0)


@pytest.mark.parametrize(
    "gold,pred",
    [([(0, 10, "A")], [(0, 5, "A"), (5, 10, "A")]), ([(0, 5, "A"), (6, 10, "A")], [(0, 10, "A")])],
    ids=["gold split across two predictions", "prediction over two golds"],
)
def test_double_counting_cases_count_each_span_once(gold, pred):
    # Older nervaluate releases counted these twice (its issues #29, #39);
    # here one pair is partial and the other span is spurious or missed.
    c = counts(sets(*gold), sets(*pred), "partial")
    assert c[:3] == (0, 0, 1) and c[3] + c[4] == 1
    assert categories(span_item_stats(sets(*gold), sets(*pred), item_starts=[0],
                                      matches=align(sets(*gold), sets(*pred))).sum(0), "partial")["ACT"] == len(pred)


def test_no_warning_for_defined_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        span_scores(sets((0, 4)), sets((0, 4)), scheme="strict")
