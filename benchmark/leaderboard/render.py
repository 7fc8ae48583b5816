"""The leaderboard as JSON, CSV and Markdown (HTML is in :mod:`.html`).

Every renderer is a pure function of a :class:`Leaderboard` and the output
folder (links to run reports are relative to it), so the same runs give the
same bytes: nothing time-dependent is written, only the runs' own stamps.
Numbers are shown as in the run reports (:mod:`benchmark.report.fmt`):
proportions as percentages, sacrebleu scores on their 0–100 scale.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from benchmark.harness.rundir import canonical_json
from benchmark.report.fmt import ci_text, value_text
from benchmark.scoring.scale import to_100
from benchmark.leaderboard.collect import Run, Selection
from benchmark.leaderboard.rank import ALPHA, Row, TaskBoard


@dataclass(frozen=True)
class Leaderboard:
    """Everything the four output files are rendered from."""

    gold_sha256: str
    runs_dir: Path
    n_resamples: int
    seed: int
    ar_trials: int
    boards: tuple[TaskBoard, ...]
    selection: Selection


def rel(path: Path, out_dir: Path) -> str:
    """``path`` relative to ``out_dir``, with ``/`` separators (for links)."""
    return Path(os.path.relpath(Path(path).resolve(), Path(out_dir).resolve())).as_posix()


def report_link(run: Run, out_dir: Path) -> str | None:
    """Relative link to the run's ``report.html`` (``None`` when it has none)."""
    path = run.run_dir / "report.html"
    return rel(path, out_dir) if path.exists() else None


def method_text(lb: Leaderboard) -> str:
    """One paragraph saying which test, how many resamples, which seed, and the rank rule."""
    return (
        f"Significance: paired bootstrap resampling (Koehn 2004, as sacrebleu --paired-bs) with "
        f"{lb.n_resamples} resamples and seed {lb.seed}, of each system against the best ranked system "
        f"on the task's main metric, over the per-item statistics of both runs (items matched by "
        f"doc_id/item); p (AR) is approximate randomization with {lb.ar_trials} trials and the same seed "
        f"(as sacrebleu --paired-ar, but counting ties, so a discrete metric over few items is not called "
        f"significant by chance). * marks p < {ALPHA:g} (significantly different from the best). "
        f"Rank groups: going down from the best, a system shares the rank of the current group's leader "
        f"unless the paired bootstrap against that leader gives p < {ALPHA:g}; then it starts the next group."
    )


def signed(value: float | None, metric: Mapping[str, Any]) -> str:
    """A difference on the metric's display scale, with its sign."""
    v = to_100(value, metric)
    return "n/a" if v is None else f"{v:+.1f}"


def p_text(p: float | None, *, mark: bool = True) -> str:
    """``0.0010*`` (four decimals, as sacrebleu; ``*`` when p < alpha)."""
    if p is None:
        return "n/a"
    return f"{p:.4f}" + ("*" if mark and p < ALPHA else "")


def rank_text(row: Row) -> str:
    return "–" if row.rank is None else str(row.rank)


def confidence(board: TaskBoard) -> str:
    """``95%`` from the scoring settings of the task's first run."""
    rows = board.rows or board.not_ranked
    conf = rows[0].run.scoring.get("confidence", 0.95) if rows else 0.95
    return f"{100 * float(conf):g}%"


def row_json(row: Row, out_dir: Path) -> dict[str, Any]:
    main = None if row.main is None else {k: row.main.get(k) for k in
                                          ("name", "value", "ci_low", "ci_high", "higher_is_better",
                                           "n_items", "signature")}
    return {
        "rank": row.rank,
        "system": row.label,
        "system_name": row.run.system_name,
        "ranked": row.run.ranked,
        "main": main,
        "secondary": {m["name"]: m.get("value") for m in row.secondary if m is not None},
        "group_leader": row.leader,
        "significant_vs_best": row.significant,
        "vs_best": None if row.vs_best is None else row.vs_best.to_json(),
        "vs_group_leader": None if row.vs_leader is None else row.vs_leader.to_json(),
        "run": {"dir": rel(row.run.run_dir, out_dir), "report": report_link(row.run, out_dir),
                "stamp": row.run.stamp, "config_hash": row.run.config_hash},
    }


def to_json(lb: Leaderboard, out_dir: Path) -> dict[str, Any]:
    """The whole leaderboard as a JSON-ready dict."""
    sel = lb.selection
    return {
        "gold_sha256": lb.gold_sha256,
        "runs_dir": rel(lb.runs_dir, out_dir),
        "n_runs_read": sel.n_runs,
        "significance": {
            "test": "paired_bootstrap", "n_resamples": lb.n_resamples, "seed": lb.seed, "alpha": ALPHA,
            "beside": "approximate_randomization", "ar_trials": lb.ar_trials, "against": "best ranked system",
            "method": method_text(lb),
        },
        "tasks": [
            {
                "task": b.task, "main_metric": b.main_metric, "higher_is_better": b.higher_is_better,
                "secondary_metrics": list(b.secondary_names),
                "rows": [row_json(r, out_dir) for r in b.rows],
                "not_ranked": [row_json(r, out_dir) for r in b.not_ranked],
                "notes": list(b.notes),
            }
            for b in lb.boards
        ],
        "stale_runs": [stale_json(r, out_dir) for r in sel.stale],
        "skipped_folders": [{"dir": rel(p, out_dir), "reason": why} for p, why in sel.skipped],
    }


