"""The ar-norm-v2 matching view: each operation, and the offset map back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchmark.common.normalize import NORMALIZATION_VERSION, normalize, normalized_view

ARTICLE = (Path(__file__).resolve().parent.parent / "data" / "articles" / "000_d60cf795c66ab44c.txt").read_text(
    encoding="utf-8")


def test_version_string():
    assert NORMALIZATION_VERSION == "ar-norm-v2"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أإآٱ", "اااا"),                      # alef forms
        ("على", "علي"),                        # alef maqsura → ya (camel-tools, not pyarabic)
        ("مهمة", "مهمه"),                      # taa marbuta → ha
        ("مُهِمَّةٌ", "مهمه"),                    # harakat, shadda, tanwin
        ("هٰذا", "هذا"),                       # superscript alef U+0670
        ("إدارـــة", "اداره"),                  # tatweel
        ("ﻻ", "لا"),                           # lam-alef ligature (NFKC)
        ("ﻷ", "لا"),                           # lam-alef with hamza: NFKC then alef form
        ("ﺑﺎﻳﺪﻥ", "بايدن"),                     # presentation forms
        ("ا\u0654", "ا"),                      # decomposed hamza above
        ("ؤئء", "ءءء"),                        # hamza on a waw or yeh seat → bare hamza (v2)
        ("و\u0654ي\u064e\u0654", "ءء"),         # decomposed ؤ and ئ (a haraka in between)
        ("ﺉﺋ", "ءء"),                          # presentation forms of ئ (NFKC first)
        ("و \u0654ب\u0654", "و ب"),             # U+0654 after a space or another letter: removed
        ("و\ufe76\u0654", "و"),                 # …or after a removed mark a span would not extend over
        ("«نعم» “لا” \"x\" 'y'", '"نعم" "لا" "x" "y"'),  # quotation marks
        ("a \t\n\u00a0 b", "a b"),             # whitespace runs (NBSP too)
        ("روسيا\u200f و", "روسيا و"),          # RLM (format character) removed
        ("٤٫٥ ۱۲", "4٫5 12"),                  # Arabic-Indic and Persian digits
        ("کی", "كي"),                          # Persian keheh and yeh
        ("Kirill DMITRIEV", "kirill dmitriev"),  # casefold
    ],
)
def test_operations(raw, expected):
    assert normalize(raw) == expected


def test_hamza_variants_of_an_article_phrase_are_equal():
    phrase = "الخطوات الأولى نحو تطبيع العلاقات"
    assert phrase in ARTICLE
    variants = ["الخطوات الاولى نحو تطبيع العلاقات", "الخطوات الأولي نحو تطبيع العلاقات",
                "الخُطُوَاتُ الأُولَى نَحْوَ تَطْبِيعِ العَلَاقَاتِ"]
    assert {normalize(v) for v in variants} == {normalize(phrase)} == {"الخطوات الاولي نحو تطبيع العلاقات"}


@pytest.mark.parametrize(
    ("a", "b"),
    [("المسئولون", "المسؤولون"), ("شئون", "شؤون"), ("المسئولون", "المسو\u0654ولون")],
)
def test_hamza_seat_spellings_are_equal(a, b):
    assert normalize(a) == normalize(b)
    assert len(normalize(a)) == len(a)  # the mapping is one-to-one


def test_stored_text_is_untouched_and_map_is_monotone():
    view = normalized_view(ARTICLE)
    assert view.original == ARTICLE
    assert len(view.to_original) == len(view.text)
    assert all(a <= b for a, b in zip(view.to_original, view.to_original[1:], strict=False))
    assert not set("أإآىة\u0640\u0651") & set(view.text)
    # «وسنعيّن» has a shadda: the span of the normalised word keeps it
    i = view.text.index("وسنعين")
    start, end = view.span(i, i + len("وسنعين"))
    assert ARTICLE[start:end] == "وسنعيّن"


def test_span_rejects_empty_and_out_of_range():
    view = normalized_view("abc")
    for a, b in [(1, 1), (2, 1), (-1, 2), (0, 4)]:
        with pytest.raises(ValueError, match="is not inside"):
            view.span(a, b)


def test_to_normalized_inverts_the_map():
    view = normalized_view("قالَ  إنّ")
    assert [view.to_normalized(i) for i in range(9)] == [0, 1, 2, 3, 3, 4, 4, 5, 6]


# Characters that exercise every operation, including expansions (ligatures,
# ß) and removals next to whitespace.
ALPHABET = list("ابتقلمنوي أإآٱىةهؤئء") + ["\u064b", "\u064e", "\u0651", "\u0652", "\u0670", "\u0640", "\u0654",
                                       "\u200f", "\ufefb", "\ufef7", "\ufdf2", "ß", "A", "b", "“", "”", "«",
                                       "'", " ", "\n", "\t", "\u00a0", "\ufe76", "٣"]
texts = st.text(alphabet=ALPHABET, max_size=40)


def boundaries(view):
    """Normalised offsets that do not split one original character's expansion."""
    n = len(view.text)
    return [i for i in range(n + 1) if i in (0, n) or view.to_original[i] != view.to_original[i - 1]]


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_mapped_span_normalises_to_the_match(text, data):
    view = normalized_view(text)
    cuts = boundaries(view)
    assume(len(cuts) >= 2)
    a = data.draw(st.sampled_from(cuts[:-1]))
    b = data.draw(st.sampled_from([c for c in cuts if c > a]))
    start, end = view.span(a, b)
    assert 0 <= start < end <= len(text)
    assert normalize(text[start:end]) == view.text[a:b]


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_any_match_maps_to_a_covering_span(text, data):
    view = normalized_view(text)
    assume(view.text)
    a = data.draw(st.integers(0, len(view.text) - 1))
    b = data.draw(st.integers(a + 1, len(view.text)))
    start, end = view.span(a, b)
    assert 0 <= start < end <= len(text)
    assert view.text[a:b] in normalize(text[start:end])


@settings(max_examples=200, deadline=None)
@given(texts)
def test_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + ["\u0654", "\u0648", "\u064a", "\u064e"], max_size=40))
def test_normalize_without_the_offset_map_equals_the_view(text):
    # normalize() takes a faster path (no offset map); it must give the same string
    assert normalize(text) == normalized_view(text).text
