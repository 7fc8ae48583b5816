"""Number and metadata formatting shared by the Markdown and HTML reports.

Proportions (every metric of this package except sacrebleu's) are shown as
percentages with one decimal; sacrebleu's chrF, BLEU and TER are already on a
0–100 scale, which their signature records as ``scale:0-100``, so they are
shown as they are.  An undefined value (JSON ``null``) is shown as ``n/a``.

Examples
--------
>>> m = {"name": "quote_content_f1", "value": 0.8125, "ci_low": 0.7, "ci_high": 0.9,
...      "signature": "quote_content_f1|boot:1000", "n_items": 40}
>>> value_text(m), ci_text(m)
('81.2%', '[70.0, 90.0]')
>>> chrf = {"name": "chrf++", "value": 54.321, "ci_low": None, "ci_high": None,
...         "signature": "chrf++|sacrebleu:[chrF2++|nrefs:1]|scale:0-100"}
>>> value_text(chrf), ci_text(chrf)
('54.3', 'n/a')
"""

from __future__ import annotations

from typing import Any, Mapping

# The one place that decides a metric's scale; re-exported for the report and leaderboard writers.
from benchmark.scoring.scale import on_100_scale


def number(value: float | None, *, hundred: bool) -> str:
    """A value as a percentage (proportions) or as-is (0–100 scores)."""
    if value is None:
        return "n/a"
    return f"{value:.1f}" if hundred else f"{100 * value:.1f}"


def value_text(metric: Mapping[str, Any]) -> str:
    """The metric's value; proportions get a ``%`` sign."""
    hundred = on_100_scale(metric)
    text = number(metric.get("value"), hundred=hundred)
    return text if hundred or text == "n/a" else text + "%"


def ci_text(metric: Mapping[str, Any]) -> str:
    """``[low, high]`` of the bootstrap interval, on the value's scale."""
    low, high = metric.get("ci_low"), metric.get("ci_high")
    if low is None or high is None:
        return "n/a"
    hundred = on_100_scale(metric)
    return f"[{number(low, hundred=hundred)}, {number(high, hundred=hundred)}]"


def direction(metric: Mapping[str, Any]) -> str:
    """``↑`` when higher is better, ``↓`` otherwise."""
    return "↑" if metric.get("higher_is_better", True) else "↓"


def confidence_text(metrics_doc: Mapping[str, Any]) -> str:
    """``95%`` from the run's scoring settings (default 0.95)."""
    conf = (metrics_doc.get("scoring") or {}).get("confidence", 0.95)
    return f"{100 * float(conf):g}%"


COUNT_ORDER = ("COR", "INC", "PAR", "MIS", "SPU", "POS", "ACT", "TP", "FP", "FN", "correct", "total")
"""Counts shown in this order (SemEval categories first); other keys follow alphabetically."""


