"""The ``sklearn`` baseline: seeded group folds, no leakage across paragraphs, outputs."""

from __future__ import annotations

import pytest

from benchmark.errors import ConfigError
from benchmark.tasks.inputs import make_input
from benchmark.gold.schema import Corpus, Document, Entity, Quote, Segment, Span, Stance, Target
from benchmark.gold.segmentation import split_segments
from benchmark.systems.registry import make_system
from benchmark.systems.sklearn_system import SklearnSystem, group_folds, oof_predict

TARGETS = (Target("riyadh_talks", "The Riyadh talks", "محادثات الرياض"),
           Target("nato_troops_in_ukraine", "NATO troops in Ukraine", "نشر قوات الناتو في أوكرانيا"))

# (content, type, target, label) per paragraph; paragraph 5 alone holds AGAINST.
ROWS = [
    ("المحادثات كانت مفيدة جدا", "indirect", "riyadh_talks", "FAVOR"),
    ("“المحادثات ناجحة”", "direct", "riyadh_talks", "FAVOR"),
    ("الاجتماع “مثمر” وبناء", "mixed", "riyadh_talks", "FAVOR"),
    ("المحادثات لم تحسم شيئا بعد", "indirect", "riyadh_talks", "NONE"),
    ("“من الصعب القول” ما ستؤول إليه المحادثات", "mixed", "riyadh_talks", "NONE"),
    ("نشر القوات غير مقبول إطلاقا", "indirect", "nato_troops_in_ukraine", "AGAINST"),
    ("“الاجتماع مفيد”", "direct", "riyadh_talks", "FAVOR"),
    ("القمة قد تعقد لاحقا وفق المحادثات", "indirect", "riyadh_talks", "NONE"),
]


