"""Answer parsing, prompt templates and job building of the ``llm`` system (no network)."""

from __future__ import annotations

import json
import shutil

import pytest

from benchmark.errors import ConfigError, UnknownNameError
from benchmark.systems.llm.jobs import build_jobs, passages
from benchmark.errors import UnparseableAnswer
from benchmark.systems.llm.parse import (coerce_attribution, coerce_quotes, coerce_speakers, coerce_stance,
                                 coerce_translations, extract_json)
from benchmark.systems.llm.prompts import PROMPT_TASKS, load_prompts
from llm_server import synthetic_doc


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1}', {"a": 1}),
    ('  [1, 2]  ', [1, 2]),
    ('```json\n{"a": [1]}\n```', {"a": [1]}),
    ('```\n{"a": 2}\n```\nExplanation: done.', {"a": 2}),
    ('Here is the JSON you asked for: {"a": "}"} and some trailing words', {"a": "}"}),
    ('<think>first {draft} and [notes]</think>\n{"a": 3}', {"a": 3}),
    ('{broken {"a": 4} tail', {"a": 4}),  # first decodable object wins
    ('{"a": 1}{"b": 2}', {"a": 1}),  # concatenated objects: the first
    ('{"t": "قال «الوزير»"}', {"t": "قال «الوزير»"}),
])
def test_extract_json_tolerates_wrapping(text, expected):
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["", "no json", '{"a": [1, 2', "```json\n{oops}\n```", "42", '"just a string"'])
def test_extract_json_failure_keeps_first_200_chars(text):
    with pytest.raises(UnparseableAnswer) as info:
        extract_json(text)
    assert info.value.snippet == text[:200]
    long = "x" * 500
    with pytest.raises(UnparseableAnswer) as info:
        extract_json(long)
    assert info.value.snippet == "x" * 200 and str(info.value).startswith("unparseable")


def test_coerce_attribution_keeps_asked_ids_first_answer_and_null_speaker():
    answer = {"attribution": [
        {"quote_id": "q1", "speaker": " سالم "}, {"quote_id": "q1", "speaker": "other"},  # repeat: first kept
        {"quote_id": "q9", "speaker": "x"},  # not asked: ignored
        {"quote_id": "q2", "speaker": None}, {"quote_id": "q3", "speaker": 7}, "junk"]}
    items, problems = coerce_attribution(answer, quote_ids=["q1", "q2", "q3", "q4"])
    assert items == [{"quote_id": "q1", "speaker": "سالم"}, {"quote_id": "q2", "speaker": None}]
    assert [(p.item, p.kind) for p in problems] == [("q3", "invalid"), ("q4", "missing")]


def test_coerce_stance_normalises_labels_and_rejects_others():
    answer = [{"quote_id": "q1", "target": "t1", "label": "against"},
              {"quote_id": "q1", "target": "t2", "label": "Neutral"},
              {"quote_id": "q2", "target": "t1", "label": "POSITIVE"}]
    items, problems = coerce_stance(answer, pairs=[("q1", "t1"), ("q1", "t2"), ("q2", "t1")])
    assert [i["label"] for i in items] == ["AGAINST", "NONE"]
    assert [(p.item, p.kind) for p in problems] == [("q2/t1", "invalid")]


def test_coerce_translations_rejects_empty_text():
    items, problems = coerce_translations({"translations": [{"segment_id": "s1", "text": " Hi. "},
                                                            {"segment_id": "s2", "text": ""}]},
                                          segment_ids=["s1", "s2"])
    assert items == [{"segment_id": "s1", "text": "Hi."}]
    assert [(p.item, p.kind) for p in problems] == [("s2", "invalid")]


def test_coerce_translations_of_quotes_by_their_own_key():
    answer = {"translations": [
        {"segment_id": "s1", "text": "He said the talks were useful."},
        {"quote_id": "q1", "text": " the talks were useful "}, {"quote_id": "q1", "text": "repeat"},
        {"segment_id": "q2", "text": "under the wrong key"}, {"quote_id": "q3", "text": None},
        {"quote_id": "s1", "text": "a quote id that is not asked"}]}
    items, problems = coerce_translations(answer, segment_ids=["s1"], quote_ids=["q1", "q2", "q3"])
    assert items == [{"segment_id": "s1", "text": "He said the talks were useful."},
                     {"quote_id": "q1", "text": "the talks were useful"}]
    assert [(p.item, p.kind) for p in problems] == [("q2", "missing"), ("q3", "invalid")]
    items, problems = coerce_translations(answer, segment_ids=["s1"])  # no quote asked: none returned
    assert items == [{"segment_id": "s1", "text": "He said the talks were useful."}] and problems == []


