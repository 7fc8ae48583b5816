"""The two `evaluate` modules load offline from their folders and equal the core functions."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmark.gold.schema import Span
from benchmark.scoring.spans import STAT_KEYS, SpanSet, align, categories, prf, span_item_stats
from benchmark.scoring.stance import LABELS, stance_scores

MODULES = Path(__file__).resolve().parent.parent / "benchmark" / "evaluate_modules"

# Runs in a fresh interpreter so the offline switches are set before
# huggingface_hub and datasets read them.
# Run from a temporary folder (not the checkout), finding the modules through the documented helper;
# at the end, a copy of a module folder is loaded as if the package were not installed.
SCRIPT = r"""
import json, sys
import evaluate
from benchmark.scoring.modules import evaluate_module_path
data = json.loads(sys.stdin.read())
spans = evaluate.load(evaluate_module_path("quote_spans"))
labelled = evaluate.load(evaluate_module_path("quote_spans"), "labelled")
stance = evaluate.load(evaluate_module_path("stance_favg"))
per_target = evaluate.load(evaluate_module_path("stance_favg"), "per_target")
out = {
    "spans": {s: spans.compute(predictions=data["pred"], references=data["gold"], scheme=s)
              for s in ("strict", "exact", "partial", "proportional")},
    "labelled": {s: labelled.compute(predictions=data["pred"], references=data["gold"],
                                     prediction_labels=data["pred_labels"], reference_labels=data["gold_labels"],
                                     scheme=s) for s in ("strict", "type")},
    "stance": stance.compute(predictions=data["stance_pred"], references=data["stance_gold"]),
    "per_target": per_target.compute(predictions=data["stance_pred"], references=data["stance_gold"],
                                     targets=data["targets"]),
}
sys.modules["benchmark"] = None  # `import benchmark` now fails, as on a machine without the package
try:
    evaluate.load(data["copy_dir"])
    out["hint"] = None
except ImportError as exc:
    out["hint"] = str(exc)
print(json.dumps(out))
"""


def _data(seed: int = 3):
    rng = random.Random(seed)
    gold, pred, gold_labels, pred_labels = [], [], [], []
    for _ in range(6):  # items
        g, p, gl, pl = [], [], [], []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, 200)
            pieces = [[start, start + rng.randint(1, 30)]]
            if rng.random() < 0.3:  # discontinuous
                pieces.append([pieces[0][1] + 5, pieces[0][1] + 5 + rng.randint(1, 10)])
            g.append(pieces)
            gl.append(rng.choice(["lavrov", "bruce"]))
            if rng.random() < 0.7:
                s = pieces[0][0] + rng.randint(-3, 3)
                p.append([[max(0, s), pieces[-1][1] + rng.randint(-3, 3)]])
                pl.append(rng.choice(["lavrov", "bruce", ""]))
        gold.append(g), pred.append(p), gold_labels.append(gl), pred_labels.append(pl)
    stance_gold = [rng.choice(LABELS) for _ in range(30)]
    stance_pred = [rng.choice((*LABELS, "")) for _ in range(30)]
    targets = [rng.choice(["a", "b", "c"]) for _ in range(30)]
    return {"gold": gold, "pred": pred, "gold_labels": gold_labels, "pred_labels": pred_labels,
            "stance_gold": stance_gold, "stance_pred": stance_pred, "targets": targets,
            "spans_dir": str(MODULES / "quote_spans"), "stance_dir": str(MODULES / "stance_favg")}


def _core_spans(data, scheme, labelled):
    total = np.zeros(len(STAT_KEYS))
    for n in range(len(data["gold"])):
        def sets(items, labels):
            return [SpanSet(tuple(Span(s, e) for s, e in spans), (labels[k] or None) if labelled else None)
                    for k, spans in enumerate(items)]
        g = sets(data["gold"][n], data["gold_labels"][n])
        p = sets(data["pred"][n], data["pred_labels"][n])
        matches = align(g, p, scheme=scheme)
        total += span_item_stats(g, p, scheme=scheme, item_starts=[0], matches=matches).sum(axis=0)
    p, r, f = (float(x[0]) for x in prf(total))
    return {"precision": p, "recall": r, "f1": f, **categories(total, scheme)}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data = _data()
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    data["copy_dir"] = str(shutil.copytree(MODULES / "stance_favg", elsewhere / "stance_favg"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HF_HOME": str(tmp_path_factory.mktemp("hf_home"))}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(data), capture_output=True, text=True,
                          env=env, timeout=300, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return data, json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("scheme", ["strict", "exact", "partial", "proportional"])
def test_quote_spans_equals_core(loaded, scheme):
    data, out = loaded
    core = _core_spans(data, scheme, labelled=False)
    assert out["spans"][scheme].pop("signature").startswith(f"quote_spans|scheme:{scheme}|")
    assert out["spans"][scheme] == pytest.approx(core)
    assert core["POS"] > 0 and core["ACT"] > 0


@pytest.mark.parametrize("scheme", ["strict", "type"])
def test_quote_spans_labelled_equals_core(loaded, scheme):
    data, out = loaded
    assert out["labelled"][scheme].pop("signature").startswith(f"quote_spans|scheme:{scheme}|")
    assert out["labelled"][scheme] == pytest.approx(_core_spans(data, scheme, labelled=True))


def test_stance_favg_equals_core(loaded):
    data, out = loaded
    pred = [p or None for p in data["stance_pred"]]
    assert out["stance"].pop("signature").startswith("stance_f_avg|")
    assert out["stance"] == stance_scores(gold=data["stance_gold"], pred=pred)  # exact through JSON
    core = stance_scores(gold=data["stance_gold"], pred=pred, targets=data["targets"])
    assert out["per_target"]["f_avg_per_target"] == pytest.approx(core["f_avg_per_target"])
    assert out["per_target"]["per_target"] == pytest.approx(core["per_target"])


def test_a_missing_package_is_named_by_this_distribution(loaded):
    # evaluate builds its hint from the import lines: their "# From:" comments name the distribution.
    _, out = loaded
    assert "pip install arabic-quote-benchmark" in out["hint"]
    assert "'pip install benchmark'" not in out["hint"]
