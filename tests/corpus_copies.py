"""A synthetic multi-document corpus for tests: N copies of the embedded article under new doc ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from benchmark.gold.loading import default_data_dir


def copy_corpus(dst: Path, n: int) -> Path:
    """``dst`` as a data folder of ``n`` documents, each the gold of the embedded article with its own id.

    The copies share one article file (``text_file``); ids sort in copy
    order (``doc000``, ``doc001``, …), so corpus order is copy order.
    """
    src = default_data_dir()
    (dst / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", dst / "articles")
    shutil.copy(src / "targets.json", dst / "targets.json")
    (gold_file,) = sorted((src / "gold").glob("*.json"))
    obj = json.loads(gold_file.read_text(encoding="utf-8"))
    for k in range(n):
        obj["doc_id"] = f"doc{k:03d}"
        (dst / "gold" / f"doc{k:03d}.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return dst
