"""One run of one system: predict → align/validate → score → run folder.

Data flows one way: gold → system → predictions (submission format, so the
built-in systems go through exactly the reader external files go through) →
scoring → run folder (metrics, per-item statistics, manifest, reports).
"""

from __future__ import annotations

import json
import sys
import warnings
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..errors import ConfigError
from ..scoring.result import UndefinedMetricWarning
from ..schema import Corpus
from .config import RunConfig, SystemSpec
from .manifest import environment
from .rundir import canonical_json, commit_run, config_hash, run_stamp

REPO_ROOT = Path(__file__).resolve().parents[2]


class NothingToRun(ConfigError):
    """The selected system supports none of the selected tasks."""


@dataclass
class StageTimer:
    """Wall time per stage, recorded in the manifest (never in metrics)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def time(self, stage: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.seconds[stage] = round(timer.seconds.get(stage, 0.0) + time.perf_counter() - self.t0, 4)

        return _Ctx()


@dataclass(frozen=True)
class RunOutcome:
    """What one system's run produced (for the comparison table)."""

    label: str
    run_dir: Path
    metrics: dict[str, list[dict[str, Any]]]
    """task → list of metric JSON objects (main metric first)."""
    ranked: bool


def _jsonl(rows) -> bytes:
    return b"".join(
        (json.dumps(r, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8") for r in rows
    )


def predict_documents(spec: SystemSpec, corpus: Corpus, tasks: tuple[str, ...], *, fuzzy_threshold: float, timer: StageTimer):
    """Run a system (or read a submission file) and return typed predictions.

    Returns ``(system, predictions, attempted_tasks)`` where predictions maps
    doc id → :class:`~benchmark.predictions.DocPrediction`.
    """
    from ..inputs import make_input
    from ..submission import parse_submission_lines, read_submission
    from ..tasks import TASKS

    if spec.name == "predictions":
        opts = dict(spec.options)
        path = opts.get("path")
        if not path:
            raise ConfigError("system=predictions needs system.path=<file.jsonl>", field="system.path")
        with timer.time("predict"):
            preds = read_submission(Path(path), corpus=corpus, fuzzy_threshold=fuzzy_threshold)
        attempted = tuple(t for t in tasks if any(getattr(p, TASKS.get(t).field) is not None for p in preds.values()))
        if not attempted:
            raise NothingToRun(f"{path} has predictions for none of the requested tasks ({', '.join(tasks)})",
                               file=str(path))
        return None, preds, attempted
    from ..systems import make_system

    system = make_system(spec.name, **dict(spec.options))
    attempted = tuple(t for t in tasks if t in system.supported_tasks)
    if not attempted:
        raise NothingToRun(
            f"system {spec.display!r} supports none of the requested tasks ({', '.join(tasks)}); "
            f"it supports: {', '.join(sorted(system.supported_tasks))}", field="task")
    inputs = [make_input(d, corpus.targets, tasks=attempted) for d in corpus.documents]
    with timer.time("predict"):
        raw = system.predict(inputs, tasks=attempted, gold=corpus if getattr(system, "needs_gold", False) else None)
    with timer.time("align"):
        lines = [json.dumps(obj, ensure_ascii=False) for obj in raw]
        preds = parse_submission_lines(lines, corpus=corpus, file=f"<system {spec.name}>", fuzzy_threshold=fuzzy_threshold)
    return system, preds, attempted


def run_system(spec: SystemSpec, corpus: Corpus, cfg: RunConfig, *, overrides: list[str], argv: list[str],
               resolved_config: dict[str, Any], progress: Callable[[str], None] = lambda s: None) -> RunOutcome:
    """Run, score and write the run folder of one system."""
    from ..submission import submission_to_json
    from ..tasks import evaluate_task

    timer = StageTimer()
    t_start = time.perf_counter()
    progress(f"{spec.display}: predicting")
    system, preds, attempted = predict_documents(spec, corpus, cfg.tasks, fuzzy_threshold=cfg.scoring.fuzzy_threshold, timer=timer)
    if spec.label is None and getattr(system, "default_label", None):  # llm-<model>, hf-<model>
        spec = replace(spec, label=system.default_label)
    pairs = [(d, preds.get(d.doc_id)) for d in corpus.documents]
    metrics: dict[str, list[dict[str, Any]]] = {}
    per_item: list[dict[str, Any]] = []
    not_attempted: list[str] = []
    from ..normalize import NORMALIZATION_VERSION

    alignment = f"exact>{NORMALIZATION_VERSION}>fuzzy{cfg.scoring.fuzzy_threshold:g}"
    undefined: list[str] = []
    for task in cfg.tasks:
        if task not in attempted:
            # quotes and end2end share the "quotes" key: a system that does only
            # one of them must not be scored on the other.
            not_attempted.append(task)
            continue
        progress(f"{spec.display}: scoring {task}")
        with timer.time(f"score:{task}"), warnings.catch_warnings(record=True) as caught:
            # Undefined metrics are null in metrics.json; one summary line below, not one per metric.
            warnings.simplefilter("always", UndefinedMetricWarning)
            result = evaluate_task(task, pairs, gold_sha256=corpus.sha256, n_resamples=cfg.scoring.n_resamples,
                                   seed=cfg.scoring.seed, confidence=cfg.scoring.confidence, alignment=alignment)
        undefined += [f"{task}:{str(w.message).split(' ', 1)[0]}" for w in caught
                      if issubclass(w.category, UndefinedMetricWarning)]
        for w in caught:
            if not issubclass(w.category, UndefinedMetricWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if result is None:
            not_attempted.append(task)
            continue
        metrics[task] = [m.to_json() for m in result.metrics]
        per_item.extend({"task": task, **row} for row in result.per_item)
    if undefined:
        shown = ", ".join(undefined[:3]) + (f" and {len(undefined) - 3} more" if len(undefined) > 3 else "")
        print(f"warning: {spec.display}: {len(undefined)} metric(s) undefined (zero denominator), "
              f"written as null: {shown}", file=sys.stderr)
    ranked = getattr(system, "ranked", True)
    chash = config_hash({"system": resolved_config.get("system"), "tasks": list(cfg.tasks),
                         "scoring": resolved_config.get("scoring"), "gold": corpus.sha256})
    metrics_doc = {
        "system": spec.display, "system_name": spec.name, "ranked": ranked, "gold_sha256": corpus.sha256,
        "config_hash": chash, "tasks": metrics, "not_attempted": not_attempted,
        "scoring": {"n_resamples": cfg.scoring.n_resamples, "confidence": cfg.scoring.confidence, "seed": cfg.scoring.seed},
    }
    predictions_rows = [submission_to_json(preds[d.doc_id]) for d in corpus.documents if d.doc_id in preds]
    manifest = {
        "system": {"label": spec.display, "name": spec.name, "options": dict(spec.options), "ranked": ranked,
                   "description": getattr(system, "description", "external submission file"),
                   "training_note": getattr(system, "training_note", None), "tasks_attempted": list(attempted)},
        "gold_sha256": corpus.sha256, "documents": [d.doc_id for d in corpus.documents],
        "seed": cfg.seed, "scoring_seed": cfg.scoring.seed, "config_hash": chash,
        "command": ["python", "-m", "benchmark", *argv], "overrides": overrides,
        "started_utc": run_stamp(), "environment": environment(REPO_ROOT),
    }
    if system is not None and hasattr(system, "manifest_extra"):
        manifest["system"].update(system.manifest_extra())
    files = {
        "config.yaml": _yaml(resolved_config),
        "overrides.yaml": _yaml(overrides),
        "predictions.jsonl": _jsonl(predictions_rows),
        "per_item.jsonl": _jsonl(per_item),
        "metrics.json": canonical_json(metrics_doc),
    }
    progress(f"{spec.display}: writing reports")
    manifest["wall_time_seconds"] = dict(timer.seconds)  # what the report can show (report time comes after)
    with timer.time("report"):
        # Render from the manifest as it will read back from disk (sorted keys),
        # so `report RUN_DIR` later reproduces these bytes exactly.
        files.update(_render_reports(files, json.loads(canonical_json(manifest)), corpus, cfg))
    timer.seconds["total"] = round(time.perf_counter() - t_start, 4)
    manifest["wall_time_seconds"] = timer.seconds
    files["manifest.json"] = canonical_json(manifest)
    run_dir = commit_run(Path(cfg.results_dir), spec.display, f"{run_stamp()}-{chash}", files)
    return RunOutcome(label=spec.display, run_dir=run_dir, metrics=metrics, ranked=ranked)


def _yaml(obj: Any) -> bytes:
    import yaml

    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=True).encode("utf-8")


def _render_reports(files: dict[str, bytes], manifest: dict[str, Any], corpus: Corpus, cfg: RunConfig) -> dict[str, bytes]:
    """report.md / report.html from the run's own files (as `report RUN_DIR` does)."""
    from ..report import render_reports

    out = render_reports(
        metrics=json.loads(files["metrics.json"]),
        predictions=[json.loads(x) for x in files["predictions.jsonl"].decode("utf-8").splitlines() if x],
        per_item=[json.loads(x) for x in files["per_item.jsonl"].decode("utf-8").splitlines() if x],
        manifest=manifest, corpus=corpus, worst_errors=cfg.report.worst_errors,
        markdown=cfg.report.markdown, html=cfg.report.html,
    )
    return {name: text.encode("utf-8") for name, text in out.items()}


def comparison_table(outcomes: list[RunOutcome]) -> str:
    """A compact plain-text table: one row per (system, task), main metric first."""
    from ..report.fmt import ci_text, value_text

    rows = [("system", "task", "main metric", "value", "95% CI")]
    for o in outcomes:
        for task, ms in o.metrics.items():
            m = ms[0]
            rows.append((o.label + ("" if o.ranked else " (not ranked)"), task, m["name"], value_text(m), ci_text(m)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
