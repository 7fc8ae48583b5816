"""``per_item.jsonl.gz``: a deterministic gzip file, read line by line with bounds, old plain files still read.

The writer (:class:`benchmark.harness.rundir.GzipJsonl`) is checked against
the standard library's :class:`gzip.GzipFile` (``mtime=0``, no file name,
level 6) and the gzip header against RFC 1952 by hand; the reader
(:func:`benchmark.harness.rundir.iter_json_lines`) against hostile files:
truncated, not gzip, corrupt, a bomb of one endless line and a bomb of many
lines.  Run folders written before the gzip file (plain ``per_item.jsonl``)
are still ranked by ``leaderboard`` (and rendered by ``report``:
tests/test_report.py).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tracemalloc
import warnings
import zlib
from pathlib import Path

import pytest
from test_leaderboard_helpers import SYSTEMS, write_run

from benchmark.cli.main import main
from benchmark.errors import InputError
from benchmark.gold.loading import load_corpus
from benchmark.harness.rundir import (GZIP_BLOCK, GZIP_MAX_RATIO, OLD_PER_ITEM, PER_ITEM, GzipJsonl, gzip_jsonl,
                                      iter_json_lines, iter_jsonl, jsonl_bytes, per_item_path)
from benchmark.leaderboard import build_leaderboard
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.submission.limits import SubmissionLimits

SHA = load_corpus().sha256
ROWS = [{"doc_id": f"doc{i:04d}", "item": f"s{i % 90:02d}", "task": "translation",
         "stats": {"chrf": [float(i % 17), 3.0, 1.5], "note": "قال " * (i % 5)}} for i in range(30_000)]
"""About 3.4 MB of JSON Lines: more than three :data:`GZIP_BLOCK` blocks."""
DATA = jsonl_bytes(ROWS)


def stdlib_gzip(data: bytes) -> bytes:
    """The file :class:`gzip.GzipFile` writes with a fixed header: the peer the writer is checked against."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="", compresslevel=6) as fh:
        fh.write(data)
    return buf.getvalue()


def cut(data: bytes, sizes: list[int]) -> list[bytes]:
    """``data`` cut after whole lines into pieces of about ``sizes`` bytes (repeated)."""
    pieces, piece, size = [], [], 0
    for line in data.splitlines(keepends=True):
        piece.append(line)
        size += len(line)
        if size >= sizes[len(pieces) % len(sizes)]:
            pieces.append(b"".join(piece))
            piece, size = [], 0
    return pieces + [b"".join(piece)]


# ------------------------------------------------------------------ the writer

