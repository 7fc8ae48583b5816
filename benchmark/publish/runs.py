"""Finished run folders, read back as typed records and result rows.

The harness writes ``<results_dir>/<system>/<stamp>-<hash>/`` folders
(``metrics.json``, ``manifest.json``, ``per_item.jsonl``, …) and renames
them into place only when complete, so hidden (dot) folders are skipped.
Each run becomes one *split* of the results dataset; the split name is the
run folder name made legal for the Hub (``\\w+(\\.\\w+)*``, kept to ASCII).

Runs are found, read and ordered exactly as the leaderboard does
(:mod:`benchmark.leaderboard.collect`): a folder that cannot be read is
skipped with its reason, and a run against another gold version is *stale*.
Stale runs are still published as splits (the history), but a system's
``latest`` split only ever names its newest run against the current gold.

Examples
--------
>>> split_name("20250218T093000Z-ab12cd34")
'20250218T093000Z_ab12cd34'
>>> unique_split_names(["a-b", "a_b", "latest"])
['a_b', 'a_b_2', 'latest_run']
>>> iso_from_stamp("20250218T093000Z")
'2025-02-18T09:30:00Z'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.common.registry import unknown_name_message

LATEST = "latest"
"""Extra split of a system config: its newest run against the current gold (absent if it has none)."""
_STAMP_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def split_name(run_name: str) -> str:
    """A Hub split name (``\\w+(\\.\\w+)*``, ASCII) for a run folder name."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", run_name)
    return out or "run"


def unique_split_names(run_names: Iterable[str]) -> list[str]:
    """:func:`split_name` of each name, made unique and never ``latest``."""
    seen: set[str] = {LATEST}
    out = []
    for name in run_names:
        base = split_name(name)
        if base == LATEST:
            base = f"{LATEST}_run"
        cand, i = base, 1
        while cand in seen:
            i += 1
            cand = f"{base}_{i}"
        seen.add(cand)
        out.append(cand)
    return out


def iso_from_stamp(stamp: str) -> str | None:
    """``20250218T093000Z`` (the harness's UTC stamp) → ISO-8601, else ``None``."""
    m = _STAMP_RE.match(stamp or "")
    if not m:
        return None
    y, mo, d, h, mi, s = m.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"


@dataclass(frozen=True)
class RunRecord:
    """One finished run folder of one system."""

    system: str
    """The system folder name (also the results config name)."""
    label: str
    """The system label recorded in ``metrics.json``."""
    run_name: str
    """The run folder name, e.g. ``20250218T093000Z-ab12cd34``."""
    split: str
    """Its split name in the results dataset."""
    path: Path
    metrics: dict[str, Any]
    """``metrics.json`` as written by the harness."""
    manifest: dict[str, Any]
    """``manifest.json`` (empty if the run has none)."""

    @property
    def run_id(self) -> str:
        return f"{self.system}/{self.run_name}"

    @property
    def started_utc(self) -> str:
        """ISO-8601 start time (from the manifest, else the folder name; ``""`` if neither)."""
        stamp = str(self.manifest.get("started_utc") or "")
        return iso_from_stamp(stamp) or iso_from_stamp(self.run_name) or stamp

    @property
    def gold_sha256(self) -> str:
        """Checksum of the gold the run was scored against (``metrics.json``)."""
        return str(self.metrics.get("gold_sha256") or "")

    @property
    def ranked(self) -> bool:
        return bool(self.metrics.get("ranked", True))

    def main_metrics(self) -> dict[str, dict[str, Any]]:
        """Task → its main metric (the harness writes the main metric first)."""
        return {task: ms[0] for task, ms in self.metrics.get("tasks", {}).items() if ms}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}", file=str(path))
    return data


def _check_metrics(data: dict[str, Any], path: Path) -> None:
    """What :func:`result_rows` needs beyond what the leaderboard checks: every metric's keys."""
    for task, ms in data["tasks"].items():
        for i, m in enumerate(ms):
            for key in ("name", "value", "signature", "n_items"):
                if key not in m:
                    raise InputError(f"missing key {key!r}", file=str(path), field=f"tasks.{task}[{i}]")


@dataclass(frozen=True)
class RunSet:
    """The run folders to publish, read and selected the way the leaderboard does."""

    by_system: dict[str, tuple[RunRecord, ...]]
    """System folder → its readable runs, oldest first (every gold version: the history)."""
    gold_sha256: str
    """The current gold; ``latest`` only ever names a run scored against it."""
    skipped: tuple[tuple[Path, str], ...] = ()
    """Run folders that could not be read, with the reason (never published)."""

    def __bool__(self) -> bool:
        return bool(self.by_system)

    def latest(self, system: str) -> RunRecord | None:
        """The newest run of ``system`` against the current gold (``None`` when it has none)."""
        current = [r for r in self.by_system[system] if r.gold_sha256 == self.gold_sha256]
        return current[-1] if current else None

    def stale(self) -> list[RunRecord]:
        """Runs against another gold version (published as history splits, never as ``latest``)."""
        return [r for rs in self.by_system.values() for r in rs if r.gold_sha256 != self.gold_sha256]

    def n_runs(self) -> int:
        return sum(len(rs) for rs in self.by_system.values())


