"""Contract tests over every registered task and metric, on a synthetic document."""

from __future__ import annotations

import dataclasses
import json
import warnings

import pytest

from benchmark.errors import InputError
from benchmark.submission.predictions import (
    DocPrediction, PredAttribution, PredMention, PredQuote, PredStance, PredTranslation,
)
from benchmark.gold.schema import Document, Entity, Mention, Quote, Segment, Span, Stance
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.scoring.signature import parse_signature
from benchmark.scoring.translation import corpus_score
from benchmark.tasks.definitions import resolve_entity
from benchmark.harness.rundir import gzip_jsonl, iter_jsonl, jsonl_bytes
from benchmark.tasks.registry import TASKS, evaluate_task, metric_from_per_item, paired_test

SHA = "c0ffee" * 10 + "abcd"
SEGMENTS = [
    ("s1", "headline", "وصف لافروف الاجتماع بأنه “مفيد”", "Lavrov described the meeting as “useful”"),
    ("s2", "body", "قال لافروف إن المحادثات كانت مفيدة جدا.", "Lavrov said that the talks were very useful."),
    ("s3", "body", "“يجب على الأمريكيين تعيين ممثليهم”، قال أوشاكوف.",
     "“The Americans must appoint their representatives,” Ushakov said."),
    ("s4", "body", "وأضاف أن الولايات المتحدة بدأت تفهم موقف روسيا.",
     "He added that the United States had begun to understand Russia's position."),
    ("s5", "body", "وذكرت بروس أن واشنطن تريد السلام.", "Bruce said that Washington wants peace."),
]


def make_document(doc_id: str = "d1") -> Document:
    """A five-segment article with every gold layer, offsets computed from the text."""
    text = SEGMENTS[0][2] + "\n\n" + " ".join(s[2] for s in SEGMENTS[1:])
    starts, pos = {}, 0
    for sid, _, ar, _ in SEGMENTS:
        starts[sid] = pos = text.index(ar, pos)
    seg_text = {sid: ar for sid, _, ar, _ in SEGMENTS}

    def span(sid, sub):
        i = starts[sid] + seg_text[sid].index(sub)
        return Span(i, i + len(sub), sub)

    segments = tuple(Segment(sid, span(sid, ar), kind, n, en) for n, (sid, kind, ar, en) in enumerate(SEGMENTS))
    entities = (
        Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov", ("Lavrov",)),
        Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov", ("Ushakov",)),
        Entity("bruce", "PER", "تامي بروس", "Tammy Bruce", ("Bruce",)),
        Entity("us", "GPE", "الولايات المتحدة", "United States", ("US", "Washington")),
        Entity("russia", "GPE", "روسيا", "Russia"),
    )
    mentions = (
        Mention("m1", "lavrov", span("s1", "لافروف"), "named"),
        Mention("m2", "lavrov", span("s2", "لافروف"), "named"),
        Mention("m3", "ushakov", span("s3", "أوشاكوف"), "named"),
        Mention("m4", "us", span("s4", "الولايات المتحدة"), "named"),
        Mention("m5", "russia", span("s4", "روسيا"), "named"),
        Mention("m6", "bruce", span("s5", "بروس"), "named"),
        Mention("m7", "us", span("s5", "واشنطن"), "metonymic"),
    )
    quotes = (
        Quote("q1", (span("s1", "الاجتماع"), span("s1", "مفيد")), span("s1", "وصف"), mentions[0].span,
              "lavrov", "mixed", None, "the meeting ... useful"),
        Quote("q2", (span("s2", "المحادثات كانت مفيدة جدا"),), span("s2", "قال"), mentions[1].span,
              "lavrov", "indirect", None, "the talks were very useful"),
        Quote("q3", (span("s3", "يجب على الأمريكيين تعيين ممثليهم"),), span("s3", "قال"), mentions[2].span,
              "ushakov", "direct", None, "The Americans must appoint their representatives"),
        Quote("q4", (span("s4", "الولايات المتحدة بدأت تفهم موقف روسيا"),), span("s4", "أضاف"), None,
              "ushakov", "indirect", None, "the United States had begun to understand Russia's position"),
        Quote("q5", (span("s5", "واشنطن تريد السلام"),), span("s5", "ذكرت"), mentions[5].span,
              "bruce", "indirect", None, "Washington wants peace"),
    )
    stances = (
        Stance("st1", "q1", "lavrov", "riyadh_talks", "FAVOR"),
        Stance("st2", "q2", "lavrov", "riyadh_talks", "FAVOR"),
        Stance("st3", "q3", "ushakov", "diplomatic_missions", "FAVOR"),
        Stance("st4", "q4", "ushakov", "relations_normalisation", "FAVOR"),
        Stance("st5", "q5", "bruce", "ukraine_settlement", "NONE"),
        Stance("st6", "q3", "ushakov", "biden_policy", "AGAINST"),
    )
    return Document(doc_id, text, "0" * 64, (), entities, mentions, quotes, stances, segments)


