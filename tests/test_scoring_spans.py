"""Span-set alignment and span scores: hand-counted cases, per-scheme optimality, nervaluate cross-checks.

Every expected count or ratio below is counted by hand from the spans in the
test (the arithmetic is in the comments), computed by a brute force over all
one-to-one matchings, or taken from nervaluate run on the same spans.
"""

from __future__ import annotations

import itertools
import math
import random
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from benchmark.errors import ConfigError
from benchmark.gold.schema import Span
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.scoring.spans import (
    SCHEMES, Match, SpanSet, align, categories, item_of, overlap, pair_credit, prf, size,
    span_item_stats, span_scores, tokenize, units,
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


def scores(gold, pred, scheme, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return span_scores(gold, pred, scheme=scheme, **kw)


def counts(gold, pred, scheme, **kw):
    s = scores(gold, pred, scheme, **kw)
    return tuple(s[k] for k in ("COR", "INC", "PAR", "MIS", "SPU"))


# --------------------------------------------------------------- proportional

def test_proportional_precision_and_recall_not_swapped():
    # pred [0,5) inside gold [0,10): P = 5/5, R = 5/10.  pred [0,20): P = 10/20, R = 10/10.
    half = scores(sets((0, 10)), sets((0, 5)), "proportional")
    assert (half["precision"], half["recall"]) == (1.0, 0.5)
    double = scores(sets((0, 10)), sets((0, 20)), "proportional")
    assert (double["precision"], double["recall"]) == (0.5, 1.0)


def test_proportional_is_micro_averaged_over_span_sets():
    # pred [0,5) on gold [0,10): p 5/5, r 5/10; pred [18,34) on gold [20,24): p 4/16, r 4/4;
    # gold [40,50) missed.  P = (1 + 1/4)/2, R = (1/2 + 1)/3.
    s = scores(sets((0, 10), (20, 24), (40, 50)), sets((0, 5), (18, 34)), "proportional")
    assert s["precision"] == (1.0 + 4 / 16) / 2
    assert s["recall"] == (0.5 + 1.0) / 3


# --------------------------------------------------------------- schemes

CASES = [
    # name, gold, pred, scheme, (COR, INC, PAR, MIS, SPU)
    ("exact same label", [(0, 5, "A")], [(0, 5, "A")], "strict", (1, 0, 0, 0, 0)),
    ("exact other label strict", [(0, 5, "A")], [(0, 5, "B")], "strict", (0, 1, 0, 0, 0)),
    ("exact other label exact", [(0, 5, "A")], [(0, 5, "B")], "exact", (1, 0, 0, 0, 0)),
    ("exact other label type", [(0, 5, "A")], [(0, 5, "B")], "type", (0, 1, 0, 0, 0)),
    ("overlap strict", [(0, 5, "A")], [(2, 7, "A")], "strict", (0, 1, 0, 0, 0)),
    ("overlap partial", [(0, 5, "A")], [(2, 7, "A")], "partial", (0, 0, 1, 0, 0)),
    ("overlap proportional", [(0, 5, "A")], [(2, 7, "A")], "proportional", (0, 0, 1, 0, 0)),
    ("overlap type", [(0, 5, "A")], [(2, 7, "A")], "type", (1, 0, 0, 0, 0)),
    ("touching is disjoint", [(0, 5, "A")], [(5, 9, "A")], "partial", (0, 0, 0, 1, 1)),
    ("one shared character", [(0, 5, "A")], [(4, 9, "A")], "partial", (0, 0, 1, 0, 0)),
    ("missed and spurious", [(0, 5, "A")], [(10, 15, "A")], "exact", (0, 0, 0, 1, 1)),
    # The type example: the label-aware pairing takes S1[6,10).
    ("type prefers the right speaker", [(0, 10, "S1")], [(0, 6, "S2"), (6, 10, "S1")], "type", (1, 0, 0, 0, 1)),
    # Exact extent beats a larger overlap under strict and exact.
    ("strict prefers the exact twin", [(0, 10, "A"), (0, 12, "A")], [(0, 12, "A")], "strict", (1, 0, 0, 1, 0)),
]


@pytest.mark.parametrize("name,gold,pred,scheme,expected", CASES, ids=[c[0] for c in CASES])
def test_scheme_case_table(name, gold, pred, scheme, expected):
    assert counts(sets(*gold), sets(*pred), scheme) == expected


def test_partial_scheme_takes_two_pairs_where_overlap_first_takes_one():
    # The example: gold A[0,10), A[10,11); predictions A[0,11), A[0,2).
    # Overlap first pairs [0,11) with [0,10) (10 shared) and leaves the rest:
    # 1 PAR, credit 1/2.  Partial pairs [0,2)–[0,10) and [0,11)–[10,11): 2 PAR,
    # credit 1, P = R = 1/2.
    gold, pred = sets((0, 10, "A"), (10, 11, "A")), sets((0, 11, "A"), (0, 2, "A"))
    assert [(m.gold, m.pred) for m in align(gold, pred, scheme="partial")] == [(0, 1), (1, 0)]
    s = scores(gold, pred, "partial")
    assert (s["PAR"], s["precision"], s["recall"]) == (2, 0.5, 0.5)
    # proportional too: (2/2 + 2/10) + (1/11 + 1/1) ≈ 2.29 beats 10/11 + 10/10 ≈ 1.91.
    assert [(m.gold, m.pred) for m in align(gold, pred, scheme="proportional")] == [(0, 1), (1, 0)]
    # exact has no pair with equal extent, so overlap decides: the one big pair.
    assert [(m.gold, m.pred) for m in align(gold, pred, scheme="exact")] == [(0, 0)]


def test_partial_gives_half_credit():
    # [0,5) exact (1) and [10,15)~[12,20) partial (1/2): P = R = 1.5/2.
    s = scores(sets((0, 5), (10, 15)), sets((0, 5), (12, 20)), "partial")
    assert (s["precision"], s["recall"], s["POS"], s["ACT"]) == (0.75, 0.75, 2, 2)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_gold_against_itself_is_perfect(scheme):
    gold = sets((0, 4, "A"), [(6, 9), (12, 20)], (30, 31, "B"), (2, 8, "A"))  # the last one overlaps two others
    s = scores(gold, gold, scheme)
    assert (s["precision"], s["recall"], s["f1"], s["COR"]) == (1.0, 1.0, 1.0, 4)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_undefined_policy_and_one_warning_per_call(scheme):
    with pytest.warns(UndefinedMetricWarning) as caught:
        empty_pred = span_scores(sets((0, 4)), [], scheme=scheme)
    assert (empty_pred["precision"], empty_pred["recall"], empty_pred["f1"]) == (None, 0.0, 0.0)
    assert len(caught) == 1 and "span_scores: precision undefined" in str(caught[0].message)
    empty_gold = scores([], sets((0, 4)), scheme)
    assert (empty_gold["precision"], empty_gold["recall"], empty_gold["f1"]) == (0.0, None, 0.0)
    with pytest.warns(UndefinedMetricWarning, match="precision, recall, f1 undefined"):
        both = span_scores([], [], scheme=scheme)
    assert (both["precision"], both["recall"], both["f1"]) == (None, None, None)


def test_no_warning_for_defined_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        span_scores(sets((0, 4)), sets((0, 4)), scheme="strict")


def test_unknown_scheme_and_level_raise_config_error():
    with pytest.raises(ConfigError, match="unknown scheme 'strct'"):
        span_scores([], [], scheme="strct")
    with pytest.raises(ConfigError, match="unknown level 'word'"):
        span_scores([], [], scheme="exact", level="word")


# --------------------------------------------------------------- alignment

def test_discontinuous_overlap_counts_shared_characters_once():
    gold = sets([(0, 5), (10, 20)])
    pred = sets((0, 20))  # covers the gap: 15 shared of 20 predicted, all 15 gold
    s = scores(gold, pred, "proportional")
    assert (s["precision"], s["recall"]) == (0.75, 1.0)
    assert counts(gold, pred, "exact") == (0, 1, 0, 0, 0)
    assert counts(gold, sets([(0, 5), (10, 20)]), "exact") == (1, 0, 0, 0, 0)


def test_adjacent_parts_cover_the_same_units_as_one_span():
    # [0,5) + [5,10) covers exactly the characters of [0,10): an exact match.
    assert units((Span(0, 5), Span(5, 10))) == ((0, 10),)
    assert counts(sets([(0, 5), (5, 10)]), sets((0, 10)), "exact") == (1, 0, 0, 0, 0)


def test_alignment_maximises_total_overlap_when_credit_ties():
    gold = sets((0, 10), (10, 20))
    pred = sets((8, 20), (0, 10))  # greedy order would give pred 0 to gold 0
    pairs = [(m.gold, m.pred, m.overlap) for m in align(gold, pred, scheme="proportional")]
    assert pairs == [(0, 1, 10), (1, 0, 10)]


def test_alignment_breaks_ties_by_extent_then_label_and_ignores_input_order():
    gold = sets((0, 10, "A"))
    pred = sets((0, 10, "B"), (0, 10, "A"), (0, 12, "A"))
    for perm in itertools.permutations(range(3)):
        shuffled = [pred[i] for i in perm]
        for scheme in ("exact", "partial", "proportional"):
            (m,) = align(gold, shuffled, scheme=scheme)
            assert shuffled[m.pred] == pred[1], (perm, scheme)


def test_prediction_never_counts_twice_and_split_gold_counts_once():
    # gold [0,10) split in [0,5) + [5,10): one pair (5/5, 5/10), one spurious → P = R = 1/2.
    split = scores(sets((0, 10)), sets((0, 5), (5, 10)), "proportional")
    assert (split["precision"], split["recall"], split["PAR"], split["SPU"]) == (0.5, 0.5, 1, 1)
    # pred [0,10) over golds [0,5) and [6,10): one pair (5/10, 5/5), one missed → P = R = 1/2.
    wide = scores(sets((0, 5), (6, 10)), sets((0, 10)), "proportional")
    assert (wide["precision"], wide["recall"], wide["PAR"], wide["MIS"]) == (0.5, 0.5, 1, 1)


def test_pair_credit_per_scheme():
    def match(bounds, labelled):
        m = align(sets((0, 4, "A")), sets((0, 4, "A") if bounds else (1, 4, "A" if labelled else "B")),
                  scheme="proportional")
        return m[0]

    exact_same = match(True, True)
    shifted_other = match(False, False)  # [1,4) on [0,4): 3 shared, |pred| 3, |gold| 4
    assert pair_credit("strict", exact_same) == (1, 1)
    assert pair_credit("strict", shifted_other) == (0, 0)
    assert pair_credit("type", match(False, True)) == (1, 1)
    assert pair_credit("partial", shifted_other) == (Fraction(1, 2), Fraction(1, 2))
    assert pair_credit("proportional", shifted_other) == (Fraction(3, 3), Fraction(3, 4))


# --------------------------------------------------------------- optimality, by brute force

def _brute_force(gold, pred, scheme):
    """The best (credit, overlap) over every one-to-one matching of overlapping pairs, exactly."""
    gu = [units(g.spans) for g in gold]
    pu = [units(p.spans) for p in pred]
    all_pairs = {}
    for i, j in itertools.product(range(len(gold)), range(len(pred))):
        ov = overlap(gu[i], pu[j])
        if ov:
            all_pairs[(i, j)] = Match(i, j, ov, size(gu[i]), size(pu[j]), gu[i] == pu[j], gold[i].label == pred[j].label)
    best = (Fraction(0), 0)
    keys = list(all_pairs)
    for r in range(1, min(len(gold), len(pred)) + 1):
        for chosen in itertools.combinations(keys, r):
            if len({i for i, _ in chosen}) < r or len({j for _, j in chosen}) < r:
                continue
            value = (sum(sum(pair_credit(scheme, all_pairs[k])) for k in chosen),
                     sum(all_pairs[k].overlap for k in chosen))
            best = max(best, value)
    return best


SPAN = st.tuples(st.integers(0, 14), st.integers(1, 8), st.sampled_from("AB"))


def _span_sets(draw_list):
    return [SpanSet((Span(s, s + n),), label) for s, n, label in draw_list]


@settings(deadline=None)
@given(st.lists(SPAN, max_size=4), st.lists(SPAN, max_size=4), st.sampled_from(SCHEMES))
def test_no_other_one_to_one_matching_gives_more_credit(gold_spans, pred_spans, scheme):
    gold, pred = _span_sets(gold_spans), _span_sets(pred_spans)
    assume(any(Span(a, a + n).overlap(Span(b, b + m)) for a, n, _ in gold_spans for b, m, _ in pred_spans))
    matches = align(gold, pred, scheme=scheme)
    assert len({m.gold for m in matches}) == len({m.pred for m in matches}) == len(matches)
    ours = (sum(sum(pair_credit(scheme, m)) for m in matches), sum(m.overlap for m in matches))
    assert ours == _brute_force(gold, pred, scheme)


# --------------------------------------------------------------- token level

TEXT = "قال لافروف، إن المحادثات كانت مفيدة جدا. وأضاف أن"


def test_tokens_are_non_space_runs():
    tokens = tokenize(TEXT)
    assert [TEXT[s:e] for s, e in zip(tokens.starts, tokens.ends)][:3] == ["قال", "لافروف،", "إن"]


def test_a_span_starting_at_whitespace_does_not_cover_the_previous_token():
    tokens = tokenize("ab cd ef")  # tokens [0,2) [3,5) [6,8)
    assert tokens.cover(2, 5) == (1, 2)  # starts at the space after "ab"
    assert tokens.cover(1, 5) == (0, 2)  # starts inside "ab"
    assert tokens.cover(3, 6) == (1, 2)  # ends at the space before "ef"
    assert tokens.cover(3, 7) == (1, 3)


def test_token_level_forgives_boundaries_inside_words():
    tokens = tokenize(TEXT)
    start = TEXT.index("أضاف")
    gold = [SpanSet((Span(start, start + 4),))]  # after the proclitic و
    pred = [SpanSet((Span(start - 1, start + 4),))]  # with it
    assert counts(gold, pred, "exact", level="char") == (0, 1, 0, 0, 0)
    assert counts(gold, pred, "exact", level="token", tokens=tokens) == (1, 0, 0, 0, 0)
    name = TEXT.index("لافروف")
    gold = [SpanSet((Span(name, name + 6),))]
    with_comma = [SpanSet((Span(name, name + 7),))]  # 6 of its 7 characters are gold
    assert scores(gold, with_comma, "proportional")["precision"] == 6 / 7
    assert scores(gold, with_comma, "proportional", level="token", tokens=tokens)["precision"] == 1.0


def test_token_level_counts_tokens_not_characters():
    tokens = tokenize(TEXT)
    content = TEXT.index("المحادثات")
    end = TEXT.index(".")
    gold = [SpanSet((Span(content, end),))]  # 4 tokens (the last one holds the full stop)
    pred = [SpanSet((Span(content, content + 3),))]  # 3 characters inside the first token
    char = scores(gold, pred, "proportional")
    token = scores(gold, pred, "proportional", level="token", tokens=tokens)
    assert char["recall"] == 3 / (end - content)
    assert (token["precision"], token["recall"]) == (1.0, 0.25)


def test_token_level_needs_tokens():
    with pytest.raises(ConfigError, match="needs the text's tokens"):
        units((Span(0, 3),), level="token")


# --------------------------------------------------------------- per-item statistics

def test_items_follow_gold_and_unaligned_predictions_get_the_pseudo_item():
    gold = sets((5, 15))
    pred = [SpanSet((Span(12, 25),)), SpanSet((Span(22, 24),)), SpanSet(())]
    matches = align(gold, pred, scheme="partial")
    stats = span_item_stats(gold, pred, scheme="partial", item_starts=[0, 10, 20], matches=matches)
    # gold starts in item 0; its match (first char 12, item 1) is counted there too, with half credit
    assert stats[0].tolist() == [1, 1, 1, 0, 0.5, 0.5]
    assert stats[1].sum() == 0
    assert stats[2].tolist() == [0, 1, 0, 0, 0, 0]  # unmatched, first char 22
    assert stats[3].tolist() == [0, 1, 0, 0, 0, 0]  # no spans


def test_per_label_subsets_keep_the_matches_of_kept_golds():
    gold, pred = sets((0, 5, "A"), (10, 15, "B")), sets((0, 5, "A"), (10, 15, "B"), (20, 25, "B"))
    matches = align(gold, pred, scheme="exact")
    only_b = span_item_stats(gold, pred, scheme="exact", item_starts=[0], matches=matches,
                             gold_keep=[False, True], pred_keep=[False, True, True])
    # gold B matched exactly; the prediction at [20,25) is spurious B
    assert only_b.sum(0).tolist() == [1, 2, 1, 1, 1, 1]


def test_prf_is_vectorised_over_rows():
    rows = np.array([[2, 2, 2, 1, 1.5, 1.5], [2, 0, 0, 0, 0, 0]])
    p, r, f = prf(rows)
    assert p[0] == 0.75 and math.isnan(p[1]) and r[1] == 0.0 and f[1] == 0.0


def test_categories_per_scheme():
    # 3 gold, 4 predicted, 2 matched of which 1 COR: MIS 1, SPU 2.
    sums = [3, 4, 2, 1, 1.5, 1.5]
    assert categories(sums, "partial") == {"COR": 1, "INC": 0, "PAR": 1, "MIS": 1, "SPU": 2, "POS": 3, "ACT": 4}
    assert categories(sums, "strict") == {"COR": 1, "INC": 1, "PAR": 0, "MIS": 1, "SPU": 2, "POS": 3, "ACT": 4}
    assert item_of(3, [5, 10]) == 0 and item_of(10, [5, 10]) == 1


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
    matches = align(sets(*gold), sets(*pred), scheme="partial")
    total = span_item_stats(sets(*gold), sets(*pred), scheme="partial", item_starts=[0], matches=matches).sum(0)
    assert categories(total, "partial")["ACT"] == len(pred)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_exact_ties_are_broken_by_the_spans_not_by_input_order(scheme):
    # Gold [0,10) overlaps [0,5) and [5,10) equally on every level: the canonical
    # order (by units) decides, so both input orders pick the same span.
    gold = sets((0, 10, "A"))
    for pred in (sets((5, 10, "A"), (0, 5, "A")), sets((0, 5, "A"), (5, 10, "A"))):
        (m,) = align(gold, pred, scheme=scheme)
        assert pred[m.pred].spans == (Span(0, 5),)
    # and the same for two golds competing for one prediction
    for golds in (sets((5, 10, "A"), (0, 5, "A")), sets((0, 5, "A"), (5, 10, "A"))):
        (m,) = align(golds, sets((0, 10, "A")), scheme=scheme)
        assert golds[m.gold].spans == (Span(0, 5),)


_MATCHES = st.lists(st.builds(
    lambda g, p, ov, gs, ps, bounds, labelled: Match(g, p, min(ov, gs, ps), gs, ps, bounds, labelled),
    st.integers(0, 6), st.integers(0, 6), st.integers(1, 400), st.integers(1, 400), st.integers(1, 400),
    st.booleans(), st.booleans()), max_size=12, unique_by=lambda m: (m.gold, m.pred))


@given(_MATCHES, st.sampled_from(SCHEMES))
def test_integer_weights_equal_the_fraction_definition(matches, scheme):
    """``_weights`` in integers equals the docstring's definition computed with Fractions.

    Definition: credit = sum(pair_credit) (Fractions), scaled by the lcm of
    the credits' denominators, then packed with overlap, bounds and label.
    """
    from benchmark.scoring.span_alignment import _weights, pair_credit

    bound, k = 1201, 8
    credits = {(m.gold, m.pred): sum(pair_credit(scheme, m)) for m in matches}
    scale = math.lcm(*(c.denominator for c in credits.values())) if credits else 1
    expected = {(m.gold, m.pred): ((int(credits[(m.gold, m.pred)] * scale) * bound + m.overlap) * k + m.bounds) * k
                + m.labelled for m in matches}
    assert _weights(list(matches), scheme, overlap_bound=bound, k=k) == expected


@given(_MATCHES, st.sampled_from(SCHEMES))
def test_float_credits_equal_the_fractions_as_floats(matches, scheme):
    from benchmark.scoring.spans import float_credit, pair_credit

    for m in matches:
        assert float_credit(scheme, m) == tuple(float(c) for c in pair_credit(scheme, m))

