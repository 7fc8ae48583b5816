"""Which finished run folders publish uploads, read back as typed records and result rows.

The harness writes ``<results_dir>/<system>/<stamp>-<hash>/`` folders
(``metrics.json``, ``manifest.json``, ``per_item.jsonl.gz``, …) and renames
them into place only when complete, so hidden (dot) folders are skipped.
Folders are found, read and ordered exactly as the leaderboard does
(:mod:`benchmark.leaderboard.collect`); one that cannot be read is skipped
with its reason.

**Selection.**  Publish never uploads a run nobody chose.  Either

* ``hub.runs`` lists the run folders (``<system>/<run folder>``) to publish,
  exactly those; each must be readable and scored against the corpus being
  published; or
* the leaderboard's rule picks them: for each system and task, the newest run
  against the current gold (:func:`benchmark.leaderboard.collect.select_runs`),
  optionally only for the systems in ``hub.systems`` (folder names or labels).

Every run folder found is accounted for: selected (with why) or not selected
(with why), and publish prints and records both.  Each selected run becomes
one *split* of the results dataset; its name is the run folder name made
legal for the Hub (``\\w+(\\.\\w+)*``, ASCII).  ``latest`` holds, per task, the
rows of the newest selected run for that task: what the leaderboard ranks.

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmark.common.registry import unknown_name_message
from benchmark.errors import ConfigError, InputError

LATEST = "latest"
"""Extra split of a system config: per task, its newest selected run (absent if it has none)."""
LEADERBOARD_RULE = "leaderboard"
EXPLICIT_RULE = "hub.runs"
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
    order_key: tuple = field(default=(), compare=False, repr=False)
    """The leaderboard's ordering (start stamp, ``-N`` suffix, name): later runs compare greater."""
    run: Any = field(default=None, compare=False, repr=False)
    """The leaderboard's :class:`~benchmark.leaderboard.collect.Run` of this folder."""

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

    @property
    def tasks(self) -> list[str]:
        return [t for t, ms in self.metrics.get("tasks", {}).items() if ms]


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


def read_runs(results_dir: Path) -> tuple[list[RunRecord], list[tuple[Path, str]]]:
    """Every readable run folder ``<results_dir>/<system>/<run>/`` (oldest first), and the skipped ones.

    Read with the leaderboard's reader (same checks, same ordering stamp),
    plus the keys the results rows need.  Split names are set by selection.
    """
    from benchmark.leaderboard.collect import find_run_dirs, read_run

    results_dir = Path(results_dir)
    records: list[RunRecord] = []
    skipped: list[tuple[Path, str]] = []
    for p in find_run_dirs(results_dir) if results_dir.is_dir() else []:
        parts = p.relative_to(results_dir).parts
        if len(parts) != 2:
            skipped.append((p, f"not at <system>/<run> under {results_dir}"))
            continue
        try:
            run = read_run(p)
            metrics = _read_json(p / "metrics.json")
            _check_metrics(metrics, p / "metrics.json")
            manifest = _read_json(p / "manifest.json") if (p / "manifest.json").is_file() else {}
        except InputError as exc:
            skipped.append((p, str(exc)))
            continue
        records.append(RunRecord(system=parts[0], label=run.label, run_name=p.name, split="", path=p,
                                 metrics=metrics, manifest=manifest, order_key=run.order_key, run=run))
    records.sort(key=lambda r: (r.system, r.order_key))
    return records, sorted(skipped)


