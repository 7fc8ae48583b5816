"""Write predictions in submission format v1: offsets only, deterministic bytes, atomically.

A file written here reads back (:func:`benchmark.submission.reader.read_submission`)
as predictions equal to the ones written; see "Files the harness writes" in
docs/SUBMISSION.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from benchmark.common.atomic import write_bytes_atomic
from benchmark.common.ids import duplicates
from benchmark.errors import InputError
from benchmark.gold.schema import Span
from benchmark.submission.predictions import DocPrediction


def _pair(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def submission_to_json(pred: DocPrediction) -> dict[str, Any]:
    """The JSON object for ``pred``: offsets only, plus its ``alignments``.

    Reading the object back gives an equal :class:`DocPrediction`.  An
    unaligned quote is written with ``"content": []``, an unaligned cue with
    ``"cue": []`` and an unaligned mention with ``"start": null, "end": null``
    (an unaligned source is ``null``: it is not scored, and its alignment
    record keeps the string).
    """
    out: dict[str, Any] = {"doc_id": pred.doc_id}
    if pred.speakers is not None:
        out["speakers"] = [
            {"start": m.span.start if m.span else None, "end": m.span.end if m.span else None,
             **({"entity": m.entity} if m.entity is not None else {})}
            for m in pred.speakers]
    if pred.quotes is not None:
        out["quotes"] = [
            {"content": [_pair(c) for c in q.content],
             "cue": [] if q.cue is None and q.cue_unaligned else _pair(q.cue), "source": _pair(q.source),
             "speaker": q.speaker_raw if q.speaker_raw is not None else q.speaker, "type": q.type,
             "stances": [{"target": s.target, "label": s.label} for s in q.stances]}
            for q in pred.quotes]
    if pred.attribution is not None:
        out["attribution"] = [
            {"quote_id": a.quote_id, "speaker": a.speaker_raw if a.speaker_raw is not None else a.speaker}
            for a in pred.attribution]
    if pred.stance is not None:
        out["stance"] = [{"quote_id": s.quote_id, "target": s.target, "label": s.label} for s in pred.stance]
    if pred.translations is not None:
        out["translations"] = [
            {"segment_id": t.segment_id, "text": t.text} if t.quote_id is None else {"quote_id": t.quote_id, "text": t.text}
            for t in pred.translations]
    if pred.alignments:
        out["alignments"] = [
            {"field": a.field, "query": a.query, "method": a.method, "score": a.score, "span": _pair(a.span)}
            for a in pred.alignments]
    return out


def submission_line(pred: DocPrediction) -> str:
    """One deterministic JSON line (sorted keys, UTF-8 text, no newline)."""
    return json.dumps(submission_to_json(pred), ensure_ascii=False, sort_keys=True)


def write_submission(preds: Iterable[DocPrediction], path: Path | str) -> Path:
    """Write ``preds`` sorted by doc id, atomically (temp file + ``os.replace``)."""
    path = Path(path)
    preds = list(preds)
    for _, doc_id, _ in duplicates(p.doc_id for p in preds):
        raise InputError(f"duplicate doc_id {doc_id!r}: expected one prediction per document", file=str(path))
    by_id = {p.doc_id: p for p in preds}
    data = "".join(submission_line(by_id[k]) + "\n" for k in sorted(by_id)).encode("utf-8")
    return write_bytes_atomic(path, data)
