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

import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from benchmark.common.atomic import commit_new_folder, stage_dir, write_files
from benchmark.common.redact import redact_bytes
from benchmark.errors import InputError
from benchmark.submission.limits import DEFAULT_LIMITS, SubmissionLimits

PER_ITEM = "per_item.jsonl.gz"
"""A run's per-item statistics: JSON Lines, one object per scored item, gzip-compressed (:class:`GzipJsonl`)."""
OLD_PER_ITEM = "per_item.jsonl"
"""The same, uncompressed, in run folders written before :data:`PER_ITEM`; still read (:func:`per_item_path`)."""
GZIP_LEVEL = 6
GZIP_BLOCK = 1 << 20
"""Bytes fed to the deflate stream at a time (:class:`GzipJsonl`)."""
GZIP_MAX_RATIO = 100
"""A gzip run file may decompress to this many times its size (or ``max_file_mb``) before it is refused."""
_GZIP_HEADER = bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255])
"""Magic, deflate, no flags (no file name), modification time 0, no extra flags, OS unknown (RFC 1952)."""


def canonical_json(obj: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, UTF-8, trailing newline."""
    return (json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def jsonl_bytes(rows: Iterable[Any]) -> bytes:
    """JSON Lines as a run folder stores them: one object per line, sorted keys, UTF-8."""
    return b"".join(
        (json.dumps(r, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8") for r in rows
    )


def iter_jsonl(source: bytes | str | Path, *, file: str | None = None,
               limits: SubmissionLimits = DEFAULT_LIMITS) -> Iterator[Any]:
    """The values of JSON Lines (as :func:`jsonl_bytes` writes them) one at a time; blank lines skipped.

    :func:`iter_json_lines` without the line numbers.

    >>> list(iter_jsonl(b'{"a": 1}\\n\\n[2]\\n', file="x.jsonl"))
    [{'a': 1}, [2]]
    >>> list(iter_jsonl(gzip_jsonl([b'{"a": 1}\\n']), file="per_item.jsonl.gz"))
    [{'a': 1}]
    """
    return (value for _, value in iter_json_lines(source, file=file, limits=limits))


def iter_json_lines(source: bytes | str | Path, *, file: str | None = None,
                    limits: SubmissionLimits = DEFAULT_LIMITS) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of JSON Lines in memory or in a file, read one line at a time.

    A run's files can be large (a corpus's per-item statistics) and can come
    from someone else (a downloaded run folder), so nothing is read whole:

    * ``source`` is the bytes or text themselves, or a :class:`~pathlib.Path`
      to open.  A ``file`` (default: the path) whose name ends in ``.gz`` is
      gzip-compressed and is decompressed as it is read.
    * A line longer than ``limits.max_file_mb`` (the largest predictions file
      a run accepts) is refused after that many bytes, so one endless line
      (a gzip bomb of one line) never fills memory.
    * A gzip file may decompress to ``max_file_mb``, or to
      :data:`GZIP_MAX_RATIO` times its compressed size when that is more
      (the harness's per-item files compress about 30:1); past that it is
      refused as a possible gzip bomb.

    Every refusal, a truncated or corrupt gzip stream and a line that is not
    UTF-8 or not JSON included, is one :class:`~benchmark.errors.InputError`
    naming ``file`` and the line.
    """
    name = file if file is not None else str(source) if isinstance(source, Path) else "<data>"
    if isinstance(source, Path):
        try:
            raw = source.open("rb")
        except FileNotFoundError:
            raise InputError("file not found", file=name) from None
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", file=name) from None
    else:
        raw = io.BytesIO(source.encode("utf-8") if isinstance(source, str) else source)
    with raw:
        if not name.endswith(".gz"):
            yield from _parsed_lines(raw, file=name, limits=limits, max_total=None)
            return
        if raw.read(2) != _GZIP_HEADER[:2]:
            raise InputError("not a gzip file, though its name ends in .gz", file=name, line=1)
        raw.seek(0)
        size = os.fstat(raw.fileno()).st_size if isinstance(source, Path) else len(source)
        max_total = max(limits.max_file_bytes, GZIP_MAX_RATIO * size)
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            yield from _parsed_lines(stream, file=name, limits=limits, max_total=max_total)


def _parsed_lines(stream: IO[bytes], *, file: str, limits: SubmissionLimits,
                  max_total: int | None) -> Iterator[tuple[int, Any]]:
    max_line, total, number = limits.max_file_bytes, 0, 0
    while True:
        number += 1
        try:
            line = stream.readline(max_line + 1)  # decompresses at most this much more
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(_read_problem(exc), file=file, line=number) from None
        if not line:
            return
        if len(line) > max_line:
            raise InputError(f"line longer than {limits.max_file_mb:g} MB (the max_file_mb limit); refused before "
                             "reading the rest of it", file=file, line=number)
        total += len(line)
        if max_total is not None and total > max_total:
            raise InputError(f"refused as a possible gzip bomb: it decompresses to more than {max_total / 1e6:.1f} MB, "
                             f"the most a gzip file of its size may hold ({GZIP_MAX_RATIO} times its size, or "
                             f"max_file_mb = {limits.max_file_mb:g} MB if more; a per-item file compresses about "
                             "30:1)", file=file, line=number)
        if not line.strip():
            continue
        try:
            yield number, json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8: {exc.reason} at byte {exc.start}", file=file, line=number) from None
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=file, line=number) from None
        except RecursionError:
            raise InputError("invalid JSON: nested too deeply", file=file, line=number) from None


