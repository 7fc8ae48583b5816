"""The ``oracle`` and ``copy`` systems, the registry, and a contract over every built-in system."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.errors import ConfigError, InputError, UnknownNameError
from benchmark.tasks.inputs import make_input
from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target
from benchmark.gold.segmentation import split_segments
from benchmark.submission.schema import check_line
from benchmark.systems.base import TASK_KEYS, System, check_tasks
from benchmark.systems.registry import BUILTIN, make_system

DATA = Path(__file__).resolve().parent.parent / "data"

TEXT = "وصف لافروف المحادثات بأنها “مفيدة”\nقال لافروف إن المحادثات كانت مفيدة. وأضاف أن الوفد الأمريكي استمع."
TARGETS = (Target("riyadh_talks", "The Riyadh talks", "محادثات الرياض"), Target("trump", "Trump", "ترامب"))


def span(text: str, start: int = 0) -> Span:
    s = TEXT.index(text, start)
    return Span(s, s + len(text), text)


def corpus() -> Corpus:
    segments = tuple(Segment(f"s{i}", sp, kind, para, f"English {i}")
                     for i, (sp, kind, para) in enumerate(split_segments(TEXT), 1))
    lav1, lav2 = span("لافروف"), span("لافروف", 30)
    mentions = (Mention("m1", "lavrov", lav1, "named"), Mention("m2", "lavrov", lav2, "named"),
                Mention("m3", "us_delegation", span("الوفد الأمريكي"), "nominal"))
    quotes = (
        Quote("q1", (span("المحادثات كانت مفيدة"),), span("قال"), lav2, "lavrov", "indirect"),
        Quote("q2", (span("الوفد الأمريكي استمع"),), span("أضاف"), None, "lavrov", "indirect"),
    )
    stances = (Stance("st1", "q1", "lavrov", "riyadh_talks", "FAVOR"),
               Stance("st2", "q1", "us_delegation", "riyadh_talks", "FAVOR"),  # same pair, second holder
               Stance("st3", "q2", "lavrov", "trump", "NONE"))
    entities = (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov"),
                Entity("us_delegation", "GROUP", "الوفد الأمريكي", "US delegation"))
    doc = Document("syn", TEXT, "", (), entities, mentions, quotes, stances, segments)
    return Corpus((doc,), TARGETS, "")


CORPUS = corpus()
DOC = CORPUS.documents[0]
INPUT = make_input(DOC, TARGETS)


def test_oracle_returns_the_gold():
    out = make_system("oracle").predict([INPUT], tasks=set(TASK_KEYS), gold=CORPUS)[0]
    # every mention of a speaking entity (what the speakers task scores)
    assert out["speakers"] == [{"start": 4, "end": 10, "entity": "lavrov"}, {"start": 39, "end": 45, "entity": "lavrov"}]
    sources = make_system("oracle", mentions="sources").predict([INPUT], tasks={"speakers"}, gold=CORPUS)[0]
    assert sources["speakers"] == [{"start": 39, "end": 45, "entity": "lavrov"}]  # the quote sources
    assert out["quotes"][1] == {"content": [[80, 100]], "cue": [72, 76], "source": None, "speaker": "lavrov",
                                "type": "indirect", "stances": [{"target": "trump", "label": "NONE"}]}
    assert out["attribution"] == [{"quote_id": "q1", "speaker": "lavrov"}, {"quote_id": "q2", "speaker": "lavrov"}]
    assert out["stance"] == [{"quote_id": "q1", "target": "riyadh_talks", "label": "FAVOR"},
                             {"quote_id": "q2", "target": "trump", "label": "NONE"}]
    assert [t["text"] for t in out["translations"] if "segment_id" in t] == ["English 1", "English 2", "English 3"]
    assert [(t["quote_id"], t["text"]) for t in out["translations"] if "quote_id" in t] == \
        [(q.id, q.translation_en) for q in DOC.quotes]
    assert make_system("oracle").ranked is False


def test_oracle_needs_the_gold_and_known_documents():
    with pytest.raises(ConfigError, match="gold"):
        make_system("oracle").predict([INPUT], tasks={"quotes"})
    other = Corpus((), TARGETS, "")
    with pytest.raises(InputError, match="syn"):
        make_system("oracle").predict([INPUT], tasks={"quotes"}, gold=other)


def test_copy_copies_each_segment():
    out = make_system("copy").predict([INPUT], tasks={"translation"}, gold=CORPUS)[0]
    assert [t["text"] for t in out["translations"] if "segment_id" in t] == [s.span.text for s in DOC.segments]
    # quote contents are translation items too; discontinuous parts are joined by a space
    assert [t["text"] for t in out["translations"] if "quote_id" in t] == \
        [" ".join(c.text for c in q.content) for q in DOC.quotes]


def test_registry_errors():
    with pytest.raises(UnknownNameError, match="Did you mean 'rules'"):
        make_system("rule")
    with pytest.raises(ConfigError, match="Unknown option 'n_split' of system 'sklearn'. Did you mean 'n_splits'"):
        make_system("sklearn", n_split=3)
    with pytest.raises(ConfigError, match="mentions must be one of"):
        make_system("rules", mentions="names")
    with pytest.raises(UnknownNameError, match="Did you mean 'stance'"):
        check_tasks(make_system("lexicon"), ["stanse"])


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_contract(name):
    system = make_system(name, seed=0)
    assert isinstance(system, System) and system.name == name and system.description
    tasks = set(system.supported_tasks)
    gold = CORPUS if system.needs_gold else None  # as the harness does: others never see the gold
    first = system.predict([INPUT], tasks=tasks, gold=gold)
    assert first == make_system(name, seed=0).predict([INPUT], tasks=tasks, gold=gold)  # deterministic
    out = first[0]
    assert set(out) == {"doc_id"} | {TASK_KEYS[t] for t in tasks}
    check_line(json.dumps(out, ensure_ascii=False), file=name, line=1)
    pairs = [p for q in out.get("quotes", []) for p in [*q["content"], q["cue"], q["source"]] if p is not None]
    pairs += [[m["start"], m["end"]] for m in out.get("speakers", [])]
    assert all(0 <= s < e <= len(TEXT) for s, e in pairs)
    unsupported = set(TASK_KEYS) - tasks
    if unsupported:  # known tasks it does not support are simply absent
        assert set(system.predict([INPUT], tasks=unsupported, gold=gold)[0]) == {"doc_id"}


def test_oracle_round_trips_through_the_submission_reader():
    from benchmark.gold.loading import load_corpus
    from benchmark.submission.reader import parse_submission_lines

    gold = load_corpus()
    inputs = [make_input(d, gold.targets) for d in gold.documents]
    lines = [json.dumps(o, ensure_ascii=False) for o in make_system("oracle").predict(inputs, tasks=set(TASK_KEYS), gold=gold)]
    preds = parse_submission_lines(lines, corpus=gold)
    for doc in gold.documents:
        pred = preds[doc.doc_id]
        assert [(q.content, q.cue, q.source, q.speaker, q.type) for q in pred.quotes] == \
               [(tuple(Span(c.start, c.end) for c in q.content), q.cue, q.source, q.speaker, q.type) for q in doc.quotes]
        assert [(a.quote_id, a.speaker) for a in pred.attribution] == [(q.id, q.speaker) for q in doc.quotes]
        assert {(s.quote_id, s.target, s.label) for s in pred.stance} == {(s.quote, s.target, s.label) for s in doc.stances}
        assert [t.text for t in pred.translations] == \
            [s.translation_en for s in doc.segments] + [q.translation_en for q in doc.quotes]


def test_system_task_names_match_the_task_registry():
    from benchmark.systems.base import TASKS as SYSTEM_TASKS
    from benchmark.tasks.registry import TASKS

    assert list(SYSTEM_TASKS) == TASKS.names()
