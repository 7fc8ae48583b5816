"""BLEU segment statistics equal sacrebleu's own (``BLEU._extract_corpus_statistics``, the expected values' source)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from hypothesis import given, strategies as st
from sacrebleu.metrics import BLEU

from benchmark.scoring.bleu_counts import bleu_segment_statistics
from benchmark.scoring.translation import corpus_score, score_from_stats, segment_statistics

DATA = Path(__file__).resolve().parent.parent / "data"


def _sacrebleu(hyps, refs, **options):
    return np.asarray(BLEU(**options)._extract_corpus_statistics(hyps, [refs]), dtype=float)


def _ours(hyps, refs):
    """segment_statistics with sacrebleu's own extraction disabled, so the counts are this module's."""
    saved = BLEU._extract_corpus_statistics
    BLEU._extract_corpus_statistics = None  # a call would fail: the fast path must answer
    try:
        stats, _ = segment_statistics("bleu", hypotheses=hyps, references=[(r,) for r in refs])
    finally:
        BLEU._extract_corpus_statistics = saved
    return stats


def _gold_references() -> list[str]:
    gold = json.loads(next((DATA / "gold").glob("*.json")).read_text(encoding="utf-8"))
    return [s["translation_en"] for s in gold["segments"]]


def test_hand_counted_segment():
    # hyp "the cat the cat" vs ref "the cat sat": unigrams the×2 (ref 1) + cat×2 (ref 1) → 2 of 4;
    # bigrams "the cat"×2 (ref 1), "cat the" (ref 0) → 1 of 3; trigrams "the cat the", "cat the cat" → 0 of 2;
    # one 4-gram, no match.
    assert bleu_segment_statistics("the cat the cat".split(), "the cat sat".split()) == [4, 3, 2, 1, 0, 0, 4, 3, 2, 1]


def test_gold_references_against_perturbed_hypotheses():
    refs = _gold_references()
    rng = random.Random(5)
    hyps = []
    for r in refs:
        words = r.split()
        rng.shuffle(words[: len(words) // 2])
        hyps.append(" ".join(w for w in words if rng.random() > 0.2))
    for hs in (hyps, refs, [""] * len(refs), [r.upper() for r in refs], [r + " ." for r in refs]):
        np.testing.assert_array_equal(_ours(hs, refs), _sacrebleu(hs, refs))


_WORDS = st.lists(st.sampled_from(["a", "b", "c", "a.", "(b)", "ال", "قال", "-", "1,000", "U.S."]), max_size=14)


@given(st.lists(st.tuples(_WORDS, _WORDS), min_size=1, max_size=8))
def test_random_segments_equal_sacrebleu(pairs):
    hyps = [" ".join(h) for h, _ in pairs]
    refs = [" ".join(r) for _, r in pairs]
    np.testing.assert_array_equal(_ours(hyps, refs), _sacrebleu(hyps, refs))


def test_corpus_score_from_these_statistics_is_sacrebleus():
    refs = _gold_references()
    hyps = [" ".join(r.split()[::-1]) for r in refs]
    stats = _ours(hyps, refs)
    assert score_from_stats("bleu", stats.sum(axis=0))[0] == corpus_score("bleu", hypotheses=hyps,
                                                                           references=[(r,) for r in refs])