def scalar_details(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The plain counts of a metric's details (numbers, strings), in :data:`COUNT_ORDER`.

    >>> scalar_details({"ceiling": 0.51234, "MIS": 1, "COR": 3, "confusion": [[1]], "x": None})
    [('COR', '3'), ('MIS', '1'), ('ceiling', '0.5123'), ('x', 'n/a')]
    """
    out = []
    rank = {k: n for n, k in enumerate(COUNT_ORDER)}
    for key in sorted(details, key=lambda k: (rank.get(k, len(rank)), k)):
        v = details[key]
        if isinstance(v, bool) or isinstance(v, (list, dict)):
            continue
        if v is None:
            out.append((key, "n/a"))
        elif isinstance(v, float) and not v.is_integer():
            out.append((key, f"{v:.4g}"))
        elif isinstance(v, float):
            out.append((key, str(int(v))))
        else:
            out.append((key, str(v)))
    return out


def confusion_tables(details: Mapping[str, Any]) -> list[tuple[str, list[str], list[str], list[list[Any]]]]:
    """Confusion matrices found in a metric's details.

    A matrix is a ``confusion`` (or ``<prefix>confusion``) list of rows; its
    row labels are in ``<prefix>labels``, ``<prefix>gold_labels`` or
    ``<prefix>gold_types`` and its column labels in ``<prefix>pred_labels`` or
    ``<prefix>pred_types``, falling back to the row labels for a square
    matrix.  Returns ``(key, rows, cols, matrix)``.

    >>> confusion_tables({"labels": ["A", "B"], "confusion": [[2, 1], [0, 3]]})
    [('confusion', ['A', 'B'], ['A', 'B'], [[2, 1], [0, 3]])]
    >>> confusion_tables({"gold_types": ["x"], "pred_types": ["x", "none"], "confusion": [[1, 2]]})[0][1:3]
    (['x'], ['x', 'none'])
    """
    out = []
    for key in sorted(details):
        if not key.endswith("confusion"):
            continue
        matrix = details[key]
        if not (isinstance(matrix, list) and matrix and all(isinstance(r, list) for r in matrix)):
            continue
        prefix = key[: -len("confusion")]
        rows = _first_list(details, [prefix + k for k in ("labels", "gold_labels", "gold_types")])
        cols = _first_list(details, [prefix + k for k in ("pred_labels", "pred_types")]) or rows
        width = max(len(r) for r in matrix)
        if rows is None or len(rows) != len(matrix) or cols is None or len(cols) != width:
            rows, cols = [str(i) for i in range(len(matrix))], [str(i) for i in range(width)]
        out.append((key, [str(r) for r in rows], [str(c) for c in cols], matrix))
    return out


def _first_list(details: Mapping[str, Any], keys: list[str]) -> list | None:
    for k in keys:
        if isinstance(details.get(k), list):
            return details[k]
    return None


def versions_summary(manifest: Mapping[str, Any]) -> str:
    """``python 3.11.2; numpy 2.1.0; …`` from the manifest's environment."""
    env = manifest.get("environment") or {}
    parts = []
    if env.get("python"):
        parts.append(f"python {env['python']}")
    for name, version in sorted((env.get("packages") or {}).items()):
        if version:
            parts.append(f"{name} {version}")
    return "; ".join(parts) or "not recorded"


def git_text(manifest: Mapping[str, Any]) -> str:
    """``<commit> (dirty)`` or ``not recorded``."""
    git = (manifest.get("environment") or {}).get("git") or {}
    commit = git.get("commit")
    if not commit:
        return "not recorded"
    dirty = git.get("dirty")
    return commit + (" (uncommitted changes)" if dirty else "" if dirty is False else " (dirty state unknown)")


def command_text(manifest: Mapping[str, Any]) -> str:
    """The recorded command line, shell-quoted."""
    import shlex

    command = manifest.get("command")
    if not command:
        return "not recorded"
    if isinstance(command, str):
        return command
    return " ".join(shlex.quote(str(c)) for c in command)


LATE_STAGES = ("report", "total")
"""Stages timed after the reports are rendered: never shown, so a report
rendered inside a run and one re-rendered later from the run folder are the
same bytes (both are in ``manifest.json``)."""


def wall_times(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(stage, "1.23 s")`` of the stages before reporting, in recorded order.

    >>> wall_times({"wall_time_seconds": {"predict": 1.5, "score:quotes": 0.25, "report": 0.1, "total": 2}})
    [('predict', '1.50 s'), ('score:quotes', '0.25 s')]
    """
    times = manifest.get("wall_time_seconds") or {}
    return [(k, f"{float(v):.2f} s") for k, v in times.items() if k not in LATE_STAGES]


WALL_TIME_NOTE = "report rendering and the total are in manifest.json"


NOT_ATTEMPTED_NOTE = (
    "A task is not attempted when the system returned nothing for it (the key is absent from its "
    "predictions): it has no score at all, which is not the same as a score of zero. An empty list "
    "means attempted with nothing predicted, and scores as such."
)


def task_confusions(metrics: list[Mapping[str, Any]]) -> list[tuple[list[str], list[str], list[str], list[list[Any]]]]:
    """Distinct confusion matrices of a task's metrics: ``(metric names, rows, cols, matrix)``.

    Several metrics computed from the same cells (stance F_avg, macro F1,
    accuracy) share one matrix; it is listed once with all their names.

    >>> ms = [{"name": "a", "details": {"labels": ["X"], "confusion": [[1]]}},
    ...       {"name": "b", "details": {"labels": ["X"], "confusion": [[1]]}}]
    >>> task_confusions(ms)
    [(['a', 'b'], ['X'], ['X'], [[1]])]
    """
    out: list[tuple[list[str], list[str], list[str], list[list[Any]]]] = []
    for m in metrics:
        for _, rows, cols, matrix in confusion_tables(m.get("details") or {}):
            for names, r, c, mx in out:
                if (r, c, mx) == (rows, cols, matrix):
                    names.append(str(m["name"]))
                    break
            else:
                out.append(([str(m["name"])], rows, cols, matrix))
    return out


def counts_text(metric: Mapping[str, Any]) -> str:
    """The plain counts of a metric, ``COR 3 · MIS 1``.

    >>> counts_text({"details": {"MIS": 1, "COR": 3}})
    'COR 3 · MIS 1'
    """
    return " · ".join(f"{k} {v}" for k, v in scalar_details(metric.get("details") or {}))
