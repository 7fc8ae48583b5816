"""TER edit counts equal sacrebleu's ``lib_ter.translation_edit_rate`` (the expected values' source).

Random word sequences from vocabularies of 1-6 words repeat words often, so
they exercise the shift search (candidates, ties, the 10-word and 50-position
limits) far more than real text does; the shuffled-block cases are what a
translation with moved phrases looks like.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from sacrebleu.metrics import TER
from sacrebleu.metrics.lib_ter import translation_edit_rate

from benchmark.scoring.ter_counts import ter_edits
from benchmark.scoring.translation import corpus_score, score_from_stats, segment_statistics

DATA = Path(__file__).resolve().parent.parent / "data"


def _random_case(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    vocab = [chr(97 + i) for i in range(rng.randint(1, 6))]
    ref = [rng.choice(vocab) for _ in range(rng.randint(0, n))]
    if ref and rng.random() < 0.5:
        hyp = list(ref)
        for _ in range(rng.randint(1, 4)):  # move blocks of words around
            i, j, k = rng.randrange(len(hyp)), rng.randrange(len(hyp)), rng.randint(1, 5)
            block = hyp[i:i + k]
            del hyp[i:i + k]
            hyp[j:j] = block
    else:
        hyp = [rng.choice(vocab) for _ in range(rng.randint(0, n))]
    return hyp, ref


@pytest.mark.parametrize("seed", range(4))
def test_random_word_sequences_match_sacrebleu(seed):
    rng = random.Random(seed)
    for _ in range(150):
        hyp, ref = _random_case(rng, 24)
        assert ter_edits(hyp, ref) == translation_edit_rate(hyp, ref), (hyp, ref)


def test_long_sequences_reach_the_shift_limits_as_sacrebleu():
    rng = random.Random(7)
    for _ in range(6):
        hyp, ref = _random_case(rng, 90)  # longer than the 50-position shift distance
        assert ter_edits(hyp, ref) == translation_edit_rate(hyp, ref)


def test_hand_counted_shift():
    # "c d a b" -> "a b c d": moving the block "a b" to the front is one shift, no other edit.
    assert ter_edits("c d a b".split(), "a b c d".split()) == (1, 4)
    # empty reference: every hypothesis word is an edit and the length is 0 (sacrebleu's rule)
    assert ter_edits("x y".split(), []) == (2, 0)


def test_gold_segments_through_the_metric_match_sacrebleu():
    (gold_file,) = sorted((DATA / "gold").glob("*.json"))
    refs = [s["translation_en"] for s in json.loads(gold_file.read_text(encoding="utf-8"))["segments"]]
    rotated = [" ".join(r.split()[3:] + r.split()[:3]) for r in refs]
    for hyps in (refs, rotated, [""] * len(refs)):
        stats, sig = segment_statistics("ter", hypotheses=hyps, references=[(r,) for r in refs])
        expected = TER()._extract_corpus_statistics(hyps, [refs])
        np.testing.assert_array_equal(stats, np.asarray(expected, dtype=float))
        assert float(score_from_stats("ter", stats.sum(axis=0))[0]) == corpus_score(
            "ter", hypotheses=hyps, references=[(r,) for r in refs])
        assert "|nrefs:1|" in sig


def test_identical_word_sequences_take_no_edit_as_in_sacrebleu():
    """A hypothesis equal to its reference: 0 edits, by lib_ter itself (the oracle's case)."""
    gold = json.loads(next((DATA / "gold").glob("*.json")).read_text(encoding="utf-8"))
    refs = [s["translation_en"].split() for s in gold["segments"]]
    rng = random.Random(11)
    refs += [_random_case(rng, 30)[1] for _ in range(200)]
    for ref in refs:
        if ref:
            assert ter_edits(list(ref), ref) == translation_edit_rate(list(ref), ref) == (0, len(ref))