def perfect(doc: Document) -> DocPrediction:
    """The gold itself as a prediction (references as translations)."""
    return DocPrediction(
        doc.doc_id,
        speakers=tuple(PredMention(m.span, m.entity) for m in doc.mentions if m.entity in set(doc.speaker_ids)),
        quotes=tuple(PredQuote(q.content, q.cue, q.source, q.speaker, q.speaker, q.type) for q in doc.quotes),
        attribution=tuple(PredAttribution(q.id, q.speaker) for q in doc.quotes),
        stance=tuple(PredStance(s.quote, s.target, s.label) for s in doc.stances),
        translations=tuple(PredTranslation(s.id, s.translation_en) for s in doc.segments)
        + tuple(PredTranslation(None, q.translation_en, quote_id=q.id) for q in doc.quotes),
    )


def noisy(doc: Document) -> DocPrediction:
    """Some right, some wrong, some missing, some spurious, in every layer."""
    q = doc.quotes
    shifted = Span(q[1].content[0].start + 4, q[1].content[0].end)
    return DocPrediction(
        doc.doc_id,
        speakers=(PredMention(q[0].source), PredMention(q[2].source, "cluster7"), PredMention(Span(5, 9))),
        quotes=(
            PredQuote(q[0].content, q[0].cue, speaker="lavrov", type="mixed"),
            PredQuote((shifted,), speaker="ushakov", type="direct"),
            PredQuote(q[2].content, q[2].cue, speaker="ushakov"),
            PredQuote((Span(q[4].content[0].start, q[4].content[0].end + 1),), speaker="bruce", type="indirect"),
            PredQuote(()),  # unaligned text: spurious
        ),
        attribution=(PredAttribution("q1", "lavrov"), PredAttribution("q2", "ushakov"), PredAttribution("q5", "bruce")),
        stance=(PredStance("q1", "riyadh_talks", "FAVOR"), PredStance("q3", "biden_policy", "FAVOR"),
                PredStance("q5", "ukraine_settlement", "NONE"), PredStance("q3", "diplomatic_missions", "AGAINST")),
        translations=(PredTranslation("s1", "Lavrov called the meeting useful"),
                      PredTranslation("s2", "Lavrov said the talks were useful."),
                      PredTranslation("s4", "He added the United States begins to understand Russia.")),
    )


def run(task: str, pred: DocPrediction, doc: Document | None = None, n_resamples: int = 200, **kw):
    return TASKS.get(task).evaluate(gold=doc or make_document(), pred=pred, gold_sha256=SHA,
                                    n_resamples=n_resamples, seed=7, **kw)


def perfect_value(name: str, higher_is_better: bool) -> float:
    if not higher_is_better:
        return 0.0
    return 100.0 if name in ("chrf++", "chrf", "bleu", "quote_chrf++") else 1.0


# ------------------------------------------------------------ registry