@dataclass(frozen=True)
class RunSet:
    """The runs to publish, every other run folder found, and why."""

    by_system: dict[str, tuple[RunRecord, ...]]
    """System folder → its selected runs, oldest first."""
    gold_sha256: str
    """The gold of the corpus being published; every selected run was scored against it."""
    rule: str = LEADERBOARD_RULE
    """:data:`LEADERBOARD_RULE` or :data:`EXPLICIT_RULE`."""
    why: dict[str, str] = field(default_factory=dict)
    """Run id → why it was selected."""
    not_selected: tuple[tuple[str, str], ...] = ()
    """``(run id, why)`` of every readable run folder left out."""
    skipped: tuple[tuple[Path, str], ...] = ()
    """Run folders that could not be read, with the reason (never published)."""

    def __bool__(self) -> bool:
        return bool(self.by_system)

    def records(self) -> list[RunRecord]:
        return [r for rs in self.by_system.values() for r in rs]

    def latest(self, system: str) -> dict[str, RunRecord]:
        """Task → the newest selected run of ``system`` for it (the run the leaderboard ranks)."""
        out: dict[str, RunRecord] = {}
        for r in self.by_system.get(system, ()):  # oldest first: later runs overwrite
            for task in r.tasks:
                out[task] = r
        return dict(sorted(out.items()))

    def n_runs(self) -> int:
        return sum(len(rs) for rs in self.by_system.values())


def candidates(records: list[RunRecord], *, systems: tuple[str, ...] | None,
               runs: tuple[str, ...] | None) -> list[RunRecord]:
    """The runs ``hub.runs`` names, else those of ``hub.systems`` (all when ``None``).

    Unknown names raise :class:`ConfigError` with a suggestion.
    """
    if runs is not None and systems is not None:
        raise ConfigError("give hub.runs (run folders) or hub.systems (systems), not both", field="hub.runs")
    if runs is not None:
        by_id = {r.run_id: r for r in records}
        for name in runs:
            if name not in by_id:
                raise ConfigError(unknown_name_message("run folder (<system>/<run>)", name, by_id), field="hub.runs")
        return [by_id[name] for name in dict.fromkeys(runs)]
    if systems is None:
        return list(records)
    known = {r.system for r in records} | {r.label for r in records}
    for name in systems:
        if name not in known:
            raise ConfigError(unknown_name_message("system with runs", name, known), field="hub.systems")
    return [r for r in records if r.system in systems or r.label in systems]


def _refuse_other_gold(chosen: list[RunRecord], gold_sha256: str) -> None:
    other = [r for r in chosen if r.gold_sha256 != gold_sha256]
    if other:
        listed = ", ".join(f"{r.run_id} (gold {r.gold_sha256[:12]})" for r in other)
        raise ConfigError(f"{listed}: scored against another gold than the corpus being published (gold "
                          f"{gold_sha256[:12]}); publish one corpus at a time", field="hub.runs")


def _leaderboard_choice(pool: list[RunRecord], gold_sha256: str) -> dict[str, list[str]]:
    """Run id → the tasks for which the leaderboard's rule picks it."""
    from benchmark.leaderboard.collect import select_runs

    by_dir = {r.path: r for r in pool}
    chosen: dict[str, list[str]] = {}
    for (_, task), run in select_runs([r.run for r in pool], gold_sha256=gold_sha256).chosen.items():
        chosen.setdefault(by_dir[run.run_dir].run_id, []).append(task)
    return chosen


def _why_not(r: RunRecord, *, gold_sha256: str, pool: set[str], latest: dict[tuple[str, str], str],
             rule: str) -> str:
    if r.run_id not in pool:
        return "not listed in hub.runs" if rule == EXPLICIT_RULE else "system not in hub.systems"
    if r.gold_sha256 != gold_sha256:
        return f"scored against another gold ({r.gold_sha256[:12]}, current {gold_sha256[:12]})"
    newer = sorted({latest[(r.label, t)] for t in r.tasks if (r.label, t) in latest})
    return f"a newer run is used for each of its tasks: {', '.join(newer)}"


