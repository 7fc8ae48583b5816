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

Values are the run's metric values ×100 (percentages, as ``eval.yaml``
describes), rounded to 2 decimals; undefined (``null``) metrics are left out
because both formats require a value.

Examples
--------
>>> from pathlib import Path
>>> from .runs import RunRecord
>>> run = RunRecord("m", "m", "20250218T093000Z-ab12cd34", "s", Path("."), {"scoring": {"confidence": 0.95},
...     "tasks": {"stance": [{"name": "f_avg", "value": 0.4567, "ci_low": 0.3, "ci_high": 0.6,
...                           "signature": "f_avg|boot:1000", "n_items": 8}]}}, {})
>>> entry = eval_results_entries(run, dataset_id="org/quotes", evaluation_framework="h")[0]
>>> entry["dataset"], entry["value"], entry["date"]
({'id': 'org/quotes', 'task_id': 'stance'}, 45.67, '2025-02-18T09:30:00Z')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from benchmark.publish.dataset_folder import TASK_CONFIGS
from benchmark.publish.runs import RunRecord

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


def percent(value: float | None) -> float | None:
    """A 0–1 value as a percentage rounded to 2 decimals.

    >>> percent(0.12345), percent(None)
    (12.35, None)
    """
    return None if value is None else round(100.0 * float(value), 2)


def _notes(metric: dict[str, Any], confidence: Any) -> str:
    note = f"metric {metric['name']}"
    lo, hi = percent(metric.get("ci_low")), percent(metric.get("ci_high"))
    if lo is not None and hi is not None:
        level = f"{100 * float(confidence):g}% " if confidence is not None else ""
        note += f", {level}bootstrap CI {lo:.2f}-{hi:.2f}"
    if metric.get("higher_is_better") is False:
        note += ", lower is better"
    return note


def eval_results_entries(run: RunRecord, *, dataset_id: str, evaluation_framework: str,
                         dataset_revision: str | None = None, source_url: str | None = None) -> list[dict[str, Any]]:
    """``.eval_results`` entries: each attempted task's main metric (pure)."""
    confidence = (run.metrics.get("scoring") or {}).get("confidence")
    entries = []
    for task, metric in run.main_metrics().items():
        value = percent(metric.get("value"))
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
        entry["notes"] = _notes(metric, confidence)
        entries.append(entry)
    return entries


def model_index(run: RunRecord, *, model_name: str, dataset_id: str, dataset_name: str,
                dataset_revision: str | None = None, source_url: str | None = None,
                metrics: str = "main") -> dict[str, Any]:
    """``{"model-index": [...]}`` card metadata, one result per attempted task (pure)."""
    results = []
    for task, ms in run.metrics.get("tasks", {}).items():
        if task not in TASK_CONFIGS:
            continue
        chosen = [m for m in (ms[:1] if metrics == "main" else ms) if m.get("value") is not None]
        if not chosen:
            continue
        dataset: dict[str, Any] = {"type": dataset_id, "name": dataset_name, "config": TASK_CONFIGS[task],
                                   "split": SPLIT}
        if dataset_revision:
            dataset["revision"] = dataset_revision
        result: dict[str, Any] = {
            "task": {"type": HUB_TASK_TYPES[task], "name": task},
            "dataset": dataset,
            "metrics": [{"type": m["name"], "value": percent(m["value"]), "name": f"{task} {m['name']}"}
                        for m in chosen],
        }
        if source_url:
            result["source"] = {"name": "Results dataset", "url": source_url}
        results.append(result)
    return {"model-index": [{"name": model_name, "results": results}]}


def write_model_card_files(run: RunRecord, out: Path, *, model_id: str, dataset_id: str, dataset_name: str,
                           evaluation_framework: str, results_repo_id: str | None,
                           dataset_revision: str | None = None, metrics: str = "main") -> list[Path]:
    """Write ``.eval_results/<benchmark>.yaml`` and ``model-index.yaml`` into ``out``."""
    source = f"https://huggingface.co/datasets/{results_repo_id}" if results_repo_id else None
    entries = eval_results_entries(run, dataset_id=dataset_id, evaluation_framework=evaluation_framework,
                                   dataset_revision=dataset_revision, source_url=source)
    index = model_index(run, model_name=model_id.split("/")[-1], dataset_id=dataset_id, dataset_name=dataset_name,
                        dataset_revision=dataset_revision, source_url=source, metrics=metrics)
    out = Path(out)
    er = out / ".eval_results" / f"{dataset_id.split('/')[-1]}.yaml"
    er.parent.mkdir(parents=True, exist_ok=True)
    er.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    mi = out / "model-index.yaml"
    mi.write_text(yaml.safe_dump(index, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [er, mi]
