"""Export the gold as a Hugging Face dataset folder: Parquet files, a card and its licence.

The folder holds ``data/<config>/test.parquet`` for each layer of
:mod:`benchmark.publish.parquet`, the card as ``README.md``, ``LICENSE.md``
(:mod:`benchmark.publish.licensing`) and the annotation guidelines; it is
built in a hidden folder and swapped into place.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmark.common.atomic import replace_folders, stage_dir, write_files
from benchmark.gold.schema import Corpus
from benchmark.publish.guard import check_export_out
from benchmark.publish.licensing import (DATASET_ARTICLE_FILES, DATASET_OURS, DATASET_WHY, LICENSE_FILE,
                                         license_text)
from benchmark.publish.parquet import CONFIGS, SPLIT, layer_datasets, write_parquet

DOC_FILES = ("GUIDELINES.md", "ADJUDICATION.md")
"""Files copied from the gold data folder when it has them."""


def build_dataset_folder(corpus: Corpus, out: Path, *, card: str, data_dir: Path | None = None,
                         tables: dict[str, Any] | None = None) -> dict[str, int]:
    """Write Parquet files, ``README.md`` and ``LICENSE.md`` into ``out`` atomically.

    ``tables`` are :func:`~benchmark.publish.parquet.layer_datasets` of the
    corpus when the caller has built them already (the card needs them too);
    ``data_dir`` is where ``GUIDELINES.md`` and ``ADJUDICATION.md`` are copied
    from (the repository's ``data/`` when ``None``).  ``out`` may be replaced
    only when it does not exist, is empty, or holds nothing but what an export
    writes (:mod:`benchmark.publish.guard`); anything else, a file, or the
    current directory or one of its parents raises
    :class:`~benchmark.errors.InputError` before anything is written.
    Returns the row count of every config.
    """
    out = Path(out)
    check_export_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage_dir(out.parent, f".{out.name}-")
    try:
        tables = tables if tables is not None else layer_datasets(corpus)
        for name in CONFIGS:
            write_parquet(tables[name], tmp / "data" / name / f"{SPLIT}.parquet")
        files = {name: (_data_dir(data_dir) / name).read_bytes() for name in _doc_files(data_dir)}
        files["README.md"] = card.encode("utf-8")
        present = tuple((path, what) for path, what in DATASET_ARTICLE_FILES
                        if path.startswith("data/") or path in files)
        files[LICENSE_FILE] = license_text(corpus, what_is_ours=DATASET_OURS, article_files=present,
                                        why_included=DATASET_WHY).encode("utf-8")
        write_files(tmp, files)
        check_export_out(out)  # again: the folder may have changed while the new one was written
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_folders({out: tmp})
    return {name: tables[name].num_rows for name in CONFIGS}


def _data_dir(data_dir: Path | None) -> Path:
    from benchmark.gold.loading import default_data_dir

    return Path(data_dir) if data_dir is not None else default_data_dir()


def _doc_files(data_dir: Path | None) -> list[str]:
    return [name for name in DOC_FILES if (_data_dir(data_dir) / name).is_file()]
