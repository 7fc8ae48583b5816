"""Result entries for the card of a system that is itself a Hub model.

Two formats, both built as plain data (no network):

* ``.eval_results/<benchmark>.yaml``: the Hub's current format
  (https://huggingface.co/docs/hub/eval-results): a list of entries, each
  ``dataset: {id, task_id, revision?}``, ``value`` and optional ``date``,
  ``source: {url, name}``, ``evaluation_framework`` and ``notes``.  ``task_id``
  is a task ``id`` of the benchmark's ``eval.yaml``.  The same layout is what
  ``huggingface_hub.eval_result_entries_to_yaml`` produces.
* ``model-index`` card metadata, the older format, laid out as
  ``evaluate.push_to_hub`` writes it (``{"model-index": [{"results": [{task,
  dataset, metrics}]}]}``), with the model ``name`` that
  ``huggingface_hub``'s parser requires.

Values are each task's main metric on the 0–100 scale that ``eval.yaml``
describes, decided by :func:`benchmark.scoring.scale.to_100` like every
other writer: proportions ×100 (percentages), sacrebleu's chrF++ as it is
(already 0–100); rounded to 2 decimals.  Undefined (``null``) metrics are
left out because both formats require a value.  Each task's entry comes from
the run the leaderboard ranks for it (``results``: task → run).

Examples
--------
>>> from pathlib import Path
>>> from .runs import RunRecord
>>> run = RunRecord("m", "m", "20250218T093000Z-ab12cd34", "s", Path("."), {"scoring": {"confidence": 0.95},
...     "tasks": {"stance": [{"name": "f_avg", "value": 0.4567, "ci_low": 0.3, "ci_high": 0.6,
...                           "signature": "f_avg|boot:1000", "n_items": 8}],
...               "translation": [{"name": "chrf++", "value": 1.9504, "ci_low": 0.99, "ci_high": 3.43,
...                                "signature": "chrf++|scale:0-100", "n_items": 47}]}}, {})
>>> entries = eval_results_entries({"stance": run, "translation": run}, dataset_id="org/quotes",
...                                evaluation_framework="h")
>>> [(e["dataset"]["task_id"], e["value"]) for e in entries], entries[0]["date"]
([('stance', 45.67), ('translation', 1.95)], '2025-02-18T09:30:00Z')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from benchmark.publish.dataset_folder import TASK_CONFIGS
from benchmark.publish.runs import RunRecord
from benchmark.scoring.scale import to_100

HUB_TASK_TYPES: dict[str, str] = {
    "speakers": "token-classification",
    "quotes": "token-classification",
    "attribution": "token-classification",
    "end2end": "token-classification",
    "stance": "text-classification",
    "translation": "translation",
}
"""Benchmark task → a task type ``evaluate.push_to_hub`` accepts (``HF_HUB_ALLOWED_TASKS``)."""
SPLIT = "test"


def display_value(value: float | None, metric: dict[str, Any]) -> float | None:
    """``value`` of ``metric`` on the 0–100 scale, rounded to 2 decimals (``None`` stays ``None``).

    >>> display_value(0.12345, {"signature": "f1|boot:10"}), display_value(1.95037, {"signature": "chrf++|scale:0-100"})
    (12.35, 1.95)
    """
    v = to_100(value, metric)
    return None if v is None else round(v, 2)


def _notes(metric: dict[str, Any], confidence: Any) -> str:
    note = f"metric {metric['name']}"
    lo, hi = display_value(metric.get("ci_low"), metric), display_value(metric.get("ci_high"), metric)
    if lo is not None and hi is not None:
        level = f"{100 * float(confidence):g}% " if confidence is not None else ""
        note += f", {level}bootstrap CI {lo:.2f}-{hi:.2f}"
    if metric.get("higher_is_better") is False:
        note += ", lower is better"
    return note


def _main(run: RunRecord, task: str) -> dict[str, Any]:
    return run.metrics["tasks"][task][0]


def eval_results_entries(results: dict[str, RunRecord], *, dataset_id: str, evaluation_framework: str,
                         dataset_revision: str | None = None, source_url: str | None = None) -> list[dict[str, Any]]:
    """``.eval_results`` entries: each task's main metric from its run (pure)."""
    entries = []
    for task, run in results.items():
        metric = _main(run, task)
        value = display_value(metric.get("value"), metric)
        if value is None or task not in TASK_CONFIGS:
            continue
        dataset: dict[str, Any] = {"id": dataset_id, "task_id": task}
        if dataset_revision:
            dataset["revision"] = dataset_revision
        entry: dict[str, Any] = {"dataset": dataset, "value": value}
        if run.started_utc:
            entry["date"] = run.started_utc
        if source_url:
            entry["source"] = {"url": source_url, "name": f"Results dataset, run {run.run_id}"}
        entry["evaluation_framework"] = evaluation_framework
        entry["notes"] = _notes(metric, (run.metrics.get("scoring") or {}).get("confidence"))
        entries.append(entry)
    return entries


def model_index(results: dict[str, RunRecord], *, model_name: str, dataset_id: str, dataset_name: str,
                dataset_revision: str | None = None, source_url: str | None = None,
                metrics: str = "main") -> dict[str, Any]:
    """``{"model-index": [...]}`` card metadata, one result per task from its run (pure)."""
    out = []
    for task, run in results.items():
        ms = run.metrics["tasks"][task]
        chosen = [m for m in (ms[:1] if metrics == "main" else ms) if m.get("value") is not None]
        if not chosen or task not in TASK_CONFIGS:
            continue
        dataset: dict[str, Any] = {"type": dataset_id, "name": dataset_name, "config": TASK_CONFIGS[task],
                                   "split": SPLIT}
        if dataset_revision:
            dataset["revision"] = dataset_revision
        result: dict[str, Any] = {
            "task": {"type": HUB_TASK_TYPES[task], "name": task},
            "dataset": dataset,
            "metrics": [{"type": m["name"], "value": display_value(m["value"], m), "name": f"{task} {m['name']}"}
                        for m in chosen],
        }
        if source_url:
            result["source"] = {"name": f"Results dataset, run {run.run_id}", "url": source_url}
        out.append(result)
    return {"model-index": [{"name": model_name, "results": out}]}


def write_model_card_files(results: dict[str, RunRecord], out: Path, *, model_id: str, dataset_id: str,
                           dataset_name: str, evaluation_framework: str, results_repo_id: str | None,
                           dataset_revision: str | None = None, metrics: str = "main") -> list[Path]:
    """Write ``.eval_results/<benchmark>.yaml`` and ``model-index.yaml`` into ``out``."""
    source = f"https://huggingface.co/datasets/{results_repo_id}" if results_repo_id else None
    entries = eval_results_entries(results, dataset_id=dataset_id, evaluation_framework=evaluation_framework,
                                   dataset_revision=dataset_revision, source_url=source)
    index = model_index(results, model_name=model_id.split("/")[-1], dataset_id=dataset_id, dataset_name=dataset_name,
                        dataset_revision=dataset_revision, source_url=source, metrics=metrics)
    out = Path(out)
    er = out / ".eval_results" / f"{dataset_id.split('/')[-1]}.yaml"
    er.parent.mkdir(parents=True, exist_ok=True)
    er.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    mi = out / "model-index.yaml"
    mi.write_text(yaml.safe_dump(index, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [er, mi]
