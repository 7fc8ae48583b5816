"""When do our span counts equal nervaluate's?  Measured on random data.

    python benchmarks/bench_nervaluate.py [--cases 2000] [--seed 0]

Two kinds of random cases, each a list of gold spans and a list of
predicted spans with labels A/B (half-open here, inclusive ends for
nervaluate):

* **flat**: no two gold spans overlap, no two predictions overlap, and each
  prediction overlaps at most one gold span (the setting of SemEval-2013's
  named entities);
* **overlapping**: spans placed at random on a short line, so golds nest or
  cross and a prediction may touch several golds.

For each scheme (strict, exact, partial, type) it prints how many cases give
different COR/INC/PAR/MIS/SPU counts, and the difference in correct matches
(|our COR − nervaluate's COR| summed, as a share of our COR).  nervaluate
pairs greedily (a prediction takes the first overlapping gold it meets);
:func:`benchmark.scoring.spans.align` finds each scheme's best one-to-one
matching, so the two agree exactly on flat spans and differ on overlapping ones.
"""

from __future__ import annotations

import argparse
import random
import warnings

from nervaluate import Evaluator

from benchmark.gold.schema import Span
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.scoring.spans import SpanSet, span_scores

SCHEMES = (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type"))
KEYS = ("COR", "INC", "PAR", "MIS", "SPU")


def flat_case(rng: random.Random):
    gold, pred, pos = [], [], 0
    for _ in range(rng.randint(1, 12)):
        pos += rng.randint(1, 6)
        start, end = pos, pos + rng.randint(1, 40)
        label, kind = rng.choice("AB"), rng.random()
        if kind < 0.65:
            gold.append((start, end, label))
        if kind < 0.25:
            pred.append((start, end, rng.choice("AB")))
        elif kind < 0.5:
            s = rng.randint(start, end - 1)
            e = rng.randint(s + 1, end + 5)
            pred.append((s, e, rng.choice("AB")))
            end = max(end, e)
        elif 0.65 <= kind < 0.85:
            pred.append((start, end, label))
        pos = end
    return gold, pred


def overlapping_case(rng: random.Random):
    def spans(n):
        out = []
        for _ in range(n):
            s = rng.randint(0, 60)
            out.append((s, s + rng.randint(1, 20), rng.choice("AB")))
        return out

    gold = spans(rng.randint(1, 6))
    # Predictions: half the gold spans copied, a third with jittered ends
    # (a label changed now and then), plus a few random spans.
    pred = []
    for s, e, lab in gold:
        kind = rng.random()
        lab = rng.choice("AB") if rng.random() < 0.3 else lab
        if kind < 0.5:
            pred.append((s, e, lab))
        elif kind < 0.8:
            s, e = max(0, s + rng.randint(-3, 3)), e + rng.randint(-3, 3)
            if e > s:
                pred.append((s, e, lab))
    rng.shuffle(pred)
    return gold, pred + spans(rng.randint(0, 3))


def ours(gold, pred, scheme):
    to = lambda spans: [SpanSet((Span(s, e),), lab) for s, e, lab in spans]  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        s = span_scores(to(gold), to(pred), scheme=scheme)
    return tuple(s[k] for k in KEYS)


def theirs(gold, pred):
    to = lambda spans: [[{"label": lab, "start": s, "end": e - 1} for s, e, lab in spans]]  # noqa: E731
    result = Evaluator(to(gold), to(pred), tags=["A", "B"], loader="dict").evaluate()["overall"]
    return {k: (v.correct, v.incorrect, v.partial, v.missed, v.spurious) for k, v in result.items()}


def compare(make, n_cases: int, seed: int) -> dict[str, tuple[int, int, int]]:
    """Per scheme: (cases with different counts, Σ|ΔCOR|, Σ our COR)."""
    rng = random.Random(seed)
    out = {scheme: [0, 0, 0] for scheme, _ in SCHEMES}
    for _ in range(n_cases):
        gold, pred = make(rng)
        their = theirs(gold, pred)
        for scheme, name in SCHEMES:
            mine = ours(gold, pred, scheme)
            out[scheme][0] += mine != their[name]
            out[scheme][1] += abs(mine[0] - their[name][0])
            out[scheme][2] += mine[0]
    return {k: tuple(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for label, make in (("flat", flat_case), ("overlapping", overlapping_case)):
        print(f"{label} spans, {args.cases} random cases (seed {args.seed}):")
        for scheme, (differ, delta, cor) in compare(make, args.cases, args.seed).items():
            share = delta / cor if cor else 0.0
            print(f"  {scheme:8s} cases with different counts {differ:5d} ({differ / args.cases:6.1%}); "
                  f"|ΔCOR| {delta:5d} of our COR {cor:6d} ({share:6.2%})")


if __name__ == "__main__":
    main()
