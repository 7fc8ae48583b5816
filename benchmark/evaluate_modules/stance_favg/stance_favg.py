"""``evaluate`` metric: SemEval-2016 stance F_avg of the Arabic quote benchmark.

A thin wrapper over :func:`benchmark.scoring.stance.stance_scores`.
Labels are ``FAVOR``, ``AGAINST`` and ``NONE``; a prediction ``""`` means
"no prediction" and is wrong for its gold class.

F_avg = (F_FAVOR + F_AGAINST) / 2 pooled over items, exactly as
SemEval-2016's ``eval.pl``: a zero denominator counts as 0 and the sum is
always divided by 2 (a missing prediction is its ``UNKNOWN``).  The
``per_target`` configuration adds ``targets`` and returns the StanceEval
2024 average of per-target F_avg values as ``f_avg_per_target``, and the
average over defined components only as ``f_avg_per_target_defined``.

Load it offline, from any folder: ``evaluate.load(evaluate_module_path("stance_favg"))``
(:func:`benchmark.scoring.modules.evaluate_module_path`).  It needs this
project's distribution, ``arabic-quote-benchmark`` (from a clone: ``pip install -e .``);
the ``# From:`` comments below make ``evaluate`` name it when it is missing.

Examples
--------
>>> import os, evaluate
>>> metric = evaluate.load(os.path.dirname(os.path.abspath(__file__)))
>>> out = metric.compute(predictions=["FAVOR", "FAVOR", "NONE", ""],
...                      references=["FAVOR", "AGAINST", "NONE", "FAVOR"])
>>> out["f_avg"], out["f_favor"], out["f_against"]
(0.25, 0.5, 0.0)
>>> out["signature"].split("|")[:2]
['stance_f_avg', 'labels:FAVOR,AGAINST,NONE']
"""

import datasets
import evaluate

from benchmark.scoring.signature import Signature, package_version  # From: arabic-quote-benchmark
from benchmark.scoring.stance import stance_scores  # From: arabic-quote-benchmark

_DESCRIPTION = "SemEval-2016 stance F_avg = (F_FAVOR + F_AGAINST)/2, StanceEval per-target F_avg and 3-class macro F1."

_CITATION = """\
@inproceedings{mohammad-etal-2016-semeval,
  title = {{S}em{E}val-2016 Task 6: Detecting Stance in Tweets},
  author = {Mohammad, Saif and Kiritchenko, Svetlana and Sobhani, Parinaz and Zhu, Xiaodan and Cherry, Colin},
  booktitle = {Proceedings of SemEval-2016},
  year = {2016}
}
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: one label per item (FAVOR, AGAINST, NONE, or "" for none).
    references: the gold labels.
    targets (config "per_target"): the target of each item.
Returns:
    f_avg, f_favor, f_against (eval.pl), macro_f1, accuracy, precision, recall,
    f1, support, confusion (rows FAVOR/AGAINST/NONE, columns plus MISSING) and,
    with targets, f_avg_per_target, per_target, f_avg_per_target_defined and
    per_target_defined.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class StanceFavg(evaluate.Metric):
    """SemEval-2016 F_avg, StanceEval per-target F_avg and macro F1."""

    def _info(self):
        features = {"predictions": datasets.Value("string"), "references": datasets.Value("string")}
        if self.config_name == "per_target":
            features["targets"] = datasets.Value("string")
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(features),
        )

    def _compute(self, predictions, references, targets=None):
        out = stance_scores(gold=list(references), pred=[p or None for p in predictions], targets=targets)
        fields = (("labels", "FAVOR,AGAINST,NONE"), ("missing", "wrong"), ("undef", "zero"),
                  *((pkg, package_version(pkg)) for pkg in ("benchmark", "numpy")))
        out["signature"] = Signature("stance_f_avg", fields).format()
        return out
