"""The ``rules`` system on the real article text (no gold needed) and on short sentences.

The article is the rules' development data, so checks on it pin generic
behaviour, not scores.  Checks against the annotated gold run only when
``data/gold/*.json`` exists, and only as a development-set regression floor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.tasks.inputs import DocInput, QuoteInput, SegmentInput
from benchmark.gold.schema import Span
from benchmark.gold.segmentation import split_segments
from benchmark.submission.schema import check_line
from benchmark.systems.registry import make_system
from benchmark.systems.arabic_lexicon import COMPLEMENTIZERS, QUOTE_MARKS, key
from benchmark.systems.arabic_quotes import Found, extract, extract_text, quote_type, trim
from benchmark.systems.rules import RulesSystem

DATA = Path(__file__).resolve().parent.parent / "data"
TEXT = (DATA / "articles" / "000_d60cf795c66ab44c.txt").read_text(encoding="utf-8")
BOILERPLATE = TEXT.index("يتم توفير المقال")
SEGMENTS = tuple(SegmentInput(f"s{i:02d}", span, kind, para)
                 for i, (span, kind, para) in enumerate(split_segments(TEXT, boilerplate_from=BOILERPLATE), 1))
DOC = DocInput("000_d60cf795c66ab44c", TEXT, SEGMENTS, (), (), ())
ANALYSIS = extract(DOC)


def quote_starting(prefix: str) -> Found:
    hits = [q for q in ANALYSIS.quotes if q.text.startswith(prefix)]
    assert len(hits) == 1, [q.text[:30] for q in ANALYSIS.quotes]
    return hits[0]


def span_text(span: tuple[int, int] | None) -> str | None:
    return None if span is None else TEXT[span[0]:span[1]]


def test_content_starts_right_after_inna():
    q = quote_starting("الوفدين الروسي والأمريكي")
    start = q.content[0][0]
    assert TEXT[start - 3:start] == "إن "
    assert span_text(q.cue) == "قال" and span_text(q.source) == "لافروف"
    assert q.speaker == "سيرغي لافروف" and q.type == "mixed"


def test_fronted_direct_quote():
    q = quote_starting("يجب على الأمريكيين")
    assert q.type == "direct"
    assert span_text(q.source) == "أوشاكوف" and "أوشاكوف" in q.speaker
    assert q.text.endswith("سيبدأ العمل")
    assert TEXT[q.content[0][0] - 1] == "“" and TEXT[q.content[0][1]] == "”"


def test_pro_drop_takes_previous_speaker():
    q = quote_starting("الولايات المتحدة بدأت تفهم")
    assert span_text(q.cue) == "أضاف" and q.source is None
    assert q.speaker == "سيرغي لافروف"


def test_feminine_pro_drop_goes_to_the_last_feminine_speaker():
    q = quote_starting("بينما كان اجتماع يوم الثلاثاء")
    assert span_text(q.cue) == "ذكرت" and q.source is None
    assert q.speaker == "تامي بروس"


def test_pro_drop_skips_plural_speakers():
    # «شدد المسؤولون …» comes in between; the singular «قال.» goes back to Dmitriev.
    q = quote_starting("نحتاج إلى متابعة")
    assert q.speaker == "Kirill Dmitriev" and q.type == "direct"


def test_no_content_includes_marks_complementizer_or_edge_punctuation():
    assert len(ANALYSIS.quotes) >= 30
    for q in ANALYSIS.quotes:
        for s, e in q.content:
            part = TEXT[s:e]
            assert part == part.strip()
            assert part[0] not in QUOTE_MARKS + "،,." and part[-1] not in QUOTE_MARKS + "،,.:"
            assert key(part.split()[0]) not in COMPLEMENTIZERS


def test_trailing_attribution_and_participle_split_contents():
    outer = quote_starting("تعهدت موسكو وواشنطن")
    assert span_text(outer.cue) == "حسبما قال" and span_text(outer.source) == "لافروف"
    assert TEXT[outer.content[0][1]:outer.content[0][1] + 7] == "، حسبما"
    first = quote_starting("روسيا والولايات المتحدة أعربتا")
    second = quote_starting("الجانب الأمريكي أظهر")
    assert TEXT[first.content[0][1]:first.content[0][1] + 8] == "، مشيرًا"
    assert span_text(second.cue) == "مشيرًا إلى" and second.speaker == first.speaker == "سيرغي لافروف"


def test_discontinuous_wasf_content():
    q = quote_starting("الاجتماع مع الوفد الأمريكي")
    assert [span_text(p) for p in q.content] == ["الاجتماع مع الوفد الأمريكي", "مفيد"]
    assert q.type == "mixed" and span_text(q.source) == "وزير الخارجية الروسي سيرغي لافروف"


def test_nested_report_and_title_resolution():
    inner = quote_starting("موقفه بشأن الصراع")
    outer = quote_starting("كرر الجانب الروسي")
    assert inner.speaker == "الجانب الروسي" and outer.speaker == "سيرغي لافروف"
    assert inner.content[0][1] == outer.content[0][1]
    minister = quote_starting("لا يعني أن المصالح")
    assert span_text(minister.source) == "الوزير" and minister.speaker == "سيرغي لافروف"


def test_sub_headlines_without_cue_are_not_quotes():
    headline = TEXT.index("الولايات المتحدة بدأت تستمع إلى روسيا")
    assert not any(s <= headline < e for q in ANALYSIS.quotes for s, e in q.content)


def test_boilerplate_is_ignored():
    out = RulesSystem(mentions="all").predict([DOC], tasks={"quotes", "speakers"})[0]
    offsets = [p[1] for q in out["quotes"] for p in q["content"]] + [m["end"] for m in out["speakers"]]
    assert max(offsets) < BOILERPLATE


def test_output_spans_valid_deterministic_and_schema_valid():
    tasks = {"quotes", "speakers", "attribution", "end2end"}
    doc = DocInput(DOC.doc_id, TEXT, SEGMENTS, (QuoteInput("q1", (Span(100, 120),), 1),), (), ())
    first = RulesSystem().predict([doc], tasks=tasks)
    assert first == make_system("rules").predict([doc], tasks=tasks)
    out = first[0]
    assert sorted(out) == ["attribution", "doc_id", "quotes", "speakers"]
    check_line(json.dumps(out, ensure_ascii=False), file="rules", line=1)
    pairs = [p for q in out["quotes"] for p in [*q["content"], q["cue"], q["source"]] if p is not None]
    pairs += [[m["start"], m["end"]] for m in out["speakers"]]
    assert all(0 <= s < e <= len(TEXT) for s, e in pairs)
    for q in out["quotes"]:
        ends = [x for p in q["content"] for x in p]
        assert ends == sorted(ends)


def test_only_requested_keys():
    assert sorted(RulesSystem().predict([DOC], tasks={"speakers", "stance"})[0]) == ["doc_id", "speakers"]


def test_source_speaker_mentions():
    out = RulesSystem(mentions="sources").predict([DOC], tasks={"speakers"})[0]["speakers"]
    sources = sorted({q.source for q in ANALYSIS.quotes if q.source is not None})
    assert [(m["start"], m["end"]) for m in out] == sources
    assert {m["entity"] for m in out} >= {"سيرغي لافروف", "الجانب الروسي", "تامي بروس", "وزارة الخارجية الأمريكية"}


def test_all_speaker_mentions():
    out = RulesSystem(mentions="all").predict([DOC], tasks={"speakers"})[0]["speakers"]
    by_text = {}
    for m in out:
        by_text.setdefault(TEXT[m["start"]:m["end"]], set()).add(m["entity"])
    assert by_text["الوزير"] == {"سيرغي لافروف"}
    assert by_text["رئيس RDIF"] == by_text["Kirill Dmitriev"] == {"Kirill Dmitriev"}
    assert by_text["لافروف"] == {"سيرغي لافروف"}  # a short name resolves to the full one
    assert by_text["الفريق الروسي"] == by_text["لجانب الروسي"] == {"الجانب الروسي"}  # one delegation
    assert by_text["واشنطن"] == {"واشنطن"}  # a place that is a source speaks as itself
    assert "موسكو" not in by_text and "روسيا" not in by_text  # places speak only where they are sources
    assert not any("ترامب" in t or "بوتين" in t for t in by_text)  # names that never speak are left out


def test_attribution_uses_overlap_then_falls_back_to_the_last_speaker():
    adaf = quote_starting("الولايات المتحدة بدأت تفهم").content[0]
    headline = TEXT.index("موقف روسيا بشأن أوكرانيا وحلف الناتو")
    quotes = (QuoteInput("qa", (Span(adaf[0] + 5, adaf[1]),), 0), QuoteInput("qh", (Span(headline, headline + 10),), 0))
    out = RulesSystem().predict([DocInput("d", TEXT, SEGMENTS, quotes, (), ())], tasks={"attribution"})[0]
    assert out["attribution"] == [{"quote_id": "qa", "speaker": "سيرغي لافروف"},
                                  {"quote_id": "qh", "speaker": "سيرغي لافروف"}]


@pytest.mark.parametrize(("text", "expected"), [
    ("وقال المتحدث باسم الكرملين دميتري بيسكوف للصحفيين إن موسكو مستعدة للحوار. وأضاف أن الاتصالات مستمرة.",
     [("موسكو مستعدة للحوار", "دميتري بيسكوف", "indirect"), ("الاتصالات مستمرة", "دميتري بيسكوف", "indirect")]),
    ("وقال بيسكوف: “الحوار مستمر”.", [("الحوار مستمر", "بيسكوف", "direct")]),
    ("وحذر لافروف من أن التصعيد خطير، مضيفا أن روسيا سترد.",
     [("التصعيد خطير", "لافروف", "indirect"), ("روسيا سترد", "لافروف", "indirect")]),
    ("وبحسب الوزير سيرغي لافروف، فإن المحادثات كانت مفيدة.",
     [("المحادثات كانت مفيدة", "سيرغي لافروف", "indirect")]),
    ("المحادثات كانت مفيدة، بحسب ما قال مسؤولون.", [("المحادثات كانت مفيدة", "مسؤولون", "indirect")]),
    ("قالت وزيرة الخارجية أنالينا بيربوك إن أوروبا موحدة. “لن نتراجع”، قالت الوزيرة.",
     [("أوروبا موحدة", "أنالينا بيربوك", "indirect"), ("لن نتراجع", "أنالينا بيربوك", "direct")]),
    ("وأعرب الرئيس عن أمله في السلام.", []),  # evaluative verb, not a cue
    # A pro-drop verb inside a clause is no cue of its own: it stays inside the content.
    ("وقال لافروف إن ترامب أول زعيم يعترف بأن الناتو خطر.",
     [("ترامب أول زعيم يعترف بأن الناتو خطر", "لافروف", "indirect")]),
    ("وهو ما شددت موسكو على إبرازه.", []),  # content is only a relative pronoun
    ("اتفقت موسكو وواشنطن على احترام مصالح بعضهما البعض", []),  # paraphrasing headline
])
def test_short_sentences(text, expected):
    got = [(q.text, q.speaker, q.type) for q in extract_text(text).quotes]
    assert got == expected


def test_trim_and_quote_type():
    text = "قال إن “الحوار مفيد.” ثم"
    assert text[slice(*trim(text, 7, 21))] == "الحوار مفيد"
    assert quote_type(text, [trim(text, 7, 21)]) == "direct"
    assert quote_type(text, [(0, 6)]) == "indirect"
    assert quote_type(text, [(4, 14)]) == "mixed"


def test_against_the_gold():
    from benchmark.submission.align import resolve_speaker
    from benchmark.gold.loading import load_corpus
    from benchmark.tasks.inputs import make_input

    corpus = load_corpus()
    doc = corpus.documents[0]
    out = RulesSystem().predict([make_input(doc, corpus.targets)], tasks={"quotes", "attribution"})[0]
    predicted = {tuple(map(tuple, q["content"])) for q in out["quotes"]}
    exact = sum(tuple((c.start, c.end) for c in q.content) in predicted for q in doc.quotes)
    correct = sum(resolve_speaker(a["speaker"], doc=doc) == doc.quote(a["quote_id"]).speaker
                  for a in out["attribution"])
    # Developed on this article: a development-set regression floor, not a held-out estimate.
    # Exact content: 30 of the 33 v1.1 quotes; guideline v1.2 added q34, whose commissive cue
    # «تعهدت» is not in the rules' lexicon, so 30 of 34 (88%): the floor is 0.88.
    assert exact >= 0.88 * len(doc.quotes)
    assert correct >= 0.9 * len(doc.quotes)
