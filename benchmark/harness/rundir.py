"""Run folders that appear only when complete.

A run is written into a hidden temporary folder next to its final place and
renamed into place at the end, so a crash or Ctrl-C never leaves a half run
that a leaderboard could pick up (the leaderboard skips dot-folders).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> a = commit_run(root, "rules", "20250218T120000Z-abcd1234", {"metrics.json": b"{}"})
>>> b = commit_run(root, "rules", "20250218T120000Z-abcd1234", {"metrics.json": b"{}"})
>>> a.name, b.name
('20250218T120000Z-abcd1234', '20250218T120000Z-abcd1234-2')
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from benchmark.common.atomic import commit_new_folder, stage_dir, write_files
from benchmark.errors import InputError


def canonical_json(obj: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, UTF-8, trailing newline."""
    return (json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def jsonl_bytes(rows: Iterable[Any]) -> bytes:
    """JSON Lines as a run folder stores them: one object per line, sorted keys, UTF-8."""
    return b"".join(
        (json.dumps(r, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8") for r in rows
    )


def iter_jsonl(data: bytes | str, *, file: str) -> Iterator[Any]:
    """The values of JSON Lines (as :func:`jsonl_bytes` writes them) one at a time; blank lines skipped.

    One at a time so a large corpus's ``per_item.jsonl`` is never held parsed
    whole; a bad line raises :class:`~benchmark.errors.InputError` naming
    ``file`` and the line.

    >>> list(iter_jsonl(b'{"a": 1}\\n\\n[2]\\n', file="x.jsonl"))
    [{'a': 1}, [2]]
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=file, line=number) from None


def yaml_bytes(obj: Any) -> bytes:
    """YAML as a run folder stores it (``config.yaml``, ``overrides.yaml``)."""
    import yaml

    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=True).encode("utf-8")


def config_hash(obj: Any) -> str:
    """Short hash of a resolved config (8 hex characters)."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()[:8]


def run_stamp(now: datetime | None = None) -> str:
    """UTC timestamp used in run-folder names, e.g. ``20250218T093000Z``."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ")


def safe_name(name: str) -> str:
    """A system label usable as a folder name."""
    out = "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip(".-")
    return out or "system"


def commit_run(results_dir: Path, system: str, name: str, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` into a staging folder, then rename it into place.

    If a folder of the same name already exists (two runs in the same second
    with the same config), ``-2``, ``-3``… is appended
    (:func:`~benchmark.common.atomic.commit_new_folder`).
    """
    return commit_folder(Path(results_dir) / safe_name(system), name, files)


def commit_folder(parent: Path, name: str, files: Mapping[str, bytes]) -> Path:
    """:func:`commit_run` into ``parent`` itself (shard folders, merged runs)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    stage = stage_dir(parent, ".tmp-")
    try:
        write_files(stage, files)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return commit_new_folder(stage, parent, name)