@pytest.mark.parametrize("sizes", [[len(DATA)], [1], [200, 70_000], [GZIP_BLOCK - 5, 10], [3 * GZIP_BLOCK // 2]])
def test_the_same_lines_cut_anyhow_give_the_bytes_gzipfile_writes(sizes):
    pieces = cut(DATA, sizes)
    assert b"".join(pieces) == DATA and (len(pieces) > 2 or sizes == [len(DATA)])
    assert gzip_jsonl(pieces) == stdlib_gzip(DATA)


def test_the_gzip_header_has_no_time_and_no_name():
    data = gzip_jsonl([DATA])
    # RFC 1952, section 2.3: ID1 ID2 CM FLG MTIME(4) XFL OS, then the deflate stream, CRC32, ISIZE.
    assert data[:3] == b"\x1f\x8b\x08"  # gzip magic, deflate
    assert data[3] & 0x08 == 0 and data[3] == 0  # FLG: no FNAME bit (no file name), no other field either
    assert data[4:8] == b"\x00\x00\x00\x00"  # MTIME 0: the same bytes whenever it is written
    assert data[8] == 0 and data[9] == 255  # XFL 0 at level 6; OS 255 "unknown", as GzipFile writes
    assert int.from_bytes(data[-8:-4], "little") == zlib.crc32(DATA)
    assert int.from_bytes(data[-4:], "little") == len(DATA)
    assert gzip.decompress(data) == DATA


def test_finish_is_final():
    out = GzipJsonl()
    out.write(b"{}\n")
    assert out.finish() == out.finish() == stdlib_gzip(b"{}\n")
    with pytest.raises(ValueError, match="after finish"):
        out.write(b"{}\n")
    assert GzipJsonl().finish() == stdlib_gzip(b"")  # a run with no rows still writes a valid file


def test_a_run_writes_per_item_jsonl_gz_the_same_twice_and_as_its_rows(tmp_path):
    for out in ("a", "b"):
        assert main(["run", "system=copy", "task=translation", f"paths.results_dir={tmp_path / out}",
                     "scoring.n_resamples=20"]) == 0
    (a,), (b,) = (list((tmp_path / out / "copy").iterdir()) for out in ("a", "b"))
    assert sorted(p.name for p in a.iterdir() if "per_item" in p.name) == [PER_ITEM]
    data = (a / PER_ITEM).read_bytes()
    assert data == (b / PER_ITEM).read_bytes()
    assert data[3] == 0 and data[4:8] == bytes(4)  # no name, time 0 (the run's own file, read by hand)
    lines = gzip.decompress(data).splitlines()
    assert lines and lines == gzip.decompress((b / PER_ITEM).read_bytes()).splitlines()
    rows = [json.loads(x) for x in lines]
    assert {r["task"] for r in rows} == {"translation"}
    # translation rows: one per segment of the one article and one per quote (quote-level chrF++)
    doc = load_corpus().documents[0]
    assert sorted((r["unit"], r["item"]) for r in rows) == sorted(
        [("segment", s.id) for s in doc.segments] + [("quote", q.id) for q in doc.quotes])


# ------------------------------------------------------------------ the reader

def test_plain_and_gzip_files_read_the_same_values_and_line_numbers(tmp_path):
    (tmp_path / "p.jsonl").write_bytes(b'{"a": 1}\n\n[2]\n')
    (tmp_path / "p.jsonl.gz").write_bytes(stdlib_gzip(b'{"a": 1}\n\n[2]\n'))
    expected = [(1, {"a": 1}), (3, [2])]
    assert list(iter_json_lines(tmp_path / "p.jsonl")) == expected
    assert list(iter_json_lines(tmp_path / "p.jsonl.gz")) == expected
    assert list(iter_jsonl((tmp_path / "p.jsonl.gz").read_bytes(), file="x.gz")) == [{"a": 1}, [2]]
    assert list(iter_jsonl(tmp_path / "p.jsonl.gz")) == [{"a": 1}, [2]]


def test_per_item_path_prefers_the_gzip_file_then_the_old_name(tmp_path):
    assert per_item_path(tmp_path) == tmp_path / PER_ITEM  # neither: the current name, for "file not found"
    (tmp_path / OLD_PER_ITEM).write_text("{}\n")
    assert per_item_path(tmp_path) == tmp_path / OLD_PER_ITEM
    (tmp_path / PER_ITEM).write_bytes(gzip_jsonl([b"{}\n"]))
    assert per_item_path(tmp_path) == tmp_path / PER_ITEM


def _refusal(path: Path, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        list(iter_json_lines(path, **kw))
    assert err.value.file == str(path)
    return err.value


GOOD = b"".join(json.dumps({"doc_id": "d", "item": f"s{i}"}).encode() + b"\n" for i in range(2000))


@pytest.mark.parametrize("name,data,line,message", [
    ("truncated", stdlib_gzip(GOOD)[:-100], None, "truncated gzip file: the compressed data ends before its end marker"),
    ("plain under .gz", GOOD, 1, "not a gzip file, though its name ends in .gz"),
    ("empty", b"", 1, "not a gzip file, though its name ends in .gz"),
    ("bad crc", stdlib_gzip(GOOD)[:-8] + b"\0\0\0\0" + stdlib_gzip(GOOD)[-4:], None, "corrupt gzip file: CRC check"),
    ("garbage after", stdlib_gzip(GOOD) + b"not gzip", None, "corrupt gzip file: bytes that are not gzip after"),
    ("deflate damaged", stdlib_gzip(GOOD)[:12] + b"\xff" * 20 + stdlib_gzip(GOOD)[32:], None, "corrupt gzip file:"),
    ("not utf-8", stdlib_gzip(b'{"a": 1}\n"\xff"\n'), 2, "not UTF-8: invalid start byte at byte 1"),
    ("not json", stdlib_gzip(b'{"a": 1}\n{"a": \n'), 2, "invalid JSON: Expecting value"),
])
def test_a_broken_gzip_file_is_one_clear_refusal_naming_file_and_line(tmp_path, name, data, line, message):
    path = tmp_path / PER_ITEM
    path.write_bytes(data)
    err = _refusal(path)
    assert message in err.message, (name, str(err))
    if line is None:  # found where the stream breaks: the line being read then (decompressed block by block)
        assert 1 <= err.line <= GOOD.count(b"\n") + 1
    else:
        assert err.line == line
    assert "\n" not in str(err) and len(str(err)) < 300


def _zeros_gzip(n_bytes: int, *, line: bytes = b"") -> bytes:
    """A gzip bomb: ``n_bytes`` of ``line`` repeated (zeros when empty), compressed a megabyte at a time."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = line * (GZIP_BLOCK // len(line)) if line else bytes(GZIP_BLOCK)
    return b"".join(z.compress(block) for _ in range(n_bytes // len(block))) + z.flush()


def test_a_bomb_of_one_endless_line_is_refused_after_max_file_mb_in_little_memory(tmp_path):
    path = tmp_path / PER_ITEM
    path.write_bytes(_zeros_gzip(200 * GZIP_BLOCK))  # 210 MB of one line in about 200 kB
    assert path.stat().st_size < 300_000
    tracemalloc.start()
    try:
        err = _refusal(path)  # the default limits: 64 MB (max_file_mb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (err.line, err.message) == (1, "line longer than 64 MB (the max_file_mb limit); refused before reading "
                                          "the rest of it")
    # The line read so far and the pieces it was joined from (about twice 64 MB), never the 210 MB.
    assert peak < 160_000_000


def test_a_bomb_of_many_lines_is_refused_past_the_ratio(tmp_path):
    line = b'{"doc_id": "d", "item": "s1", "task": "quotes"}\n'  # 49 bytes, compresses about 1000:1
    path = tmp_path / PER_ITEM
    path.write_bytes(_zeros_gzip(8 * GZIP_BLOCK, line=line))
    limits = SubmissionLimits(max_file_mb=1)
    size = path.stat().st_size
    bound = max(1_000_000, GZIP_MAX_RATIO * size)
    assert bound < 8 * GZIP_BLOCK  # the file decompresses to more than the bound
    err = _refusal(path, limits=limits)
    assert err.message.startswith(f"refused as a possible gzip bomb: it decompresses to more than {bound / 1e6:.1f} MB")
    # Refused at the first line past the bound (by hand: bound // 49 whole lines fit).
    assert err.line == bound // len(line) + 1


def test_a_real_per_item_file_is_far_below_the_ratio():
    # Rows as the harness writes them compress about 20-30:1; the bound leaves room for 100:1.
    assert len(DATA) / len(gzip_jsonl([DATA])) < GZIP_MAX_RATIO / 3


def test_a_plain_file_line_is_bounded_too(tmp_path):
    path = tmp_path / OLD_PER_ITEM
    path.write_bytes(b"{}\n" + b"x" * 2_000_100 + b"\n")
    err = _refusal(path, limits=SubmissionLimits(max_file_mb=2))
    assert (err.line, err.message.split(";")[0]) == (2, "line longer than 2 MB (the max_file_mb limit)")


# ------------------------------------------------------------------ old run folders

def _boards(root: Path, *, old: set[str]):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for label in ("strong", "close", "weak"):
            write_run(root, label, SYSTEMS[label][1], tasks=("translation",), gold=SHA, old_per_item=label in old)
    (board,) = build_leaderboard(root, gold_sha256=SHA, n_resamples=50, seed=5).boards
    return [(r.label, r.rank, r.value, r.vs_best and (r.vs_best.p_bootstrap, r.vs_best.n_items)) for r in board.rows]


def test_an_old_run_folder_with_plain_per_item_jsonl_is_ranked_as_before(tmp_path, capsys):
    rows = _boards(tmp_path / "new", old=set())
    assert _boards(tmp_path / "mixed", old={"close", "weak"}) == rows
    assert [p.name for p in (tmp_path / "mixed" / "close").glob("*/per_item*")] == [OLD_PER_ITEM]
    assert all(r[3] is None or r[3][0] is not None for r in rows)  # every paired test ran
    assert main(["leaderboard", "--runs", str(tmp_path / "mixed"), "--out", str(tmp_path / "out"),
                 "--n-resamples", "50", "--seed", "5"]) == 0
    printed = capsys.readouterr()
    assert "translation: 3 ranked system(s)" in printed.out and not printed.err
    assert "file not found" not in (tmp_path / "out" / "leaderboard.md").read_text(encoding="utf-8")


def test_a_hostile_per_item_file_is_a_leaderboard_note_and_the_others_are_ranked(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        runs = {label: write_run(tmp_path / "runs", label, SYSTEMS[label][1], tasks=("translation",), gold=SHA)
                for label in ("strong", "close", "weak")}
    bad = runs["close"] / PER_ITEM
    bad.write_bytes(bad.read_bytes()[:-30])  # cut short, as by an interrupted download
    assert main(["leaderboard", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "out"),
                 "--n-resamples", "50", "--seed", "5"]) == 0
    printed = capsys.readouterr()
    assert "translation: 3 ranked system(s)" in printed.out and "Traceback" not in printed.err
    text = (tmp_path / "out" / "leaderboard.md").read_text(encoding="utf-8")
    assert re.search(rf"{re.escape(str(bad))}:\d+: truncated gzip file: the compressed data ends before its end "
                     "marker", text), text
