"""Find and read finished run folders, and choose one run per (system, task).

A run folder is any folder holding a ``metrics.json`` (written by
``python -m benchmark run`` / ``score``): ``<runs>/<system>/<stamp>-<hash>[-N]/``.
Folders whose name starts with ``.`` are temporary or incomplete (see
:mod:`benchmark.harness.rundir`) and are never entered.

**Which run counts.**  For each (system label, task) the newest run that
scored the task against the *current* gold (equal SHA-256) is kept.  "Newest"
compares, in this order, the UTC stamp (``manifest.json`` ``started_utc``,
else the stamp at the start of the folder name), the ``-N`` suffix that
:func:`~benchmark.harness.rundir.commit_run` adds to a second run in the same
second, and the folder name.  Runs against another gold are *stale*: they are
listed, never ranked.  A folder that cannot be read (a bad or unreadable
``metrics.json``, a folder without permission) is skipped with its reason,
which the command prints as a one-line warning, so one broken folder never
hides the others.

Examples
--------
>>> parse_run_folder_name("20250218T093000Z-abcd1234-2")
('20250218T093000Z', 2)
>>> parse_run_folder_name("my-run")
('', 1)
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from benchmark.errors import InputError
from benchmark.harness.rundir import iter_json_lines, per_item_path
from benchmark.harness.shards import shard_marker

_FOLDER = re.compile(r"^(\d{8}T\d{6}Z)-[0-9A-Za-z]+(?:-(\d+))?$")
_STAMP = re.compile(r"^\d{8}T\d{6}Z$")


def parse_run_folder_name(name: str) -> tuple[str, int]:
    """``(stamp, N)`` of a run-folder name; ``("", 1)`` when it has no stamp."""
    m = _FOLDER.match(name)
    if not m:
        return "", 1
    return m.group(1), int(m.group(2) or 1)


@dataclass(frozen=True)
class Run:
    """One finished run folder, as recorded in its ``metrics.json``."""

    label: str
    """System label (``metrics.json`` ``system``); identifies the system."""
    system_name: str
    ranked: bool
    """``False`` for sanity-check systems such as the oracle."""
    run_dir: Path
    stamp: str
    """UTC stamp such as ``20250218T093000Z`` (``""`` when unknown)."""
    gold_sha256: str
    config_hash: str
    tasks: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    """task → metric JSON objects, main metric first."""
    not_attempted: tuple[str, ...] = ()
    scoring: Mapping[str, Any] = field(default_factory=dict)
    """``n_resamples``, ``confidence`` and ``seed`` of the run's intervals."""

    @property
    def order_key(self) -> tuple[str, int, str]:
        """Sort key: later runs compare greater."""
        _, suffix = parse_run_folder_name(self.run_dir.name)
        return (self.stamp, suffix, self.run_dir.name)


@dataclass(frozen=True)
class Selection:
    """The runs a leaderboard is built from."""

    chosen: Mapping[tuple[str, str], Run]
    """(system label, task) → the newest current run that scored the task."""
    stale: tuple[Run, ...]
    """Runs against another gold version, sorted by label then stamp."""
    skipped: tuple[tuple[Path, str], ...]
    """Folders that could not be read, with the reason."""
    n_runs: int
    """Run folders read (current and stale)."""

    def tasks(self) -> list[str]:
        """Tasks with at least one chosen run, sorted."""
        return sorted({task for _, task in self.chosen})

    def runs_for(self, task: str) -> list[Run]:
        """The chosen run of every system for ``task``, sorted by label."""
        return [run for (label, t), run in sorted(self.chosen.items()) if t == task]


def find_run_dirs(root: Path, *, unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Every folder under ``root`` (or ``root`` itself) holding ``metrics.json``.

    Hidden folders (``.tmp-…`` and other dot-folders) are not entered.
    A folder that cannot be listed (no permission) is appended to
    ``unreadable`` with the reason, never skipped silently.  The result is
    sorted, so the order never depends on the file system.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError("runs folder not found", file=str(root))
    found = []

    def cannot_list(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(exc.filename or root), f"cannot read folder: {exc.strerror or exc}"))

    for here, dirs, files in os.walk(root, onerror=cannot_list):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if "metrics.json" in files:
            found.append(Path(here))
    return sorted(found)


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except OSError as exc:  # no permission, a folder named like the file, an I/O error
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {str(exc)[:200]}", file=str(path)) from None


