"""Sharding a run over documents: which documents a shard holds and how its folder is marked.

A corpus of many articles and a slow model (``system=llm``, ``system=hf``)
spread over a cluster: job ``i`` of ``n`` runs with ``shard.index=i
shard.count=n`` and predicts and scores only its part of the corpus; the
merge (:mod:`benchmark.harness.merge`, ``python -m benchmark merge-shards``)
joins the parts into one run folder whose ``metrics.json``,
``per_item.jsonl.gz`` and ``predictions.jsonl`` are byte for byte those of the
same run made in one job.

**Which documents.**  The corpus's documents in their usual order (by file
name) are cut into ``n`` contiguous parts whose sizes differ by at most one;
the first ``len % n`` parts hold one more, as ``datasets.Dataset.shard(...,
contiguous=True)`` does.  Contiguous parts keep the merged files in corpus
order by simple concatenation.

**How a shard is marked.**  A shard is never a complete run, so it must never
be ranked, published or compared as one.  Its ``metrics.json`` (the file the
leaderboard reads) carries a ``"shard"`` object (:func:`shard_record`), and
its folder goes under the hidden ``<results_dir>/.shards/<label>/<config
hash>/`` (:func:`shard_parent`), beside Hydra's ``.multirun`` folder: the
leaderboard and the Hub builder do not enter hidden folders, and a reader
given a shard folder directly sees the marker (:func:`shard_marker`).

Examples
--------
>>> ids = [f"d{k}" for k in range(10)]
>>> [shard_slice(10, Shard(index=i, count=4)) for i in range(4)]
[slice(0, 3, None), slice(3, 6, None), slice(6, 8, None), slice(8, 10, None)]
>>> ids[shard_slice(10, Shard(index=3, count=4))]
['d8', 'd9']
>>> Shard(index=2, count=4).folder_name("20250218T093000Z")
'shard-2-of-4-20250218T093000Z'
>>> Shard(index=3, count=12).folder_name("20250218T093000Z")
'shard-03-of-12-20250218T093000Z'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from benchmark.errors import ConfigError
from benchmark.gold.schema import Corpus

SHARDS_DIR = ".shards"
"""Hidden folder under ``paths.results_dir`` holding shard folders."""

MARKER = "shard"
"""Key of the shard record in a shard's ``metrics.json`` and ``manifest.json``."""


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (0-based) of ``count`` contiguous parts of the corpus."""

    index: int
    count: int

    def __post_init__(self) -> None:
        for key, value, low in (("shard.count", self.count, 2), ("shard.index", self.index, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"must be an integer >= {low}, got {value!r}", field=key)
        if self.index >= self.count:
            raise ConfigError(f"must be below shard.count={self.count} (shards are numbered 0 to "
                              f"{self.count - 1}), got {self.index}", field="shard.index")

    @property
    def text(self) -> str:
        """How messages name the shard: ``shard.index=2 of shard.count=4``."""
        return f"shard.index={self.index} of shard.count={self.count}"

    def folder_name(self, stamp: str) -> str:
        """``shard-<i>-of-<n>-<stamp>``, the index zero-padded so folders sort by index."""
        width = len(str(self.count - 1))
        return f"shard-{self.index:0{width}d}-of-{self.count}-{stamp}"


def shard_from_config(index: Any, count: Any) -> Shard | None:
    """The :class:`Shard` of ``shard.index`` / ``shard.count``; ``None`` when ``count`` is 1 (no sharding).

    >>> shard_from_config(0, 1) is None
    True
    >>> shard_from_config(1, 3)
    Shard(index=1, count=3)
    """
    if count == 1 and not isinstance(count, bool):
        if index != 0:
            raise ConfigError(f"is {index!r} but shard.count is 1 (no sharding); set shard.count=<n> too",
                              field="shard.index")
        return None
    if isinstance(count, int) and not isinstance(count, bool) and count < 1:
        raise ConfigError(f"must be an integer >= 1, got {count!r}", field="shard.count")
    return Shard(index=index, count=count)


def shard_slice(n_documents: int, shard: Shard) -> slice:
    """The documents ``[start, stop)`` of ``shard`` among ``n_documents`` in corpus order."""
    size, extra = divmod(n_documents, shard.count)
    start = shard.index * size + min(shard.index, extra)
    return slice(start, start + size + (1 if shard.index < extra else 0))


def shard_corpus(corpus: Corpus, shard: Shard) -> Corpus:
    """The part of ``corpus`` that ``shard`` holds (same targets, same gold checksum)."""
    n = len(corpus.documents)
    if shard.count > n:
        raise ConfigError(f"is {shard.count}, more than the {n} document(s) of the corpus: a shard would be "
                          "empty", field="shard.count")
    return replace(corpus, documents=corpus.documents[shard_slice(n, shard)])


def shard_parent(results_dir: Path, label_folder: str, config_hash: str) -> Path:
    """Where the shards of one sharded run go: ``<results_dir>/.shards/<label>/<config hash>/``."""
    return Path(results_dir) / SHARDS_DIR / label_folder / config_hash


def shard_record(shard: Shard, *, documents: list[str], tasks: list[str], predicted: list[str]) -> dict[str, Any]:
    """The ``"shard"`` object of a shard's ``metrics.json``.

    ``tasks`` are the requested tasks the system attempts (its per-item rows
    are written for each, even where no document of this shard got a
    prediction); ``predicted`` those with at least one prediction here: a
    task counts as attempted in the merged run when any shard predicted it,
    exactly as in a run over the whole corpus.
    """
    return {"index": shard.index, "count": shard.count, "documents": list(documents), "tasks": list(tasks),
            "predicted": list(predicted)}


def shard_marker(metrics: Mapping[str, Any]) -> str | None:
    """Why a ``metrics.json`` object is not a complete run, or ``None`` when it is one.

    >>> shard_marker({"system": "rules"}) is None
    True
    >>> shard_marker({"shard": {"index": 1, "count": 4}})
    'shard.index=1 of shard.count=4 of a sharded run, not a complete run; join the shards with `python -m benchmark merge-shards`'
    """
    record = metrics.get(MARKER)
    if record is None:
        return None
    where = (f"shard.index={record.get('index')} of shard.count={record.get('count')}"
             if isinstance(record, dict) else "a shard")
    return f"{where} of a sharded run, not a complete run; join the shards with `python -m benchmark merge-shards`"
