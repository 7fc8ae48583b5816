"""Inter-annotator agreement: real figures of the two passes, pooling over documents."""

from __future__ import annotations

import json
import shutil

import pytest

from benchmark.gold.loading import default_data_dir, load_passes
from benchmark.scoring.agreement import compute_agreement

DOC = "000_d60cf795c66ab44c"


def test_figures_of_the_two_passes():
    agr = compute_agreement(*load_passes())
    assert (agr["mentions_a"], agr["mentions_b"], agr["quotes_matched"]) == (111, 107, 33)
    assert agr["mention_f1_exact"] == pytest.approx(2 * 104 / (111 + 107))
    assert agr["speaker_agreement"] == 1.0 and agr["quote_type_kappa"] == pytest.approx(1.0)


def test_pooling_over_documents(tmp_path):
    """A second document (a copy under another id) doubles the counts and keeps F1; per-document figures stay."""
    src = default_data_dir()
    data = tmp_path / "data"
    shutil.copytree(src / "articles", data / "articles")
    shutil.copy(src / "targets.json", data / "targets.json")
    for p in ("annotator_a", "annotator_b"):
        (data / "passes" / p).mkdir(parents=True)
        obj = json.loads((src / "passes" / p / f"{DOC}.json").read_text(encoding="utf-8"))
        (data / "passes" / p / f"{DOC}.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        obj["doc_id"] = "copy"
        (data / "passes" / p / "copy.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    one, two = compute_agreement(*load_passes()), compute_agreement(*load_passes(data))
    assert two["n_documents"] == 2 and set(two["documents"]) == {DOC, "copy"}
    assert (two["mentions_a"], two["quotes_matched"]) == (2 * one["mentions_a"], 2 * one["quotes_matched"])
    for key in ("mention_f1_exact", "quote_content_f1_exact", "speaker_agreement", "stance_pair_f1"):
        assert two[key] == pytest.approx(one[key]), key


# --------------------------------------------------------------- a synthetic pair, counted by hand

def _pass_b():
    """Annotator B of the five-segment article of test_tasks: renamed entity ids, a few differences."""
    import dataclasses

    from benchmark.gold.schema import Entity, Span
    from test_tasks import make_document

    a = make_document()
    ids = {e.id: f"b_{e.id}" for e in a.entities}
    entities = tuple(dataclasses.replace(e, id=ids[e.id]) for e in a.entities) + (
        Entity("b_x", "PER", "مجهول", "Nobody Known"),)
    mentions = [dataclasses.replace(m, entity=ids[m.entity]) for m in a.mentions[:5]]
    m6 = a.mentions[5].span  # «بروس», shifted: overlaps, not exact
    mentions.append(dataclasses.replace(a.mentions[5], entity="b_bruce", span=Span(m6.start + 1, m6.end + 3)))
    q = a.quotes
    q5 = q[4].content[0]
    quotes = (
        dataclasses.replace(q[0], speaker="b_lavrov"),
        dataclasses.replace(q[1], speaker="b_ushakov"),                     # wrong speaker
        dataclasses.replace(q[2], speaker="b_ushakov", type="indirect"),    # wrong type
        dataclasses.replace(q[3], speaker="b_ushakov"),
        dataclasses.replace(q[4], speaker="b_bruce", cue=None, content=(Span(q5.start + 2, q5.end),)),
    )
    st = a.stances
    stances = (
        st[0], dataclasses.replace(st[1], label="AGAINST"), st[2], st[5], st[4],
        dataclasses.replace(st[3], id="st7", target="trump"),   # (q4, trump) instead of (q4, relations)
    )
    b = dataclasses.replace(a, entities=entities, mentions=tuple(mentions), quotes=quotes, stances=stances)
    return a, b


def test_entity_map_votes_by_shared_mention_spans_then_names():
    from benchmark.scoring.agreement import entity_map

    a, b = _pass_b()
    mapping = entity_map(a, b)
    # lavrov, ushakov, us, russia share mention spans; bruce's span was shifted, so
    # its English name decides; "Nobody Known" matches nothing and stays B's own.
    assert mapping == {"b_lavrov": "lavrov", "b_ushakov": "ushakov", "b_bruce": "bruce", "b_us": "us",
                       "b_russia": "russia", "b_x": "B:b_x"}


def test_document_agreement_by_hand():
    from sklearn.metrics import cohen_kappa_score

    from benchmark.scoring.agreement import document_agreement

    a, b = _pass_b()
    agr = document_agreement(a, b)
    q5 = len(a.quotes[4].content[0])
    # Mentions: A 7, B 6; 5 identical spans, B's «بروس» overlaps A's.
    assert (agr["mentions_a"], agr["mentions_b"]) == (7, 6)
    assert agr["mention_f1_exact"] == pytest.approx(2 * 5 / 13)
    assert agr["mention_f1_partial"] == pytest.approx(2 * 5.5 / 13)
    assert agr["mention_entity_f1_strict"] == pytest.approx(2 * 5 / 13)
    # Quotes: 5 and 5, all paired; q5 lost its first two characters.
    assert (agr["quotes_a"], agr["quotes_b"], agr["quotes_matched"]) == (5, 5, 5)
    assert agr["quote_content_f1_exact"] == pytest.approx(0.8)
    assert agr["quote_content_f1_partial"] == pytest.approx(0.9)
    p, r = 1.0, (4 + (q5 - 2) / q5) / 5
    assert agr["quote_content_f1_proportional"] == pytest.approx(2 * p * r / (p + r))
    assert agr["cue_f1_exact"] == pytest.approx(2 * 4 / 9)
    assert agr["speaker_agreement"] == 0.8 and agr["quote_type_agreement"] == 0.8
    types_a = ["mixed", "indirect", "direct", "indirect", "indirect"]
    types_b = ["mixed", "indirect", "indirect", "indirect", "indirect"]
    assert agr["quote_type_kappa"] == pytest.approx(cohen_kappa_score(types_a, types_b))
    # Stances: 6 and 6, 5 (quote, target) pairs in both, one label differs.
    assert (agr["stances_a"], agr["stances_b"], agr["stance_pairs_both"]) == (6, 6, 5)
    assert agr["stance_pair_f1"] == pytest.approx(10 / 12)
    assert agr["stance_label_agreement"] == 0.8
    # Pairs in sorted order: (q1, riyadh) (q2, riyadh) (q3, biden) (q3, diplomatic) (q5, ukraine_settlement).
    assert agr["stance_label_kappa"] == pytest.approx(cohen_kappa_score(
        ["FAVOR", "FAVOR", "AGAINST", "FAVOR", "NONE"], ["FAVOR", "AGAINST", "AGAINST", "FAVOR", "NONE"]))


def test_kappa_and_shares_are_undefined_without_pairs_or_with_one_label():
    import dataclasses

    from benchmark.scoring.agreement import document_agreement

    a, _ = _pass_b()
    one_type = dataclasses.replace(a, quotes=tuple(dataclasses.replace(q, type="indirect") for q in a.quotes))
    agr = document_agreement(one_type, one_type)
    assert agr["quote_type_kappa"] is None and agr["quote_type_agreement"] == 1.0
    empty = dataclasses.replace(a, mentions=(), quotes=(), stances=())
    agr = document_agreement(empty, empty)
    assert (agr["speaker_agreement"], agr["quote_type_agreement"], agr["stance_pair_f1"],
            agr["stance_label_agreement"], agr["stance_label_kappa"]) == (None, None, None, None, None)


def test_a_document_missing_from_b_counts_as_unannotated_and_the_table_formats_every_row():
    from benchmark.gold.schema import Corpus
    from benchmark.scoring.agreement import agreement_table, compute_agreement

    a, b = _pass_b()
    import dataclasses

    a2 = dataclasses.replace(a, doc_id="d2")
    agr = compute_agreement(Corpus((a, a2), (), ""), Corpus((b,), (), ""))
    assert agr["n_documents"] == 2 and agr["documents"]["d2"]["mentions_b"] == 0
    assert agr["documents"]["d2"]["stances_b"] == 0 and agr["documents"]["d2"]["quotes_b"] == 0
    assert (agr["mentions_a"], agr["mentions_b"], agr["quotes_matched"]) == (14, 6, 5)
    assert agreement_table(agr).endswith(" |\n") and not agreement_table(agr).endswith("\n\n")
    table = agreement_table(agr).splitlines()
    assert table[:2] == ["| layer / measure | value |", "|---|---|"]
    assert "| Mentions (A / B) | 14 / 6 |" in table
    assert "| Quotes (A / B / matched) | 10 / 5 / 5 |" in table
    # exact mention F1: 5 identical spans of 14 and 6 → 2·5/20 = 50.0%
    assert "| Mention span F1, exact | 50.0% |" in table
    kappa = agr["quote_type_kappa"]
    assert f"| Cohen's kappa, quote type | {kappa:.3f} |" in table
    none = agreement_table({**agr, "speaker_agreement": None})
    assert "| Speaker agreement (matched quotes) | n/a (undefined) |" in none


def test_pooling_prefixes_ids_and_shifts_every_span_past_the_previous_text():
    import dataclasses

    from benchmark.scoring.agreement import _pooled

    a, _ = _pass_b()
    nested = dataclasses.replace(a.quotes[1], nested_in="q1")
    d1 = dataclasses.replace(a, doc_id="x", quotes=(a.quotes[0], nested, *a.quotes[2:]),
                             stances=(dataclasses.replace(a.stances[0], evidence=a.quotes[0].cue),))
    d2 = dataclasses.replace(a, doc_id="y")
    pooled = _pooled([d1, d2, dataclasses.replace(a, doc_id="z")])
    assert (pooled.text_sha256, pooled.metadata) == ("", ())
    z = pooled.mentions[2 * len(a.mentions)]
    assert (z.id, z.span.start) == ("z/m1", a.mentions[0].span.start + 2 * (len(a.text) + 1))
    off = len(a.text) + 1  # the second document starts one past the first text's end
    assert (pooled.doc_id, pooled.text, pooled.segments) == ("pooled", "", ())
    assert [e.id for e in pooled.entities][:2] == ["x/lavrov", "x/ushakov"] and pooled.entities[5].id == "y/lavrov"
    m, m2 = pooled.mentions[0], pooled.mentions[len(a.mentions)]
    assert (m.id, m.entity, m.kind, m.span) == ("x/m1", "x/lavrov", "named", a.mentions[0].span)
    assert (m2.id, m2.span.start, m2.span.end, m2.span.text) == (
        "y/m1", a.mentions[0].span.start + off, a.mentions[0].span.end + off, a.mentions[0].span.text)
    q, q2 = pooled.quotes[1], pooled.quotes[len(a.quotes) + 1]
    assert (q.id, q.speaker, q.nested_in, q.type) == ("x/q2", "x/lavrov", "x/q1", "indirect")
    assert q2.nested_in is None and q2.cue.start == a.quotes[1].cue.start + off
    assert q2.source.start == a.quotes[1].source.start + off and q2.content[0].start == a.quotes[1].content[0].start + off
    s1, s2 = pooled.stances[0], pooled.stances[1]
    assert (s1.id, s1.quote, s1.holder, s1.target, s1.label, s1.evidence) == (
        "x/st1", "x/q1", "x/lavrov", "riyadh_talks", "FAVOR", a.quotes[0].cue)
    assert (s2.id, s2.evidence) == ("y/st1", None) and len(pooled.stances) == 1 + 2 * len(a.stances)


def test_entity_votes_count_each_shared_mention():
    import dataclasses

    from benchmark.scoring.agreement import entity_map

    a, _ = _pass_b()
    # B's entity "e" has two mentions on ushakov's spans… after adding a second
    # ushakov mention to A, and one on lavrov's: ushakov wins by 2 votes to 1.
    extra = dataclasses.replace(a.mentions[2], id="m8", span=a.mentions[5].span)  # A: ushakov also at «بروس»
    a2 = dataclasses.replace(a, mentions=(a.mentions[0], a.mentions[2], extra))
    b = dataclasses.replace(a2, entities=a2.entities + (dataclasses.replace(a2.entities[0], id="e"),),
                            mentions=tuple(dataclasses.replace(m, entity="e") for m in a2.mentions))
    assert entity_map(a2, b)["e"] == "ushakov"


def test_labels_break_ties_between_identical_quotes_and_one_sided_stances_score_zero():
    import dataclasses

    from benchmark.scoring.agreement import document_agreement

    a, _ = _pass_b()
    q = dataclasses.replace(a.quotes[2], type="indirect")
    # B's twins differ only in type; the canonical order puts "direct" first, so
    # only the label tie-break picks the indirect one.
    b = dataclasses.replace(a, quotes=(dataclasses.replace(q, id="b1", type="direct"),
                                       dataclasses.replace(q, id="b2")), stances=())
    a1 = dataclasses.replace(a, quotes=(q,), stances=a.stances[2:3])
    agr = document_agreement(a1, b)
    assert agr["quotes_matched"] == 1 and agr["quote_type_agreement"] == 1.0  # the indirect twin is chosen
    assert agr["stance_pair_f1"] == 0.0  # A has a stance pair, B none: defined, and 0
    two = dataclasses.replace(a, quotes=a.quotes[1:3])  # indirect, direct: two labels, kappa defined
    assert document_agreement(two, two)["quote_type_kappa"] == 1.0
