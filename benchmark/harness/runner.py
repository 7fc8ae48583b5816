"""One run of one system: predict → align/validate → score → run files.

Data flows one way: gold → system → predictions (submission format, so the
built-in systems go through exactly the reader external files go through) →
scoring → the run's files (metrics, per-item statistics, predictions,
config, manifest).  Reports are rendered from those files by the layer above
(:mod:`benchmark.cli.run`), which then commits the folder with
:func:`finish_run`.
"""

from __future__ import annotations

import json
import sys
import warnings
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from benchmark.errors import ConfigError, NothingToRun
from benchmark.scoring.parts import PartsTable
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.gold.schema import Corpus
from benchmark.submission.limits import DEFAULT_LIMITS, SubmissionLimits
from benchmark.submission.predictions import DocPrediction
from benchmark.harness.config import RunConfig, ScoringOptions, SystemSpec
from benchmark.harness.manifest import environment
from benchmark.harness.rundir import canonical_json, commit_folder, config_hash, run_stamp, safe_name
from benchmark.harness.rundir import PER_ITEM, GzipJsonl
from benchmark.harness.rundir import jsonl_bytes as _jsonl, yaml_bytes as _yaml
from benchmark.harness.shards import Shard, shard_corpus, shard_parent, shard_record

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StageTimer:
    """Wall time per stage, recorded in the manifest (never in metrics)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def record(self, stage: str, seconds: float) -> None:
        """Add ``seconds`` measured elsewhere (another process) to ``stage``."""
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 4)

    def time(self, stage: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.record(stage, time.perf_counter() - self.t0)

        return _Ctx()


@dataclass
class PendingRun:
    """A scored run whose files are ready but not yet written."""

    label: str
    results_dir: Path
    folder_name: str
    files: dict[str, bytes]
    """Run-folder file name → bytes; reports may be added before :func:`finish_run`."""
    manifest: dict[str, Any]
    """The manifest without its final wall times (added by :func:`finish_run`)."""
    metrics: dict[str, list[dict[str, Any]]]
    ranked: bool
    timer: StageTimer
    started: float
    """``time.perf_counter()`` at the start of the run."""
    parent: Path | None = None
    """Folder that receives the run folder; ``None``: ``<results_dir>/<label>/``."""


@dataclass(frozen=True)
class RunOutcome:
    """What one system's run produced (for the comparison table)."""

    label: str
    run_dir: Path
    metrics: dict[str, list[dict[str, Any]]]
    """task → list of metric JSON objects (main metric first)."""
    ranked: bool
    shard: Shard | None = None
    """Set when this is one shard of a sharded run (not a complete run)."""


def predict_documents(spec: SystemSpec, corpus: Corpus, tasks: tuple[str, ...], *, fuzzy_threshold: float,
                      timer: StageTimer, progress: Callable[[str], None] = lambda s: None,
                      limits: SubmissionLimits = DEFAULT_LIMITS, shard: Shard | None = None,
                      predicted: Callable[[], tuple[list[dict], float] | None] | None = None):
    """Run a system (or read a submission file) and return typed predictions.

    Returns ``(system, predictions, attempted_tasks)`` where predictions maps
    doc id → :class:`~benchmark.submission.predictions.DocPrediction`.
    With ``shard``, a system whose ``shardable`` is false (it learns from the
    whole corpus) is refused before it predicts anything.  ``predicted``
    gives the system's raw output computed elsewhere (:func:`remote_predictions`
    on a helper process), or ``None`` to predict here.
    """
    from benchmark.submission.reader import parse_submission_lines, read_submission
    from benchmark.systems.registry import is_builtin
    from benchmark.tasks.registry import TASKS

    if spec.name == "predictions":
        opts = dict(spec.options)
        path = opts.get("path")
        if not path:
            raise ConfigError("system=predictions needs system.path=<file.jsonl>", field="system.path")
        with timer.time("predict"):
            preds = read_submission(Path(path), corpus=corpus, fuzzy_threshold=fuzzy_threshold, limits=limits)
        attempted = tuple(t for t in tasks if any(getattr(p, TASKS.get(t).field) is not None for p in preds.values()))
        if not attempted:
            raise NothingToRun(f"{path} has predictions for none of the requested tasks ({', '.join(tasks)})",
                               file=str(path))
        return None, preds, attempted
    system, attempted, inputs = _built(spec, corpus, tasks, shard=shard)
    if hasattr(system, "on_items"):  # model-backed systems report items as they go
        system.on_items = lambda done, total: progress(f"{spec.display}: predicting ({done}/{total} items)")
    answer = predicted() if predicted is not None else None
    if answer is None:
        with timer.time("predict"):
            raw = _predict(system, inputs, attempted, corpus)
    else:  # predicted on another process (remote_predictions): its own time
        raw = answer[0]
        timer.record("predict", answer[1])
    with timer.time("align"):
        lines = [json.dumps(obj, ensure_ascii=False) for obj in raw]
        # The JSON Schema guards external input; a built-in system's dicts are
        # built by this package (and still read field by field), a plugin's are not.
        preds = parse_submission_lines(lines, corpus=corpus, file=f"<system {spec.name}>",
                                       fuzzy_threshold=fuzzy_threshold, limits=limits,
                                       schema=not is_builtin(spec.name))
    return system, preds, attempted