def test_coerce_answer_without_the_list_is_unparseable():
    with pytest.raises(UnparseableAnswer, match="list under 'translations'"):
        coerce_translations({"a": 1, "b": 2}, segment_ids=["s1"])


def test_coerce_quotes_to_submission_fields():
    answer = {"quotes": [
        {"content_text": ["الجزء الأول", " ", "الجزء الثاني"], "cue_text": "", "source_text": "سالم",
         "speaker": "أحمد سالم", "type": "Mixed",
         "stances": [{"target": "talks", "label": "favor"}, {"target": "talks", "label": "AGAINST"},
                     {"target": "unknown", "label": "FAVOR"}]},
        {"content_text": ["قطعة واحدة"], "type": "quoted"},
        {"content_text": "", "speaker": "x"},
    ]}
    items, problems = coerce_quotes(answer, targets={"talks", "deal"}, label="paragraphs 0-1")
    assert items == [
        {"content_text": ["الجزء الأول", "الجزء الثاني"], "cue_text": None, "source_text": "سالم",
         "speaker": "أحمد سالم", "type": "mixed", "stances": [{"target": "talks", "label": "FAVOR"}]},
        {"content_text": "قطعة واحدة", "cue_text": None, "source_text": None, "speaker": None, "type": None,
         "stances": []},
    ]
    assert [p.item for p in problems] == ["paragraphs 0-1 quotes[0].stances[1]", "paragraphs 0-1 quotes[0].stances[2]",
                                          "paragraphs 0-1 quotes[2]"]


def test_coerce_speakers_uses_name_as_cluster_label():
    items, problems = coerce_speakers({"speakers": [{"text": "سالم", "speaker": "أحمد سالم"}, "الوزير", {"x": 1}]},
                                      label="p")
    assert items == [{"text": "سالم", "entity": "أحمد سالم"}, {"text": "الوزير"}]
    assert [p.kind for p in problems] == ["invalid"]


# ---------------------------------------------------------------- prompts

def test_every_template_renders_with_arabic_guidance():
    prompts = load_prompts("v1")
    fields = {"article": "نص", "passage": "نص", "targets": "- t: x", "items": "[]"}
    needs = {"speakers": ("article", "passage"), "quotes": ("article", "passage", "targets"),
             "attribution": ("article", "items"), "stance": ("article", "targets", "items"),
             "translation": ("items",)}
    for task in PROMPT_TASKS:
        system, user = prompts.render(task, **{k: fields[k] for k in needs[task]})
        assert "JSON" in system["content"]  # required by json_object mode
        assert "$" not in system["content"] + user["content"]  # every placeholder filled
        if task != "translation":
            for cue in ("pro-drop", "أن، إن، بأن", "Quotation marks"):
                assert cue in system["content"], (task, cue)
    with pytest.raises(ConfigError, match=r"needs a value for \$\{passage\}"):
        prompts.render("quotes", article="x", targets="y")


def test_prompt_hash_tracks_file_content(tmp_path):
    shutil.copytree(load_prompts("v1").templates["quotes"].file.rsplit("/", 2)[0], tmp_path, dirs_exist_ok=True)
    before = load_prompts("v1", root=tmp_path).sha256
    assert before == load_prompts("v1").sha256
    path = tmp_path / "v1" / "stance.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_prompts("v1", root=tmp_path).sha256 != before


@pytest.mark.parametrize("version", ["../v1", "v1/..", "/etc", "v2"])
def test_prompt_version_is_a_name_not_a_path(version):
    with pytest.raises(UnknownNameError, match="Available: v1"):
        load_prompts(version)


# ---------------------------------------------------------------- jobs

