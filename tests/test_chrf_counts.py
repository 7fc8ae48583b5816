"""The integer-coded chrF counts equal sacrebleu's ``CHRF`` statistics, column for column.

Expected values come from sacrebleu itself (``_extract_corpus_statistics``,
the per-segment statistics its paired tests use), never from the code under
test; the one hand-computed case says how it was counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sacrebleu.metrics import CHRF

from benchmark.scoring.chrf_counts import chrf_statistics, chrf_words
from benchmark.scoring.translation import corpus_score, score_from_stats, segment_statistics

DATA = Path(__file__).resolve().parent.parent / "data"

# Letters, Arabic, punctuation sacrebleu splits off, several kinds of
# whitespace (str.split() splits on all of them) and an astral character.
ALPHABET = list("ab .,!()\"'") + ["ك", "تب", "\u00a0", "\u2003", "\n", "\U0001F600", "é"]
TEXT = st.lists(st.sampled_from(ALPHABET), max_size=24).map("".join)


def sacrebleu_stats(hyps, refs, word_order):
    return np.asarray(CHRF(word_order=word_order)._extract_corpus_statistics(list(hyps), [list(refs)]), dtype=float)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6), st.sampled_from([0, 1, 2]))
def test_random_segments_match_sacrebleu(pairs, word_order):
    hyps, refs = zip(*pairs)
    got = chrf_statistics(hyps, refs, word_order=word_order)
    np.testing.assert_array_equal(got, sacrebleu_stats(hyps, refs, word_order))


def test_hand_counted_case():
    # "ab c" -> chars "abc" (whitespace dropped): unigrams a,b,c (3), bigrams ab,bc (2);
    # reference "abd": a,b,d / ab,bd. Matches: a,b (2) and ab (1).
    # Words: hypothesis ["ab","c"] vs reference ["abd"]: 2 hyp, 1 ref, 0 match.
    got = chrf_statistics(["ab c"], ["abd"], char_order=2, word_order=1)
    assert got.tolist() == [[3, 3, 2, 2, 2, 1, 2, 1, 0]]


def test_empty_reference_counts_no_hypothesis_ngrams():
    # sacrebleu: "hyp_count if ref_ngrams else 0" for every order the reference lacks.
    got = chrf_statistics(["abc", ""], ["", "ab"], char_order=3)
    np.testing.assert_array_equal(got, sacrebleu_stats(["abc", ""], ["", "ab"], 0)[:, :9])
    assert got[0].tolist() == [0.0] * 9


def test_gold_translations_and_their_perturbations_match_sacrebleu():
    (gold_file,) = sorted((DATA / "gold").glob("*.json"))
    refs = [s["translation_en"] for s in json.loads(gold_file.read_text(encoding="utf-8"))["segments"]]
    for hyps in (refs, [r[::-1] for r in refs], [r.upper() for r in refs], [""] * len(refs), refs[1:] + refs[:1]):
        np.testing.assert_array_equal(chrf_statistics(hyps, refs, word_order=2), sacrebleu_stats(hyps, refs, 2))


def test_too_many_distinct_characters_falls_back_to_sacrebleu():
    # 2,000 distinct characters need 11 bits; 6 orders x 11 bits + the segment bit exceed 63.
    wide = "".join(chr(0x4E00 + i) for i in range(2000))
    assert chrf_statistics([wide], [wide[::-1]]) is None
    stats, _ = segment_statistics("chrf++", hypotheses=[wide], references=[(wide[::-1],)])
    np.testing.assert_array_equal(stats, sacrebleu_stats([wide], [wide[::-1]], 2))


@pytest.mark.parametrize("name", ["chrf++", "chrf"])
def test_scores_from_counts_equal_corpus_score(name):
    hyps = ["The talks in Riyadh were useful.", "Lavrov said (briefly) that", ""]
    refs = [("The Riyadh talks were very useful.",), ("Lavrov said that",), ("nothing",)]
    stats, sig = segment_statistics(name, hypotheses=hyps, references=refs)
    assert float(score_from_stats(name, stats.sum(axis=0))[0]) == corpus_score(name, hypotheses=hyps, references=refs)
    assert "|nrefs:1|" in sig


def test_word_split_is_sacrebleus():
    sentence = "(hi) there, you! a . -x- don't"
    assert chrf_words(sentence) == CHRF(word_order=2)._remove_punctuation(sentence)
