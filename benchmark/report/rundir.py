"""Re-render the reports of a finished run folder (``python -m benchmark report RUN_DIR``).

Nothing is re-run or re-scored: the reports are rebuilt from the folder's own
``metrics.json``, ``predictions.jsonl``, ``per_item.jsonl.gz`` (or the
``per_item.jsonl`` of a run written before it) and ``manifest.json`` and
the current gold, which must be the gold the run was scored against (same
SHA-256).  Each report is written to a temporary file
in the folder and moved into place with :func:`os.replace`, so a reader
never sees half a file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

from benchmark.common.atomic import write_text_atomic
from benchmark.errors import InputError
from benchmark.gold.schema import Corpus
from benchmark.harness.rundir import PER_ITEM, per_item_path
from benchmark.harness.rundir import iter_jsonl as parse_jsonl

RUN_FILES = ("metrics.json", "predictions.jsonl", PER_ITEM, "manifest.json")
ARTICLES = "articles"
"""Folder of the per-article pages of a corpus run."""
DEFAULT_WORST_ERRORS = 10


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"missing run file {path.name}; expected a complete run folder with "
                         f"{', '.join(RUN_FILES)}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: {exc.reason} at byte {exc.start}", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from None


def read_json(path: Path) -> Any:
    """One JSON document, errors naming file and line."""
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


def read_jsonl(path: Path) -> list[Any]:
    """One JSON value per non-empty line, errors naming file and line."""
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[Any]:
    """:func:`read_jsonl` one line at a time (a large per-item file is never held whole; ``.gz`` is decompressed)."""
    return parse_jsonl(Path(path))


def run_config(run_dir: Path) -> tuple[int, str | None, bool, bool]:
    """``report.worst_errors`` (default 10), ``paths.data_dir`` and the
    ``report.markdown``/``report.html`` switches from the run's ``config.yaml``."""
    path = run_dir / "config.yaml"
    if not path.exists():
        return DEFAULT_WORST_ERRORS, None, True, True
    import yaml

    try:
        cfg = yaml.safe_load(_read_text(path)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=str(path)) from None
    if not isinstance(cfg, dict):
        raise InputError("expected a mapping at top level", file=str(path))
    value = (cfg.get("report") or {}).get("worst_errors", DEFAULT_WORST_ERRORS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"expected an integer >= 0, got {value!r}", file=str(path), field="report.worst_errors")
    data_dir = (cfg.get("paths") or {}).get("data_dir")
    report = cfg.get("report") or {}
    return (value, None if data_dir in (None, "") else str(data_dir),
            bool(report.get("markdown", True)), bool(report.get("html", True)))


def _read_records(run_dir: Path) -> tuple[dict, dict]:
    """``metrics.json`` and ``manifest.json`` of a complete run folder."""
    if not run_dir.is_dir():
        raise InputError("not a folder; expected a run folder results/runs/<system>/<stamp>-<hash>/",
                         file=str(run_dir))
    for name in RUN_FILES:
        path = per_item_path(run_dir) if name == PER_ITEM else run_dir / name
        if not path.is_file():
            raise InputError(f"missing run file {name}; expected a complete run folder with {', '.join(RUN_FILES)}",
                             file=str(path))
    metrics = read_json(run_dir / "metrics.json")
    manifest = read_json(run_dir / "manifest.json")
    if not isinstance(metrics, dict) or not isinstance(manifest, dict):
        bad = "metrics.json" if not isinstance(metrics, dict) else "manifest.json"
        raise InputError("expected a JSON object", file=str(run_dir / bad))
    return metrics, manifest


def _check_gold(run_dir: Path, metrics: dict, corpus: Corpus) -> None:
    recorded = metrics.get("gold_sha256")
    if recorded != corpus.sha256:
        raise InputError(
            f"run was scored against gold {str(recorded)[:12]}…, but the current gold is {corpus.sha256[:12]}…; "
            "re-run the system on the current gold, or check out the gold version the run used",
            file=str(run_dir / "metrics.json"), field="gold_sha256")


def write_reports(run_dir: Path, reports: dict[str, str]) -> list[Path]:
    """Write each report atomically; article pages of an earlier rendering that are no longer made go
    (the shared style sheet and script are rewritten with the pages)."""
    written = []
    for name in sorted(reports):
        write_text_atomic(run_dir / name, reports[name])
        written.append(run_dir / name)
    if "report.html" in reports and (run_dir / ARTICLES).is_dir():
        for old in sorted((run_dir / ARTICLES).glob("*.html")):
            if f"{ARTICLES}/{old.name}" not in reports:
                old.unlink()
    return written


def render_run_dir(run_dir: Path | str, *, corpus: Corpus | None = None, workers: int | None = None) -> list[Path]:
    """Rebuild ``report.md`` and ``report.html`` (and the article pages of a corpus, with their shared
    ``articles/report.css`` and ``articles/report.js``) of a finished run folder.

    Parameters
    ----------
    run_dir : path
        A folder written by ``python -m benchmark run``.
    corpus : Corpus, optional
        The gold; defaults to :func:`benchmark.gold.loading.load_corpus` on the run's
        ``paths.data_dir`` (the repository's ``data/`` when unset).
    workers : int, optional
        Processes rendering the article pages of a corpus (see
        :func:`~benchmark.report.render.render_reports`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InputError
        When a run file is missing or malformed, or when the run was scored
        against another gold version than the current one.
    """
    from benchmark.report.render import render_reports

    run_dir = Path(run_dir)
    metrics, manifest = _read_records(run_dir)
    worst_errors, data_dir, want_md, want_html = run_config(run_dir)
    if corpus is None:
        from benchmark.gold.loading import load_corpus

        # The gold folder the run was configured with (default: the repository's data/).
        corpus = load_corpus(data_dir)
    shard = metrics.get("shard")
    if isinstance(shard, dict) and isinstance(shard.get("documents"), list):
        # One shard of a sharded run: its reports show its own documents, as when it ran.
        keep = set(shard["documents"])
        corpus = replace(corpus, documents=tuple(d for d in corpus.documents if d.doc_id in keep))
    _check_gold(run_dir, metrics, corpus)
    reports = render_reports(
        metrics=metrics, predictions=read_jsonl(run_dir / "predictions.jsonl"),
        per_item=iter_jsonl(per_item_path(run_dir)), manifest=manifest, corpus=corpus,
        worst_errors=worst_errors, markdown=want_md, html=want_html,
        predictions_file=str(run_dir / "predictions.jsonl"), workers=workers,
    )
    return write_reports(run_dir, reports)