def stale_json(run: Run, out_dir: Path) -> dict[str, Any]:
    return {"system": run.label, "dir": rel(run.run_dir, out_dir), "stamp": run.stamp,
            "gold_sha256": run.gold_sha256, "tasks": sorted(run.tasks), "report": report_link(run, out_dir)}


def render_json(lb: Leaderboard, out_dir: Path) -> str:
    return canonical_json(to_json(lb, out_dir)).decode("utf-8")


CSV_COLUMNS = (
    "task", "rank", "system", "ranked", "main_metric", "higher_is_better", "value", "ci_low", "ci_high",
    "difference_vs_best", "p_bootstrap", "p_ar", "significant_vs_best", "n_items_paired", "group_leader",
    "secondary_1", "secondary_1_value", "secondary_2", "secondary_2_value", "secondary_3", "secondary_3_value",
    "run_dir", "report",
)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


def render_csv(lb: Leaderboard, out_dir: Path) -> str:
    """One line per (task, system), ranked rows first; raw numbers (proportions stay 0–1)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for b in lb.boards:
        for r in (*b.rows, *b.not_ranked):
            j = row_json(r, out_dir)
            vs = j["vs_best"] or {}
            sec: list[Any] = []
            for k in range(3):
                name = b.secondary_names[k] if k < len(b.secondary_names) else None
                sec += [name, None if name is None else j["secondary"].get(name)]
            main = j["main"] or {}
            w.writerow([_cell(v) for v in (
                b.task, r.rank, r.label, r.run.ranked, b.main_metric, b.higher_is_better, main.get("value"),
                main.get("ci_low"), main.get("ci_high"), vs.get("difference"), vs.get("p_bootstrap"),
                vs.get("p_ar"), r.significant, vs.get("n_items"), r.leader, *sec, j["run"]["dir"],
                j["run"]["report"],
            )])
    return buf.getvalue()


def md_escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table_cells(board: TaskBoard, row: Row, out_dir: Path) -> dict[str, Any]:
    """Display strings of one row, shared by the Markdown and HTML tables."""
    main = row.main or {"value": None}
    vs = row.vs_best
    return {
        "rank": rank_text(row),
        "system": row.label,
        "report": report_link(row.run, out_dir),
        "value": value_text(main),
        "ci": ci_text(main),
        "delta": "best" if row.rank == 1 and vs is None else signed(None if vs is None else vs.difference, main),
        "p_bs": "" if vs is None else p_text(vs.p_bootstrap),
        "p_ar": "" if vs is None else p_text(vs.p_ar),
        "secondary": [("n/a" if m is None else value_text(m)) for m in row.secondary],
    }


def headers(board: TaskBoard) -> list[str]:
    arrow = "↑" if board.higher_is_better else "↓"
    return ["rank", "system", f"{board.main_metric} {arrow}", f"{confidence(board)} CI", "Δ vs best",
            "p (bootstrap)", "p (AR)", *board.secondary_names]


def _md_table(head: list[str], lines: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(md_escape(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return out


def _md_system(c: Mapping[str, Any]) -> str:
    name = md_escape(c["system"])
    return f"[{name}]({c['report']})" if c["report"] else name


def render_markdown(lb: Leaderboard, out_dir: Path) -> str:
    """The leaderboard as one Markdown page."""
    sel = lb.selection
    out = ["# Leaderboard", "",
           f"Gold SHA-256: `{lb.gold_sha256}`. {sel.n_runs} run folder(s) read from `{rel(lb.runs_dir, out_dir)}`; "
           "for each system and task the newest run against this gold is used.", "", method_text(lb), ""]
    if not lb.boards:
        out += ["No run against the current gold was found.", ""]
    for b in lb.boards:
        out += [f"## {b.task}", "", f"Main metric: `{b.main_metric}` "
                f"({'higher' if b.higher_is_better else 'lower'} is better).", ""]
        lines = []
        for r in b.rows:
            c = table_cells(b, r, out_dir)
            lines.append([c["rank"], _md_system(c), c["value"], c["ci"], c["delta"], c["p_bs"], c["p_ar"],
                          *c["secondary"]])
        out += _md_table(headers(b), lines) if lines else ["No ranked system attempted this task."]
        out.append("")
        if b.not_ranked:
            out += ["Not ranked: sanity check.", ""]
            lines = []
            for r in b.not_ranked:
                c = table_cells(b, r, out_dir)
                lines.append([_md_system(c), c["value"], c["ci"], *c["secondary"]])
            head = headers(b)
            out += _md_table([head[1], head[2], head[3], *b.secondary_names], lines) + [""]
        out += [f"- {md_escape(n)}" for n in b.notes] + ([""] if b.notes else [])
    out += stale_markdown(lb, out_dir)
    return "\n".join(out).rstrip("\n") + "\n"


def stale_markdown(lb: Leaderboard, out_dir: Path) -> list[str]:
    sel = lb.selection
    out: list[str] = []
    if sel.stale:
        out += ["## Stale runs", "", "Scored against another gold version; not ranked.", ""]
        lines = [[md_escape(r.label), f"`{md_escape(rel(r.run_dir, out_dir))}`", r.stamp or "n/a",
                  f"`{r.gold_sha256[:12]}`", md_escape(", ".join(sorted(r.tasks)))] for r in sel.stale]
        out += _md_table(["system", "run folder", "stamp", "gold", "tasks"], lines) + [""]
    if sel.skipped:
        out += ["## Skipped folders", ""]
        out += [f"- `{md_escape(rel(p, out_dir))}`: {md_escape(why)}" for p, why in sel.skipped] + [""]
    return out