def test_every_task_is_registered_with_help_and_unique_metric_names():
    assert TASKS.names() == ["speakers", "quotes", "attribution", "end2end", "stance", "translation"]
    for name in TASKS:
        task = TASKS.get(name)
        assert TASKS.help(name) and "\n" not in TASKS.help(name)
        names = [s.name for s in task.specs]
        assert len(names) == len(set(names)) and all(s.help for s in task.specs)


# ------------------------------------------------------------ contract: gold against itself

@pytest.mark.parametrize("task", TASKS.names())
def test_gold_against_itself_scores_perfectly(task):
    doc = make_document()
    result = run(task, perfect(doc))
    assert result.metrics
    for m in result.metrics:
        ceiling = dict(m.details).get("ceiling")
        if ceiling is not None and ceiling < 1:
            # An official stance metric that scores a class absent from a
            # target's gold as 0 (see benchmark.scoring.stance): the gold gets
            # its ceiling, and resamples vary with the classes they draw.
            assert m.value == ceiling and m.ci_low <= m.value <= m.ci_high, m.name
            continue
        assert m.value == pytest.approx(perfect_value(m.name, m.higher_is_better)), m.name
        if m.n_items < 2:  # no interval from a single item
            assert (m.ci_low, m.ci_high) == (None, None) and dict(m.details)["ci"].startswith("undefined"), m.name
        elif m.name != "stance_f_avg":
            assert (m.ci_low, m.ci_high) == pytest.approx((m.value, m.value)), m.name
        else:  # resamples without the one AGAINST item score (1 + 0)/2, officially
            assert (m.ci_low, m.ci_high) == (0.5, 1.0)


@pytest.mark.parametrize("task", TASKS.names())
def test_every_metric_carries_signature_with_gold_and_settings(task):
    for m in run(task, perfect(make_document()), n_resamples=50).metrics:
        sig = parse_signature(m.signature)
        assert sig["gold"] == SHA[:12] and sig["boot"] == "50" and sig["seed"] == "7" and sig["benchmark"] == "0.1.0"
        assert m.name.startswith(sig["metric"])


# ------------------------------------------------------------ contract: permutation

def _reversed_document(doc: Document) -> Document:
    return dataclasses.replace(
        doc, entities=doc.entities[::-1], mentions=doc.mentions[::-1], quotes=doc.quotes[::-1],
        stances=doc.stances[::-1], segments=doc.segments[::-1])


def _reversed_prediction(pred: DocPrediction) -> DocPrediction:
    fields = ("speakers", "quotes", "attribution", "stance", "translations")
    return dataclasses.replace(pred, **{f: getattr(pred, f)[::-1] for f in fields})


@pytest.mark.parametrize("task", TASKS.names())
def test_permuting_items_leaves_scores_unchanged(task):
    doc = make_document()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        a = run(task, noisy(doc), doc)
        b = run(task, _reversed_prediction(noisy(doc)), _reversed_document(doc))
    assert a.metrics == b.metrics
    assert any(m.value not in (None, 0.0, 1.0, 100.0) for m in a.metrics)  # a non-trivial comparison


def test_quote_chrf_is_left_out_when_only_segments_are_translated():
    doc = make_document()
    segments_only = dataclasses.replace(
        perfect(doc), translations=tuple(t for t in perfect(doc).translations if t.quote_id is None))
    names = {m.name for m in run("translation", segments_only).metrics}
    assert "quote_chrf++" not in names and "chrf++" in names
    one_quote = dataclasses.replace(
        segments_only, translations=segments_only.translations + (PredTranslation(None, doc.quotes[0].translation_en, quote_id=doc.quotes[0].id),))
    m = run("translation", one_quote).metric("quote_chrf++")
    assert m.n_items == len(doc.quotes) and 0 < m.value < 100  # the other quotes count as empty hypotheses


# ------------------------------------------------------------ contract: empty and not attempted

