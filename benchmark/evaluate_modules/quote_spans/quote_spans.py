"""``evaluate`` metric: quote-span and attribution scores of the Arabic quote benchmark.

A thin wrapper over :mod:`benchmark.scoring.spans` (the numbers are the
benchmark's own).  Each example is one item (a document or a segment);
its predictions and references are lists of span sets, a span set being a
list of half-open ``[start, end]`` character offsets (more than one pair
for a discontinuous quote).  Items are pooled (micro-averaged).

Configurations:

* ``default`` — spans only; ``scheme`` is ``strict``, ``exact``,
  ``partial`` or ``proportional`` (PARC: precision credit = overlap /
  predicted length, recall credit = overlap / gold length).
* ``labelled`` — adds ``prediction_labels`` and ``reference_labels`` (one
  string per span set, ``""`` for none): quote types for ``strict``, or
  speaker ids with ``scheme="type"`` for end-to-end attribution F1 (a
  prediction is correct when aligned one-to-one to an overlapping gold
  quote with the same speaker).

Load it offline, from any folder: ``evaluate.load(evaluate_module_path("quote_spans"))``
(:func:`benchmark.scoring.modules.evaluate_module_path`).  It needs this
project's distribution, ``arabic-quote-benchmark`` (from a clone: ``pip install -e .``);
the ``# From:`` comments below make ``evaluate`` name it when it is missing.

Examples
--------
>>> import os, evaluate
>>> metric = evaluate.load(os.path.dirname(os.path.abspath(__file__)))
>>> out = metric.compute(predictions=[[[[0, 5]]]], references=[[[[0, 10]]]], scheme="proportional")
>>> out["precision"], out["recall"], round(out["f1"], 4)
(1.0, 0.5, 0.6667)
>>> out["signature"].split("|")[:4]
['quote_spans', 'scheme:proportional', 'level:char', 'norm:none']
>>> labelled = evaluate.load(os.path.dirname(os.path.abspath(__file__)), "labelled")
>>> labelled.compute(predictions=[[[[0, 5]], [[20, 30]]]], references=[[[[0, 10]], [[20, 30]]]],
...                  prediction_labels=[["lavrov", "bruce"]], reference_labels=[["lavrov", "trump"]],
...                  scheme="type")["f1"]
0.5
"""

import datasets
import evaluate
import numpy as np

from benchmark.gold.schema import Span  # From: arabic-quote-benchmark
from benchmark.scoring.result import warn_undefined  # From: arabic-quote-benchmark
from benchmark.scoring.signature import Signature, package_version  # From: arabic-quote-benchmark
from benchmark.scoring.spans import SCHEMES, STAT_KEYS, SpanSet, align, categories, prf, span_item_stats  # From: arabic-quote-benchmark

_DESCRIPTION = (
    "Quote-span and attribution precision, recall and F1 with one-to-one span-set alignment "
    "(strict, exact, partial, type, proportional schemes)."
)

_CITATION = """\
@inproceedings{pareti-2016-parc,
  title = {{PARC} 3.0: A Corpus of Attribution Relations},
  author = {Pareti, Silvia},
  booktitle = {Proceedings of LREC 2016},
  year = {2016}
}
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: per item, a list of span sets; a span set is a list of [start, end] pairs.
    references: the gold span sets, same layout.
    prediction_labels, reference_labels (config "labelled"): per item, one label per span set.
    scheme: one of strict, exact, partial, type, proportional (default proportional).
Returns:
    precision, recall, f1 (None when undefined) and the counts COR, INC, PAR, MIS, SPU, POS, ACT.
"""

_SPAN_SETS = datasets.Sequence(datasets.Sequence(datasets.Sequence(datasets.Value("int64"))))


def _span_sets(item, labels):
    labels = labels or [""] * len(item)
    return [SpanSet(tuple(Span(int(s), int(e)) for s, e in spans), label or None) for spans, label in zip(item, labels)]


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class QuoteSpans(evaluate.Metric):
    """Span-set precision, recall and F1 with one-to-one alignment."""

    def _info(self):
        features = {"predictions": _SPAN_SETS, "references": _SPAN_SETS}
        if self.config_name == "labelled":
            features["prediction_labels"] = datasets.Sequence(datasets.Value("string"))
            features["reference_labels"] = datasets.Sequence(datasets.Value("string"))
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(features),
        )

    def _compute(self, predictions, references, prediction_labels=None, reference_labels=None, scheme="proportional"):
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, got {scheme!r}")
        total = np.zeros(len(STAT_KEYS))
        for n, (pred_item, gold_item) in enumerate(zip(predictions, references)):
            gold = _span_sets(gold_item, reference_labels[n] if reference_labels else None)
            pred = _span_sets(pred_item, prediction_labels[n] if prediction_labels else None)
            matches = align(gold, pred, scheme=scheme)
            total += span_item_stats(gold, pred, scheme=scheme, item_starts=[0], matches=matches).sum(axis=0)
        p, r, f = prf(total)
        out = {k: (None if np.isnan(v[0]) else float(v[0])) for k, v in (("precision", p), ("recall", r), ("f1", f))}
        warn_undefined("quote_spans", [k for k in ("precision", "recall", "f1") if out[k] is None])
        out.update(categories(total, scheme))
        # The same settings as the harness's metrics, minus the bootstrap and gold fields.
        fields = (("scheme", scheme), ("level", "char"), ("norm", "none"),
                  *((pkg, package_version(pkg)) for pkg in ("benchmark", "numpy")))
        out["signature"] = Signature("quote_spans", fields).format()
        return out
