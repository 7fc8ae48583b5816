"""Export the gold as a Hugging Face dataset folder: Parquet files and a card.

The folder holds ``data/<config>/test.parquet`` for each layer of
:mod:`benchmark.publish.parquet`, the card as ``README.md`` and the
annotation guidelines; it is built in a hidden folder and swapped into place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmark.common.atomic import replace_folders, stage_dir, write_files
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
        files = {"README.md": card.encode("utf-8")}
        files.update({rel: src.read_bytes() for src, rel in _extra_files()})
        write_files(tmp, files)
        check_export_out(out)  # again: the folder may have changed while the new one was written
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_folders({out: tmp})
    return {name: len(rows[name]) for name in CONFIGS}


def _extra_files() -> list[tuple[Path, str]]:
    from benchmark.gold.loading import default_data_dir

    d = default_data_dir()
    return [(d / "GUIDELINES.md", "GUIDELINES.md"), (d / "ADJUDICATION.md", "ADJUDICATION.md")] if (d / "ADJUDICATION.md").exists() else [(d / "GUIDELINES.md", "GUIDELINES.md")]
