"""Add a new article to a corpus: the text, its checksum, its segments.

:func:`add_article` stores the text byte for byte as
``articles/<doc_id>.txt`` and writes ``gold/<doc_id>.json``: the SHA-256 of
those bytes, the deterministic segments (:mod:`benchmark.gold.segmentation`)
with empty references, no entities, mentions, quotes or stances, and
``metadata.status = "unannotated"``. check-data accepts it at once and reports
it as unannotated; ``run`` does not score it until a reviewer's import marks
it ``annotated``. Nothing that exists is overwritten.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "new.txt").write_text("عنوان\\n\\nقال لافروف إن المحادثات مفيدة.\\n", encoding="utf-8")
>>> added = add_article(d / "new.txt", doc_id="001_test", data_dir=d / "data", meta={"source": "test"})
>>> [(s.id, s.kind, s.span.text) for s in added.doc.segments]
[('s01', 'headline', 'عنوان'), ('s02', 'body', 'قال لافروف إن المحادثات مفيدة.')]
>>> added.doc.status, sorted(p.name for p in (d / "data").iterdir())
('unannotated', ['articles', 'gold', 'targets.json'])
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmark.common.atomic import write_bytes_atomic, write_text_atomic
from benchmark.errors import InputError
from benchmark.gold.loading import default_data_dir, document_to_json, gold_files, load_json
from benchmark.gold.schema import Document, Segment
from benchmark.gold.segmentation import split_segments

DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
MAX_BYTES = 5_000_000
"""A news article is far smaller; anything bigger is refused, not read."""
GUIDELINES_VERSION = "1.2"


@dataclass(frozen=True)
class AddedArticle:
    """What :func:`add_article` wrote."""

    doc: Document
    text_file: str
    """The article's path relative to the data folder."""
    written: tuple[Path, ...]


def _read_text(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    if size > MAX_BYTES:
        raise InputError(f"{size} bytes is more than the {MAX_BYTES} an article may have", file=str(path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
                         "store the article as UTF-8 text", file=str(path)) from None
    if not text.strip():
        raise InputError("the file holds no text", file=str(path))
    return data


def _check_new(doc_id: str, data_dir: Path) -> None:
    if not DOC_ID.fullmatch(doc_id):
        raise InputError(f"{doc_id!r} is not a document id: use letters, digits, '_', '.', '-' "
                         "(at most 100, not starting with a punctuation mark)", field="--doc-id")
    if (data_dir / "articles" / f"{doc_id}.txt").exists() or (data_dir / "gold" / f"{doc_id}.json").exists():
        raise InputError(f"document {doc_id!r} is already in {data_dir}; nothing was written", field="--doc-id")
    for f in gold_files(data_dir):
        obj = load_json(f)
        if isinstance(obj, dict) and obj.get("doc_id") == doc_id:
            raise InputError(f"document {doc_id!r} is already in {f}; nothing was written", field="--doc-id")


def skeleton(text: str, *, doc_id: str, sha256: str, meta: dict[str, str],
             boilerplate_from: int | None = None) -> Document:
    """The unannotated document of a new article: segments only."""
    pieces = split_segments(text, boilerplate_from=boilerplate_from)
    width = max(2, len(str(len(pieces))))
    segments = tuple(Segment(f"s{i:0{width}d}", span, kind, paragraph)
                     for i, (span, kind, paragraph) in enumerate(pieces, start=1))
    metadata = dict(meta) | {"status": "unannotated", "guidelines": GUIDELINES_VERSION}
    return Document(doc_id=doc_id, text=text, text_sha256=sha256, metadata=tuple(sorted(metadata.items())),
                    entities=(), mentions=(), quotes=(), stances=(), segments=segments)


def add_article(path: Path | str, *, doc_id: str, data_dir: Path | str, meta: dict[str, str],
                boilerplate_marker: str | None = None) -> AddedArticle:
    """Store the article at ``path`` in ``data_dir`` with an empty gold skeleton.

    ``boilerplate_marker`` is the start of the publisher's boilerplate (its
    first occurrence starts the ``boilerplate`` segments).
    """
    data_dir = Path(data_dir)
    data = _read_text(Path(path))
    text = data.decode("utf-8")
    _check_new(doc_id, data_dir)
    start = None
    if boilerplate_marker:
        start = text.find(boilerplate_marker)
        if start < 0:
            raise InputError(f"{boilerplate_marker!r} does not occur in the text", field="--boilerplate-from")
    doc = skeleton(text, doc_id=doc_id, sha256=hashlib.sha256(data).hexdigest(), meta=meta, boilerplate_from=start)
    text_file = f"articles/{doc_id}.txt"
    written = []
    if not (data_dir / "targets.json").exists():
        # A new corpus starts from the project's stance-target inventory.
        (data_dir).mkdir(parents=True, exist_ok=True)
        written.append(Path(shutil.copyfile(default_data_dir() / "targets.json", data_dir / "targets.json")))
    written.append(write_bytes_atomic(data_dir / text_file, data))
    obj = document_to_json(doc, text_file=text_file)
    written.append(write_text_atomic(data_dir / "gold" / f"{doc_id}.json", json.dumps(obj, ensure_ascii=False, indent=1)))
    return AddedArticle(doc, text_file, tuple(written))
