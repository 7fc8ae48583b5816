"""Scoring: per-item sufficient statistics first, aggregates second.

* :mod:`.spans` — span-set scores: strict, exact, partial, type and
  proportional (PARC) schemes at character and token level, each on its own
  one-to-one alignment (:mod:`.span_alignment`, solved by :mod:`.assignment`).
* :mod:`.stance` — SemEval-2016 F_avg, per-target F_avg, macro F1.
* :mod:`.translation` — sacrebleu chrF++, chrF, BLEU, TER from per-segment
  statistics; entity-name and quotation-mark checks.
* :mod:`.stats` — vectorised bootstrap intervals, paired bootstrap and
  approximate randomization (sacrebleu-compatible p-values).
* :mod:`.result` — :class:`MetricResult`, :class:`TaskResult` and the
  per-item → metric machinery; :mod:`.signature` — signature strings.

The tasks that use them are in :mod:`benchmark.tasks.base`.

Examples
--------
>>> from benchmark.scoring import SpanSet, span_scores
>>> from benchmark.gold.schema import Span
>>> span_scores([SpanSet((Span(0, 4),))], [SpanSet((Span(0, 4),))], scheme="strict")["f1"]
1.0
"""

from benchmark.scoring.result import ItemStats, MetricResult, MetricSpec, TaskResult, UndefinedMetricWarning
from benchmark.scoring.signature import metric_signature, parse_signature
from benchmark.scoring.spans import SpanSet, align, span_scores, tokenize
from benchmark.scoring.stance import stance_scores
from benchmark.scoring.stats import approximate_randomization, bootstrap_ci, paired_bootstrap

__all__ = [
    "ItemStats", "MetricResult", "MetricSpec", "TaskResult", "UndefinedMetricWarning",
    "metric_signature", "parse_signature", "SpanSet", "align", "span_scores", "tokenize",
    "stance_scores", "approximate_randomization", "bootstrap_ci", "paired_bootstrap",
]