def select(records: list[RunRecord], pool: list[RunRecord], *, gold_sha256: str, explicit: bool,
           skipped: list[tuple[Path, str]] = ()) -> RunSet:
    """The :class:`RunSet` of ``pool`` (candidates) by the explicit or the leaderboard rule."""
    rule = EXPLICIT_RULE if explicit else LEADERBOARD_RULE
    if explicit:
        _refuse_other_gold(pool, gold_sha256)
        picked = {r.run_id: r.tasks for r in pool}
        why = {r.run_id: "listed in hub.runs" for r in pool}
    else:
        picked = _leaderboard_choice(pool, gold_sha256)
        why = {rid: f"newest run against gold {gold_sha256[:12]} for {', '.join(sorted(ts))}"
               for rid, ts in picked.items()}
    chosen = [r for r in records if r.run_id in picked]
    latest = {(r.label, t): r.run_id for r in chosen for t in r.tasks}  # records are oldest first
    pool_ids = {r.run_id for r in pool}
    not_selected = tuple((r.run_id, _why_not(r, gold_sha256=gold_sha256, pool=pool_ids, latest=latest, rule=rule))
                         for r in records if r.run_id not in picked)
    by_system: dict[str, tuple[RunRecord, ...]] = {}
    for system in sorted({r.system for r in chosen}):
        mine = sorted((r for r in chosen if r.system == system), key=lambda r: r.order_key)
        splits = unique_split_names(r.run_name for r in mine)
        by_system[system] = tuple(replace(r, split=s) for r, s in zip(mine, splits))
    return RunSet(by_system=by_system, gold_sha256=gold_sha256, rule=rule, why=why,
                  not_selected=not_selected, skipped=tuple(skipped))


def _versions(manifest: dict[str, Any]) -> dict[str, Any]:
    env = manifest.get("environment") or {}
    return dict(env.get("packages") or {})


def result_rows(run: RunRecord) -> list[dict[str, Any]]:
    """One row per (task, metric) of a run (pure; tasks not attempted give no rows).

    ``value``, ``ci_low`` and ``ci_high`` are exactly the run's
    ``metrics.json`` numbers; ``scale`` says which scale they are on
    (:mod:`benchmark.scoring.scale`).

    Examples
    --------
    >>> run = RunRecord("rules", "rules", "20250218T093000Z-ab12cd34", "20250218T093000Z_ab12cd34",
    ...                 Path("."), {"gold_sha256": "f" * 64, "config_hash": "ab12cd34", "tasks": {"stance": [
    ...                     {"name": "f_avg", "value": 0.5, "ci_low": 0.25, "ci_high": 0.75,
    ...                      "signature": "f_avg|boot:1000", "n_items": 8}]}}, {})
    >>> row = result_rows(run)[0]
    >>> row["task"], row["metric"], row["is_main"], row["value"], row["scale"], row["run_id"]
    ('stance', 'f_avg', True, 0.5, '0-1', 'rules/20250218T093000Z-ab12cd34')
    """
    from benchmark.scoring.scale import metric_scale

    m, man = run.metrics, run.manifest
    versions = _versions(man)
    env = man.get("environment") or {}
    scoring = m.get("scoring") or {}
    rows = []
    for task, metrics in m.get("tasks", {}).items():
        for i, metric in enumerate(metrics):
            rows.append({
                "system": run.system, "system_label": run.label, "run_id": run.run_id, "split": run.split,
                "ranked": run.ranked, "task": task, "metric": str(metric["name"]), "is_main": i == 0,
                "value": _float(metric.get("value")), "ci_low": _float(metric.get("ci_low")),
                "ci_high": _float(metric.get("ci_high")), "scale": metric_scale(metric),
                "higher_is_better": bool(metric.get("higher_is_better", True)),
                "signature": str(metric["signature"]), "n_items": int(metric["n_items"]),
                "gold_sha256": str(m.get("gold_sha256") or man.get("gold_sha256") or ""),
                "config_hash": str(m.get("config_hash") or man.get("config_hash") or ""),
                "n_resamples": _int(scoring.get("n_resamples")), "confidence": _float(scoring.get("confidence")),
                "scoring_seed": _int(scoring.get("seed")), "started_utc": run.started_utc,
                "benchmark_version": _str_or_none(versions.get("arabic-quote-benchmark")),
                "python": _str_or_none(env.get("python")),
                "git_commit": _str_or_none((env.get("git") or {}).get("commit")),
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
