"""Build the folders to upload under ``<out_dir>/``, all at once or not at all.

Everything is written into a hidden staging folder next to the final ones
(``<out_dir>/.stage-*``) and each finished folder is then renamed into place,
so a failure never leaves a half-written ``dataset/`` or ``results/`` that a
later upload could pick up.  The publish manifest is written the same way
(temporary file, then ``os.replace``).

Publish replaces ``dataset/``, ``results/`` and ``model_card/`` wholesale, so
``<out_dir>`` must be empty, new, or an earlier publish's (it holds
``publish_manifest.json``), and each of those folders must hold only what
publish writes (:mod:`.guard`); this is checked before anything is built and
again just before the swap.
"""

from __future__ import annotations

import json
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.common.atomic import replace_folders, stage_dir, write_text_atomic
from benchmark.common.redact import redact_tree
from benchmark.gold.schema import Corpus
from benchmark.publish.guard import STAGE_PREFIX, check_publish_out_dir
from benchmark.publish.runs import RunRecord, RunSet

FOLDERS = ("dataset", "results", "model_card")


@dataclass(frozen=True)
class BuiltFolders:
    """Where the built folders are and what went into them."""

    out_dir: Path
    dataset_rows: dict[str, int]
    """Gold config → rows."""
    results_rows: dict[str, dict[str, int]]
    """System → split → rows (empty when there are no runs)."""
    model_card_runs: dict[str, RunRecord]
    """Task → the run whose main metric the model card entry reports (empty: no model card)."""

    def folder(self, name: str) -> Path:
        return self.out_dir / name

    def has(self, name: str) -> bool:
        return self.folder(name).is_dir()


def build_hub_folders(*, corpus: Corpus, card: str, runs: RunSet, out_dir: Path, pretty_name: str,
                      evaluation_framework: str, dataset_repo_id: str | None, results_repo_id: str | None,
                      leaderboard_dir: Path | None, include_run_files: bool, data_dir: Path | None = None,
                      tables: dict[str, Any] | None = None, model: dict[str, Any] | None = None) -> BuiltFolders:
    """Write ``dataset/``, ``results/`` (when there are runs) and ``model_card/`` (when asked).

    ``model`` holds the keyword arguments of
    :func:`~benchmark.publish.model_card.write_model_card_files` plus
    ``results`` (task → run).  Folders from an earlier publish that this one
    does not build are removed, so ``<out_dir>`` always shows exactly one
    publish.  A foreign ``<out_dir>`` raises
    :class:`~benchmark.errors.InputError` before anything is written.
    """
    from benchmark.publish import results_folder
    from benchmark.publish.dataset_folder import write_dataset_folder
    from benchmark.publish.model_card import write_model_card_files

    out_dir = Path(out_dir)
    check_publish_out_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = stage_dir(out_dir, STAGE_PREFIX)
    try:
        dataset_rows = write_dataset_folder(corpus, stage / "dataset", card=card, name=pretty_name,
                                            evaluation_framework=evaluation_framework,
                                            results_repo_id=results_repo_id, data_dir=data_dir, tables=tables)
        results_rows: dict[str, dict[str, int]] = {}
        if runs:
            (stage / "results").mkdir()
            results_rows = results_folder.write_results_folder(
                runs, stage / "results", corpus=corpus, pretty_name=f"{pretty_name}: results",
                dataset_repo_id=dataset_repo_id, leaderboard_dir=leaderboard_dir, include_run_files=include_run_files)
        chosen: dict[str, RunRecord] = {}
        if model is not None:
            model = dict(model)
            chosen = model.pop("results")
            write_model_card_files(chosen, stage / "model_card", **model)
        # Nothing leaves with a credential in it, run folders written by older versions included.
        redacted = redact_tree(stage)
        if redacted:
            shown = ", ".join(p.relative_to(stage).as_posix() for p in redacted[:3])
            warnings.warn(f"credentials redacted from {len(redacted)} staged file(s): {shown}"
                          f"{' …' if len(redacted) > 3 else ''}", stacklevel=2)
        check_publish_out_dir(out_dir)  # again: something may have appeared while we built
        # Folders this publish does not build are removed, so out_dir shows exactly one publish.
        replace_folders({out_dir / name: (stage / name if (stage / name).exists() else None) for name in FOLDERS})
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return BuiltFolders(out_dir=out_dir, dataset_rows=dataset_rows, results_rows=results_rows,
                        model_card_runs=chosen)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` through a temporary file and ``os.replace``."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
