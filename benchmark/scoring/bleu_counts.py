"""sacrebleu's BLEU segment statistics, counted order by order.

sacrebleu (``BLEU._compute_segment_statistics``) puts every n-gram of orders
1–4 of a segment into one ``Counter`` of token tuples built in a Python
loop, then walks the hypothesis's n-grams.  The statistics are simple
counts, so they can be had faster with the same definitions:

* ``hyp_len``, ``ref_len``: the number of whitespace tokens of the
  preprocessed hypothesis and reference (one reference: its length is the
  closest);
* per order ``n``: ``total`` = the hypothesis's n-grams (``len - n + 1``, at
  least 0) and ``correct`` = the clipped matches ``Σ min(count in hyp, count
  in ref)``.

Each order's n-grams are counted with ``zip`` over shifted token lists, and a
hypothesis whose tokens equal the reference's is all matches.  The layout is
sacrebleu's: ``[hyp_len, ref_len, correct_1..N, total_1..N]``.  The tests
compare it with sacrebleu's own statistics on random and real text.

Examples
--------
>>> bleu_segment_statistics("the cat sat".split(), "the cat".split())
[3, 2, 2, 1, 0, 0, 3, 2, 1, 0]
>>> bleu_segment_statistics("a b".split(), "a b".split())
[2, 2, 2, 1, 0, 0, 2, 1, 0, 0]
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n))))


def bleu_segment_statistics(hyp: Sequence[str], ref: Sequence[str], *, max_order: int = 4) -> list[int]:
    """``[hyp_len, ref_len, correct_1..N, total_1..N]`` of one segment with one reference (tokens given)."""
    totals = [max(0, len(hyp) - n + 1) for n in range(1, max_order + 1)]
    if list(hyp) == list(ref):
        return [len(hyp), len(ref), *totals, *totals]
    correct = []
    for n in range(1, max_order + 1):
        if totals[n - 1] == 0:
            correct.append(0)
            continue
        ref_counts = _ngrams(ref, n)
        correct.append(sum(min(c, ref_counts[g]) for g, c in _ngrams(hyp, n).items() if g in ref_counts))
    return [len(hyp), len(ref), *correct, *totals]