def discover_runs(results_dir: Path, *, gold_sha256: str, systems: tuple[str, ...] | None = None) -> RunSet:
    """Read the run folders ``<results_dir>/<system>/<run>/`` as the leaderboard does.

    Folders are found and read by :mod:`benchmark.leaderboard.collect`
    (``find_run_dirs``, ``read_run``) and ordered by its ``Run.order_key``
    (start stamp, ``-N`` suffix, name), so "newest" means the same in both.  A
    folder either cannot read, or whose metrics lack a key the results rows
    need, is skipped with its reason instead of aborting the publish.
    Unknown names in ``systems`` raise :class:`ConfigError` with a suggestion.
    """
    from benchmark.leaderboard.collect import find_run_dirs, read_run

    results_dir = Path(results_dir)
    found: dict[str, list[Path]] = {}
    skipped: list[tuple[Path, str]] = []
    if results_dir.is_dir():
        for p in find_run_dirs(results_dir):
            parts = p.relative_to(results_dir).parts
            if len(parts) != 2:
                skipped.append((p, f"not at <system>/<run> under {results_dir}"))
                continue
            found.setdefault(parts[0], []).append(p)
    if systems is not None:
        for name in systems:
            if name not in found:
                raise ConfigError(unknown_name_message(f"system with runs under {results_dir}", name, found),
                                  field="hub.systems")
        found = {name: found[name] for name in systems}
        wanted = {(name,) for name in systems}
        skipped = [(p, why) for p, why in skipped if p.relative_to(results_dir).parts[:1] in wanted]
    out: dict[str, tuple[RunRecord, ...]] = {}
    for system, paths in sorted(found.items()):
        loaded = []
        for p in paths:
            try:
                run = read_run(p)  # the leaderboard's reader: same checks, same ordering stamp
                metrics = _read_json(p / "metrics.json")
                _check_metrics(metrics, p / "metrics.json")
                manifest = _read_json(p / "manifest.json") if (p / "manifest.json").is_file() else {}
            except InputError as exc:
                skipped.append((p, str(exc)))
                continue
            loaded.append((run, p, metrics, manifest))
        loaded.sort(key=lambda t: t[0].order_key)
        splits = unique_split_names(p.name for _, p, _, _ in loaded)
        records = tuple(RunRecord(system=system, label=run.label, run_name=p.name, split=s, path=p,
                                  metrics=m, manifest=man)
                        for (run, p, m, man), s in zip(loaded, splits))
        if records:
            out[system] = records
    return RunSet(by_system=out, gold_sha256=gold_sha256, skipped=tuple(sorted(skipped)))


def _versions(manifest: dict[str, Any]) -> dict[str, Any]:
    env = manifest.get("environment") or {}
    return dict(env.get("packages") or {})


def result_rows(run: RunRecord) -> list[dict[str, Any]]:
    """One row per (task, metric) of a run (pure; tasks not attempted give no rows).

    Examples
    --------
    >>> run = RunRecord("rules", "rules", "20250218T093000Z-ab12cd34", "20250218T093000Z_ab12cd34",
    ...                 Path("."), {"gold_sha256": "f" * 64, "config_hash": "ab12cd34", "tasks": {"stance": [
    ...                     {"name": "f_avg", "value": 0.5, "ci_low": 0.25, "ci_high": 0.75,
    ...                      "signature": "f_avg|boot:1000", "n_items": 8}]}}, {})
    >>> row = result_rows(run)[0]
    >>> row["task"], row["metric"], row["is_main"], row["value"], row["run_id"]
    ('stance', 'f_avg', True, 0.5, 'rules/20250218T093000Z-ab12cd34')
    """
    m, man = run.metrics, run.manifest
    versions = _versions(man)
    env = man.get("environment") or {}
    git = env.get("git") or {}
    scoring = m.get("scoring") or {}
    rows = []
    for task, metrics in m.get("tasks", {}).items():
        for i, metric in enumerate(metrics):
            rows.append({
                "system": run.system, "system_label": run.label, "run_id": run.run_id, "split": run.split,
                "ranked": run.ranked, "task": task, "metric": str(metric["name"]), "is_main": i == 0,
                "value": _float(metric.get("value")), "ci_low": _float(metric.get("ci_low")),
                "ci_high": _float(metric.get("ci_high")),
                "higher_is_better": bool(metric.get("higher_is_better", True)),
                "signature": str(metric["signature"]), "n_items": int(metric["n_items"]),
                "gold_sha256": str(m.get("gold_sha256") or man.get("gold_sha256") or ""),
                "config_hash": str(m.get("config_hash") or man.get("config_hash") or ""),
                "n_resamples": _int(scoring.get("n_resamples")), "confidence": _float(scoring.get("confidence")),
                "scoring_seed": _int(scoring.get("seed")), "started_utc": run.started_utc,
                "benchmark_version": _str_or_none(versions.get("arabic-quote-benchmark")),
                "python": _str_or_none(env.get("python")), "git_commit": _str_or_none(git.get("commit")),
                "versions": json.dumps(versions, sort_keys=True),
                "details": json.dumps(metric.get("details") or {}, sort_keys=True, ensure_ascii=False),
            })
    return rows


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


def _int(x: Any) -> int | None:
    return None if x is None else int(x)


def _str_or_none(x: Any) -> str | None:
    return None if x is None else str(x)
