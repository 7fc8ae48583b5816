"""The scale of a metric value: a proportion (0–1) or sacrebleu points (0–100).

Every metric of this package is a proportion in ``[0, 1]`` except sacrebleu's
chrF, chrF++, BLEU and TER (and their variants over quote contents), which
are on sacrebleu's own 0–100 scale.  The scorer records the latter in the
signature as ``scale:0-100`` (:mod:`benchmark.scoring.translation`), so the
scale travels with the number and is read back from it here, in one place.
Every writer that shows or exports a number (reports, the leaderboard, the
results dataset, model-card entries, the README tables) asks this module
instead of guessing from the metric's name.

Examples
--------
>>> prop = {"name": "quote_content_f1", "value": 0.8125, "signature": "quote_content_f1|boot:1000"}
>>> chrf = {"name": "chrf++", "value": 54.321, "signature": "chrf++|sacrebleu:[chrF2++]|scale:0-100"}
>>> metric_scale(prop), metric_scale(chrf)
('0-1', '0-100')
>>> on_100_scale(chrf), to_100(prop["value"], prop), to_100(chrf["value"], chrf), to_100(None, prop)
(True, 81.25, 54.321, None)
"""

from __future__ import annotations

from typing import Any, Mapping

from benchmark.scoring.signature import parse_signature

PROPORTION = "0-1"
"""Values in ``[0, 1]`` (F1, accuracy, F_avg, …); shown ×100 as percentages."""
POINTS = "0-100"
"""sacrebleu's scale (chrF, chrF++, BLEU, TER): shown as they are."""
SCALES = (PROPORTION, POINTS)
SCALE_KEY = "scale"
"""The signature field that records a non-default scale."""


def metric_scale(metric: Mapping[str, Any]) -> str:
    """:data:`POINTS` when the metric's signature says ``scale:0-100``, else :data:`PROPORTION`."""
    recorded = parse_signature(str(metric.get("signature", ""))).get(SCALE_KEY)
    return POINTS if recorded == POINTS else PROPORTION


def on_100_scale(metric: Mapping[str, Any]) -> bool:
    """True when the metric is already on a 0–100 scale (sacrebleu scores)."""
    return metric_scale(metric) == POINTS


def to_100(value: float | None, metric: Mapping[str, Any]) -> float | None:
    """``value`` (a value, bound or difference of ``metric``) on the 0–100 display scale.

    Proportions are multiplied by 100; sacrebleu points are returned as they
    are; ``None`` (undefined) stays ``None``.
    """
    if value is None:
        return None
    return float(value) if on_100_scale(metric) else 100.0 * float(value)
