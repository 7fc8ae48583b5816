"""Every check-data rule fails on a corrupted copy of a clean synthetic document.

Each case changes exactly one thing in a document that passes (the
five-segment article of ``test_tasks``, with its real checksum) and expects
exactly the problem that rule reports — field and message — and nothing
else, so a rule that stopped firing, or fired on the wrong field, fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil

import pytest

from benchmark.gold.check import check_data, check_document, check_span, inside_word
from benchmark.gold.loading import default_data_dir
from benchmark.gold.schema import Span, Target
from test_tasks import make_document

TARGETS = tuple(Target(t, "", "") for t in
                ("riyadh_talks", "diplomatic_missions", "relations_normalisation", "ukraine_settlement", "biden_policy"))


def clean():
    doc = make_document()
    return dataclasses.replace(doc, text_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest())


def problems(doc) -> list[str]:
    return [str(p) for p in check_document(doc, targets=TARGETS, file="g.json")]


def span_at(doc, start: int, end: int) -> Span:
    return Span(start, end, doc.text[start:end])


def _first_word_and_space(doc) -> Span:
    content = doc.quote(doc.stances[1].quote).content[0]
    space = doc.text.index(" ", content.start)
    assert space + 1 < content.end, "the test needs a content of several words"
    return span_at(doc, content.start, space + 1)


def replace_in(doc, layer: str, index: int, **changes):
    items = list(getattr(doc, layer))
    items[index] = dataclasses.replace(items[index], **changes)
    return dataclasses.replace(doc, **{layer: tuple(items)})


def test_the_clean_document_passes():
    assert problems(clean()) == []


# --------------------------------------------------------------- spans

def _mention_span(doc, delta_start: int, delta_end: int) -> Span:
    # «الولايات المتحدة» in «وأضاف أن الولايات المتحدة بدأت»: spaces on both sides, no quote's source
    s = doc.mentions[M].span
    return span_at(doc, s.start + delta_start, s.end + delta_end)


M = 3
US = make_document().mentions[M].span
SPAN_CASES = [
    ("empty span", lambda d: Span(US.start, US.start, ""), f"offsets [{US.start}, {US.start}) out of range or empty"),
    ("reversed span", lambda d: Span(US.end, US.start, ""), f"offsets [{US.end}, {US.start}) out of range or empty"),
    ("past the end", lambda d: Span(US.start, len(d.text) + 1, ""), f"for a text of length {len(make_document().text)}"),
    ("negative start", lambda d: Span(-1, US.end, ""), f"offsets [-1, {US.end}) out of range"),
    ("leading whitespace", lambda d: _mention_span(d, -1, 0), "span ' الولايات المتحدة' has leading or trailing whitespace"),
    ("trailing whitespace", lambda d: _mention_span(d, 0, 1), "span 'الولايات المتحدة ' has leading or trailing whitespace"),
    ("start inside a word", lambda d: _mention_span(d, 2, 0), f"span start {US.start + 2} falls inside the word"),
    ("end inside a word", lambda d: _mention_span(d, 0, -2), f"span end {US.end - 2} falls inside the word"),
]


@pytest.mark.parametrize("name,make_span,message", SPAN_CASES, ids=[c[0] for c in SPAN_CASES])
def test_span_rules(name, make_span, message):
    doc = clean()
    found = problems(replace_in(doc, "mentions", M, span=make_span(doc)))
    assert len(found) == 1 and found[0].startswith(f"g.json: mentions[{M}]: ") and message in found[0], found


def test_surface_text_must_match_the_offsets():
    doc = clean()
    found = problems(replace_in(doc, "mentions", 0, span=Span(4, 10, "لافروفي")))
    assert found == ["g.json: mentions[0]: surface text 'لافروفي' does not match the text at [4, 10): 'لافروف'"]


def test_the_word_context_is_eight_characters_either_side():
    text = "قال لافروفي إن"  # position 6 splits «لافروفي»; [0, 14) is the whole text
    (p,) = check_span(text, Span(6, 11, text[6:11]), "f", "g.json")
    assert str(p) == f"g.json: f: span start 6 falls inside the word around {text[0:14]!r}"
    long = "أ" * 20 + " كلمة" + "ب" * 20
    (p,) = check_span(long, Span(21, 25, long[21:25]), "f", "g.json")  # «كلمة» glued to the ب run
    assert str(p) == f"g.json: f: span end 25 falls inside the word around {long[17:33]!r}"


def test_a_span_may_end_at_the_last_character():
    text = "قال لافروف"
    assert check_span(text, Span(4, 10, "لافروف"), "f", "g.json") == []
    assert check_span(text, Span(0, 10, text), "f", "g.json") == []


@pytest.mark.parametrize("text,pos,inside", [
    ("وقال لافروف", 1, False),   # after one proclitic و
    ("فبقال", 2, False),         # after two proclitics ف ب
    ("وفبقال", 3, True),         # three proclitics are more than the rule allows
    ("مقال", 1, True),           # م is not a proclitic
    ("قال لافروف", 3, False),    # at a space
    ("قال لافروف", 4, False),    # right after a space
    ("قال لافروف", 6, True),     # in the middle of a word
    ("قال", 0, False),           # the text's edges are never inside a word
    ("قال", 3, False),
    ("قالَ", 3, True),           # a diacritic (combining mark) belongs to its word
])
def test_inside_word_and_the_proclitic_exception(text, pos, inside):
    assert inside_word(text, pos) is inside


# --------------------------------------------------------------- layers

def _doc_cases():
    d = clean()
    q0 = d.quotes[0]
    return [
        ("duplicate entity id", dataclasses.replace(d, entities=d.entities + d.entities[:1]),
         "entities[5].id: duplicate id 'lavrov'"),
        ("duplicate mention id", replace_in(d, "mentions", 1, id="m1"), "mentions[1].id: duplicate id 'm1'"),
        ("duplicate stance id", replace_in(d, "stances", 1, id="st1"), "stances[1].id: duplicate id 'st1'"),
        ("duplicate segment id", replace_in(d, "segments", 1, id="s1"), "segments[1].id: duplicate id 's1'"),
        ("bad entity type", replace_in(d, "entities", 0, type="PERSON"),
         "entities[0].type: 'PERSON' is not one of PER, ORG, GPE, GROUP"),
        ("entity without English name", replace_in(d, "entities", 0, name_en=" "),
         "entities[0]: entity 'lavrov' needs Arabic and English names"),
        ("entity without Arabic name", replace_in(d, "entities", 0, name_ar=""),
         "entities[0]: entity 'lavrov' needs Arabic and English names"),
        ("bad mention kind", replace_in(d, "mentions", 0, kind="pronoun"),
         "mentions[0].kind: 'pronoun' is not one of named, nominal, metonymic"),
        ("quote without content", replace_in(d, "quotes", 1, content=()),
         "quotes[1].content: a quote needs at least one content span"),
        ("content out of order", replace_in(d, "quotes", 0, content=q0.content[::-1]),
         "quotes[0].content[1]: content spans overlap or are out of text order"),
        ("content parts overlap", replace_in(d, "quotes", 0, content=(q0.content[0], q0.content[0])),
         "quotes[0].content[1]: content spans overlap or are out of text order"),
        # «قال» cut after its first letter (ق is no proclitic; «وصف» cut after و would be allowed)
        ("cue inside a word", replace_in(d, "quotes", 1, cue=span_at(d, d.quotes[1].cue.start + 1, d.quotes[1].cue.end)),
         f"quotes[1].cue: span start {d.quotes[1].cue.start + 1} falls inside the word"),
        ("source not a mention", replace_in(d, "quotes", 0, source=q0.content[0]),
         "quotes[0].source: source span 'الاجتماع' is not a mention"),
        ("self-nesting", replace_in(d, "quotes", 0, nested_in="q1"),
         "quotes[0].nested_in: dangling reference to quote 'q1'"),
        ("dangling stance holder", replace_in(d, "stances", 0, holder="putin"),
         "stances[0].holder: dangling reference to entity 'putin'"),
        # q2's first word and the space after it: inside q2's content, so only the whitespace rule fires
        ("evidence with trailing whitespace",
         replace_in(d, "stances", 1, evidence=_first_word_and_space(d)),
         f"stances[1].evidence: span {_first_word_and_space(d).text!r} has leading or trailing whitespace"),
        ("duplicate (quote, target) pair", replace_in(d, "stances", 1, quote="q1"),
         "stances[1]: duplicate stance for quote 'q1' and target 'riyadh_talks'"),
        ("bad segment kind", replace_in(d, "segments", 0, kind="title"),
         "segments[0].kind: 'title' is not one of headline, body, boilerplate"),
        ("segments overlap", replace_in(d, "segments", 1, span=span_at(d, d.segments[0].span.end - 5,
                                                                         d.segments[1].span.end)),
         "segments[1]: segments overlap or are out of text order"),
        ("segments out of order", dataclasses.replace(d, segments=(d.segments[1], d.segments[0], *d.segments[2:])),
         "segments[1]: segments overlap or are out of text order"),
        ("checksum mismatch", dataclasses.replace(d, text_sha256="0" * 64), "text_sha256: checksum mismatch"),
    ]


@pytest.mark.parametrize("name,doc,message", _doc_cases(), ids=[c[0] for c in _doc_cases()])
def test_document_rules(name, doc, message):
    found = problems(doc)
    assert len(found) == 1 and found[0].startswith(f"g.json: {message}"), found


def test_nesting_in_an_existing_other_quote_is_fine():
    assert problems(replace_in(clean(), "quotes", 1, nested_in="q1")) == []


def test_stance_evidence_inside_the_text_is_fine():
    d = clean()
    assert problems(replace_in(d, "stances", 0, evidence=d.quotes[0].content[1])) == []


# --------------------------------------------------------------- the data folder

def test_an_empty_gold_folder_is_a_problem(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "targets.json").write_text('[{"id": "t", "description_en": "x", "description_ar": "س"}]',
                                           encoding="utf-8")
    assert [str(p) for p in check_data(tmp_path)] == [f"{tmp_path / 'gold'}: no *.json documents found"]


def test_duplicate_target_ids_and_documents_are_problems(tmp_path):
    src = default_data_dir()
    shutil.copytree(src / "articles", tmp_path / "articles")
    (tmp_path / "gold").mkdir()
    for name in ("a.json", "b.json"):  # the same document twice
        shutil.copy(next((src / "gold").glob("*.json")), tmp_path / "gold" / name)
    targets = json.loads((src / "targets.json").read_text(encoding="utf-8"))
    (tmp_path / "targets.json").write_text(json.dumps(targets + targets[:1]), encoding="utf-8")
    found = [str(p) for p in check_data(tmp_path)]
    assert found == [f"{tmp_path / 'targets.json'}: targets[{len(targets)}].id: duplicate id {targets[0]['id']!r} "
                     "(first at targets[0])",
                     f"{tmp_path / 'gold' / 'b.json'}: doc_id: duplicate document id '000_d60cf795c66ab44c' "
                     f"(also in {tmp_path / 'gold' / 'a.json'})"]


def test_load_checked_corpus_reads_the_default_gold_and_refuses_a_broken_one(tmp_path):
    from benchmark.errors import GoldDataError
    from benchmark.gold.check import load_checked_corpus

    assert [d.doc_id for d in load_checked_corpus().documents] == ["000_d60cf795c66ab44c"]
    (tmp_path / "gold").mkdir()
    (tmp_path / "targets.json").write_text('[{"id": "t", "description_en": "x", "description_ar": "س"}]',
                                           encoding="utf-8")
    with pytest.raises(GoldDataError, match=r"the gold data fails check-data \(1 problem\(s\)\); first: .*"
                                            r"no \*\.json documents found; see `python -m benchmark check-data"):
        load_checked_corpus(tmp_path)


def test_unreadable_targets_and_documents_are_reported_and_the_rest_still_checked(tmp_path):
    (tmp_path / "targets.json").write_text("[{", encoding="utf-8")
    (found,) = check_data(tmp_path)
    assert str(found).startswith(f"{tmp_path / 'targets.json'}:1: invalid JSON")
    src = default_data_dir()
    shutil.copytree(src / "articles", tmp_path / "articles")
    shutil.copy(src / "targets.json", tmp_path / "targets.json")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "a.json").write_text('{"schema_version": 1,\n "doc_id": }', encoding="utf-8")
    obj = json.loads(next((src / "gold").glob("*.json")).read_text(encoding="utf-8"))
    obj["stances"][0]["label"] = "PRO"
    (tmp_path / "gold" / "b.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    found = [str(p) for p in check_data(tmp_path)]
    assert found[0].startswith(f"{tmp_path / 'gold' / 'a.json'}:2: invalid JSON")
    assert found[1:] == [f"{tmp_path / 'gold' / 'b.json'}: stances[0].label: 'PRO' is not one of FAVOR, AGAINST, NONE"]