EMPTY_POLICY = {
    "speakers": {"speaker_mention_f1.partial.char": 0.0, "speaker_mention_recall.partial.char": 0.0,
                 "speaker_mention_precision.partial.char": None, "speaker_entity_recall": 0.0,
                 "speaker_entity_precision": None},
    "quotes": {"quote_content_f1.proportional.char": 0.0, "quote_content_recall.strict.token": 0.0,
               "quote_content_precision.proportional.char": None, "quote_cue_recall.exact.char": 0.0,
               "quote_type_accuracy": None},
    "attribution": {"attribution_accuracy": 0.0},
    "end2end": {"e2e_attribution_f1.type.char": 0.0, "e2e_attribution_recall.type.char": 0.0,
                "e2e_attribution_precision.type.char": None},
    "stance": {"stance_f_avg": 0.0, "stance_f_avg_per_target": 0.0, "stance_macro_f1": 0.0, "stance_accuracy": 0.0},
    "translation": {"chrf++": 0.0, "bleu": 0.0, "ter": 100.0, "speaker_name_accuracy": 0.0,
                    "quote_mark_preservation": 0.0},
}


@pytest.mark.parametrize("task", TASKS.names())
def test_empty_predictions_give_zero_recall_and_null_precision(task):
    field = TASKS.get(task).field
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run(task, DocPrediction("d1", **{field: ()}))
    values = {m.name: m.value for m in result.metrics}
    assert {k: values[k] for k in EMPTY_POLICY[task]} == EMPTY_POLICY[task]
    undefined = sorted(m.name for m in result.metrics if m.value is None)
    warned = sorted(n for n in undefined if any(n in str(w.message) for w in caught))
    assert warned == undefined


@pytest.mark.parametrize("task", TASKS.names())
def test_not_attempted_gives_no_metrics(task):
    result = run(task, DocPrediction("d1"))
    assert (result.metrics, result.per_item, result.attempted) == ((), (), False)


def test_doc_id_mismatch_raises():
    with pytest.raises(InputError, match="prediction for 'd2' scored against gold 'd1'"):
        run("quotes", DocPrediction("d2", quotes=()))


# ------------------------------------------------------------ per-item rows

@pytest.mark.parametrize("task", TASKS.names())
def test_metrics_rebuilt_from_rows_read_back_from_disk_are_identical(task, tmp_path):
    result = run(task, noisy(make_document()))
    path = tmp_path / "per_item.jsonl.gz"  # written and read back as a run folder holds them
    path.write_bytes(gzip_jsonl([jsonl_bytes(result.per_item)]))
    rows = list(iter_jsonl(path))
    again = TASKS.get(task).score_rows(rows, gold_sha256=SHA, n_resamples=200, seed=7)
    assert again.metrics == result.metrics
    for spec in TASKS.get(task).specs:
        fresh = metric_from_per_item(task, spec.name, result.per_item)
        loaded = metric_from_per_item(task, spec.name, rows)
        assert fresh.keys == loaded.keys and (fresh.stats == loaded.stats).all()


def test_rows_name_their_item_and_task():
    rows = run("quotes", noisy(make_document())).per_item
    assert [r["item"] for r in rows] == ["s1", "s2", "s3", "s4", "s5", "unaligned"]
    assert all(r["task"] == "quotes" and r["doc_id"] == "d1" and r["unit"] == "segment" for r in rows)
    for scheme in ("strict", "exact", "partial", "proportional"):
        assert rows[-1]["stats"][f"content.char.{scheme}"]["act"] == 1  # the unaligned prediction
    # each row lists its own pairs, under the same keys as the statistics; q1's
    # content is «الاجتماع» (8 characters) + «مفيد» (4), predicted exactly
    # (written once per row: the exact scheme found the strict scheme's pairs, so it names them)
    assert rows[0]["alignment"]["content.char.strict"] == [{"gold": "q1", "pred": 0, "overlap": 12, "same": True}]
    assert rows[0]["alignment"]["content.char.exact"] == "=content.char.strict"
    from benchmark.report.analysis import alignments_from_rows

    assert alignments_from_rows(rows)[("d1", "content.char.exact")][0] == ("q1", 0, True)
    assert "content.char.exact" not in rows[-1]["alignment"]  # no pair in the unaligned item: left out


