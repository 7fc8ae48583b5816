"""A Label Studio export back into gold JSON, checked as check-data checks it.

:func:`import_export` reads an export (Label Studio's JSON format: a list of
tasks with ``data``, ``annotations`` and ``predictions``), takes one
annotation per task, rebuilds each document (:mod:`.rebuild`) and runs
check-data's checks on it (:func:`benchmark.gold.check.check_document`, with
the English references once the document's status is ``annotated``). Each
problem names the task, the region id and the field. :func:`write_documents`
writes the documents only when there is no problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.annotate.rebuild import Rebuilt, rebuild_document
from benchmark.annotate.regions import read_result
from benchmark.common.atomic import write_text_atomic
from benchmark.errors import InputError
from benchmark.gold.check import check_document
from benchmark.gold.loading import document_to_json, load_targets
from benchmark.gold.problems import Problem
from benchmark.gold.schema import Document

SOURCES = ("annotations", "predictions")
MAX_EXPORT_BYTES = 500_000_000
"""An export of a thousand articles is under 500 MB; a bigger file is refused unread."""


@dataclass(frozen=True)
class Imported:
    """One document rebuilt from a task."""

    doc: Document
    text_file: str
    """Path of the article relative to the data folder, from the task's data."""


def read_export(path: Path) -> list[dict[str, Any]]:
    """The tasks of a Label Studio JSON export (or of our own tasks file)."""
    try:
        if Path(path).stat().st_size > MAX_EXPORT_BYTES:
            raise InputError(f"more than {MAX_EXPORT_BYTES} bytes: not read; export fewer tasks at a time",
                             file=str(path))
        tasks = json.loads(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a Label Studio JSON export: {exc}", file=str(path)) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks):
        raise InputError("expected a JSON list of tasks, each with a 'data' object (Label Studio's JSON export)",
                         file=str(path))
    return tasks


def _who(annotation: dict[str, Any]) -> set[str]:
    by = annotation.get("completed_by")
    if isinstance(by, dict):
        return {str(by.get("id")), str(by.get("email"))}
    return {str(by)}


def pick_result(task: dict[str, Any], *, source: str, annotator: str | None) -> tuple[Any, str | None]:
    """The ``result`` to import from ``task``, or None and why not."""
    items = [a for a in task.get(source) or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if annotator is not None:
        items = [a for a in items if annotator in _who(a)]
    if not items:
        who = f" by {annotator!r}" if annotator else ""
        return None, f"no {source[:-1]}{who} (a skipped or unfinished task)"
    if len(items) > 1:
        people = sorted({w for a in items for w in _who(a)} - {"None"})
        return None, (f"{len(items)} {source}; choose one reviewer with --annotator (one of: {', '.join(people)}) "
                      "and import each reviewer into their own folder")
    return items[0].get("result"), None


_FIELD = re.compile(r"^(mentions|quotes|stances|segments)\[(\d+)\](.*)$")


_CONTROL = {("mentions", ".entity"): "entity", ("mentions", ".kind"): "mention_kind",
            ("quotes", ".speaker"): "speaker", ("quotes", ".type"): "quote_type",
            ("stances", ".target"): "stance_target", ("stances", ".label"): "stance_label",
            ("segments", ".kind"): "segment_kind"}
"""The Label Studio control behind each field check-data checks."""


def _name_region(p: Problem, rebuilt: Rebuilt, where: str, file: str) -> Problem | None:
    """A check-data problem of the rebuilt document, named by its region (None if
    reading the annotation already reported that field as missing)."""
    m = _FIELD.match(p.field)
    if not m:
        return Problem(file, f"{where} ({p.field or 'document'})", p.message)
    record = getattr(rebuilt.doc, m.group(1))[int(m.group(2))]
    region = rebuilt.region_of.get((m.group(1), record.id), record.id)
    control = _CONTROL.get((m.group(1), m.group(3)))
    if control and any(q.field == f"{where}, region {region!r}, {control}" for q in rebuilt.problems):
        return None
    return Problem(file, f"{where}, region {region!r} ({p.field})", p.message)


def import_task(task: dict[str, Any], k: int, *, targets, file: str, source: str = "annotations",
                annotator: str | None = None) -> tuple[Imported | None, list[Problem]]:
    """Rebuild and check the document of one task (``k`` is its index in the export)."""
    data = task["data"]
    where = f"task {k} ({data.get('doc_id', '?')})"
    missing = [key for key in ("text", "doc_id", "text_file") if not isinstance(data.get(key), str)]
    if missing:
        return None, [Problem(file, f"{where}, data", f"missing {', '.join(missing)}: not a task exported by "
                                                      "`python -m benchmark annotate export`")]
    result, why = pick_result(task, source=source, annotator=annotator)
    if why is not None:
        return None, [Problem(file, where, why)]
    read = read_result(result, text=data["text"], where=where, file=file)
    rebuilt = rebuild_document(read, data, where=where, file=file)
    checked = check_document(rebuilt.doc, targets=targets, file=file, references=True)
    named = (_name_region(p, rebuilt, where, file) for p in checked)
    problems = rebuilt.problems + [p for p in named if p is not None]
    return Imported(rebuilt.doc, data["text_file"]), problems


def import_export(path: Path | str, *, data_dir: Path, source: str = "annotations",
                  annotator: str | None = None) -> tuple[list[Imported], list[Problem]]:
    """Every document of a Label Studio export, with every problem found."""
    if source not in SOURCES:
        raise InputError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    tasks = read_export(Path(path))
    targets = load_targets(data_dir)
    docs: list[Imported] = []
    problems: list[Problem] = []
    for k, task in enumerate(tasks):
        imported, found = import_task(task, k, targets=targets, file=str(path), source=source, annotator=annotator)
        problems += found
        if imported is not None:
            problems += _check_article(imported, data_dir, file=str(path), k=k)
            docs.append(imported)
    seen: dict[str, int] = {}
    for k, d in enumerate(docs):
        if d.doc.doc_id in seen:
            problems.append(Problem(str(path), f"task {k} ({d.doc.doc_id})", f"the same document as task {seen[d.doc.doc_id]}"))
        seen.setdefault(d.doc.doc_id, k)
    return docs, problems


def _check_article(imported: Imported, data_dir: Path, *, file: str, k: int) -> list[Problem]:
    """The task's text must be the article stored in the data folder, byte for byte."""
    path = Path(data_dir) / imported.text_file
    where = f"task {k} ({imported.doc.doc_id}), data.text"
    if not path.is_file():
        return [Problem(file, where, f"the article {path} is not in the data folder (add it with "
                                     "`python -m benchmark add-article`)")]
    if path.read_bytes() != imported.doc.text.encode("utf-8"):
        return [Problem(file, where, f"the task's text differs from {path}: offsets would not fit the article")]
    return []


def write_documents(docs: list[Imported], out: Path) -> list[Path]:
    """Write each document as ``out/<doc_id>.json`` (atomically, one file at a time)."""
    written = []
    for d in docs:
        obj = document_to_json(d.doc, text_file=d.text_file)
        written.append(write_text_atomic(Path(out) / f"{d.doc.doc_id}.json",
                                         json.dumps(obj, ensure_ascii=False, indent=1)))
    return written