def synthetic_corpus() -> Corpus:
    paragraphs = [f"قال لافروف إن {content}." for content, *_ in ROWS]
    text = "\n\n".join(paragraphs)
    quotes, stances, pos = [], [], 0
    for i, (content, qtype, target, label) in enumerate(ROWS):
        start = pos + len("قال لافروف إن ")
        inner = (start + 1, start + len(content) - 1) if qtype == "direct" else (start, start + len(content))
        quotes.append(Quote(f"q{i}", (Span(*inner, text[inner[0]:inner[1]]),), Span(pos, pos + 3, "قال"),
                            Span(pos + 4, pos + 10, "لافروف"), "lavrov", qtype))
        stances.append(Stance(f"st{i}", f"q{i}", "lavrov", target, label))
        pos += len(paragraphs[i]) + 2
    segments = tuple(Segment(f"s{i}", span, kind, para) for i, (span, kind, para) in enumerate(split_segments(text)))
    doc = Document("syn", text, "", (), (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov"),), (),
                   tuple(quotes), tuple(stances), segments)
    return Corpus((doc,), TARGETS, "")


CORPUS = synthetic_corpus()
INPUT = make_input(CORPUS.documents[0], TARGETS)


def test_group_folds_are_seeded_and_balanced():
    groups = [("d", p) for p in range(10)] * 3
    a = group_folds(groups, n_splits=3, seed=1)
    assert a == group_folds(list(reversed(groups)), n_splits=3, seed=1)  # order of items does not matter
    assert sorted(a) == [("d", p) for p in range(10)]
    assert sorted(list(a.values()).count(f) for f in range(3)) == [3, 3, 4]
    assert any(group_folds(groups, n_splits=3, seed=s) != a for s in range(2, 6))


def test_oof_never_trains_on_the_predicted_paragraph():
    system = SklearnSystem(seed=3, n_splits=3)
    keys, result = system.stance_oof([INPUT], CORPUS)
    paragraph = {it.quote_id: it.paragraph for it in INPUT.stance_items}
    predicted = []
    for train, test in result.splits:
        train_paras = {paragraph[keys[i][1]] for i in train}
        assert not train_paras & {paragraph[keys[i][1]] for i in test}
        predicted += test
    assert sorted(predicted) == list(range(len(keys)))  # every item predicted exactly once


def test_a_label_seen_only_in_its_own_paragraph_is_never_predicted():
    out = make_system("sklearn", seed=0, n_splits=4).predict([INPUT], tasks={"stance"}, gold=CORPUS)[0]
    labels = [s["label"] for s in out["stance"]]
    assert len(labels) == len(ROWS) and set(labels) <= {"FAVOR", "NONE"}  # AGAINST exists only in paragraph 5


def test_single_class_and_empty_training_folds():
    def never(xs, ys):
        raise AssertionError("no model should be fit on a single class")

    r = oof_predict(["a", "b", "c"], ["X", "X", "Y"], [0, 0, 1], {0: 0, 1: 1}, fit=never, fallback="Z")
    assert r.predictions == ["Y", "Y", "X"]
    r = oof_predict(["a"], ["X"], [0], {0: 0}, fit=never, fallback="Z")
    assert r.predictions == ["Z"] and r.splits == [([], [0])]


def test_quote_types_come_from_the_out_of_fold_classifier():
    system = SklearnSystem(seed=0, n_splits=2)
    quotes, result = system.quotes_oof([INPUT], CORPUS)
    rules = make_system("rules").predict([INPUT], tasks={"quotes"})[0]["quotes"]
    assert [q["content"] for q in quotes[0]] == [q["content"] for q in rules]
    assert [q["type"] for q in quotes[0]] == result.predictions
    assert set(result.predictions) <= {"direct", "indirect", "mixed"}
    def para(start: int) -> int:
        return next(seg.paragraph for seg in INPUT.segments if seg.span.start <= start < seg.span.end)

    for train, test in result.splits:  # gold quotes trained on never share a paragraph with the typed ones
        trained = {INPUT.quotes[i].paragraph for i in train}
        assert trained and not trained & {para(quotes[0][i]["content"][0][0]) for i in test}
    out = system.predict([INPUT], tasks={"quotes", "stance"}, gold=CORPUS)
    assert out == system.predict([INPUT], tasks={"quotes", "stance"}, gold=CORPUS)  # deterministic


def test_configuration_errors_and_note():
    with pytest.raises(ConfigError, match="n_splits"):
        make_system("sklearn", n_splits=1)
    with pytest.raises(ConfigError, match="seed must"):
        make_system("sklearn", seed="12")
    with pytest.raises(ConfigError, match="C must"):
        make_system("sklearn", C=0)
    with pytest.raises(ConfigError, match="gold"):
        make_system("sklearn").predict([INPUT], tasks={"stance"})
    system = make_system("sklearn", seed=7, n_splits=4)
    assert "seed 7" in system.training_note and "4 folds" in system.training_note
    assert system.training_note in system.description
    assert system.predict([INPUT], tasks={"translation"}) == [{"doc_id": "syn"}]  # nothing to run, no gold needed


def test_majority_baseline_is_out_of_fold_per_target():
    from benchmark.gold.loading import load_corpus
    from benchmark.tasks.inputs import make_input
    from benchmark.systems.registry import make_system

    gold = load_corpus()
    system = make_system("majority", seed=12345)
    inputs = [make_input(d, gold.targets, tasks={"stance"}) for d in gold.documents]
    (out,) = system.predict(inputs, tasks={"stance"}, gold=gold)
    doc = gold.documents[0]
    assert {(s["quote_id"], s["target"]) for s in out["stance"]} == {(s.quote, s.target) for s in doc.stances}
    assert {s["label"] for s in out["stance"]} <= {"FAVOR", "AGAINST", "NONE"}
    # Out of fold: a target seen in only one paragraph cannot get its label from itself.
    paragraphs: dict[str, set[int]] = {}
    quote_para = {q.id: q.paragraph for q in inputs[0].quotes}
    for s in doc.stances:
        paragraphs.setdefault(s.target, set()).add(quote_para[s.quote])
    only_once = {t for t, ps in paragraphs.items() if len(ps) == 1}
    gold_label = {(s.quote, s.target): s.label for s in doc.stances}
    overall = max(("FAVOR", "AGAINST", "NONE"), key=[s.label for s in doc.stances].count)
    for s in out["stance"]:
        if s["target"] in only_once and gold_label[(s["quote_id"], s["target"])] != overall:
            # never its own (minority) label: that would mean it saw itself
            assert s["label"] != gold_label[(s["quote_id"], s["target"])] or s["label"] == overall
