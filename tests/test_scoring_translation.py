"""Translation scores equal sacrebleu's corpus scores exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER

from benchmark.errors import InputError
from benchmark.scoring.translation import (
    METRICS, chrf_pair_statistics, corpus_score, has_quotation, name_found, score_from_stats, segment_statistics,
    stats_width, to_sacrebleu_streams,
)

WORDS = "the talks were very useful Lavrov said that Russia and United States agreed to restore embassies".split()


def _corpus(seed: int, n: int = 25):
    rng = random.Random(seed)
    refs = [" ".join(rng.choices(WORDS, k=rng.randint(3, 15))) + "." for _ in range(n)]
    hyps = []
    for r in refs:
        words = r.split()
        kind = rng.random()
        if kind < 0.1:
            hyps.append("")
        elif kind < 0.3:
            hyps.append(r)
        else:
            hyps.append(" ".join(w for w in words if rng.random() > 0.3) + rng.choice(["", " indeed", "."]))
    return hyps, [(r,) for r in refs]


SACREBLEU = {"chrf++": lambda: CHRF(word_order=2), "chrf": CHRF, "bleu": BLEU, "ter": TER}


@pytest.mark.parametrize("name", METRICS)
@pytest.mark.parametrize("seed", range(4))
def test_summed_statistics_give_sacrebleus_corpus_score_exactly(name, seed):
    hyps, refs = _corpus(seed)
    expected = SACREBLEU[name]().corpus_score(hyps, [[r[0] for r in refs]]).score
    stats, _ = segment_statistics(name, hypotheses=hyps, references=refs)
    assert stats.shape == (len(hyps), stats_width(name))
    assert float(score_from_stats(name, stats.sum(axis=0))[0]) == expected
    assert corpus_score(name, hypotheses=hyps, references=refs) == expected


@pytest.mark.parametrize("name", METRICS)
def _two_ref_corpus():
    return (["Lavrov said the talks were useful.", "Russia agreed."],
            [("Lavrov said the talks were very useful.", "Lavrov called the talks useful."), ("Russia agreed.",)])


@pytest.mark.parametrize("seed", range(4))
def test_chrf_and_chrf_plus_plus_from_one_pass_equal_sacrebleus_own(seed):
    # chrF's statistics are read off chrF++'s; each must still equal sacrebleu's corpus_score
    # and its own signature (single and variable numbers of references).
    for hyps, refs in (_corpus(seed), _two_ref_corpus()):
        pair = chrf_pair_statistics(hypotheses=hyps, references=refs)
        streams = [[r[0] for r in refs], [r[1] if len(r) > 1 else None for r in refs]]
        streams = streams if any(len(r) > 1 for r in refs) else streams[:1]
        for name in ("chrf++", "chrf"):
            metric = SACREBLEU[name]()
            score = metric.corpus_score(hyps, streams)
            stats, sig = pair[name]
            assert float(score_from_stats(name, stats.sum(axis=0))[0]) == score.score
            assert sig == f"{score.name}|{metric.get_signature().format()}"


@pytest.mark.parametrize("name", METRICS)
def test_score_from_stats_is_row_wise(name):
    hyps, refs = _corpus(7)
    stats, _ = segment_statistics(name, hypotheses=hyps, references=refs)
    rows = np.stack([stats[:10].sum(0), stats[10:].sum(0)])
    scores = score_from_stats(name, rows)
    assert scores[0] == corpus_score(name, hypotheses=hyps[:10], references=refs[:10])
    assert scores[1] == corpus_score(name, hypotheses=hyps[10:], references=refs[10:])


def test_references_are_segment_major_and_converted_once():
    assert to_sacrebleu_streams([("a1", "a2"), ("b1",)]) == [["a1", "b1"], ["a2", None]]
    hyps = ["Lavrov said the talks were useful.", "Russia agreed."]
    refs = [("Lavrov said the talks were very useful.", "Lavrov called the talks useful."), ("Russia agreed.",)]
    expected = BLEU().corpus_score(hyps, [[r[0] for r in refs], [refs[0][1], None]]).score
    assert corpus_score("bleu", hypotheses=hyps, references=refs) == expected


@pytest.mark.parametrize("name", METRICS)
def test_signatures_are_sacrebleus_own_for_the_data_scored(name):
    hyps = ["Lavrov said the talks were useful.", "Russia agreed."]
    refs = [("Lavrov said the talks were very useful.", "Lavrov called the talks useful."), ("Russia agreed.",)]
    metric = SACREBLEU[name]()
    score = metric.corpus_score(hyps, [[r[0] for r in refs], [refs[0][1], None]])
    _, sig = segment_statistics(name, hypotheses=hyps, references=refs)
    assert sig == f"{score.name}|{metric.get_signature().format()}"
    # sacrebleu says "var" for segments with different numbers of references;
    # a signature rebuilt without the data would claim nrefs:1.
    assert "|nrefs:var|" in sig and sig.endswith(f"|version:{sacrebleu.__version__}")
    assert segment_statistics(name, hypotheses=[], references=[])[1] == "none"


def test_references_as_hypotheses_score_perfectly():
    _, refs = _corpus(3)
    hyps = [r[0] for r in refs]
    assert corpus_score("chrf++", hypotheses=hyps, references=refs) == 100.0
    assert corpus_score("bleu", hypotheses=hyps, references=refs) == pytest.approx(100.0)  # exp(log) rounding
    assert corpus_score("ter", hypotheses=hyps, references=refs) == 0.0


def test_length_mismatch_raises():
    with pytest.raises(InputError, match="2 hypotheses for 1 reference segments"):
        segment_statistics("chrf", hypotheses=["a", "b"], references=[("a",)])


@pytest.mark.parametrize(
    "text,names,expected",
    [
        ("Sergey Lavrov said", ("Sergei Lavrov", "Lavrov"), True),
        ("SERGEI LAVROV said", ("Sergei Lavrov",), True),
        ("The minister said", ("Sergei Lavrov", "Lavrov"), False),
        ("anything", ("",), False),
    ],
)
def test_name_found_is_casefolded_substring(text, names, expected):
    assert name_found(text, names) is expected


@pytest.mark.parametrize(
    "text,expected",
    [("He called it “useful”.", True), ('He called it "useful".', True), ("He called it useful.", False),
     ("“” empty", False), ("“unclosed", False)],
)
def test_has_quotation(text, expected):
    assert has_quotation(text) is expected