def _read_problem(exc: BaseException) -> str:
    """What went wrong reading a (gzip) stream, for a one-line message."""
    if isinstance(exc, EOFError):
        return ("truncated gzip file: the compressed data ends before its end marker "
                "(an interrupted download or copy?)")
    if isinstance(exc, gzip.BadGzipFile) and str(exc).startswith("Not a gzipped file"):
        return "corrupt gzip file: bytes that are not gzip after the end of the compressed data"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip file: {exc}"
    return f"cannot read file: {getattr(exc, 'strerror', None) or exc}"


class GzipJsonl:
    """JSON Lines compressed as they arrive: the bytes of a ``.gz`` file, the same for the same lines.

    The run's per-item statistics (:data:`PER_ITEM`) are written through
    one of these, task by task, so a corpus's uncompressed rows are never
    held all at once.  The output is a deterministic gzip file: level
    :data:`GZIP_LEVEL`, a header with modification time 0, no file name and
    operating system "unknown" (as :class:`gzip.GzipFile` writes with
    ``mtime=0``), and the deflate stream fed in fixed blocks of
    :data:`GZIP_BLOCK` bytes whatever pieces :meth:`write` is given, so the
    same lines give the same bytes however they were cut (a run task by
    task, a merge of shards) on the same zlib.

    Each piece is redacted (:func:`~benchmark.common.redact.redact_bytes`)
    before it is compressed, as :func:`~benchmark.common.atomic.write_files`
    redacts the text files of a run: compressed bytes are not text it can
    read.  Pieces are whole lines, so no secret is cut in two.

    >>> out = GzipJsonl()
    >>> out.write(b'{"a": 1}\\n')
    >>> out.write(b'[2]\\n')
    >>> data = out.finish()
    >>> data[:4], data[4:8], gzip.decompress(data)
    (b'\\x1f\\x8b\\x08\\x00', b'\\x00\\x00\\x00\\x00', b'{"a": 1}\\n[2]\\n')
    """

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._out: list[bytes] = [_GZIP_HEADER]
        self._pending = bytearray()
        self._crc = 0
        self._size = 0
        self._done: bytes | None = None

    def write(self, data: bytes) -> None:
        """Add whole JSON Lines (``data`` ends with a newline, or is empty)."""
        if self._done is not None:
            raise ValueError("GzipJsonl.write after finish")
        view = memoryview(redact_bytes(bytes(data)))
        if self._pending:
            take = GZIP_BLOCK - len(self._pending)
            self._pending += view[:take]
            view = view[take:]
            if len(self._pending) < GZIP_BLOCK:
                return
            self._deflate_block(self._pending)
            self._pending = bytearray()
        while len(view) >= GZIP_BLOCK:
            self._deflate_block(view[:GZIP_BLOCK])
            view = view[GZIP_BLOCK:]
        self._pending += view

    def _deflate_block(self, block: bytes | bytearray | memoryview) -> None:
        self._crc = zlib.crc32(block, self._crc)
        self._size += len(block)
        self._out.append(self._deflate.compress(block))

    def finish(self) -> bytes:
        """The whole gzip file (the same bytes when called again)."""
        if self._done is None:
            if self._pending:
                self._deflate_block(self._pending)
            self._out += [self._deflate.flush(), struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)]
            self._done, self._out, self._pending = b"".join(self._out), [], bytearray()
        return self._done


def gzip_jsonl(pieces: Iterable[bytes]) -> bytes:
    """:class:`GzipJsonl` of ``pieces`` in one call.

    >>> gzip_jsonl([b"{}\\n"]) == gzip_jsonl([b"{", b"}\\n"])
    True
    """
    out = GzipJsonl()
    for piece in pieces:
        out.write(piece)
    return out.finish()


def per_item_path(run_dir: Path | str) -> Path:
    """A run folder's per-item file: :data:`PER_ITEM`, else :data:`OLD_PER_ITEM` of a run written before it.

    The one place that knows both names; when neither exists the path of
    :data:`PER_ITEM` is returned, so "file not found" names the current one.
    """
    run_dir = Path(run_dir)
    for name in (PER_ITEM, OLD_PER_ITEM):
        if (run_dir / name).is_file():
            return run_dir / name
    return run_dir / PER_ITEM


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