def _need(obj: Mapping[str, Any], key: str, types: type | tuple, file: Path) -> Any:
    if key not in obj:
        raise InputError("missing required key", file=str(file), field=key)
    value = obj[key]
    if not isinstance(value, types) or isinstance(value, bool) and types is not bool:
        raise InputError(f"expected {getattr(types, '__name__', types)}, got {type(value).__name__}",
                         file=str(file), field=key)
    return value


def read_run(run_dir: Path) -> Run:
    """Read one run folder's ``metrics.json`` (and the stamp in ``manifest.json``)."""
    run_dir = Path(run_dir)
    path = run_dir / "metrics.json"
    doc = _load(path)
    if not isinstance(doc, dict):
        raise InputError(f"expected a JSON object, got {type(doc).__name__}", file=str(path))
    if shard_marker(doc) is not None:  # one part of a sharded run: never ranked as a complete run
        raise InputError(shard_marker(doc), file=str(run_dir))
    tasks_raw = _need(doc, "tasks", dict, path)
    tasks: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for task, metrics in sorted(tasks_raw.items()):
        if not isinstance(metrics, list) or not metrics or not all(
            isinstance(m, dict) and isinstance(m.get("name"), str) for m in metrics
        ):
            raise InputError("expected a non-empty list of metric objects with a name", file=str(path),
                             field=f"tasks.{task}")
        tasks[task] = tuple(metrics)
    stamp = ""
    manifest = run_dir / "manifest.json"
    if manifest.exists():
        man = _load(manifest)
        started = man.get("started_utc") if isinstance(man, dict) else None
        if isinstance(started, str) and _STAMP.match(started):
            stamp = started
    if not stamp:
        stamp = parse_run_folder_name(run_dir.name)[0]
    return Run(
        label=_need(doc, "system", str, path),
        system_name=str(doc.get("system_name", doc["system"])),
        ranked=bool(doc.get("ranked", True)),
        run_dir=run_dir,
        stamp=stamp,
        gold_sha256=_need(doc, "gold_sha256", str, path),
        config_hash=str(doc.get("config_hash", "")),
        tasks=tasks,
        not_attempted=tuple(str(t) for t in doc.get("not_attempted") or ()),
        scoring=dict(doc.get("scoring") or {}),
    )


def select_runs(runs: Iterable[Run], *, gold_sha256: str, skipped: Iterable[tuple[Path, str]] = ()) -> Selection:
    """Keep, per (system, task), the newest run against ``gold_sha256``."""
    runs = list(runs)
    chosen: dict[tuple[str, str], Run] = {}
    for run in sorted((r for r in runs if r.gold_sha256 == gold_sha256), key=lambda r: r.order_key):
        for task in run.tasks:
            chosen[(run.label, task)] = run  # later runs overwrite earlier ones
    stale = tuple(sorted((r for r in runs if r.gold_sha256 != gold_sha256), key=lambda r: (r.label, r.order_key)))
    return Selection(chosen=dict(sorted(chosen.items())), stale=stale, skipped=tuple(skipped), n_runs=len(runs))


def collect(root: Path, *, gold_sha256: str) -> Selection:
    """Read every run folder under ``root`` and select the runs to rank."""
    runs, skipped = [], []
    for run_dir in find_run_dirs(root, unreadable=skipped):
        try:
            runs.append(read_run(run_dir))
        except InputError as exc:
            skipped.append((run_dir, str(exc)))
    return select_runs(runs, gold_sha256=gold_sha256, skipped=skipped)


def read_per_item(run: Run, task: str) -> list[dict[str, Any]]:
    """The per-item rows of ``task`` in ``run`` (``per_item.jsonl.gz``, or the ``per_item.jsonl`` of an
    older run), read line by line; errors name file and line."""
    path = per_item_path(run.run_dir)
    if not path.exists():
        raise InputError("file not found (needed for paired tests)", file=str(path))
    rows = []
    for n, row in iter_json_lines(path):
        if not isinstance(row, dict) or "doc_id" not in row or "item" not in row:
            raise InputError("expected an object with doc_id and item", file=str(path), line=n)
        if row.get("task") == task:
            rows.append(row)
    return rows
