"""The submission format: validation messages, alignment, speakers, round trip.

The gold is a small synthetic document over the real first article (the
annotated gold may not exist yet), built once at import time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import warnings
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from benchmark.errors import InputError
from benchmark.gold.loading import document_to_json
from benchmark.submission.predictions import (
    Alignment,
    DocPrediction,
    PredAttribution,
    PredMention,
    PredQuote,
    PredStance,
    PredStanceLabel,
    PredTranslation,
)
from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target
from benchmark.gold.segmentation import split_segments
from benchmark.submission.schema import SCHEMA_PATH
from benchmark.submission.reader import (
    parse_submission_lines,
    submission_line,
    read_submission,
    resolve_speaker,
    submission_to_json,
    unknown_id_message,
    write_submission,
)
from benchmark.submission.report import validate_file

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "data" / "articles" / "000_d60cf795c66ab44c.txt").read_text(encoding="utf-8")
DOC_ID = "000_d60cf795c66ab44c"


def at(phrase: str, nth: int = 0) -> Span:
    start = [m.start() for m in re.finditer(re.escape(phrase), TEXT)][nth]
    return Span(start, start + len(phrase), phrase)


M02, M05 = at("لافروف", 5), at("أوشاكوف", 3)  # «قال لافروف إن الوفدين», «قال أوشاكوف.»
MENTIONS = (
    Mention("m01", "lavrov", at("وزير الخارجية الروسي سيرغي لافروف"), "named"),
    Mention("m02", "lavrov", M02, "named"),
    Mention("m03", "lavrov", at("الوزير"), "nominal"),
    Mention("m04", "ushakov", at("المساعد الرئاسي الروسي يوري أوشاكوف"), "named"),
    Mention("m05", "ushakov", M05, "named"),
    Mention("m06", "dmitriev", at("رئيس RDIF"), "nominal"),
    Mention("m07", "rdif", at("RDIF"), "named"),
    Mention("m08", "dmitriev", at("Kirill Dmitriev", 1), "named"),
    Mention("m09", "russian_delegation", at("الجانب الروسي"), "nominal"),
    Mention("m10", "rubio", at("روبيو", 3), "named"),
)
Q01 = at("الوفدين الروسي والأمريكي “لم يستمعا فقط، بل استمعا لبعضهما البعض” خلال المحادثات")
Q02 = at("يجب على الأمريكيين تعيين ممثليهم، وسنعيّن ممثلينا، وبعد ذلك، على الأرجح، سيبدأ العمل")
Q03 = at("نحتاج إلى متابعة المشاريع المشتركة، بما في ذلك، على سبيل المثال، في القطب الشمالي ومجالات أخرى")
DOC = Document(
    doc_id=DOC_ID, text=TEXT, text_sha256="0" * 64, metadata=(),
    entities=(
        Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov", ("Sergey Lavrov", "Lavrov"), ("لافروف",)),
        Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov", ("Yury Ushakov", "Ushakov")),
        Entity("dmitriev", "PER", "كيريل دميترييف", "Kirill Dmitriev", ("Dmitriev",)),
        Entity("rubio", "PER", "ماركو روبيو", "Marco Rubio", ("Rubio",)),
        Entity("rdif", "ORG", "صندوق الاستثمار المباشر الروسي", "Russian Direct Investment Fund", ("RDIF",)),
        Entity("russian_delegation", "GROUP", "الوفد الروسي", "Russian delegation", (), ("الجانب الروسي",)),
        Entity("russia", "GPE", "روسيا", "Russia"),
    ),
    mentions=MENTIONS,
    quotes=(
        Quote("q01", (Q01,), at("قال", 2), M02, "lavrov", "mixed"),
        Quote("q02", (Q02,), at("قال", 6), M05, "ushakov", "direct"),
        Quote("q03", (Q03,), at("قال", 8), None, "dmitriev", "direct"),
    ),
    stances=(Stance("st01", "q01", "lavrov", "relations_normalisation", "FAVOR"),
             Stance("st02", "q03", "dmitriev", "economic_cooperation", "FAVOR")),
    segments=tuple(Segment(f"s{i:02d}", span, kind, para)
                   for i, (span, kind, para) in enumerate(split_segments(TEXT), start=1)),
)
OTHER = Document("001_other", "قال بوتين إن الحوار مهم.", "1" * 64, (), (), (), (), (), ())
TARGETS = (Target("relations_normalisation", "", ""), Target("economic_cooperation", "", ""),
           Target("riyadh_talks", "", ""))
CORPUS = Corpus(documents=(DOC, OTHER), targets=TARGETS, sha256="f" * 64)


def line(obj) -> str:
    return obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)


def parse(*objs):
    return parse_submission_lines([line(o) for o in objs], corpus=CORPUS, file="p.jsonl")


def quote(**kw):
    return {"doc_id": DOC_ID, "quotes": [kw]}


D = {"doc_id": DOC_ID}
N = len(TEXT)

# (id, line, field, message): the error str must be "p.jsonl:1: <field>: <message>".
ERRORS = [
    ("not-json", '{"doc_id": 5 6}', None,
     "not valid JSON: Expecting ',' delimiter at column 14; expected one JSON object per line"),
    ("truncated", '{"doc_id": ', None,
     "not valid JSON: Expecting value at column 12: the line ends at column 10 before the JSON is complete "
     "(truncated?); expected one JSON object per line"),
    ("unterminated-string", '{"doc_id": "000_d60c', None,
     "not valid JSON: Unterminated string starting at column 12: the line ends at column 20 before the JSON is "
     "complete (truncated?); expected one JSON object per line"),
    ("extra-data", '{"doc_id": "x"} {}', None, "not valid JSON: Extra data at column 17; expected one JSON"),
    ("nan", '{"doc_id": "x", "score": NaN}', None, "not valid JSON: NaN is not a JSON number"),
    ("duplicate-key", '{"doc_id": "a", "doc_id": "b"}', None, "duplicate key 'doc_id' in one JSON object"),
    ("not-object", "[1, 2]", None, "expected object, got array [1, 2]"),
    ("doc-id-type", {"doc_id": 5}, "doc_id", "expected string, got integer 5"),
    ("doc-id-null", {"doc_id": None}, "doc_id", "expected string, got null"),
    ("doc-id-missing", {"quotes": []}, None, "missing required key 'doc_id'"),
    ("unknown-key", {**D, "quote": []}, "quote", "unexpected key 'quote' (did you mean 'quotes'?); expected one "
     "of: alignments, attribution, doc_id, format_version, quotes, speakers, stance, translations"),
    ("misspelt-quote-key", quote(contnet=[[1, 5]]), "quotes[0].contnet", "unexpected key 'contnet' (did you mean "
     "'content'?); expected one of: content, content_text, cue, cue_text, source, source_text, speaker, stances, type"),
    ("format-version", {**D, "format_version": 2}, "format_version", "expected 1, got integer 2"),
    ("quotes-type", {**D, "quotes": {}}, "quotes", "expected array, got object {}"),
    ("offset-string", quote(content=[["1", 5]]), "quotes[0].content[0][0]", 'expected integer, got string "1"'),
    ("offset-float", quote(content=[[1.0, 5]]), "quotes[0].content[0][0]", "expected integer, got number 1.0"),
    ("offset-bool", quote(content=[[True, 5]]), "quotes[0].content[0][0]", "expected integer, got boolean true"),
    ("pair-length", quote(content=[[1, 2, 3]]), "quotes[0].content[0]",
     "expected a [start, end] pair of offsets; got array [1, 2, 3]"),
    ("offset-negative", quote(content=[[-1, 5]]), "quotes[0].content[0][0]", "expected a number >= 0, got integer -1"),
    ("cue-negative", quote(content=[[1, 5]], cue=[-3, 4]), "quotes[0].cue[0]",
     "expected a number >= 0, got integer -3"),
    ("cue-string", quote(content=[[1, 5]], cue="قال"), "quotes[0].cue",
     'expected a [start, end] pair of offsets, or [] (a cue that could not be aligned); got string "قال"'),
    ("cue-one-offset", quote(content=[[1, 5]], cue=[3]), "quotes[0].cue",
     "expected a [start, end] pair of offsets, or [] (a cue that could not be aligned); got array [3]"),
    ("source-empty-list", quote(content=[[1, 5]], source=[]), "quotes[0].source",
     "expected a [start, end] pair of offsets; got array []"),  # [] marks an unaligned cue only
    ("offset-past-end", quote(content=[[10, N + 1]]), "quotes[0].content[0]",
     f"offset {N + 1} is past the end of the text: expected 0 <= start < end <= {N} "
     f"(len of document '{DOC_ID}'), got [10, {N + 1}]"),
    ("source-past-end", quote(content=[[1, 5]], source=[N, N + 2]), "quotes[0].source",
     f"offset {N + 2} is past the end of the text"),
    ("reversed", quote(content=[[20, 10]]), "quotes[0].content[0]",
     "reversed or empty span: expected start < end, got [20, 10]"),
    ("empty-span", quote(content=[[1, 5]], cue=[7, 7]), "quotes[0].cue",
     "reversed or empty span: expected start < end, got [7, 7]"),
    ("overlapping-content", quote(content=[[10, 20], [15, 30]]), "quotes[0].content[1]",
     "content spans must be in text order and must not overlap: got [15, 30] after [10, 20]"),
    ("unordered-content", quote(content=[[30, 40], [10, 20]]), "quotes[0].content[1]",
     "content spans must be in text order and must not overlap: got [10, 20] after [30, 40]"),
    ("content-and-text", quote(content=[[1, 5]], content_text="x"), "quotes[0]",
     'give "content" or "content_text", not both; got keys [\'content\', \'content_text\']'),
    ("no-content", quote(speaker="lavrov"), "quotes[0]",
     'a quote needs "content" or "content_text"; got keys [\'speaker\']'),
    ("cue-and-cue-text", quote(content=[[1, 5]], cue=[1, 3], cue_text="قال"), "quotes[0]",
     'give "cue" or "cue_text", not both; got keys'),
    ("content-text-empty", quote(content_text=""), "quotes[0].content_text",
     'expected a non-empty string, got string ""'),
    ("content-text-empty-list", quote(content_text=[]), "quotes[0].content_text",
     "expected a non-empty array, got array []"),
    ("content-text-number", quote(content_text=5), "quotes[0].content_text",
     "expected a non-empty string or a non-empty list of non-empty strings; got integer 5"),
    ("quote-type", quote(content=[[1, 5]], type="quoted"), "quotes[0].type",
     'expected one of ["direct", "indirect", "mixed", null], got string "quoted"'),
    ("quote-stance-label", quote(content=[[1, 5]], stances=[{"target": "riyadh_talks", "label": "favor"}]),
     "quotes[0].stances[0].label", 'expected one of ["FAVOR", "AGAINST", "NONE"], got string "favor"'),
    ("stance-label", {**D, "stance": [{"quote_id": "q01", "target": "riyadh_talks", "label": "PRO"}]},
     "stance[0].label", 'expected one of ["FAVOR", "AGAINST", "NONE"], got string "PRO"'),
    ("speaker-offsets-and-text", {**D, "speakers": [{"start": 1, "end": 5, "text": "لافروف"}]}, "speakers[0]",
     'give "start" and "end", or "text", not both; got keys [\'end\', \'start\', \'text\']'),
    ("speaker-start-only", {**D, "speakers": [{"start": 3}]}, "speakers[0]",
     'a speaker mention needs "start" and "end", or "text"; got keys [\'start\']'),
    ("speaker-half-null", {**D, "speakers": [{"start": 3, "end": None}]}, "speakers[0]",
     "expected start and end both offsets or both null (an unaligned mention), got start=3, end=null"),
    ("speaker-text-null", {**D, "speakers": [{"text": None}]}, "speakers[0].text", "expected string, got null"),
    ("unknown-doc", {"doc_id": "000_d60cf795c66ab44"}, "doc_id",
     "Unknown doc_id '000_d60cf795c66ab44'. Did you mean '000_d60cf795c66ab44c'? "
     "Available: 000_d60cf795c66ab44c, 001_other"),
    ("unknown-segment", {**D, "translations": [{"segment_id": "s99", "text": "x"}]}, "translations[0].segment_id",
     "Unknown segment id 's99'. Did you mean"),
    ("unknown-quote-attribution", {**D, "attribution": [{"quote_id": "q1", "speaker": "lavrov"}]},
     "attribution[0].quote_id", "Unknown quote id 'q1'. Did you mean 'q01'? Available: q01, q02, q03"),
    ("unknown-quote-stance", {**D, "stance": [{"quote_id": "q04", "target": "riyadh_talks", "label": "NONE"}]},
     "stance[0].quote_id", "Unknown quote id 'q04'. Did you mean 'q03'? Available: q01, q02, q03"),
    ("unpadded-quote-stance", {**D, "stance": [{"quote_id": "Q3", "target": "riyadh_talks", "label": "NONE"}]},
     "stance[0].quote_id", "Unknown quote id 'Q3'. Did you mean 'q03'? Available: q01, q02, q03"),
    ("unpadded-segment", {**D, "translations": [{"segment_id": "s1", "text": "x"}]}, "translations[0].segment_id",
     "Unknown segment id 's1'. Did you mean 's01'? Available: s01, s02,"),
    ("stance-pair-not-gold", {**D, "stance": [
        {"quote_id": "q01", "target": "relations_normalisation", "label": "FAVOR"},
        {"quote_id": "q01", "target": "economic_cooperation", "label": "NONE"}]},
     "stance[1]", "('q01', 'economic_cooperation') is not a gold (quote, target) pair: quote 'q01' has the gold "
     "target 'relations_normalisation' only; the stance task labels gold pairs only (the inputs' stance_items)"),
    ("stance-quote-without-gold-stance", {**D, "stance": [{"quote_id": "q02", "target": "riyadh_talks", "label": "NONE"}]},
     "stance[0]", "('q02', 'riyadh_talks') is not a gold (quote, target) pair: quote 'q02' has no gold stance item;"),
    ("translation-both-ids", {**D, "translations": [{"segment_id": "s01", "quote_id": "q01", "text": "x"}]},
     "translations[0]", 'give either "segment_id" or "quote_id", not both; got keys [\'quote_id\', \'segment_id\', '
     "'text']"),
    ("translation-no-id", {**D, "translations": [{"text": "x"}]},
     "translations[0]", 'a translation needs "segment_id" or "quote_id"; got keys [\'text\']'),
    ("unknown-target", {**D, "stance": [{"quote_id": "q01", "target": "riyadh_talk", "label": "NONE"}]},
     "stance[0].target", "Unknown target 'riyadh_talk'. Did you mean 'riyadh_talks'? "
     "Available: economic_cooperation, relations_normalisation, riyadh_talks"),
    ("unknown-target-in-quote", quote(content=[[1, 5]], stances=[{"target": "nato", "label": "NONE"}]),
     "quotes[0].stances[0].target", "Unknown target 'nato'."),
    ("duplicate-attribution", {**D, "attribution": [{"quote_id": "q01", "speaker": "lavrov"},
                                                    {"quote_id": "q01", "speaker": None}]},
     "attribution[1]",
     "duplicate quote_id='q01': already given in attribution[0]; expected at most one item per quote_id"),
    ("duplicate-stance", {**D, "stance": [{"quote_id": "q01", "target": "riyadh_talks", "label": "NONE"},
                                          {"quote_id": "q02", "target": "riyadh_talks", "label": "NONE"},
                                          {"quote_id": "q01", "target": "riyadh_talks", "label": "FAVOR"}]},
     "stance[2]", "duplicate quote_id='q01', target='riyadh_talks': already given in stance[0]; "
     "expected at most one item per quote_id/target"),
    ("duplicate-translation",
     {**D, "translations": [{"segment_id": "s01", "text": "a"}, {"segment_id": "s01", "text": "b"}]},
     "translations[1]", "duplicate segment_id='s01': already given in translations[0]"),
    ("duplicate-quote-stance", quote(content=[[1, 5]], stances=[{"target": "trump", "label": "NONE"},
                                                                  {"target": "trump", "label": "FAVOR"}]),
     "quotes[0].stances[1]", "duplicate target='trump': already given in quotes[0].stances[0]"),
    ("alignment-method",
     {**D, "alignments": [{"field": "f", "query": "q", "method": "guess", "score": 1, "span": None}]},
     "alignments[0].method",
     'expected one of ["offsets", "exact", "normalized", "fuzzy", "unaligned"], got string "guess"'),
    ("alignment-span-past-end",
     {**D, "alignments": [{"field": "f", "query": "q", "method": "exact", "score": 100, "span": [1, N + 1]}]},
     "alignments[0].span", f"offset {N + 1} is past the end of the text"),
    ("duplicate-quote-translation",
     {**D, "translations": [{"quote_id": "q01", "text": "a"}, {"segment_id": "s01", "text": "c"},
                            {"quote_id": "q01", "text": "b"}]},
     # the repeat is the third item of the list: translations[2] (by hand), not the second quote item
     "translations[2]", "duplicate quote_id='q01': already given in translations[0]"),
    ("mention-half-null", {**D, "speakers": [{"start": 3, "end": None}]}, "speakers[0]",
     "expected start and end both offsets or both null (an unaligned mention), got start=3, end=null"),
    ("mention-past-end", {**D, "speakers": [{"start": 3, "end": N + 1}]}, "speakers[0]",
     f"offset {N + 1} is past the end of the text"),
]


@pytest.mark.parametrize(("obj", "field", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_error_messages(obj, field, message):
    with pytest.raises(InputError) as info:
        parse(obj)
    err = info.value
    assert (err.file, err.line, err.field) == ("p.jsonl", 1, field)
    assert err.message.startswith(message)
    prefix = f"p.jsonl:1: {field}: " if field else "p.jsonl:1: "
    assert str(err) == prefix + err.message


@pytest.mark.parametrize("lines", [[], [""], ["", "  ", "\n"]])
def test_empty_file(lines):
    with pytest.raises(InputError) as info:
        parse_submission_lines(lines, corpus=CORPUS, file="p.jsonl")
    assert str(info.value) == "p.jsonl: empty file: expected one JSON object per line, got no lines"


def test_line_numbers_count_blank_lines():
    with pytest.raises(InputError) as info:
        parse_submission_lines(["", line(D), "", '{"doc_id": 1}'], corpus=CORPUS, file="p.jsonl")
    assert (info.value.line, info.value.field) == (4, "doc_id")


def test_duplicate_doc_id_lines():
    with pytest.raises(InputError) as info:
        parse(D, {"doc_id": "001_other"}, D)
    assert str(info.value) == (f"p.jsonl:3: doc_id: duplicate doc_id '{DOC_ID}': already on line 1; "
                               "expected one line per document")


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(line(D).encode() + b'\n{"doc_id": "\xff"}\n')
    with pytest.raises(InputError) as info:
        read_submission(path, corpus=CORPUS)
    assert str(info.value) == f"{path}:2: not UTF-8: byte 0xff at column 13; expected UTF-8 text"


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_submission(tmp_path / "nope.jsonl", corpus=CORPUS)
    assert str(info.value) == f"{tmp_path / 'nope.jsonl'}: cannot read file: No such file or directory"


def test_utf8_bom_is_accepted():
    assert list(parse_submission_lines(["\ufeff" + line(D)], corpus=CORPUS)) == [DOC_ID]


def test_absent_key_is_not_attempted_and_empty_list_is_attempted():
    pred = parse({**D, "quotes": [], "translations": []})[DOC_ID]
    assert (pred.quotes, pred.translations) == ((), ())
    assert (pred.speakers, pred.attribution, pred.stance) == (None, None, None)
    assert pred == DocPrediction(DOC_ID, quotes=(), translations=())


def test_offsets_are_kept_and_speaker_resolved():
    obj = quote(content=[[Q01.start, Q01.end]], cue=[1705, 1708], source=[M02.start, M02.end],
                speaker="لافروف", type="mixed",
                stances=[{"target": "relations_normalisation", "label": "FAVOR"}])
    pred = parse({**obj, "format_version": 1})[DOC_ID]
    assert pred.quotes == (PredQuote(content=(Q01,), cue=Span(1705, 1708), source=M02, speaker="lavrov",
                                     speaker_raw="لافروف", type="mixed",
                                     stances=(PredStanceLabel("relations_normalisation", "FAVOR"),)),)
    assert pred.quotes[0].content[0].text == Q01.text
    assert pred.alignments == ()


def test_text_fields_are_aligned_with_hints():
    # normalised content (no hamza, ya for alef maqsura), cue and source near it
    content = "«الوفدين الروسي والامريكي “لم يستمعا فقط، بل استمعا لبعضهما البعض” خلال المحادثات»"
    pred = parse(quote(content_text=content, cue_text="قال", source_text="لافروف", speaker=None))[DOC_ID]
    q = pred.quotes[0]
    assert (q.content, q.cue, q.source) == ((Q01,), at("قال", 2), M02)
    assert (q.speaker, q.speaker_raw) == ("lavrov", None)  # from the gold mention under the source
    assert [(a.field, a.method) for a in pred.alignments] == [
        ("quotes[0].content_text", "normalized"), ("quotes[0].cue_text", "exact"), ("quotes[0].source_text", "exact")]


def test_discontinuous_content_text():
    q = parse(quote(content_text=["مفيد", "الاجتماع مع الوفد الأمريكي"], cue_text="وصف"))[DOC_ID].quotes[0]
    assert [s.text for s in q.content] == ["الاجتماع مع الوفد الأمريكي", "مفيد"]
    assert q.content[0].end < q.content[1].start


def test_unalignable_text_is_kept_as_spurious():
    pred = parse({**D, "speakers": [{"text": "الرئيس الصيني شي جين بينغ"}],
                  "quotes": [{"content_text": "سنغزو المريخ في العام المقبل بالتأكيد", "speaker": "Xi"}]})[DOC_ID]
    assert pred.speakers == (PredMention(span=None),)
    assert pred.quotes == (PredQuote(content=(), speaker=None, speaker_raw="Xi"),)
    assert not pred.quotes[0].aligned
    assert [(a.field, a.method, a.span) for a in pred.alignments] == [
        ("speakers[0].text", "unaligned", None), ("quotes[0].content_text", "unaligned", None)]


BOGUS = "عبارة لا ترد في المقال على الإطلاق"


def score_quotes(pred: DocPrediction) -> dict:
    from benchmark.scoring.result import UndefinedMetricWarning
    from benchmark.tasks.registry import TASKS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)  # per-type families with no quotes
        result = TASKS.get("quotes").evaluate(gold=DOC, pred=pred, gold_sha256="f" * 64, n_resamples=10, seed=1)
    return {m.name: m for m in result.metrics}


def test_unalignable_cue_text_is_a_spurious_cue():
    content = [[[q.content[0].start, q.content[0].end]] for q in DOC.quotes]
    cue = [DOC.quotes[1].cue.start, DOC.quotes[1].cue.end]
    pred = parse({**D, "quotes": [{"content": content[0], "cue_text": BOGUS},
                                  {"content": content[1], "cue": cue}, {"content": content[2]}]})[DOC_ID]
    q = pred.quotes[0]
    assert (q.cue, q.cue_unaligned) == (None, True)
    assert (pred.quotes[1].cue_unaligned, pred.quotes[2].cue_unaligned) == (False, False)
    assert [(a.field, a.method) for a in pred.alignments] == [("quotes[0].cue_text", "unaligned")]
    # written as "cue": [] (not null), and read back as the same prediction
    written = submission_to_json(pred)
    assert [w["cue"] for w in written["quotes"]] == [[], cue, None]
    assert parse(written)[DOC_ID] == pred
    # scored: one correct cue, one spurious (in the unaligned pseudo-item), one missed
    metrics = score_quotes(pred)
    exact = dict(metrics["quote_cue_precision.exact.char"].details)
    assert (exact["COR"], exact["SPU"], exact["MIS"], exact["ACT"]) == (1, 1, 2, 2)
    assert metrics["quote_cue_precision.exact.char"].value == 0.5


def test_a_lone_unalignable_cue_gives_precision_zero_not_undefined():
    span = DOC.quotes[0].content[0]
    bogus = score_quotes(parse(quote(content=[[span.start, span.end]], cue_text=BOGUS))[DOC_ID])
    none = score_quotes(parse(quote(content=[[span.start, span.end]], cue_text=None))[DOC_ID])
    assert bogus["quote_cue_precision.exact.char"].value == 0.0
    assert dict(bogus["quote_cue_precision.exact.char"].details)["SPU"] == 1
    assert bogus["quote_cue_precision.proportional.char"].value == 0.0
    # no cue at all is not a spurious cue: precision is undefined (null)
    assert none["quote_cue_precision.exact.char"].value is None
    assert dict(none["quote_cue_precision.exact.char"].details)["SPU"] == 0


def test_unalignable_source_text_is_recorded_and_not_used_for_the_speaker():
    span = [[Q01.start, Q01.end]]
    p = parse(quote(content=span, source_text=BOGUS, speaker=None))[DOC_ID]
    (q,) = p.quotes
    assert (q.source, q.speaker, q.speaker_raw) == (None, None, None)
    assert [(a.field, a.method, a.span) for a in p.alignments] == [("quotes[0].source_text", "unaligned", None)]
    written = submission_to_json(p)
    assert written["quotes"][0]["source"] is None and written["alignments"][0]["query"] == BOGUS
    assert parse(written)[DOC_ID] == p
    # a resolvable name still resolves
    assert parse(quote(content=span, source_text=BOGUS, speaker="Lavrov"))[DOC_ID].quotes[0].speaker == "lavrov"


@pytest.mark.parametrize(
    ("speaker", "source", "expected"),
    [
        (None, M02, "lavrov"),          # no speaker: the gold mention under the source span
        ("SPEAKER_1", M02, "lavrov"),   # unresolvable name: the source span
        ("Putin", M05, "ushakov"),
        ("ushakov", M02, "ushakov"),    # a name resolving to another entity wins over the source
        ("Putin", None, None),          # neither: unresolved (scored as wrong)
    ],
)
def test_quote_speaker_falls_back_to_the_source_span(speaker, source, expected):
    obj = quote(content=[[Q01.start, Q01.end]], speaker=speaker,
                source=None if source is None else [source.start, source.end])
    q = parse(obj)[DOC_ID].quotes[0]
    assert (q.speaker, q.speaker_raw) == (expected, None if speaker == expected else speaker)


def test_repeated_speaker_text_takes_successive_occurrences():
    pred = parse({**D, "speakers": [{"text": "لافروف"}, {"text": "لافروف", "entity": "A"},
                                    {"start": 614, "end": 629, "entity": "dmitriev"}, {"text": "لافروف"}]})[DOC_ID]
    assert [(m.span.start, m.entity) for m in pred.speakers] == [(47, None), (526, "A"), (614, "dmitriev"), (919, None)]


def test_oracle_tasks():
    pred = parse({**D, "attribution": [{"quote_id": "q01", "speaker": "Sergey Lavrov"},
                                       {"quote_id": "q02", "speaker": "ushakov"},
                                       {"quote_id": "q03", "speaker": None}],
                  "stance": [{"quote_id": "q01", "target": "relations_normalisation", "label": "FAVOR"}],
                  "translations": [{"segment_id": "s02", "text": "Russia and the US took first steps."}]})[DOC_ID]
    assert pred.attribution == (PredAttribution("q01", "lavrov", "Sergey Lavrov"), PredAttribution("q02", "ushakov"),
                                PredAttribution("q03", None))
    assert pred.stance == (PredStance("q01", "relations_normalisation", "FAVOR"),)
    assert pred.translations == (PredTranslation("s02", "Russia and the US took first steps."),)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lavrov", "lavrov"),                                   # gold id
        ("Lavrov", "lavrov"),                                   # English variant
        ("SERGEI LAVROV.", "lavrov"),                           # casefold, punctuation
        ("Sergey Lavrov", "lavrov"),                            # English spelling variant
        ("سيرغي لافروف", "lavrov"),                              # Arabic name
        ("سيرغى لافروف", "lavrov"),                              # alef maqsura spelling
        ("سَيرغي لافروفْ", "lavrov"),                             # diacritics
        ("وزير الخارجية الروسي سيرغي لافروف", "lavrov"),          # a gold mention's surface text
        ("الوزير", "lavrov"),                                   # nominal mention surface
        ("Russian Foreign Minister Sergei Lavrov", "lavrov"),   # name ⊂ query
        ("اوشاكوف", "ushakov"),                                 # hamza dropped
        ("Yury Ushakov", "ushakov"),
        ("Yuri", "ushakov"),                                    # query ⊂ name
        ("Dmitriev", "dmitriev"),
        ("RDIF", "rdif"),
        ("Russia", "russia"),
        ("روبيو", "rubio"),
        ("US Secretary of State Marco Rubio", "rubio"),
        ("Putin", None),                                        # unknown
        ("كيريل ديميترييف", None),                               # misspelt beyond normalisation
        ("الروسي", None),                                       # ambiguous: several entities
        ("", None),
        (None, None),
    ],
)
def test_resolve_speaker_by_name(name, expected):
    assert resolve_speaker(name, doc=DOC) == expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        (None, M02, "lavrov"),
        ("SPEAKER_3", M05, "ushakov"),                 # cluster label: fall back to the source
        (None, at("رئيس RDIF"), "dmitriev"),           # nested mentions: best overlap/union
        (None, at("RDIF"), "rdif"),
        (None, Span(M02.start - 4, M02.end), "lavrov"),  # partial overlap
        (None, at("الخطوات الأولى"), None),             # no gold mention there
        ("الروسي", at("يوري أوشاكوف", 1), "ushakov"),   # ambiguous name, source picks among candidates
        ("الروسي", at("RDIF"), "rdif"),
        ("lavrov", M05, "lavrov"),                     # a resolvable name wins over the source
    ],
)
def test_resolve_speaker_with_source(name, source, expected):
    assert resolve_speaker(name, doc=DOC, source=source) == expected


RICH = {
    "doc_id": DOC_ID,
    "speakers": [{"text": "لافروف"}, {"start": M05.start, "end": M05.end, "entity": "B"}, {"text": "بوتين الرهيب"}],
    "quotes": [
        {"content_text": "الوفدين الروسي والامريكي لم يستمعا فقط بل استمعا لبعضهما البعض خلال المحادثات",
         "cue_text": "قال", "source_text": "لافروف", "speaker": "Lavrov", "type": "mixed",
         "stances": [{"target": "relations_normalisation", "label": "FAVOR"}]},
        {"content": [[Q02.start, Q02.end]], "cue": None, "source": [M05.start, M05.end], "speaker": "ushakov"},
        {"content_text": "كلام لا يوجد في النص أبدا ولا قريب منه", "speaker": None, "type": None},
    ],
    "attribution": [{"quote_id": "q03", "speaker": "Kirill Dmitriev"}, {"quote_id": "q01", "speaker": "nobody"}],
    "stance": [{"quote_id": "q03", "target": "economic_cooperation", "label": "AGAINST"}],
    "translations": [{"segment_id": "s03", "text": "Delegations met in Riyadh."}],
}


def test_round_trip_through_json():
    pred = parse(RICH)[DOC_ID]
    assert [a.method for a in pred.alignments] == ["exact", "unaligned", "fuzzy", "exact", "exact", "unaligned"]
    written = submission_to_json(pred)
    assert all("content_text" not in q and "cue_text" not in q for q in written["quotes"])
    assert written["quotes"][2]["content"] == []
    assert written["speakers"][2] == {"start": None, "end": None}
    again = parse(written)[DOC_ID]
    assert again == pred
    assert submission_to_json(again) == written


def test_write_is_deterministic_atomic_and_reads_back(tmp_path):
    built = DocPrediction(
        doc_id=DOC_ID,
        quotes=(PredQuote(content=(Q03,), speaker="dmitriev", type="direct"), PredQuote(content=())),
        attribution=(PredAttribution("q01", "lavrov"),),
        alignments=(Alignment("quotes[1].content_text", "؟", "unaligned", 0.0, None),))
    other = DocPrediction(doc_id="001_other", translations=())
    a, b = tmp_path / "a.jsonl", tmp_path / "sub" / "b.jsonl"
    write_submission([built, other], a)
    write_submission([other, built], b)
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.jsonl", "b.jsonl", "sub"]  # no temp files left
    text = a.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith('{"alignments": [{"field": "quotes[1].content_text", "method": "unaligned"')
    assert '"query": "؟"' in text and text.endswith("\n") and text.count("\n") == 2
    back = read_submission(a, corpus=CORPUS)
    assert back == {"001_other": other, DOC_ID: built}


def test_write_refuses_two_predictions_for_one_document(tmp_path):
    with pytest.raises(InputError, match=f"duplicate doc_id '{DOC_ID}'"):
        write_submission([DocPrediction(DOC_ID), DocPrediction(DOC_ID)], tmp_path / "p.jsonl")
    assert not list(tmp_path.iterdir())


def test_validate_file_report(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(line(RICH) + "\n", encoding="utf-8")
    report = validate_file(path, corpus=CORPUS)
    assert report.missing_docs == ("001_other",)
    (doc,) = report.docs
    assert (doc.doc_id, doc.line, doc.unresolved_speakers, doc.offsets) == (DOC_ID, 1, 1, 3)
    assert doc.counts == {"speakers": 3, "quotes": 3, "attribution": 2, "stance": 1, "translations": 1,
                          "quote_stances": 1}
    assert doc.coverage == {"attribution": (2, 3), "stance": (1, 2),
                            "translation segments": (1, len(DOC.segments)), "translation quotes": (0, 3)}
    assert report.alignment_methods == {"offsets": 3, "exact": 3, "normalized": 0, "fuzzy": 1, "unaligned": 2}
    summary = report.summary()
    assert "no predictions for: 001_other" in summary
    assert (f"    gold items covered: attribution 2/3; stance 1/2; translations: segments 1/{len(DOC.segments)}, "
            "quotes 0/3\n") in summary
    assert summary.endswith("unaligned=2 (ar-norm-v2, fuzzy threshold 90)")


def test_validate_counts_segment_and_quote_translations_apart(tmp_path):
    # every segment and every quote translated: not "translations 50/47"
    items = [{"segment_id": s.id, "text": "x"} for s in DOC.segments] + [
        {"quote_id": q.id, "text": "y"} for q in DOC.quotes]
    path = tmp_path / "p.jsonl"
    path.write_text(line({**D, "translations": items}) + "\n" + line({"doc_id": "001_other", "translations": []}),
                    encoding="utf-8")
    report = validate_file(path, corpus=CORPUS, fuzzy_threshold=85)
    n = len(DOC.segments)
    assert report.docs[0].coverage == {"translation segments": (n, n), "translation quotes": (3, 3)}
    assert report.docs[1].coverage == {"translation segments": (0, 0), "translation quotes": (0, 0)}
    assert f"gold items covered: translations: segments {n}/{n}, quotes 3/3\n" in report.summary()
    assert report.summary().endswith("(ar-norm-v2, fuzzy threshold 85)")


def test_main_validate_end_to_end(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "gold").mkdir()
    (data / "articles" / f"{DOC_ID}.txt").write_text(TEXT, encoding="utf-8")
    # validate checks the gold first, so the synthetic document needs the real checksum
    doc = dataclasses.replace(DOC, text_sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest())
    gold = document_to_json(doc, text_file=f"articles/{DOC_ID}.txt")
    (data / "gold" / f"{DOC_ID}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (data / "targets.json").write_text(json.dumps([dataclasses.asdict(t) for t in TARGETS]), encoding="utf-8")
    preds = tmp_path / "p.jsonl"
    preds.write_text(line(RICH) + "\n", encoding="utf-8")
    from benchmark.cli.main import main

    assert main(["validate", str(preds), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{preds}: valid, 1 document(s), gold ")
    assert "spans: offsets=3, exact=3, normalized=0, fuzzy=1, unaligned=2 (ar-norm-v2, fuzzy threshold 90)" in out
    # the documented threshold option: the fuzzy content of RICH (score 96.1) no longer aligns at 99
    assert main(["validate", str(preds), "--data-dir", str(data), "--fuzzy-threshold", "99"]) == 0
    assert "fuzzy=0, unaligned=3 (ar-norm-v2, fuzzy threshold 99)" in capsys.readouterr().out


def test_schema_is_valid_draft_2020_12_and_accepts_the_documented_example():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    example = {"doc_id": "x", "speakers": [{"start": 10, "end": 22}, {"text": "لافروف", "entity": "lavrov"}],
               "quotes": [{"content": [[120, 260]], "cue": [100, 104], "source_text": "لافروف", "speaker": "lavrov",
                           "type": "direct", "stances": [{"target": "t", "label": "FAVOR"}]},
                          {"content_text": "...", "cue_text": None, "source": None, "speaker": None, "type": None}],
               "attribution": [{"quote_id": "q01", "speaker": "Lavrov"}],
               "stance": [{"quote_id": "q01", "target": "t", "label": "NONE"}],
               "translations": [{"segment_id": "s01", "text": "..."}]}
    assert list(Draft202012Validator(schema).iter_errors(example)) == []


def test_the_example_in_the_docs_is_valid():
    doc = (ROOT / "docs" / "SUBMISSION.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    pred = parse(example)[DOC_ID]
    assert [q.speaker for q in pred.quotes] == ["lavrov", "ushakov"]
    assert pred.quotes[0].source == M02
    assert pred.speakers[1] == PredMention(span=at("لافروف"), entity="lavrov")
    assert [a.method for a in pred.alignments] == ["exact", "exact", "exact", "exact"]




def test_real_gold_written_as_a_submission_reads_back_as_itself():
    from benchmark.gold.loading import load_corpus

    corpus = load_corpus()
    offsets, texts = [], []
    for doc in corpus.documents:
        quotes = [{"content": [[s.start, s.end] for s in q.content], "cue": q.cue and [q.cue.start, q.cue.end],
                   "source": q.source and [q.source.start, q.source.end], "speaker": q.speaker, "type": q.type}
                  for q in doc.quotes]
        offsets.append(line({"doc_id": doc.doc_id, "quotes": quotes,
                             "attribution": [{"quote_id": q.id, "speaker": q.speaker} for q in doc.quotes],
                             "stance": [{"quote_id": s.quote, "target": s.target, "label": s.label}
                                        for s in doc.stances]}))
        texts.append(line({"doc_id": doc.doc_id, "quotes": [
            {"content_text": [s.text for s in q.content], "cue_text": q.cue and q.cue.text,
             "source_text": q.source and q.source.text, "speaker": doc.entity(q.speaker).name_en}
            for q in doc.quotes]}))
    by_offsets = parse_submission_lines(offsets, corpus=corpus)
    by_text = parse_submission_lines(texts, corpus=corpus)
    for doc in corpus.documents:
        pred = by_offsets[doc.doc_id]
        assert [(q.content, q.cue, q.source, q.speaker) for q in pred.quotes] == [
            (q.content, q.cue, q.source, q.speaker) for q in doc.quotes]
        assert [a.speaker for a in pred.attribution] == [q.speaker for q in doc.quotes]
        assert pred.alignments == ()
        pred = by_text[doc.doc_id]
        assert [q.speaker for q in pred.quotes] == [q.speaker for q in doc.quotes]
        assert {a.method for a in pred.alignments} <= {"exact", "normalized"}
        for gold, got in zip(doc.quotes, pred.quotes, strict=True):
            if doc.text.count(gold.content[0].text) == 1:  # unique text: must land on the gold span
                assert got.content[0] == gold.content[0]


def test_quote_translations_round_trip_and_errors():
    from benchmark.gold.loading import load_corpus

    corpus = load_corpus()
    doc = corpus.documents[0]
    line = json.dumps({"doc_id": doc.doc_id, "translations": [
        {"segment_id": doc.segments[0].id, "text": "a"}, {"quote_id": doc.quotes[0].id, "text": "b"}]})
    pred = parse_submission_lines([line], corpus=corpus)[doc.doc_id]
    assert [(t.segment_id, t.quote_id) for t in pred.translations] == [(doc.segments[0].id, None), (None, doc.quotes[0].id)]
    assert parse_submission_lines([json.dumps(submission_to_json(pred))], corpus=corpus)[doc.doc_id] == pred
    bad = json.dumps({"doc_id": doc.doc_id, "translations": [{"quote_id": "q999", "text": "b"}]})
    with pytest.raises(InputError, match=r"translations\[0\]\.quote_id: Unknown quote id 'q999'"):
        parse_submission_lines([bad], corpus=corpus)
    both = json.dumps({"doc_id": doc.doc_id, "translations": [{"quote_id": "q01", "segment_id": "s01", "text": "b"}]})
    with pytest.raises(InputError, match=r"translations\[0\]"):
        parse_submission_lines([both], corpus=corpus)


def test_did_you_mean_prefers_the_zero_padded_id():
    ids = [f"q{i:02d}" for i in range(1, 34)]
    # difflib alone would say 'q31' (it scores 'q01' and 'q31' alike and takes the later)
    assert unknown_id_message("quote id", "q1", ids).startswith("Unknown quote id 'q1'. Did you mean 'q01'?")
    assert unknown_id_message("quote id", "q001", ids).startswith("Unknown quote id 'q001'. Did you mean 'q01'?")
    assert unknown_id_message("segment id", "s7", ["s07", "s17", "s70"]).startswith(
        "Unknown segment id 's7'. Did you mean 's07'?")
    # no number match: difflib as before
    assert unknown_id_message("quote id", "q99", ["q01", "q09"]) == (
        "Unknown quote id 'q99'. Did you mean 'q09'? Available: q01, q09")
    assert unknown_id_message("quote id", "x1", ["q01"]) == "Unknown quote id 'x1'. Available: q01"


def test_real_gold_stance_pair_that_is_not_gold_is_rejected_at_read_time():
    from benchmark.gold.loading import load_corpus

    corpus = load_corpus()
    doc = corpus.documents[0]
    quote_id = doc.stances[-1].quote
    targets = [s.target for s in doc.stances if s.quote == quote_id]
    other = next(t.id for t in corpus.targets if t.id not in targets)
    items = [{"quote_id": s.quote, "target": s.target, "label": s.label} for s in doc.stances]
    items.append({"quote_id": quote_id, "target": other, "label": "NONE"})
    with pytest.raises(InputError) as info:
        parse_submission_lines([json.dumps({"doc_id": doc.doc_id, "stance": items})], corpus=corpus, file="p.jsonl")
    err = info.value
    assert (err.file, err.line, err.field) == ("p.jsonl", 1, f"stance[{len(doc.stances)}]")
    assert err.message.startswith(f"({quote_id!r}, {other!r}) is not a gold (quote, target) pair: quote "
                                  f"{quote_id!r} has the gold target")
    assert all(repr(t) in err.message for t in targets)
    # the gold pairs alone read fine, and an unpadded quote id suggests the padded one
    assert len(parse_submission_lines([json.dumps({"doc_id": doc.doc_id, "stance": items[:-1]})],
                                      corpus=corpus)[doc.doc_id].stance) == len(doc.stances)
    bad = json.dumps({"doc_id": doc.doc_id, "attribution": [{"quote_id": "q1", "speaker": None}]})
    with pytest.raises(InputError, match=r"Unknown quote id 'q1'\. Did you mean 'q01'\?"):
        parse_submission_lines([bad], corpus=corpus)


def test_a_span_may_end_at_the_last_character_of_the_text():
    # [N - 1, N) is the text's last character; only N + 1 and beyond are past the end.
    pred = parse(quote(content=[[N - 1, N]], cue=None, source=None, speaker=None))[DOC_ID]
    assert pred.quotes[0].content == (Span(N - 1, N, TEXT[-1]),)


def test_adjacent_content_text_parts_stay_separate_and_overlapping_ones_merge():
    # Two parts that touch keep their own spans (they cover the same characters
    # as one span, which the scorer's units merge); two that overlap are merged here.
    first, second = Q01.text[:10], Q01.text[10:20]
    pred = parse(quote(content_text=[first, second], speaker=None))[DOC_ID]
    assert pred.quotes[0].content == (Span(Q01.start, Q01.start + 10), Span(Q01.start + 10, Q01.start + 20))
    pred = parse(quote(content_text=[Q01.text[:12], Q01.text[8:20]], speaker=None))[DOC_ID]
    assert pred.quotes[0].content == (Span(Q01.start, Q01.start + 20),)


def test_an_ambiguous_name_never_falls_through_to_a_looser_step():
    # "Smith" is exactly the name of two entities (step 2: two candidates); step 3
    # (its words inside a longer name) would pick a third entity, c.  The result
    # is "no speaker", unless a source span picks one of the two — even where it
    # overlaps c's mention more.
    smith_text = "قال سميث وسميث وجون سميث"
    doc = Document("d", smith_text, "", (), (
        Entity("a", "PER", "سميث", "Smith"), Entity("b", "PER", "سميث", "Smith"),
        Entity("c", "PER", "جون سميث", "John Smith Senior")), (
        Mention("m1", "a", Span(4, 8, "سميث"), "named"), Mention("m2", "b", Span(10, 14, "سميث"), "named"),
        Mention("m3", "c", Span(15, 24, "وجون سميث"), "named")),
        (), (), ())
    assert resolve_speaker("Smith", doc=doc) is None
    assert resolve_speaker("Smith", doc=doc, source=Span(10, 14)) == "b"
    # [12, 24) overlaps b's mention by 2 of 14 and c's by 9 of 12: among a and b, b.
    assert resolve_speaker("Smith", doc=doc, source=Span(12, 24)) == "b"
    assert resolve_speaker("John Smith Senior", doc=doc) == "c"
    assert resolve_speaker("Senior John Smith", doc=doc) is None  # same words, another order: no step fits


def test_content_text_is_aligned_near_the_given_cue_and_parts_follow_each_other():
    # «روسيا والولايات المتحدة» occurs 7 times (offsets 146 … 4833): a cue given as
    # offsets at 3040 picks the occurrence at 3048, not the first one.
    first = "روسيا والولايات المتحدة"
    assert [m.start() for m in re.finditer(first, TEXT)][:4] == [146, 828, 2046, 3048]
    pred = parse(quote(content_text=first, cue=[3040, 3044], speaker=None))[DOC_ID]
    assert pred.quotes[0].content[0].start == 3048
    # Parts: «وكجزء من ذلك،» (at 1223 and 4458) near the cue at 4450, then
    # «في أقرب وقت» (at 1293 and 4936) near where the first part ended.
    assert [m.start() for m in re.finditer("في أقرب وقت", TEXT)] == [1293, 4936]
    pred = parse(quote(content_text=["وكجزء من ذلك،", "في أقرب وقت"], cue=[4450, 4455], speaker=None))[DOC_ID]
    assert [c.start for c in pred.quotes[0].content] == [4458, 4936]


def test_carried_alignments_are_not_counted_as_offsets(tmp_path):
    # A written file carries its alignment records; their spans are read back
    # but are not spans the file gives as offsets.
    obj = {**D, "quotes": [{"content": [[Q01.start, Q01.end]], "speaker": None}],
           "alignments": [{"field": "quotes[0].content_text", "query": "x", "method": "exact", "score": 100.0,
                           "span": [Q01.start, Q01.end]}]}
    path = tmp_path / "p.jsonl"
    path.write_text(line(obj) + "\n", encoding="utf-8")
    (doc,) = validate_file(path, corpus=CORPUS).docs
    assert doc.offsets == 1
    assert parse(obj)[DOC_ID].alignments[0].span == Span(Q01.start, Q01.end)


def test_repeated_content_text_takes_successive_occurrences_and_parts_are_recorded():
    # «روسيا والولايات المتحدة» starts at 146, 828, …: two quotes with that same
    # text take the first two occurrences, not the first one twice.
    first = "روسيا والولايات المتحدة"
    pred = parse({**D, "quotes": [{"content_text": first, "speaker": None},
                                   {"content_text": first, "speaker": None}]})[DOC_ID]
    assert [q.content[0].start for q in pred.quotes] == [146, 828]
    pred = parse(quote(content_text=[Q01.text[:12], Q01.text[8:20]], speaker=None))[DOC_ID]
    assert [a.field for a in pred.alignments] == ["quotes[0].content_text[0]", "quotes[0].content_text[1]"]
    assert pred.quotes[0].content[0].text == Q01.text[:20]  # the merged span keeps its surface text


def test_written_lines_keep_arabic_text_readable():
    pred = parse(quote(content=[[Q01.start, Q01.end]], speaker="لافروف"))[DOC_ID]
    text = submission_line(pred)
    assert "لافروف" in text and "\\u" not in text


def test_write_refuses_duplicates_naming_the_file(tmp_path):
    pred = parse(D)[DOC_ID]
    with pytest.raises(InputError) as info:
        write_submission([pred, pred], tmp_path / "out.jsonl")
    assert str(info.value) == (f"{tmp_path / 'out.jsonl'}: duplicate doc_id {DOC_ID!r}: "
                               "expected one prediction per document")


def test_read_submission_names_the_file_and_passes_the_threshold(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(line({**D, "bogus": 1}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_submission(path, corpus=CORPUS)
    assert str(info.value).startswith(f"{path}:1: ")
    # A one-letter change: the fuzzy tier accepts it at the default threshold, not at 100.
    phrase = "الخطوات الأولى نحو تطبيع العلاقات"
    path.write_text(line(quote(content_text=phrase.replace("تطبيع", "تطبيغ"), speaker=None)) + "\n",
                    encoding="utf-8")
    assert read_submission(path, corpus=CORPUS)[DOC_ID].quotes[0].aligned
    assert not read_submission(path, corpus=CORPUS, fuzzy_threshold=100)[DOC_ID].quotes[0].aligned


def test_a_source_span_picks_the_entity_of_its_best_overlapping_mention():
    # «سميث» of a covers the source entirely (overlap/union 1); a's second mention
    # overlaps only a little; b's mention in between overlaps half.
    text = "سميث ثم سميث جونز ثم سميث"
    doc = Document("d", text, "", (), (Entity("a", "PER", "سميث", "Smith"), Entity("b", "PER", "جونز", "Jones")), (
        Mention("m1", "a", Span(8, 12, "سميث"), "named"), Mention("m2", "b", Span(8, 17, "سميث جونز"), "named"),
        Mention("m3", "a", Span(0, 9, text[:9]), "named")), (), (), ())
    # source [8, 12): m1 4/4 = 1, m2 4/9, m3 1/12 → a (its best mention, not its last one)
    assert resolve_speaker(None, doc=doc, source=Span(8, 12)) == "a"
    tie = Document("d", text, "", (), doc.entities, (
        Mention("m1", "a", Span(0, 4, "سميث"), "named"), Mention("m2", "b", Span(13, 17, "جونز"), "named")),
        (), (), ())
    # source [2, 15) overlaps each by 2 of a union of 13: a tie, so no speaker
    assert resolve_speaker(None, doc=tie, source=Span(2, 15)) is None


def test_strip_norm_and_degenerate_fuzzy_queries():
    from benchmark.submission.align import _strip_norm, align_text

    assert _strip_norm(' ".ab, ', 0, 7) == (3, 5)
    assert _strip_norm("...", 0, 3) == (3, 3)  # nothing but punctuation: an empty window
    assert _strip_norm("ab", 0, 2) == (0, 2)
    # A query that is only tatweel normalises to nothing: unaligned, score 0.
    a = align_text("ــــ", TEXT)
    assert (a.method, a.score, a.span) == ("unaligned", 0.0, None)