def _built(spec: SystemSpec, corpus: Corpus, tasks: tuple[str, ...], *, shard: Shard | None = None):
    """The system of ``spec``, the tasks it attempts and its inputs (refusals: not shardable, nothing to run)."""
    from benchmark.systems.registry import make_system
    from benchmark.tasks.inputs import make_input

    system = make_system(spec.name, **dict(spec.options))
    if shard is not None and not getattr(system, "shardable", True):
        raise ConfigError(f"system {spec.display!r} cannot be sharded: the prediction for one document depends on "
                          "the other documents of the corpus (it is trained on them out of fold); run it whole",
                          field="shard.count")
    attempted = tuple(t for t in tasks if t in system.supported_tasks)
    if not attempted:
        raise NothingToRun(
            f"system {spec.display!r} supports none of the requested tasks ({', '.join(tasks)}); "
            f"it supports: {', '.join(sorted(system.supported_tasks))}", field="task")
    return system, attempted, [make_input(d, corpus.targets, tasks=attempted) for d in corpus.documents]


def _predict(system, inputs, attempted: tuple[str, ...], corpus: Corpus) -> list[dict]:
    """The system's raw output; the gold goes only to a system that trains on it (``needs_gold``)."""
    return system.predict(inputs, tasks=attempted, gold=corpus if getattr(system, "needs_gold", False) else None)


def remote_predictions(job: tuple[SystemSpec, Corpus, tuple[str, ...]]) -> tuple[list[dict], float] | None:
    """``(system.predict(...), seconds)`` of ``job = (spec, corpus, tasks)``, for another process to compute.

    ``None`` when the system does not get that far (an error, nothing to
    run): the run then predicts in its own process and reports the error
    there, as it would have anyway.  Deterministic systems give the same
    predictions on either process.
    """
    spec, corpus, tasks = job
    try:
        system, attempted, inputs = _built(spec, corpus, tasks)
        t0 = time.perf_counter()
        raw = _predict(system, inputs, attempted, corpus)
        return raw, time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - reported by the run's own attempt
        return None


@dataclass(frozen=True)
class TaskScores:
    """What scoring every requested task of one run produced."""

    metrics: dict[str, list[dict[str, Any]]]
    per_item: GzipJsonl
    """``per_item.jsonl.gz``, fed the JSON Lines of each task in task order
    (compressed as they come: the rows of a large corpus are dropped as soon
    as their task is scored)."""
    not_attempted: list[str]
    undefined: list[str]
    """``task:metric`` names that were undefined (zero denominator)."""
    predicted: list[str] = field(default_factory=list)
    """Tasks with at least one prediction (the scored ones)."""


def alignment_label(fuzzy_threshold: float) -> str:
    """How text-only spans were aligned, as recorded in the span tasks' signatures."""
    from benchmark.common.normalize import NORMALIZATION_VERSION

    return f"exact>{NORMALIZATION_VERSION}>fuzzy{fuzzy_threshold:g}"


