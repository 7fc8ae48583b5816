"""Result records, signatures and the undefined-value policy."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.errors import UnknownNameError
from benchmark.scoring.result import (
    MetricResult, MetricSpec, TaskResult, UndefinedMetricWarning, family_builder, paired_item_stats, ratio,
    score_metric,
)
from benchmark.scoring.signature import Signature, metric_signature, package_version, parse_signature

ROWS = [
    {"doc_id": "d", "item": "q2", "stats": {"acc": {"correct": 0, "n": 1}}},
    {"doc_id": "d", "item": "q1", "stats": {"acc": {"correct": 1, "n": 1}}},
    {"doc_id": "d", "item": "q3", "stats": {"acc": {"correct": 1, "n": 1}}},
]
SPEC = MetricSpec("accuracy", "share correct", family_builder("acc", ("correct", "n"), ratio(0, 1)),
                  (("missing", "wrong"),))


def test_metric_result_to_json_turns_nan_into_null():
    r = MetricResult("m", float("nan"), float("nan"), None, "m|x:1", 3, details=(("confusion", ((1, 2), (3, 4))),))
    out = r.to_json()
    assert out["value"] is None and out["ci_low"] is None and out["ci_high"] is None
    assert out["details"] == {"confusion": [[1, 2], [3, 4]]}
    json.dumps(out, allow_nan=False)


def test_score_metric_value_ci_signature():
    r = score_metric(SPEC, ROWS, gold_sha256="ab" * 32, n_resamples=200, seed=5, confidence=0.9)
    assert r.value == pytest.approx(2 / 3) and r.n_items == 3
    assert r.ci_low <= r.value <= r.ci_high
    sig = parse_signature(r.signature)
    assert sig == {
        "metric": "accuracy", "missing": "wrong", "boot": "200", "conf": "0.9", "seed": "5",
        "gold": "abababababab", "benchmark": "0.1.0", "numpy": np.__version__,
    }


def test_rows_order_does_not_change_value_or_interval():
    a = score_metric(SPEC, ROWS, gold_sha256="0" * 64, n_resamples=300, seed=1)
    b = score_metric(SPEC, ROWS[::-1], gold_sha256="0" * 64, n_resamples=300, seed=1)
    assert a == b


def test_undefined_metric_is_null_and_warns():
    rows = [{"doc_id": "d", "item": "x", "stats": {"acc": {"correct": 0, "n": 0}}}]
    with pytest.warns(UndefinedMetricWarning, match="accuracy is undefined"):
        r = score_metric(SPEC, rows, gold_sha256="0" * 64, n_resamples=10, seed=1)
    assert (r.value, r.ci_low, r.ci_high) == (None, None, None)


def test_defined_metric_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score_metric(SPEC, ROWS, gold_sha256="0" * 64, n_resamples=10, seed=1)


def test_task_result_lookup_suggests_names():
    result = TaskResult("attribution", (MetricResult("attribution_accuracy", 1.0, 1.0, 1.0, "s", 1),), ())
    assert result.attempted and result.metric("attribution_accuracy").value == 1.0
    with pytest.raises(UnknownNameError, match="Did you mean 'attribution_accuracy'"):
        result.metric("attribution_acuracy")
    assert not TaskResult("stance", (), ()).attempted


def test_paired_item_stats_zero_fills_items_missing_on_one_side():
    a = SPEC.build(ROWS)
    b = SPEC.build(ROWS[:2] + [{"doc_id": "d", "item": "unaligned", "stats": {"acc": {"correct": 0, "n": 2}}}])
    sa, sb, keys = paired_item_stats(a, b)
    assert keys == ("d/q1", "d/q2", "d/q3", "d/unaligned")
    assert sa.tolist() == [[1, 1], [0, 1], [1, 1], [0, 0]]
    assert sb.tolist() == [[1, 1], [0, 1], [0, 0], [0, 2]]


def test_signature_lists_packages_and_keeps_sacrebleu_signature_whole():
    sacrebleu_sig = "chrF2++|nrefs:1|case:mixed|version:2.6.0"
    sig = metric_signature(
        "chrf++", fields=(("sacrebleu_sig", sacrebleu_sig),), n_resamples=1000, seed=12345,
        confidence=0.95, gold_sha256="f" * 64, packages=("numpy", "sklearn", "sacrebleu"))
    assert sig.startswith(r"chrf++|sacrebleu_sig:chrF2++\|nrefs:1\|case:mixed\|version:2.6.0|boot:1000|")
    parsed = parse_signature(sig)
    assert parsed["sacrebleu_sig"] == sacrebleu_sig
    assert parsed["sacrebleu"] == package_version("sacrebleu")
    assert parsed["sklearn"] == package_version("sklearn") != "none"
    assert parsed["gold"] == "ffffffffffff"


def test_quote_marks_field_round_trips():
    # The field that broke the old unescaped form: its value holds a "|".
    sig = metric_signature("quote_mark_preservation", fields=(("marks", '“”|""'), ("inside", "latin")),
                           n_resamples=10, seed=1, confidence=0.9, gold_sha256="0" * 64, packages=())
    assert parse_signature(sig)["marks"] == '“”|""' and parse_signature(sig)["inside"] == "latin"


TEXT = st.text(alphabet=st.sampled_from('ab:|[]\\“” '), max_size=8)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("ab|:[]\\"), min_size=1, max_size=6),
       st.lists(st.tuples(TEXT.filter(bool), TEXT), max_size=4, unique_by=lambda kv: kv[0]))
def test_any_signature_round_trips(metric, fields):
    sig = Signature(metric, tuple(fields))
    assert Signature.parse(sig.format()) == sig


def test_older_bracketed_signatures_still_parse():
    old = "chrf++|sacrebleu_sig:[chrF2++|nrefs:1|version:2.6.0]|scale:0-100|boot:1000"
    parsed = parse_signature(old)
    assert parsed["sacrebleu_sig"] == "[chrF2++|nrefs:1|version:2.6.0]" and parsed["scale"] == "0-100"


def test_duplicate_signature_keys_are_refused():
    with pytest.raises(ValueError, match="duplicate signature keys"):
        Signature("m", (("a", "1"), ("a", "2")))