def test_paired_test_between_runs():
    doc = make_document()
    good = run("attribution", perfect(doc)).per_item
    bad = run("attribution", noisy(doc)).per_item
    r = paired_test("attribution", "attribution_accuracy", rows_a=bad, rows_b=good, method="bs", n_samples=500)
    assert (r.score_a, r.score_b) == (0.4, 1.0)
    assert 0 < r.p_value <= 1
    same = paired_test("attribution", "attribution_accuracy", rows_a=good, rows_b=good, method="ar", n_samples=100)
    assert same.p_value == 1.0


# ------------------------------------------------------------ several documents

def test_several_documents_pool_items():
    docs = [make_document("d1"), make_document("d2")]
    pairs = [(docs[0], perfect(docs[0])), (docs[1], noisy(docs[1]))]
    result = TASKS.get("attribution").evaluate_corpus(pairs=pairs, gold_sha256=SHA, n_resamples=100, seed=1)
    m = result.metric("attribution_accuracy")
    assert (m.value, m.n_items) == (0.7, 10)


@pytest.mark.parametrize("missing", [DocPrediction("d2"), None], ids=["field None", "no prediction"])
def test_a_document_without_predictions_among_attempted_ones_counts_as_empty(missing):
    docs = [make_document("d1"), make_document("d2")]
    pairs = [(docs[0], perfect(docs[0])), (docs[1], missing)]
    result = TASKS.get("attribution").evaluate_corpus(pairs=pairs, gold_sha256=SHA, n_resamples=100, seed=1)
    assert result.metric("attribution_accuracy").value == 0.5


def test_evaluate_task_returns_none_when_not_attempted():
    doc = make_document()
    assert evaluate_task("stance", [(doc, DocPrediction("d1")), (doc, None)], gold_sha256=SHA,
                         n_resamples=10, seed=1) is None
    result = evaluate_task("stance", [(doc, perfect(doc))], gold_sha256=SHA, n_resamples=10, seed=1)
    assert result.metric("stance_f_avg").value == 1.0
    assert [s.name for s in TASKS.get("stance").metrics] == [m.name for m in result.metrics]


# ------------------------------------------------------------ task-specific behaviour

def _values(task, pred):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return {m.name: m.value for m in run(task, pred, n_resamples=20).metrics}


def test_speaker_entities_are_resolved_from_ids_or_overlapping_mentions():
    doc = make_document()
    assert resolve_entity(doc, PredMention(doc.mentions[0].span)) == "lavrov"
    assert resolve_entity(doc, PredMention(None, "bruce")) == "bruce"
    assert resolve_entity(doc, PredMention(Span(5, 9), "cluster7")) == "lavrov"
    assert resolve_entity(doc, PredMention(Span(0, 3))) is None
    v = _values("speakers", noisy(doc))
    # resolved {lavrov, ushakov}: TP 2, FP 0, FN 1 (bruce)
    assert (v["speaker_entity_precision"], v["speaker_entity_recall"]) == (1.0, pytest.approx(2 / 3))
    # mentions: 2 of 3 predictions are gold sources (of 4 gold source spans)
    assert (v["speaker_mention_precision.exact.char"], v["speaker_mention_recall.exact.char"]) == (
        pytest.approx(2 / 3), 0.5)


