"""Join the shards of one sharded run into one run folder (``python -m benchmark merge-shards``).

The shards of a run made with ``shard.index=i shard.count=n``
(:mod:`benchmark.harness.shards`) are checked, then joined: predictions and
per-item rows are concatenated in shard order (which is corpus order), and
every metric is **computed again from the joined per-item rows** by the
scoring path of a run (:func:`~benchmark.harness.runner.score_task_rows`),
never averaged over shards.  The joined ``metrics.json``, ``per_item.jsonl.gz``
and ``predictions.jsonl`` are therefore byte for byte those of the same run
made in one job (the per-item rows are compressed by the run's own
:class:`~benchmark.harness.rundir.GzipJsonl`).  The shards' per-item files
are read line by line, once to check them and once per task to join them,
so one task's rows are in memory at a time, as in a run.

Checks, each a one-line :class:`~benchmark.errors.ShardMergeError` naming a folder:

* every folder is a shard (its ``metrics.json`` has the ``"shard"`` record);
* all come from **one run**: same system, config hash, scoring settings,
  shard count and the same ``config.yaml`` apart from ``shard``; the
  systems' manifests agree on everything but their counters (tokens,
  requests, cost, failures, which are summed), so a model whose weights
  changed between jobs is caught;
* the set is **complete and disjoint**: each ``shard.index`` from 0 to
  ``count - 1`` exactly once;
* the **same gold**: the gold checksum of every shard equals the one of the
  gold loaded for the merge, and each shard holds exactly its part of that
  gold's documents, with rows and predictions of those documents only.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from benchmark.errors import BenchmarkError, ShardMergeError
from benchmark.gold.schema import Corpus
from benchmark.harness.config import RunConfig
from benchmark.harness.manifest import environment
from benchmark.harness.rundir import PER_ITEM, GzipJsonl, canonical_json, iter_json_lines, jsonl_bytes, per_item_path
from benchmark.harness.rundir import run_stamp, yaml_bytes
from benchmark.harness.runner import REPO_ROOT, PendingRun, StageTimer, score_task_rows
from benchmark.harness.shards import MARKER, Shard, shard_slice

SAME_RUN_KEYS = ("system", "system_name", "ranked", "gold_sha256", "config_hash", "scoring")
"""``metrics.json`` fields every shard of one run shares."""

COUNTERS = (("llm", "requests"), ("llm", "usage"), ("llm", "cost", "this_run"), ("llm", "cost", "served_from_cache"),
            ("llm", "failures"), ("counts",))
"""Paths in a manifest's ``system`` block that count work and are summed over shards (lists are joined)."""


