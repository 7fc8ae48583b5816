"""Export the gold as a Hugging Face dataset folder: Parquet files and a card.

The folder holds ``data/<config>/test.parquet`` for each layer of
:mod:`benchmark.publish.parquet`, the card as ``README.md`` and the
annotation guidelines; it is built in a hidden folder and swapped into place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from benchmark.common.atomic import stage_dir
from benchmark.gold.schema import Corpus
from benchmark.publish.guard import check_export_out
from benchmark.publish.parquet import CONFIGS, SPLIT, arrow_schemas, layer_rows, write_parquet


def build_dataset_folder(corpus: Corpus, out: Path, *, card: str) -> dict[str, int]:
    """Write Parquet files and ``README.md`` into ``out`` atomically.

    ``out`` may be replaced only when it does not exist, is empty, or holds
    nothing but what an export writes (:mod:`benchmark.publish.guard`); anything
    else, a file, or the current directory or one of its parents raises
    :class:`~benchmark.errors.InputError` before anything is written.
    Returns the row count of every config.
    """
    out = Path(out)
    check_export_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage_dir(out.parent, f".{out.name}-")
    try:
        rows = layer_rows(corpus)
        schemas = arrow_schemas()
        for name in CONFIGS:
            write_parquet(rows[name], schemas[name], tmp / "data" / name / f"{SPLIT}.parquet")
        (tmp / "README.md").write_text(card, encoding="utf-8")
        extra = _extra_files()
        for src, rel in extra:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, tmp / rel)
        check_export_out(out)  # again: the folder may have changed while the new one was written
        if out.exists():
            # Move the previous export aside (one rename) instead of deleting it
            # first, so a failed swap can put it back.
            # If even the restore fails, the previous export stays in the hidden folder.
            old = stage_dir(out.parent, f".{out.name}-old-")
            os.replace(out, old / "previous")
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old / "previous", out)
                old.rmdir()
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: len(rows[name]) for name in CONFIGS}


def _extra_files() -> list[tuple[Path, str]]:
    from benchmark.gold.loading import default_data_dir

    d = default_data_dir()
    return [(d / "GUIDELINES.md", "GUIDELINES.md"), (d / "ADJUDICATION.md", "ADJUDICATION.md")] if (d / "ADJUDICATION.md").exists() else [(d / "GUIDELINES.md", "GUIDELINES.md")]
