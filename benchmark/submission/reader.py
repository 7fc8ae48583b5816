"""Read and validate prediction files (JSON Lines, format version 1).

One JSON object per line, one line per document; the format is described by
``benchmark/submission/submission.schema.json`` and ``docs/SUBMISSION.md``.  Reading
validates everything and raises :class:`~benchmark.errors.InputError` naming
the file, the 1-based line and the field (``quotes[2].content[0]``) with what
was found and what was expected; :func:`iter_lines` reports *every* problem
of every line instead (``python -m benchmark validate``).  A line's nesting
depth is bounded before it is parsed and its size
(:mod:`benchmark.submission.limits`) before it is checked or aligned, so no
file costs more than the limits allow.  Text-only fields are aligned to offsets
with :func:`benchmark.submission.align.align_text`; a string that cannot be aligned is
kept as a spurious prediction and recorded as an ``unaligned``
:class:`~benchmark.submission.predictions.Alignment`, never dropped.

Examples
--------
>>> from benchmark.gold.schema import Corpus, Document, Entity, Segment, Span, Target
>>> text = "قال لافروف إن المحادثات كانت مفيدة."
>>> doc = Document("d1", text, "", (), (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov"),),
...                (), (), (), (Segment("s01", Span(0, 36, text), "body", 0),))
>>> corpus = Corpus((doc,), (Target("riyadh_talks", "", ""),), "")
>>> line = '{"doc_id": "d1", "quotes": [{"content_text": "المحادثات كانت مفيدة", "speaker": "Lavrov"}]}'
>>> pred = parse_submission_lines([line], corpus=corpus)["d1"]
>>> q = pred.quotes[0]
>>> q.content, q.speaker, q.speaker_raw, pred.alignments[0].method
((Span(start=14, end=34, text='المحادثات كانت مفيدة'),), 'lavrov', 'Lavrov', 'exact')
>>> pred.speakers is None  # task not attempted
True
>>> parse_submission_lines(['{"doc_id": "d11"}'], corpus=corpus, file="p.jsonl")
Traceback (most recent call last):
...
benchmark.errors.InputError: p.jsonl:1: doc_id: Unknown doc_id 'd11'. Did you mean 'd1'? Available: d1
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from benchmark.common.ids import FirstSeen
from benchmark.common.registry import unknown_name_message
from benchmark.errors import InputError
from benchmark.gold.schema import Corpus
from benchmark.submission.align import FUZZY_THRESHOLD
from benchmark.submission.doc_reader import DocReader, unknown_id_message
from benchmark.submission.limits import DEFAULT_LIMITS, SubmissionLimits, check_file_size, check_line_limits
from benchmark.submission.predictions import DocPrediction
from benchmark.submission.schema import decode_line, schema_problems
from benchmark.submission.speakers import resolve_speaker
from benchmark.submission.writer import submission_line, submission_to_json, write_submission

__all__ = ["TASKS", "LineResult", "iter_lines", "parse_submission_lines", "read_lines", "read_submission",
           "resolve_speaker", "submission_line", "submission_to_json", "unknown_id_message", "write_submission"]

TASKS = ("speakers", "quotes", "attribution", "stance", "translations")
"""The optional top-level keys, one per task."""


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate in a line of text (``json.dumps(..., ensure_ascii=False)`` keeps it as one)."""


@dataclass(frozen=True)
class LineResult:
    """What one line (or, with ``line=None``, the whole file) gave."""

    line: int | None
    prediction: DocPrediction | None
    """``None`` when the line has a problem."""
    offsets: int
    """Spans the line gives as offsets (for the validation report)."""
    problems: tuple[InputError, ...] = ()


def _line_problems(raw: str, *, file: str, number: int, limits: SubmissionLimits, schema: bool = True):
    """``(decoded object or None, problems)`` of the checks that need no gold.

    ``schema=False`` marks lines this package wrote itself (a built-in
    system's output, a run's own predictions): the guards against hostile
    input (nesting, number sizes, size limits, the JSON Schema) are skipped,
    which on a large corpus is most of the reading time; a lone surrogate is
    still refused (a model's text could hold one), by the full checks.
    """
    if not schema and not _SURROGATE.search(raw):
        return json.loads(raw), []
    try:
        obj = decode_line(raw, file=file, line=number)
    except InputError as exc:
        return None, [exc]
    checks = [lambda: check_line_limits(obj, limits=limits)] + ([lambda: schema_problems(obj)] if schema else [])
    for check in checks:
        # limits first: the schema check and the alignment cost time in proportion to the line
        found = [InputError(message, file=file, line=number, field=field or None) for field, message in check()]
        if found:
            return None, found
    return obj, []