def test_jobs_cover_every_item_once_in_order():
    doc = synthetic_doc(1)
    jobs = build_jobs(doc, tasks=PROMPT_TASKS, prompts=load_prompts("v1"), batch_size=2, passage_chars=0)
    assert [(j.task, j.label, j.items) for j in jobs] == [
        ("speakers", "paragraphs 0-3", ()), ("quotes", "paragraphs 0-3", ()),
        ("attribution", "batch 1", ("q1", "q2")), ("attribution", "batch 2", ("q3",)),
        ("stance", "batch 1", (("q1", "talks"), ("q2", "talks"))), ("stance", "batch 2", (("q3", "deal"),)),
        # Each gold quote rides in the batch of the segment it starts in (q1 in s02, q2 in s03, q3 in s04).
        ("translation", "batch 1", (("segment_id", "s01"), ("segment_id", "s02"), ("quote_id", "q1"))),
        ("translation", "batch 2", (("segment_id", "s03"), ("segment_id", "s04"), ("quote_id", "q2"),
                                    ("quote_id", "q3"))),
    ]
    user = jobs[2].messages[1]["content"]
    items = json.loads(user.split("<items>\n")[1].split("\n</items>")[0])
    assert items == [{"quote_id": "q1", "content": "المحادثات كانت مفيدة"},
                     {"quote_id": "q2", "content": "سنواصل العمل معا"}]
    assert doc.text in user
    system, user = jobs[6].messages
    items = json.loads(user["content"].split("<items>\n")[1].split("\n</items>")[0])
    assert items == [{"segment_id": "s01", "text": "تقرير رقم 1: الوزير يصف المحادثات"},
                     {"segment_id": "s02", "text": "قال الوزير أحمد سالم إن المحادثات كانت مفيدة."},
                     {"quote_id": "q1", "text": "المحادثات كانت مفيدة"}]
    assert "quoted passage extracted from the article" in system["content"]
    assert "Translate this passage alone" in system["content"]


def _doc_with(segments, quotes):
    """A synthetic document's text with other segments (id, start, end) and quotes (id, [(start, end)])."""
    from benchmark.tasks.inputs import QuoteInput, SegmentInput
    from benchmark.gold.schema import Span

    doc = synthetic_doc(1)
    segs = tuple(SegmentInput(i, Span(a, b), "body", n) for n, (i, a, b) in enumerate(segments))
    qs = tuple(QuoteInput(i, tuple(Span(a, b) for a, b in parts), 0) for i, parts in quotes)
    return type(doc)(doc.doc_id, doc.text, segs, qs, (), ())


@pytest.mark.parametrize("segments, quotes, size, expected", [
    # a quote starting before the first segment goes with it; one in the gap s1–s2 with s1
    ([("s1", 5, 10), ("s2", 20, 30), ("s3", 30, 40)], [("q1", [(0, 3)]), ("q2", [(12, 15)]), ("q3", [(25, 35)])],
     2, [["s1", "s2", "q1", "q2", "q3"], ["s3"]]),
    # gold order inside a batch; a discontinuous quote counts by its first part; blank content is skipped
    ([("s1", 0, 10), ("s2", 10, 20)], [("q2", [(15, 18)]), ("q1", [(8, 9), (12, 14)]), ("q4", [(11, 12)]),
                                       ("q3", [])],
     1, [["s1", "q1"], ["s2", "q2", "q4"]]),
    # no segments: the quotes make batches of their own
    ([], [("q1", [(0, 3)]), ("q2", [(5, 8)]), ("q3", [(9, 12)])], 2, [["q1", "q2"], ["q3"]]),
])
def test_translation_batches_put_quotes_with_their_segments(segments, quotes, size, expected):
    from benchmark.systems.llm.jobs import translation_batches

    doc = _doc_with(segments, quotes)
    batches = translation_batches(doc, size=size)
    assert [[item_id for _, item_id, _ in b] for b in batches] == expected
    texts = {item_id: (key, text) for b in batches for key, item_id, text in b}
    for qid, parts in quotes:
        if parts:
            assert texts[qid] == ("quote_id", " ".join(doc.text[a:b] for a, b in parts))


def test_passages_group_whole_paragraphs_and_skip_boilerplate():
    doc = synthetic_doc(1)
    # Paragraph lengths 33, 45, 29, 41 with 2-character breaks: 0+1 = 80 > 76, 1+2 = 76.
    assert [len(p.text) for p in passages(doc, max_chars=76)] == [33, 76, 41]
    assert [p.label for p in passages(doc, max_chars=76)] == ["paragraphs 0-0", "paragraphs 1-2", "paragraphs 3-3"]
    assert "".join(p.text for p in passages(doc, max_chars=1)) == "".join(
        doc.text[s.span.start:s.span.end] for s in doc.segments)
    boiler = type(doc)(doc.doc_id, doc.text, tuple(s if s.paragraph != 3 else type(s)(s.id, s.span, "boilerplate", 3)
                                                   for s in doc.segments), doc.quotes, doc.stance_items, doc.targets)
    assert [p.label for p in passages(boiler, max_chars=0)] == ["paragraphs 0-2"]
