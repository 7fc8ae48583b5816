"""The benchmark dataset folder: the exported gold plus ``eval.yaml``.

``eval.yaml`` at the repo root registers the dataset as a Hub *benchmark*
(https://huggingface.co/docs/hub/eval-results, "Registering a Benchmark"):
``name``, ``description``, ``evaluation_framework`` and ``tasks``, each task an
``id`` with the dataset ``config`` and ``split`` it is scored on.  Models
then report scores in ``.eval_results/*.yaml`` with ``task_id`` set to one of
these ids (see :mod:`.model_card`).

Examples
--------
>>> doc = eval_yaml(name="Quotes", evaluation_framework="arabic-quote-benchmark")
>>> [(t["id"], t["config"], t["split"]) for t in doc["tasks"]][:2]
[('speakers', 'mentions', 'test'), ('quotes', 'quotes', 'test')]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from benchmark.publish.export import build_dataset_folder
from benchmark.publish.parquet import SPLIT
from benchmark.gold.schema import Corpus

TASK_CONFIGS: dict[str, str] = {
    "speakers": "mentions",
    "quotes": "quotes",
    "attribution": "quotes",
    "end2end": "quotes",
    "stance": "stances",
    "translation": "translation",
}
"""Benchmark task → the dataset config holding its gold."""

DESCRIPTION = (
    "Gold standoff annotation of Arabic news for quote attribution (who said what: content, cue and "
    "source spans, resolved speaker, direct/indirect/mixed), speaker mentions, stance of each quote "
    "towards concrete targets (FAVOR/AGAINST/NONE) and Arabic-to-English translation. Tasks: speakers "
    "(speaker-entity mentions), quotes (quote content spans), attribution (speaker of each gold quote), "
    "end2end (quote and speaker together), stance, translation. Each task's score is its main metric "
    "on a 0-100 scale, higher is better: proportions (F1, accuracy, F_avg) as percentages, chrF++ in "
    "sacrebleu's own 0-100 points; the results dataset lists every metric with its scale, bootstrap "
    "confidence intervals and signatures."
)


def eval_yaml(*, name: str, evaluation_framework: str, results_repo_id: str | None = None) -> dict[str, Any]:
    """The ``eval.yaml`` document (a plain dict; pure)."""
    description = DESCRIPTION
    if results_repo_id:
        description += f" Published results: https://huggingface.co/datasets/{results_repo_id}"
    return {
        "name": name,
        "description": description,
        "evaluation_framework": evaluation_framework,
        "tasks": [{"id": task, "config": config, "split": SPLIT} for task, config in TASK_CONFIGS.items()],
    }


def benchmark_section(*, evaluation_framework: str, results_repo_id: str | None) -> str:
    """Markdown appended to the dataset card: the tasks of ``eval.yaml``."""
    rows = "\n".join(f"| `{t}` | `{c}` | `{SPLIT}` |" for t, c in TASK_CONFIGS.items())
    text = f"""
## Benchmark tasks (`eval.yaml`)
`eval.yaml` registers this dataset as a Hub benchmark scored by the
`{evaluation_framework}` harness (`python -m benchmark run`). Model repos can
report scores in `.eval_results/*.yaml` with `task_id` set to one of:

| task_id | config | split |
|---|---|---|
{rows}
"""
    if results_repo_id:
        text += (f"\nScores of the reference systems, with confidence intervals and signatures: "
                 f"[`{results_repo_id}`](https://huggingface.co/datasets/{results_repo_id}).\n")
    return text


def write_dataset_folder(corpus: Corpus, out: Path, *, card: str, name: str, evaluation_framework: str,
                         results_repo_id: str | None, data_dir: Path | None = None,
                         tables: dict[str, Any] | None = None) -> dict[str, int]:
    """The exported gold (:func:`~benchmark.publish.export.build_dataset_folder`) plus ``eval.yaml``."""
    card = card.rstrip("\n") + "\n" + benchmark_section(evaluation_framework=evaluation_framework,
                                                        results_repo_id=results_repo_id)
    counts = build_dataset_folder(corpus, Path(out), card=card, data_dir=data_dir, tables=tables)
    doc = eval_yaml(name=name, evaluation_framework=evaluation_framework, results_repo_id=results_repo_id)
    (Path(out) / "eval.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
                                         encoding="utf-8")
    return counts
