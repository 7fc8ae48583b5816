"""The scoring package's smaller contracts, pinned by hand: result records, metric specs, rows, signatures.

Metric specs are built by their factories inside each test (not taken from
the module-level tables), so what the factories do is exercised when the
test runs.  Expected values are counted by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmark.errors import ConfigError, InputError
from benchmark.gold.schema import Span
from benchmark.scoring.result import (
    MetricResult, TaskResult, UndefinedMetricWarning, count_details, family_builder, index_predictions, json_clean,
    paired_item_stats, ratio, safe_divide, score_metric,
)
from benchmark.scoring.signature import Signature, package_version, parse_signature
from benchmark.scoring.spans import span_metric_specs
from benchmark.scoring.stance import stance_rows
from benchmark.scoring.translation import (
    make_metric, stats_width, translation_rows, translation_specs,
)
from benchmark.scoring.units import Tokens, tokenize, units
from benchmark.submission.predictions import PredStance, PredTranslation
from test_tasks import make_document

SHA = "ab" * 32


# --------------------------------------------------------------- result records

def test_metric_result_json_has_every_field():
    r = MetricResult("m.x", 0.25, 0.125, 0.5, "m|a:1", 4, higher_is_better=False,
                     details=(("COR", 1), ("confusion", ((1, 2),))))
    assert r.to_json() == {"name": "m.x", "value": 0.25, "ci_low": 0.125, "ci_high": 0.5, "signature": "m|a:1",
                           "n_items": 4, "higher_is_better": False, "details": {"COR": 1, "confusion": [[1, 2]]}}
    assert TaskResult("t", (r,), ()).to_json() == {"task": "t", "metrics": [r.to_json()]}


def test_json_clean_and_safe_divide():
    assert json_clean({1: (np.float64(0.5), np.int64(2), float("nan"), np.array([1.0]))}) == {"1": [0.5, 2, None, [1.0]]}
    assert json_clean("x") == "x"
    out = safe_divide(np.array([1.0, 2.0, 0.0]), np.array([2.0, 0.0, 0.0]))
    assert out[0] == 0.5 and math.isnan(out[1]) and math.isnan(out[2])


def test_family_builder_reads_dict_and_list_families_sorted_by_item():
    rows = [{"doc_id": "d", "item": "b", "stats": {"f": {"x": 1, "y": 2}, "g": [3.0, 4.0]}},
            {"doc_id": "d", "item": "a", "stats": {"f": {"x": 5, "y": 6}, "g": [7.0, 8.0]}},
            {"doc_id": "d", "item": "c", "stats": {}}]
    dict_family = family_builder("f", ("y", "x"), ratio(0, 1), count_details)(rows)
    assert dict_family.keys == ("d/a", "d/b") and dict_family.stats.tolist() == [[6, 5], [2, 1]]
    assert dict_family.details(dict_family.stats.sum(0)) == (("correct", 8), ("total", 6))
    list_family = family_builder("g", None, ratio(0, 1))(rows)
    assert list_family.stats.tolist() == [[7.0, 8.0], [3.0, 4.0]]
    assert family_builder("g", None, ratio(0, 1))([]).stats.shape == (0, 0)
    assert ratio(0, 1)(np.array([[1.0, 4.0], [0.0, 0.0]]))[0] == 0.25


def test_a_family_read_by_unit_takes_every_row_of_the_unit_with_zeros_where_left_out():
    rows = [{"doc_id": "d", "item": "s2", "unit": "segment", "stats": {"f": {"x": 1, "y": 2}}},
            {"doc_id": "d", "item": "s1", "unit": "segment", "stats": {}},
            {"doc_id": "d", "item": "all", "unit": "document", "stats": {"f": {"x": 9, "y": 9}}}]
    built = family_builder("f", ("x", "y"), ratio(0, 1), unit="segment")(rows)
    # by hand: both segment rows are items (sorted by key), the one without "f" is zeros; the document row is not
    assert built.keys == ("d/s1", "d/s2") and built.stats.tolist() == [[0, 0], [1, 2]]
    with pytest.raises(ValueError):
        family_builder("f", None, ratio(0, 1), unit="segment")


def test_score_metric_details_and_signature_order():
    spec = span_metric_specs("x", "fam", "thing", schemes=("partial",), levels=("char",))[0]
    rows = [{"doc_id": "d", "item": "s1", "unit": "segment", "stats": {"fam.char.partial": {
        "pos": 2, "act": 2, "matched": 2, "cor": 1, "credit_p": 1.5, "credit_r": 1.5}}}]
    r = score_metric(spec, rows, gold_sha256=SHA, n_resamples=10, seed=3, confidence=0.9,
                     extra_fields=(("align", "exact"),), extra_packages=("rapidfuzz",))
    assert r.value == 0.75 and r.n_items == 1 and (r.ci_low, r.ci_high) == (None, None)
    assert dict(r.details) == {"COR": 1, "INC": 0, "PAR": 1, "MIS": 0, "SPU": 0, "POS": 2, "ACT": 2,
                               "ci": "undefined with fewer than 2 items"}
    sig = Signature.parse(r.signature)
    assert [k for k, _ in sig.fields] == ["scheme", "level", "norm", "align", "boot", "conf", "seed", "gold",
                                          "benchmark", "numpy", "rapidfuzz"]
    assert sig.metric == "x_f1" and sig.get("conf") == "0.9" and sig.get("boot") == "10"


def test_score_metric_counts_undefined_resamples():
    spec = span_metric_specs("x", "fam", "thing", schemes=("exact",), levels=("char",))[1]  # precision
    zero = {"pos": 1, "act": 0, "matched": 0, "cor": 0, "credit_p": 0.0, "credit_r": 0.0}
    one = {"pos": 1, "act": 1, "matched": 1, "cor": 1, "credit_p": 1.0, "credit_r": 1.0}
    rows = [{"doc_id": "d", "item": f"s{n}", "unit": "segment", "stats": {"fam.char.exact": s}} for n, s in enumerate([zero, one])]
    r = score_metric(spec, rows, gold_sha256=SHA, n_resamples=200, seed=1)
    undefined = dict(r.details)["undefined_resamples"]
    assert 0 < undefined < 200 and r.value == 1.0  # resamples of the first item alone have no prediction


def test_undefined_metric_warns_with_its_name():
    spec = span_metric_specs("x", "fam", "thing", schemes=("exact",), levels=("char",))[1]
    rows = [{"doc_id": "d", "item": "s", "unit": "segment", "stats": {"fam.char.exact": {
        "pos": 1, "act": 0, "matched": 0, "cor": 0, "credit_p": 0.0, "credit_r": 0.0}}}]
    with pytest.warns(UndefinedMetricWarning, match=r"x_precision.exact.char is undefined \(zero denominator over 1"):
        assert score_metric(spec, rows, gold_sha256=SHA, n_resamples=5, seed=1).value is None


def test_paired_item_stats_refuses_different_widths():
    a = family_builder("f", None, ratio(0, 1))([{"doc_id": "d", "item": "a", "stats": {"f": [1, 2]}}])
    b = family_builder("f", None, ratio(0, 1))([{"doc_id": "d", "item": "a", "stats": {"f": [1, 2, 3]}}])
    with pytest.raises(ValueError, match="statistics widths differ: 2 vs 3"):
        paired_item_stats(a, b)


def test_index_predictions_names_the_offending_item():
    known = {"q1", "q2"}
    assert index_predictions(["q2", "q1"], lambda x: x, "attribution", known) == {"q2": "q2", "q1": "q1"}
    with pytest.raises(InputError, match=r"attribution\[1\]: 'q9' is not a gold item of this document"):
        index_predictions(["q1", "q9"], lambda x: x, "attribution", known)
    with pytest.raises(InputError, match=r"attribution\[2\]: duplicate prediction for 'q1'"):
        index_predictions(["q1", "q2", "q1"], lambda x: x, "attribution", known)


def test_task_result_metric_lookup():
    r = MetricResult("a", 1.0, None, None, "a", 1)
    assert TaskResult("t", (MetricResult("b", 0.0, None, None, "b", 1), r), ()).metric("a") is r


# --------------------------------------------------------------- span metric specs

def test_span_metric_specs_names_families_fields_and_values():
    specs = span_metric_specs("quote_content", "content", "quote-content", schemes=("proportional",),
                              levels=("token",), extra=(("type", "direct"),))
    assert [s.name for s in specs] == ["quote_content_f1.proportional.token.direct",
                                       "quote_content_precision.proportional.token.direct",
                                       "quote_content_recall.proportional.token.direct"]
    assert specs[0].help == "quote-content f1 (proportional scheme, token level, direct)"
    assert specs[0].signature_fields == (("scheme", "proportional"), ("level", "token"), ("norm", "none"),
                                         ("type", "direct"))
    assert specs[0].packages == ("numpy",) and specs[0].base == "quote_content_f1"
    # P = 1.5/2, R = 1.0/4, F = 2·0.75·0.25/1.0 = 0.375
    rows = [{"doc_id": "d", "item": "s", "unit": "segment", "stats": {"content.token.proportional.direct": {
        "pos": 4, "act": 2, "matched": 2, "cor": 0, "credit_p": 1.5, "credit_r": 1.0}}}]
    values = [float(s.build(rows).aggregate(s.build(rows).stats.sum(0)[None])[0]) for s in specs]
    assert values == [0.375, 0.75, 0.25]
    details = specs[0].build(rows).details(specs[0].build(rows).stats.sum(0))
    assert dict(details) == {"COR": 0, "INC": 0, "PAR": 2, "MIS": 2, "SPU": 0, "POS": 4, "ACT": 2}
    with pytest.raises(ConfigError, match="unknown scheme 'fuzzy'"):
        span_metric_specs("x", "f", "x", schemes=("fuzzy",))
    two = span_metric_specs("c", "c", "c", schemes=("exact",), levels=("char",), extra=(("a", "1"), ("b", "2")))
    assert two[0].name == "c_f1.exact.char.1.2" and two[0].help == "c f1 (exact scheme, char level, 1, 2)"


# --------------------------------------------------------------- stance rows

def test_stance_rows_and_their_errors():
    doc = make_document()
    rows = stance_rows(doc, [PredStance("q3", "biden_policy", "FAVOR")])
    assert rows[5] == {"unit": "stance_item", "item": "st6", "quote": "q3", "target": "biden_policy",
                       "gold": "AGAINST", "pred": "FAVOR", "stats": {"stance": {"gold": 1, "pred": 0,
                                                                                  "target": "biden_policy"}}}
    assert rows[0]["pred"] is None and rows[0]["stats"]["stance"]["pred"] == 3  # MISSING column
    with pytest.raises(InputError, match=r"stance\[0\]: \('q1', 'mars'\) is not a gold item"):
        stance_rows(doc, [PredStance("q1", "mars", "FAVOR")])
    with pytest.raises(InputError, match=r"stance\[q1,riyadh_talks\]\.label: unknown stance label 'PRO'"):
        stance_rows(doc, [PredStance("q1", "riyadh_talks", "PRO")])
    import dataclasses

    bad_gold = dataclasses.replace(doc, stances=(dataclasses.replace(doc.stances[0], label="PRO"),))
    with pytest.raises(InputError, match=r"^stances\[st1\]\.label: unknown stance label 'PRO'"):
        stance_rows(bad_gold, [])


# --------------------------------------------------------------- translation rows and specs

def test_translation_rows_record_sacrebleu_signatures_and_refuse_duplicates():
    doc = make_document()
    preds = [PredTranslation(s.id, s.translation_en) for s in doc.segments]
    preds.append(PredTranslation(None, doc.quotes[0].translation_en, quote_id="q1"))
    rows = translation_rows(doc, preds)
    assert [r["item"] for r in rows] == ["s1", "s2", "s3", "s4", "s5", "q1", "q2", "q3", "q4", "q5"]
    sig = rows[0]["sacrebleu"]["chrf++"]
    assert sig.startswith("chrF2++|nrefs:1|") and rows[0]["sacrebleu"]["ter"].startswith("TER|nrefs:1|")
    # the signatures are recorded once per document and unit (the first row), not repeated on every row
    assert [r["item"] for r in rows if "sacrebleu" in r] == ["s1", "q1"]
    assert rows[5]["sacrebleu"]["quote_chrf++"].startswith("chrF2++|nrefs:1|") and rows[5]["unit"] == "quote"
    # s1: the named mention «لافروف» (lavrov) and the reference says "Lavrov"; a mixed quote, marks kept.
    assert rows[0]["stats"]["entity_names"] == {"correct": 1, "total": 1}
    assert rows[0]["stats"]["quote_marks"] == {"correct": 1, "total": 1}
    assert rows[1]["stats"]["quote_marks"] == {"correct": 0, "total": 0}  # s2: indirect only
    with pytest.raises(InputError, match=r"translations\[1\]: duplicate prediction for 's1'"):
        translation_rows(doc, [preds[0], preds[0]])
    with pytest.raises(InputError, match=r"translations\[0\]: 'q9' is not a gold item"):
        translation_rows(doc, [PredTranslation(None, "x", quote_id="q9")])


def test_translation_specs_copy_the_recorded_signature_whole():
    doc = make_document()
    rows = [{**r, "doc_id": "d"} for r in translation_rows(doc, [PredTranslation("s1", "x")])]
    specs = {s.name: s for s in translation_specs()}
    assert list(specs) == ["chrf++", "chrf", "bleu", "ter", "quote_chrf++", "speaker_name_accuracy",
                           "quote_mark_preservation"]
    assert (specs["ter"].higher_is_better, specs["bleu"].higher_is_better, specs["quote_chrf++"].optional) == (
        False, True, True)
    quote_rows = [{**r, "doc_id": "d"} for r in translation_rows(
        doc, [PredTranslation(None, "y", quote_id="q2")]) if r["unit"] == "quote"]
    rows_all = rows + quote_rows + [{"doc_id": "d", "item": "no-stats"}]  # quote rows record only quote_chrf++
    assert specs["chrf++"].row_fields(rows_all) == specs["chrf++"].row_fields(rows)
    fields = specs["chrf++"].row_fields(rows)
    assert fields == (("sacrebleu_sig", rows[0]["sacrebleu"]["chrf++"]), ("scale", "0-100"))
    assert specs["chrf++"].row_fields([]) == (("sacrebleu_sig", "none"), ("scale", "0-100"))
    r = score_metric(specs["chrf++"], rows, gold_sha256=SHA, n_resamples=10, seed=1)
    assert parse_signature(r.signature)["sacrebleu_sig"] == rows[0]["sacrebleu"]["chrf++"]
    # a second document scored with another setting (two references): its first row records another signature
    other = [*rows, dict(rows[0], doc_id="e", sacrebleu={**rows[0]["sacrebleu"], "chrf++": "chrF2++|nrefs:2"})]
    with pytest.raises(InputError) as info:
        specs["chrf++"].row_fields(other)
    assert str(info.value).startswith("sacrebleu: rows record 2 different sacrebleu signatures for chrf++: ")
    marks = parse_signature(score_metric(specs["quote_mark_preservation"], rows, gold_sha256=SHA, n_resamples=5,
                                         seed=1).signature)
    assert marks["marks"] == '“”|""'


def test_metric_objects_and_widths():
    assert make_metric("chrf++").word_order == 2 and make_metric("chrf").word_order == 0
    assert type(make_metric("bleu")).__name__ == "BLEU" and type(make_metric("ter")).__name__ == "TER"
    with pytest.raises(ConfigError, match="unknown translation metric 'meteor'"):
        make_metric("meteor")
    # chrF++: 6 character + 2 word orders, 3 statistics each; BLEU: lengths + 4 + 4 n-gram counts; TER: 2
    assert (stats_width("chrf++"), stats_width("chrf"), stats_width("bleu"), stats_width("ter")) == (24, 18, 10, 2)


# --------------------------------------------------------------- signatures

def test_signature_accessors_and_escaped_names():
    sig = Signature("a|b", (("k:1", "v"), ("k2", "[x]")))
    assert sig.format() == r"a\|b|k\:1:v|k2:\[x\]"
    assert Signature.parse(sig.format()) == sig
    assert sig.as_dict() == {"metric": "a|b", "k:1": "v", "k2": "[x]"}
    assert (sig.get("k2"), sig.get("nope"), sig.get("nope", "d")) == ("[x]", None, "d")
    assert package_version("no-such-distribution-xyz") == "none"
    assert Signature.parse("m|flag").fields == (("flag", ""),)  # a key without a value
    assert Signature.parse("m\\").metric == "m\\"  # a trailing backslash stays literal


# --------------------------------------------------------------- units

def test_token_cover_edges():
    tokens = tokenize("ab cd")  # [0,2) [3,5)
    assert tokens == Tokens((0, 3), (2, 5))
    assert tokens.cover(0, 5) == (0, 2) and tokens.cover(2, 3) == (1, 1)  # only the space: no token
    assert units((Span(2, 3),), level="token", tokens=tokens) == ()
    assert units((Span(0, 1), Span(4, 5)), level="token", tokens=tokens) == ((0, 2),)  # adjacent tokens merge
    assert units((Span(0, 2), Span(1, 3), Span(7, 9))) == ((0, 3), (7, 9))


def test_translation_signatures_name_the_packages_that_computed_them():
    doc = make_document()
    rows = [{**r, "doc_id": "d"} for r in translation_rows(doc, [PredTranslation("s1", "x")])]
    specs = {s.name: s for s in translation_specs()}
    for name in ("chrf++", "chrf", "bleu", "ter"):
        sig = parse_signature(score_metric(specs[name], rows, gold_sha256=SHA, n_resamples=5, seed=1).signature)
        assert sig["metric"] == name and sig["scale"] == "0-100"
        assert (sig["numpy"], sig["sacrebleu"]) == (package_version("numpy"), package_version("sacrebleu"))
        assert sig["sacrebleu_sig"] == rows[0]["sacrebleu"][name]
    names = parse_signature(score_metric(specs["speaker_name_accuracy"], rows, gold_sha256=SHA, n_resamples=5,
                                         seed=1).signature)
    assert (names["match"], names["mentions"]) == ("casefold_substring", "named") and "sacrebleu" not in names
    quote_rows = [{**r, "doc_id": "d"} for r in translation_rows(
        doc, [PredTranslation(None, doc.quotes[0].translation_en, quote_id="q1")])]
    quote = parse_signature(score_metric(specs["quote_chrf++"], quote_rows, gold_sha256=SHA, n_resamples=5,
                                         seed=1).signature)
    assert (quote["ref"], quote["hyp"], quote["sacrebleu_sig"]) == (
        "quote.translation_en", "quote_translations",
        next(r for r in quote_rows if r["unit"] == "quote")["sacrebleu"]["quote_chrf++"])


def test_translation_values_use_their_own_family():
    doc = make_document()
    preds = [PredTranslation(s.id, s.translation_en) for s in doc.segments]
    rows = [{**r, "doc_id": "d"} for r in translation_rows(doc, preds)]
    values = {s.name: score_metric(s, rows, gold_sha256=SHA, n_resamples=5, seed=1).value
              for s in translation_specs() if not s.optional}
    # References as hypotheses: chrF and chrF++ 100, TER 0, BLEU 100 up to exp/log rounding.
    assert (values["chrf++"], values["chrf"], values["ter"]) == (100.0, 100.0, 0.0)
    assert values["bleu"] == pytest.approx(100.0)
    # names: s1 lavrov, s2 lavrov, s3 ushakov, s4 us + russia, s5 bruce — all in the references
    assert values["speaker_name_accuracy"] == 1.0 and values["quote_mark_preservation"] == 1.0


def test_translation_rows_count_names_and_quotes_inside_their_own_segment():
    from benchmark.gold.schema import Document, Entity, Mention, Quote, Segment

    # Two segments; each starts with a named mention and holds a direct quote that starts it.
    text = "لافروف “نعم” قال.\nروبيو “لا” قال."
    s2 = text.index("روبيو")
    segs = (Segment("s1", Span(0, s2 - 1, text[:s2 - 1]), "body", 0, "Lavrov “yes” said."),
            Segment("s2", Span(s2, len(text), text[s2:]), "body", 1, "Rubio “no” said."))
    doc = Document("d", text, "", (), (Entity("lavrov", "PER", "لافروف", "Lavrov"),
                                       Entity("rubio", "PER", "روبيو", "Rubio")),
                   (Mention("m1", "lavrov", Span(0, 6, "لافروف"), "named"),
                    Mention("m2", "rubio", Span(s2, s2 + 5, "روبيو"), "named")),
                   (Quote("q1", (Span(8, 11, "نعم"),), None, None, "lavrov", "direct", None, "yes"),
                    Quote("q2", (Span(s2 + 7, s2 + 9, "لا"),), None, None, "rubio", "direct", None, "no")),
                   (), segs)
    rows = translation_rows(doc, [PredTranslation("s1", "Lavrov said “yes”."), PredTranslation("s2", "Rubio")])
    assert [r["unit"] for r in rows] == ["segment", "segment"]
    # each segment holds exactly one named entity and one direct quote
    assert [r["stats"]["entity_names"] for r in rows] == [{"correct": 1, "total": 1}, {"correct": 1, "total": 1}]
    assert [r["stats"]["quote_marks"] for r in rows] == [{"correct": 1, "total": 1}, {"correct": 0, "total": 1}]
    # a quote left untranslated is scored as an empty hypothesis
    rows = translation_rows(doc, [PredTranslation(None, "yes", quote_id="q1")])
    from benchmark.scoring.translation import segment_statistics

    empty, _ = segment_statistics("chrf++", hypotheses=[""], references=[("no",)])
    assert rows[-1]["item"] == "q2" and rows[-1]["stats"]["quote_chrf++"] == empty[0].tolist()


def test_task_result_lookup_names_the_task():
    from benchmark.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="Unknown stance metric 'f'"):
        TaskResult("stance", (MetricResult("f1", 1.0, None, None, "s", 1),), ()).metric("f")


def test_counts_are_written_as_integers_and_sacrebleu_statistics_as_floats():
    from benchmark.scoring.stance import stance_specs

    rows = [{"doc_id": "d", "item": "i", "stats": {"stance": {"gold": 0, "pred": 0, "target": "t"}}}]
    items = stance_specs()[0].build(rows)
    confusion = dict(items.details(items.stats.sum(0)))["confusion"]
    assert all(type(x) is int for row in confusion for x in row)  # JSON 1, not 1.0
    doc = make_document()
    row = translation_rows(doc, [PredTranslation("s1", "Lavrov")])[0]
    assert all(type(x) is float for x in row["stats"]["bleu"])  # one numeric type per statistic