def score_task_rows(task: str, rows: Sequence[Mapping[str, Any]] | PartsTable, *, gold_sha256: str,
                    scoring: ScoringOptions) -> tuple[list[dict[str, Any]], list[str]]:
    """Every metric of ``task`` from its per-item rows: ``(metric JSON objects, undefined task:metric names)``.

    ``rows`` may be reduced to what scoring reads (a ``PartsTable``, as a run computes them).

    The one scoring path of a run and of a merge of shards, so both give the same bytes.
    """
    from benchmark.tasks.registry import TASKS

    undefined: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        # Undefined metrics are null in metrics.json; one summary line, not one per metric.
        warnings.simplefilter("always", UndefinedMetricWarning)
        result = TASKS.get(task).score_rows(rows, gold_sha256=gold_sha256, n_resamples=scoring.n_resamples,
                                            seed=scoring.seed, confidence=scoring.confidence,
                                            alignment=alignment_label(scoring.fuzzy_threshold))
    for w in caught:
        if issubclass(w.category, UndefinedMetricWarning):
            undefined.append(f"{task}:{str(w.message).split(' ', 1)[0]}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return [m.to_json() for m in result.metrics], undefined


def score_tasks(corpus: Corpus, preds: dict[str, DocPrediction], attempted: tuple[str, ...], cfg: RunConfig, *,
                timer: StageTimer, progress: Callable[[str], None], display: str) -> TaskScores:
    """Score each requested task; tasks the system did not attempt are listed, never scored as zero.

    A shard (``cfg.shard``) also keeps the rows of an attempted task none of
    its documents got a prediction for, so the merged rows are the whole corpus's.
    """
    from benchmark.harness.parallel import task_table
    from benchmark.tasks.registry import TASKS

    pairs = [(d, preds.get(d.doc_id)) for d in corpus.documents]
    out = TaskScores({}, GzipJsonl(), [], [])
    for task in cfg.tasks:
        predicted = task in attempted and TASKS.get(task).attempted(pairs)
        if not predicted:
            # quotes and end2end share the "quotes" key: a system that does only
            # one of them must not be scored on the other.
            out.not_attempted.append(task)
            if task not in attempted or cfg.shard is None:
                continue
        progress(f"{display}: per-item statistics of {task} ({len(pairs)} documents)")
        with timer.time("score:rows"):
            table, data = task_table(task, pairs, workers=cfg.scoring.workers)
        while data:  # compressed now, piece by piece: the rows' bytes need not wait while the task is scored
            out.per_item.write(data.pop(0))
        if predicted:
            progress(f"{display}: scoring {task}")
            with timer.time(f"score:{task}"):
                out.metrics[task], undefined = score_task_rows(task, table, gold_sha256=corpus.sha256,
                                                               scoring=cfg.scoring)
            out.undefined.extend(undefined)
            out.predicted.append(task)
        del table  # one task's statistics at a time in memory
    return out


def undefined_note(display: str, undefined: list[str]) -> str | None:
    """One warning line for the metrics a run left undefined, or ``None``."""
    if not undefined:
        return None
    shown = ", ".join(undefined[:3]) + (f" and {len(undefined) - 3} more" if len(undefined) > 3 else "")
    return (f"{display}: {len(undefined)} metric(s) undefined (zero denominator), "
            f"written as null: {shown}")


def run_system(spec: SystemSpec, corpus: Corpus, cfg: RunConfig, *, overrides: list[str], argv: list[str],
               resolved_config: dict[str, Any], progress: Callable[[str], None] = lambda s: None,
               predicted: Callable[[], tuple[list[dict], float] | None] | None = None) -> PendingRun:
    """Predict, score and prepare the run files of one system (nothing is written yet).

    ``predicted``: the system's output computed elsewhere (see :func:`predict_documents`).
    """
    from benchmark.submission.reader import submission_to_json

    timer = StageTimer()
    t_start = time.perf_counter()
    if cfg.shard is not None:
        corpus = shard_corpus(corpus, cfg.shard)  # same gold checksum: the shard is part of that gold's run
    progress(f"{spec.display}: predicting")
    system, preds, attempted = predict_documents(spec, corpus, cfg.tasks, fuzzy_threshold=cfg.scoring.fuzzy_threshold,
                                                 timer=timer, progress=progress, limits=cfg.scoring.limits,
                                                 shard=cfg.shard, predicted=predicted)
    if spec.label is None and getattr(system, "default_label", None):  # llm-<model>, hf-<model>
        spec = replace(spec, label=system.default_label)
    scores = score_tasks(corpus, preds, attempted, cfg, timer=timer, progress=progress, display=spec.display)
    note = undefined_note(spec.display, scores.undefined)
    if note:
        print(f"warning: {note}", file=sys.stderr)
    ranked = getattr(system, "ranked", True)
    # The size limits only refuse files and the worker count only spreads the work;
    # neither changes a score, so they are not part of the hash.
    scoring = {k: v for k, v in (resolved_config.get("scoring") or {}).items() if k not in ("limits", "workers")}
    chash = config_hash({"system": resolved_config.get("system"), "tasks": list(cfg.tasks),
                         "scoring": scoring, "gold": corpus.sha256})
    metrics_doc = {
        "system": spec.display, "system_name": spec.name, "ranked": ranked, "gold_sha256": corpus.sha256,
        "config_hash": chash, "tasks": scores.metrics, "not_attempted": scores.not_attempted,
        "scoring": {"n_resamples": cfg.scoring.n_resamples, "confidence": cfg.scoring.confidence, "seed": cfg.scoring.seed},
    }
    parent = None
    if cfg.shard is not None:
        metrics_doc["shard"] = shard_record(cfg.shard, documents=[d.doc_id for d in corpus.documents],
                                            tasks=[t for t in cfg.tasks if t in attempted], predicted=scores.predicted)
        parent = shard_parent(Path(cfg.results_dir), safe_name(spec.display), chash)
    predictions_rows = [submission_to_json(preds[d.doc_id]) for d in corpus.documents if d.doc_id in preds]
    manifest = _manifest(spec, system, attempted, corpus, cfg, chash=chash, argv=argv, overrides=overrides)
    manifest["wall_time_seconds"] = dict(timer.seconds)  # what the report can show (report time comes after)
    if cfg.shard is not None:
        manifest["shard"] = {"index": cfg.shard.index, "count": cfg.shard.count}
    files = {
        "config.yaml": _yaml(resolved_config),
        "overrides.yaml": _yaml(overrides),
        "predictions.jsonl": _jsonl(predictions_rows),
        PER_ITEM: scores.per_item.finish(),
        "metrics.json": canonical_json(metrics_doc),
    }
    stamp = run_stamp()
    name = cfg.shard.folder_name(stamp) if cfg.shard is not None else f"{stamp}-{chash}"
    return PendingRun(label=spec.display, results_dir=Path(cfg.results_dir), folder_name=name,
                      files=files, manifest=manifest, metrics=scores.metrics, ranked=ranked, timer=timer,
                      started=t_start, parent=parent)


def _manifest(spec: SystemSpec, system, attempted, corpus: Corpus, cfg: RunConfig, *, chash: str,
              argv: list[str], overrides: list[str]) -> dict[str, Any]:
    manifest = {
        "system": {"label": spec.display, "name": spec.name, "options": dict(spec.options),
                   "ranked": getattr(system, "ranked", True),
                   "description": getattr(system, "description", "external submission file"),
                   "training_note": getattr(system, "training_note", None), "tasks_attempted": list(attempted)},
        "gold_sha256": corpus.sha256, "documents": [d.doc_id for d in corpus.documents],
        "seed": cfg.seed, "scoring_seed": cfg.scoring.seed, "config_hash": chash,
        "command": ["python", "-m", "benchmark", *argv], "overrides": overrides,
        "started_utc": run_stamp(), "environment": environment(REPO_ROOT),
    }
    if system is not None and hasattr(system, "manifest_extra"):
        manifest["system"].update(system.manifest_extra())
    return manifest


def finish_run(run: PendingRun) -> RunOutcome:
    """Record the final wall times in the manifest and write the run folder atomically."""
    run.timer.seconds["total"] = round(time.perf_counter() - run.started, 4)
    manifest = {**run.manifest, "wall_time_seconds": run.timer.seconds}
    files = {**run.files, "manifest.json": canonical_json(manifest)}
    parent = run.parent if run.parent is not None else Path(run.results_dir) / safe_name(run.label)
    run_dir = commit_folder(parent, run.folder_name, files)
    shard = run.manifest.get("shard")
    return RunOutcome(label=run.label, run_dir=run_dir, metrics=run.metrics, ranked=run.ranked,
                      shard=Shard(**shard) if shard else None)