def test_quote_scores_on_noisy_prediction():
    doc = make_document()
    v = _values("quotes", noisy(doc))
    q2 = doc.quotes[1].content[0]
    # 5 gold, 5 predicted (one unaligned); 4 matched; exact: q1, q3; q2 shifted; q5 one char too long
    assert v["quote_content_precision.exact.char"] == 2 / 5 and v["quote_content_recall.exact.char"] == 2 / 5
    prop_r = (1 + (len(q2) - 4) / len(q2) + 1 + 1) / 5
    assert v["quote_content_recall.proportional.char"] == pytest.approx(prop_r)
    # token level: the 4-character shift stays inside q2's first word and the
    # extra full stop inside q5's last token, so both are token-exact
    assert v["quote_content_recall.exact.token"] == 4 / 5
    # strict needs the type too: q3's prediction has none
    assert v["quote_content_recall.strict.char"] == 1 / 5
    assert v["quote_type_accuracy"] == 2 / 4
    assert v["quote_content_recall.exact.char.direct"] == 1.0
    assert v["quote_content_precision.exact.char.indirect"] == 0.0  # q2 (indirect) matched by a shifted span
    assert v["quote_cue_f1.exact.char"] == pytest.approx(2 * 2 / (2 + 5))


def test_quote_type_confusion_counts_matched_pairs():
    result = run("quotes", noisy(make_document()), n_resamples=10)
    details = dict(result.metric("quote_type_accuracy").details)
    # rows gold direct/indirect/mixed; columns predicted direct/indirect/mixed/none
    assert details["confusion"] == [[0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 0]]


def test_end2end_needs_overlap_and_the_same_speaker():
    v = _values("end2end", noisy(make_document()))
    # TPs: q1 (lavrov), q3 (ushakov), q5 (bruce); q2 overlapped but speaker wrong
    assert (v["e2e_attribution_precision.type.char"], v["e2e_attribution_recall.type.char"]) == (3 / 5, 3 / 5)


def test_attribution_missing_is_wrong_and_bad_ids_raise():
    assert _values("attribution", noisy(make_document()))["attribution_accuracy"] == 0.4
    with pytest.raises(InputError, match=r"attribution\[1\]: duplicate prediction for 'q1'"):
        run("attribution", DocPrediction("d1", attribution=(PredAttribution("q1", "x"), PredAttribution("q1", "y"))))
    with pytest.raises(InputError, match=r"attribution\[0\]: 'q9' is not a gold item"):
        run("attribution", DocPrediction("d1", attribution=(PredAttribution("q9", "x"),)))


def test_stance_on_noisy_prediction():
    result = run("stance", noisy(make_document()), n_resamples=10)
    details = dict(result.metric("stance_f_avg").details)
    # FAVOR items: st1 right, st3 predicted AGAINST, st2 and st4 missing
    assert details["confusion"] == [[1, 1, 0, 2], [1, 0, 0, 0], [0, 0, 1, 0]]
    f_favor = 2 * 1 / (2 + 4)  # TP 1, predicted 2, gold 4
    assert result.metric("stance_f_avg").value == pytest.approx((f_favor + 0.0) / 2)


def test_translation_missing_segment_is_an_empty_hypothesis():
    doc = make_document()
    v = _values("translation", noisy(doc))
    by_id = {t.segment_id: t.text for t in noisy(doc).translations}
    hyps = [by_id.get(s.id, "") for s in doc.segments]
    refs = [(s.translation_en,) for s in doc.segments]
    for name in ("chrf++", "chrf", "bleu", "ter"):
        assert v[name] == corpus_score(name, hypotheses=hyps, references=refs)
    # named (segment, entity) pairs: s1 lavrov ✓, s2 lavrov ✓, s3 ushakov ✗, s4 us ✓ russia ✓, s5 bruce ✗
    assert v["speaker_name_accuracy"] == 4 / 6
    # segments with direct/mixed quotes: s1 (no marks kept), s3 (missing)
    assert v["quote_mark_preservation"] == 0.0


def test_undefined_values_are_json_null():
    with pytest.warns(UndefinedMetricWarning):
        result = run("quotes", DocPrediction("d1", quotes=()), n_resamples=10)
    out = result.metric("quote_content_precision.proportional.char").to_json()
    assert (out["value"], out["ci_low"], out["ci_high"]) == (None, None, None)
    text = json.dumps(result.to_json(), allow_nan=False)
    assert "NaN" not in text