@dataclass(frozen=True)
class ShardRun:
    """One shard folder as read from disk."""

    path: Path
    shard: Shard
    metrics: dict[str, Any]
    manifest: dict[str, Any]
    config: dict[str, Any]
    overrides: list[str]
    per_item_file: Path
    """Its ``per_item.jsonl.gz`` (or the ``per_item.jsonl`` of an older shard), read when needed."""
    predictions: list[dict[str, Any]]

    @property
    def record(self) -> dict[str, Any]:
        """The ``"shard"`` record of its ``metrics.json``."""
        return self.metrics[MARKER]

    def per_item(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(line number, row)`` of its per-item file, read line by line."""
        return _rows(self.per_item_file)


def find_shard_dirs(paths: Sequence[Path | str]) -> list[Path]:
    """Shard folders among ``paths``: each is a run folder or a folder to search (dot-folders are not entered)."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if not p.is_dir():
            raise ShardMergeError("not a folder", file=str(p))
        if (p / "metrics.json").is_file():
            found.add(p)
            continue
        here_found = []
        for here, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .tmp-* staging: a shard still being written
            if "metrics.json" in files:
                here_found.append(Path(here))
        if not here_found:
            raise ShardMergeError("no run folder in it (a folder holding metrics.json)", file=str(p))
        found.update(here_found)
    return sorted(found)


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardMergeError("file not found", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShardMergeError(f"not valid JSON: {exc}", file=str(path)) from None


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object with a doc_id)`` of a shard's JSON Lines file (``.gz`` decompressed)."""
    try:
        for n, row in iter_json_lines(path):
            if not isinstance(row, dict) or not isinstance(row.get("doc_id"), str):
                raise ShardMergeError("expected an object with a doc_id", file=str(path), line=n)
            yield n, row
    except ShardMergeError:
        raise
    except BenchmarkError as exc:
        raise ShardMergeError(exc.message, file=exc.file, line=exc.line) from None


def _yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardMergeError("file not found", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise ShardMergeError(f"not valid YAML: {' '.join(str(exc).split())}", file=str(path)) from None


def read_shard(path: Path) -> ShardRun:
    """Read one shard folder; a complete run or a malformed file is refused with the file named."""
    path = Path(path)
    mpath = path / "metrics.json"
    metrics = _json(mpath)
    if not isinstance(metrics, dict):
        raise ShardMergeError("expected a JSON object", file=str(mpath))
    record = metrics.get(MARKER)
    if record is None:
        raise ShardMergeError('a complete run, not a shard (its metrics.json has no "shard" record)', file=str(path))
    ok = isinstance(record, dict) and all(isinstance(record.get(k), list) and all(isinstance(x, str) for x in record[k])
                                          for k in ("documents", "tasks", "predicted"))
    try:
        shard = Shard(index=record.get("index"), count=record.get("count")) if ok else None
    except BenchmarkError as exc:
        raise ShardMergeError(str(exc), file=str(mpath), field="shard") from None
    if shard is None:
        raise ShardMergeError("expected index, count, documents, tasks and predicted", file=str(mpath), field="shard")
    manifest, config = _json(path / "manifest.json"), _yaml(path / "config.yaml")
    if not isinstance(manifest, dict) or not isinstance(config, dict):
        raise ShardMergeError("manifest.json and config.yaml must hold objects", file=str(path))
    per_item = per_item_path(path)
    if not per_item.is_file():
        raise ShardMergeError("file not found", file=str(per_item))
    return ShardRun(path=path, shard=shard, metrics=metrics, manifest=manifest, config=config,
                    overrides=list(_yaml(path / "overrides.yaml") or []), per_item_file=per_item,
                    predictions=[row for _, row in _rows(path / "predictions.jsonl")])


def _first_difference(a: Any, b: Any, prefix: str = "") -> str:
    """The dotted key where two config trees first differ (``""`` when equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            where = _first_difference(a.get(key), b.get(key), f"{prefix}{key}.")
            if where:
                return where
        return ""
    return "" if a == b else prefix.rstrip(".") or "(top level)"


def _without_shard(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != MARKER}


def _check_same_run(shards: list[ShardRun]) -> None:
    first = shards[0]
    for other in shards[1:]:
        for key in SAME_RUN_KEYS:
            if other.metrics.get(key) != first.metrics.get(key):
                raise ShardMergeError(f"not a shard of the same run as {first.path}: {key} is "
                                      f"{other.metrics.get(key)!r} here, {first.metrics.get(key)!r} there",
                                      file=str(other.path))
        for key in ("count", "tasks"):
            if other.record[key] != first.record[key]:
                raise ShardMergeError(f"not a shard of the same run as {first.path}: shard.{key} is "
                                      f"{other.record[key]!r} here, {first.record[key]!r} there", file=str(other.path))
        where = _first_difference(_without_shard(first.config), _without_shard(other.config))
        if where:
            raise ShardMergeError(f"not a shard of the same run as {first.path}: config.yaml differs at {where}",
                                  file=str(other.path))


def _check_complete(shards: list[ShardRun]) -> list[ShardRun]:
    """The shards sorted by index, each index of ``0..count-1`` exactly once."""
    count = shards[0].shard.count
    by_index: dict[int, list[ShardRun]] = defaultdict(list)
    for s in shards:
        by_index[s.shard.index].append(s)
    for index, group in sorted(by_index.items()):
        if len(group) > 1:
            raise ShardMergeError(f"shard.index={index} is there {len(group)} times: "
                                  f"{', '.join(str(s.path) for s in group)}; pass one of them")
    missing = [i for i in range(count) if i not in by_index]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise ShardMergeError(f"incomplete: shard.index {shown} of shard.count={count} missing "
                              f"({len(by_index)} of {count} shards given)")
    return [by_index[i][0] for i in range(count)]


def _check_gold(shards: list[ShardRun], corpus: Corpus) -> None:
    ids = [d.doc_id for d in corpus.documents]
    for s in shards:
        if s.metrics.get("gold_sha256") != corpus.sha256:
            raise ShardMergeError(f"scored against gold {str(s.metrics.get('gold_sha256'))[:12]}…, but the gold "
                                  f"loaded for the merge is {corpus.sha256[:12]}… (pass the shards' data folder "
                                  "with --data-dir)", file=str(s.path))
        expected = ids[shard_slice(len(ids), s.shard)] if s.shard.count <= len(ids) else []
        if s.record["documents"] != expected:
            raise ShardMergeError(f"holds documents {_few(s.record['documents'])}, but {s.shard.text} of this gold "
                                  f"is {_few(expected)}", file=str(s.path))
        docs, tasks = set(expected), set(s.record["tasks"])
        predictions = s.path / "predictions.jsonl"
        for path, rows in ((s.per_item_file, s.per_item()), (predictions, enumerate(s.predictions, 1))):
            for n, row in rows:
                if row["doc_id"] not in docs:
                    raise ShardMergeError(f"document {row['doc_id']!r} is not one of this shard's", file=str(path),
                                          line=n)
                if path == s.per_item_file and row.get("task") not in tasks:
                    raise ShardMergeError(f"task {row.get('task')!r} is not one of this shard's tasks {sorted(tasks)}",
                                          file=str(path), line=n)


def _few(ids: Sequence[str]) -> str:
    return "[" + ", ".join(ids[:3]) + (f", … {len(ids)} in all" if len(ids) > 3 else "") + "]"


def check_shards(shards: Sequence[ShardRun], corpus: Corpus) -> list[ShardRun]:
    """Every check of the module docstring; returns the shards in index order."""
    if not shards:
        raise ShardMergeError("no shard folders given")
    shards = list(shards)
    _check_same_run(shards)
    ordered = _check_complete(shards)
    _check_gold(ordered, corpus)
    merge_system_manifests([s.manifest.get("system") or {} for s in ordered])  # refuses different systems early
    return ordered


def _is_counter(path: tuple[str, ...]) -> bool:
    return any(path[:len(c)] == c for c in COUNTERS)


def _sum(values: list[Any], path: tuple[str, ...]) -> Any:
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        total = sum(values)
        return round(total, 6) if isinstance(total, float) else total
    if all(isinstance(v, list) for v in values):
        return [x for v in values for x in v]
    if all(isinstance(v, dict) for v in values):
        keys = sorted({k for v in values for k in v})
        return {k: _sum([v[k] for v in values if k in v], (*path, k)) for k in keys}
    return _agree(values, path)


def _agree(values: list[Any], path: tuple[str, ...]) -> Any:
    for i, v in enumerate(values[1:], 1):
        if v != values[0]:
            raise ShardMergeError(f"the shards did not run the same system: manifest field system.{'.'.join(path)} "
                                  f"is {values[0]!r} in shard.index=0 and {v!r} in shard.index={i}")
    return values[0]


def merge_system_manifests(blocks: list[dict[str, Any]], path: tuple[str, ...] = ()) -> Any:
    """The ``system`` block of the joined manifest: counters (:data:`COUNTERS`) summed, all else equal.

    >>> merge_system_manifests([{"name": "llm", "llm": {"usage": {"prompt_tokens": 5}}},
    ...                         {"name": "llm", "llm": {"usage": {"prompt_tokens": 7}}}])
    {'llm': {'usage': {'prompt_tokens': 12}}, 'name': 'llm'}
    """
    if _is_counter(path):
        return _sum(blocks, path)
    if all(isinstance(b, dict) for b in blocks) and len({tuple(sorted(b)) for b in blocks}) == 1:
        return {k: merge_system_manifests([b[k] for b in blocks], (*path, k)) for k in sorted(blocks[0])}
    return _agree(blocks, path)


def _joined_scores(shards: list[ShardRun], cfg: RunConfig, gold_sha256: str):
    """Per-item file (task by task, shard by shard), metrics, not-attempted tasks and undefined metrics."""
    system_tasks = shards[0].record["tasks"]
    predicted = {t for s in shards for t in s.record["predicted"]}
    per_item, metrics, not_attempted, undefined = GzipJsonl(), {}, [], []
    for task in cfg.tasks:
        if task not in system_tasks or task not in predicted:
            not_attempted.append(task)  # as a run over the whole corpus: no prediction anywhere = not attempted
            continue
        rows = [r for s in shards for _, r in s.per_item() if r.get("task") == task]
        metrics[task], undef = score_task_rows(task, rows, gold_sha256=gold_sha256, scoring=cfg.scoring)
        undefined += undef
        per_item.write(jsonl_bytes(rows))  # the task's lines, as the run wrote them
        del rows  # one task's rows in memory at a time
    return per_item.finish(), metrics, not_attempted, undefined


def _merged_manifest(shards: list[ShardRun], corpus: Corpus, *, argv: list[str]) -> dict[str, Any]:
    first = shards[0].manifest
    starts = [str(s.manifest.get("started_utc", "")) for s in shards]
    return {
        **{k: v for k, v in first.items() if k not in (MARKER, "wall_time_seconds")},
        "system": merge_system_manifests([s.manifest.get("system") or {} for s in shards]),
        "documents": [d.doc_id for d in corpus.documents],
        "command": ["python", "-m", "benchmark", *argv], "overrides": _run_overrides(shards[0].overrides),
        "started_utc": min(starts), "merged_utc": run_stamp(), "environment": environment(REPO_ROOT),
        "shards": [{"index": s.shard.index, "folder": s.path.name, "started_utc": s.manifest.get("started_utc"),
                    "command": s.manifest.get("command"), "overrides": s.overrides,
                    "wall_time_seconds": s.manifest.get("wall_time_seconds"),
                    "environment": s.manifest.get("environment")} for s in shards],
    }


def _run_overrides(overrides: list[str]) -> list[str]:
    """The overrides of the run the shards make up: those of a shard less ``shard.*``."""
    return [o for o in overrides if not o.lstrip("+~").startswith(f"{MARKER}.") and not o.startswith(f"{MARKER}=")]


def merge_shards(shards: Sequence[ShardRun], corpus: Corpus, cfg: RunConfig, *, out_dir: Path,
                 argv: list[str]) -> tuple[PendingRun, list[str]]:
    """The joined run, ready for its reports and :func:`~benchmark.harness.runner.finish_run`.

    ``cfg`` is the run configuration of the shards (:func:`run_config_of`).
    Returns the pending run and the ``task:metric`` names left undefined.
    """
    t0 = time.perf_counter()
    timer = StageTimer()
    ordered = check_shards(shards, corpus)
    with timer.time("merge"):
        per_item, metrics, not_attempted, undefined = _joined_scores(ordered, cfg, corpus.sha256)
        first = ordered[0].metrics
        metrics_doc = {**{k: v for k, v in first.items() if k != MARKER}, "tasks": metrics,
                       "not_attempted": not_attempted}
        predictions = [r for s in ordered for r in s.predictions]
        config = {**ordered[0].config, MARKER: {"index": 0, "count": 1}}
    files = {
        "config.yaml": yaml_bytes(config), "overrides.yaml": yaml_bytes(_run_overrides(ordered[0].overrides)),
        "predictions.jsonl": jsonl_bytes(predictions), PER_ITEM: per_item,
        "metrics.json": canonical_json(metrics_doc),
    }
    # Wall time is the work of all shards (stage by stage, then the merge), so
    # the total counts every shard's total too; each shard's own is in "shards".
    shard_times = [s.manifest.get("wall_time_seconds") or {} for s in ordered]
    for times in shard_times:
        for stage, seconds in times.items():
            if stage != "total" and isinstance(seconds, (int, float)):
                timer.seconds[stage] = round(timer.seconds.get(stage, 0.0) + seconds, 4)
    shard_total = sum(t.get("total", 0.0) for t in shard_times if isinstance(t.get("total", 0.0), (int, float)))
    manifest = _merged_manifest(ordered, corpus, argv=argv)
    manifest["wall_time_seconds"] = dict(timer.seconds)
    pending = PendingRun(label=str(first["system"]), results_dir=Path(out_dir),
                         folder_name=f"{manifest['started_utc']}-{first['config_hash']}", files=files,
                         manifest=manifest, metrics=metrics, ranked=bool(first.get("ranked", True)), timer=timer,
                         started=t0 - shard_total)
    return pending, undefined


def run_config_of(shard: ShardRun) -> RunConfig:
    """The typed run configuration recorded in a shard's ``config.yaml``."""
    from omegaconf import OmegaConf

    from benchmark.harness.config import to_run_config

    try:
        return to_run_config(OmegaConf.create(shard.config))
    except BenchmarkError as exc:
        raise ShardMergeError(str(exc), file=str(shard.path / "config.yaml")) from None

