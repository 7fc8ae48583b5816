"""The ``lexicon`` stance baseline: relevance, polarity, negation, shifters, file checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.errors import ConfigError, InputError
from benchmark.tasks.inputs import DocInput, QuoteInput, StanceItem
from benchmark.gold.schema import Span
from benchmark.systems.registry import make_system
from benchmark.systems.arabic_lexicon import key
from benchmark.systems.lexicon import LEXICON_PATH, LexiconSystem, load_lexicon, matches, stance_label

LEX = load_lexicon()


@pytest.mark.parametrize(("text", "target", "label"), [
    ("سيكون نشر القوات أمرًا مقبولًا بالنسبة لروسيا", "nato_troops_in_ukraine", "FAVOR"),
    ("سيكون نشر القوات أمرًا غير مقبول بالنسبة لروسيا", "nato_troops_in_ukraine", "AGAINST"),
    ("كانت المحادثات مفيدة", "riyadh_talks", "FAVOR"),
    ("لم تكن المحادثات مفيدة", "riyadh_talks", "AGAINST"),
    ("انضمام كييف إلى حلف الناتو سيمثل تهديدًا مباشرًا لموسكو", "ukraine_nato_membership", "AGAINST"),
    ("إزالة الحواجز أمام التعاون الاقتصادي", "economic_cooperation", "FAVOR"),  # shifter reverses «الحواجز»
    ("الحواجز أمام التعاون الاقتصادي", "economic_cooperation", "AGAINST"),
    ("أعرب عن تقديره لترامب", "trump", "FAVOR"),
    ("كانت المحادثات مفيدة", "trump", "NONE"),  # no keyword of the target
    ("ستعقد القمة في موعد لم يحدد", "putin_trump_summit", "NONE"),  # about it, no polar word
])
def test_labels(text, target, label):
    assert stance_label(text, target, LEX) == label


@pytest.mark.parametrize(("word", "stem", "expected"), [
    ("بنجاح", "نجاح", True),  # proclitic ب
    ("والمفاوضين", "مفاوض", True),  # و + article + plural suffix
    ("مفيدةً", "مفيد", True),  # diacritics and ta marbuta
    ("للعلاقات", "علاقات", True),  # ل + (ا)ل
    ("حالة", "حل", False),  # stems shorter than three letters match exactly only
    ("مفيدات", "مفيد", True),
    ("مستفيد", "مفيد", False),  # prefixes other than proclitics are not stripped
])
def test_light_morphology(word, stem, expected):
    assert matches(word, key(stem)) is expected


def test_every_inventory_target_has_keywords():
    targets = json.loads((LEXICON_PATH.parent.parent.parent / "data" / "targets.json").read_text(encoding="utf-8"))
    assert {t["id"] for t in targets} <= set(LEX.targets)


def _doc() -> DocInput:
    text = "قال لافروف إن المحادثات كانت مفيدة. وأضاف أن نشر القوات غير مقبول."
    quotes = (QuoteInput("q1", (Span(14, 34),), 0), QuoteInput("q2", (Span(46, 66),), 0))
    items = (StanceItem("q1", "riyadh_talks", 0), StanceItem("q2", "nato_troops_in_ukraine", 0),
             StanceItem("q2", "nato_troops_in_ukraine", 0), StanceItem("q2", "trump", 0))
    return DocInput("d", text, (), quotes, items, ())


def test_predict_labels_each_pair_once_and_ignores_gold():
    doc = _doc()
    out = make_system("lexicon").predict([doc], tasks={"stance", "quotes"}, gold=None)
    assert out == [{"doc_id": "d", "stance": [
        {"quote_id": "q1", "target": "riyadh_talks", "label": "FAVOR"},
        {"quote_id": "q2", "target": "nato_troops_in_ukraine", "label": "AGAINST"},
        {"quote_id": "q2", "target": "trump", "label": "NONE"}]}]


def test_unknown_quote_in_stance_items():
    doc = _doc()
    bad = DocInput("d", doc.text, (), doc.quotes, (StanceItem("q9", "trump", 0),), ())
    with pytest.raises(InputError, match="q9"):
        LexiconSystem().predict([bad], tasks={"stance"})


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "cannot read"),
    ('{"positive": [], "negative": [], "negators": [], "shifters": []}', "missing keys"),
    ('{"positive": [1], "negative": [], "negators": [], "shifters": [], "targets": {}}', "positive"),
    ('{"positive": [], "negative": [], "negators": [], "shifters": [], "targets": {}, "window": -1}', "window"),
])
def test_bad_lexicon_files(tmp_path: Path, content: str, message: str):
    path = tmp_path / "lex.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        LexiconSystem(path=path)


def _hits_by_definition(words, entries, max_suffix):
    """Every word tried against every entry, as the docstring of ``_hits`` states it."""
    out = []
    for i in range(len(words)):
        if any(i + len(entry) <= len(words) and all(matches(words[i + k], stem, max_suffix=max_suffix)
                                                     for k, stem in enumerate(entry)) for entry in entries):
            out.append(i)
    return tuple(out)


def test_indexed_hits_equal_trying_every_entry():
    """The first-stem index finds the same words as trying every entry on every word.

    Words: the gold article's, plus lexicon stems with proclitics, the article
    and suffixes of 0-6 letters attached (past and within each length limit).
    """
    import random

    from benchmark.gold.check import load_checked_corpus
    from benchmark.systems.arabic_lexicon import tokenize
    from benchmark.systems.lexicon import _hits

    corpus = load_checked_corpus(Path(__file__).resolve().parents[1] / "data")
    article = [t.text for d in corpus.documents for t in tokenize(d.text) if t.is_word]
    lists = [LEX.positive, LEX.negative, LEX.shifters, *LEX.targets.values()]
    stems = sorted({stem for entries in lists for entry in entries for stem in entry})
    rng = random.Random(7)
    made = [rng.choice(["", "و", "ال", "وال", "بال", "ل", "فب"]) + rng.choice(stems) + "ةاتينهمك"[:rng.randrange(7)]
            for _ in range(3000)]
    checked = 0
    for words in (article[i:i + 40] for i in range(0, len(article), 40)):
        for entries in lists:
            for ms in (0, 2, 5):
                assert _hits(tuple(words), entries, ms) == _hits_by_definition(words, entries, ms)
                checked += 1
    for i in range(0, len(made), 30):
        words = tuple(made[i:i + 30])
        for entries in lists:
            expected = _hits_by_definition(words, entries, LEX.max_suffix)
            assert _hits(words, entries, LEX.max_suffix) == expected
            checked += len(expected)
    assert checked > 500  # the made-up words do hit entries