def iter_lines(lines: Iterable[str | InputError], *, corpus: Corpus, file: str, fuzzy_threshold: float = FUZZY_THRESHOLD,
               limits: SubmissionLimits = DEFAULT_LIMITS, schema: bool = True) -> Iterator[LineResult]:
    """One :class:`LineResult` per non-blank line with every problem found on it.

    An empty file gives one result with ``line=None`` and its problem.  With
    ``schema=False`` the JSON Schema is not checked: for dicts this package
    built itself (a built-in system's output, a run's own predictions), which
    the typed reading below still checks field by field; every external file
    is checked against the schema.
    """
    docs = {d.doc_id: d for d in corpus.documents}
    first_line: FirstSeen[str] = FirstSeen()
    seen = False
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, InputError):  # not UTF-8 (read_lines)
            seen = True
            yield LineResult(number, None, 0, (raw,))
            continue
        raw = raw.lstrip("\ufeff") if number == 1 else raw
        if not raw.strip():
            continue  # blank lines (a trailing newline) carry nothing
        seen = True
        obj, problems = _line_problems(raw, file=file, number=number, limits=limits, schema=schema)
        if obj is None:
            yield LineResult(number, None, 0, tuple(problems))
            continue
        doc_id = obj["doc_id"]
        if doc_id not in docs:
            problem = unknown_name_message("doc_id", doc_id, docs)
            yield LineResult(number, None, 0, (InputError(problem, file=file, line=number, field="doc_id"),))
            continue
        first = first_line.add(doc_id, where=number)
        if first is not None:
            problem = f"duplicate doc_id {doc_id!r}: already on line {first}; expected one line per document"
            yield LineResult(number, None, 0, (InputError(problem, file=file, line=number, field="doc_id"),))
            continue
        reader = DocReader(obj, doc=docs[doc_id], corpus=corpus, file=file, line=number,
                           fuzzy_threshold=fuzzy_threshold)
        pred = reader.read()
        yield LineResult(number, pred, reader.offsets, tuple(reader.problems))
    if not seen:
        yield LineResult(None, None, 0, (InputError("empty file: expected one JSON object per line, got no lines",
                                                    file=file),))


def parse_submission_lines(lines: Iterable[str | InputError], *, corpus: Corpus, file: str = "<memory>",
                           fuzzy_threshold: float = FUZZY_THRESHOLD,
                           limits: SubmissionLimits = DEFAULT_LIMITS, schema: bool = True) -> dict[str, DocPrediction]:
    """Parse JSON Lines (one string per line) into predictions keyed by doc id.

    Pure: no file access.  Raises :class:`InputError` on the first problem.
    ``schema`` as in :func:`iter_lines`.
    """
    out = {}
    for result in iter_lines(lines, corpus=corpus, file=file, fuzzy_threshold=fuzzy_threshold, limits=limits,
                             schema=schema):
        if result.problems:
            raise result.problems[0]
        out[result.prediction.doc_id] = result.prediction
    return out


def read_lines(path: Path | str, *, limits: SubmissionLimits = DEFAULT_LIMITS) -> list[str | InputError]:
    """The lines of a predictions file, decoded; its size is checked before it is read.

    A line that is not UTF-8 is its :class:`InputError` (:func:`iter_lines` reports it).
    """
    path = Path(path)
    try:
        too_big = check_file_size(path.stat().st_size, limits=limits)
        if too_big:
            raise InputError(too_big, file=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    lines: list[str | InputError] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            lines.append(InputError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}; expected "
                                    "UTF-8 text", file=str(path), line=number))
    return lines


def read_submission(path: Path | str, *, corpus: Corpus, fuzzy_threshold: float = FUZZY_THRESHOLD,
                    limits: SubmissionLimits = DEFAULT_LIMITS) -> dict[str, DocPrediction]:
    """Read and validate a predictions file (see :func:`parse_submission_lines`)."""
    return parse_submission_lines(read_lines(path, limits=limits), corpus=corpus, file=str(path),
                                  fuzzy_threshold=fuzzy_threshold, limits=limits)
