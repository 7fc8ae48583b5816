"""Read, validate and write prediction files (JSON Lines, format version 1).

One JSON object per line, one line per document; the format is described by
``benchmark/submission/submission.schema.json`` and ``docs/SUBMISSION.md``.  Reading
validates everything and raises :class:`~benchmark.errors.InputError` naming
the file, the 1-based line and the field (``quotes[2].content[0]``) with what
was found and what was expected.  Text-only fields are aligned to offsets
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
from pathlib import Path
from typing import Any, Iterable, Iterator

from benchmark.common.atomic import write_bytes_atomic
from benchmark.common.ids import FirstSeen, duplicates
from benchmark.submission.align import FUZZY_THRESHOLD, align_text, resolve_speaker, strip_query
from benchmark.errors import InputError
from benchmark.submission.predictions import (
    Alignment,
    DocPrediction,
    PredAttribution,
    PredMention,
    PredQuote,
    PredStance,
    PredStanceLabel,
    PredTranslation,
)
from benchmark.common.registry import unknown_name_message
from benchmark.gold.schema import Corpus, Document, Span
from benchmark.submission.schema import check_line

TASKS = ("speakers", "quotes", "attribution", "stance", "translations")
"""The optional top-level keys, one per task."""

_NUMBERED = re.compile(r"(\D*)(\d+)")


def unknown_id_message(kind: str, value: str, choices: Iterable[str]) -> str:
    """:func:`~benchmark.common.registry.unknown_name_message`, trying zero padding first.

    difflib alone suggests ``q31`` for ``q1`` among ``q01 … q33`` (both
    score 0.8 and the later name wins the tie), so an id whose number
    matches a gold id's number, ignoring leading zeros and the prefix's
    case, is suggested first.

    >>> ids = [f"q{i:02d}" for i in range(1, 34)]
    >>> unknown_id_message("quote id", "q1", ids)[:42]
    "Unknown quote id 'q1'. Did you mean 'q01'?"
    >>> unknown_id_message("segment id", "S001", ["s01", "s02"])
    "Unknown segment id 'S001'. Did you mean 's01'? Available: s01, s02"
    """
    names = sorted(choices)
    m = _NUMBERED.fullmatch(value)
    if m:
        prefix, number = m.group(1).casefold(), int(m.group(2))
        for name in names:
            n = _NUMBERED.fullmatch(name)
            if n and n.group(1).casefold() == prefix and int(n.group(2)) == number:
                return f"Unknown {kind} {value!r}. Did you mean {name!r}? Available: {', '.join(names)}"
    return unknown_name_message(kind, value, names)


class _DocReader:
    """Turns one schema-valid object into a :class:`DocPrediction`."""

    def __init__(self, obj: dict[str, Any], *, doc: Document, corpus: Corpus, file: str, line: int,
                 fuzzy_threshold: float) -> None:
        self.obj, self.doc, self.file, self.line = obj, doc, file, line
        self.targets = [t.id for t in corpus.targets]
        self.threshold = fuzzy_threshold
        self.alignments: list[Alignment] = []
        self.taken: dict[tuple[str, str], set[tuple[int, int]]] = {}
        self.offsets = 0
        """Spans the file gives as offsets (for the validation report)."""

    def fail(self, field: str, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line, field=field)

    def span(self, pair: list[int], field: str, *, given: bool = True) -> Span:
        start, end = pair
        self.offsets += int(given)
        n = len(self.doc.text)
        if end > n:
            raise self.fail(field, f"offset {end} is past the end of the text: expected "
                            f"0 <= start < end <= {n} (len of document {self.doc.doc_id!r}), got [{start}, {end}]")
        if start >= end:
            raise self.fail(field, f"reversed or empty span: expected start < end, got [{start}, {end}]")
        return Span(start, end, self.doc.text[start:end])

    def align(self, query: str, field: str, *, hint: int | None, kind: str | None = None) -> Span | None:
        """Align ``query``; ``kind`` makes repeats of one string take successive occurrences."""
        taken = self.taken.setdefault((kind, strip_query(query)), set()) if kind else set()
        a = align_text(query, self.doc.text, fuzzy_threshold=self.threshold, hint=hint, skip=taken, field=field)
        self.alignments.append(a)
        if a.span is not None:
            taken.add((a.span.start, a.span.end))
        return a.span

    def speaker(self, raw: str | None, source: Span | None) -> tuple[str | None, str | None]:
        """``(resolved id, raw)``; ``raw`` is ``None`` when it *is* the gold id."""
        resolved = resolve_speaker(raw, doc=self.doc, source=source)
        return resolved, (None if raw == resolved else raw)

    def target(self, target: str, field: str) -> str:
        if target not in self.targets:
            raise self.fail(field, unknown_name_message("target", target, self.targets))
        return target

    def unique(self, items: list[dict[str, Any]], keys: tuple[str, ...], task: str) -> None:
        for i, k, first in duplicates(tuple(item[key] for key in keys) for item in items):
            shown = ", ".join(f"{key}={v!r}" for key, v in zip(keys, k, strict=True))
            raise self.fail(f"{task}[{i}]", f"duplicate {shown}: already given in {task}[{first}]; "
                            "expected at most one item per " + "/".join(keys))

    def gold_id(self, value: str, choices: list[str], kind: str, field: str) -> str:
        if value not in choices:
            raise self.fail(field, unknown_id_message(kind, value, choices))
        return value

    def read(self) -> DocPrediction:
        o = self.obj
        carried = tuple(self.carried(a, f"alignments[{i}]") for i, a in enumerate(o.get("alignments", [])))
        readers = {
            "speakers": lambda items: tuple(self.mention(m, f"speakers[{i}]") for i, m in enumerate(items)),
            "quotes": lambda items: tuple(self.quote(q, f"quotes[{i}]") for i, q in enumerate(items)),
            "attribution": self.attribution, "stance": self.stance, "translations": self.translations}
        layers = {task: read(o[task]) for task, read in readers.items() if task in o}  # in TASKS order
        return DocPrediction(doc_id=o["doc_id"], **layers, alignments=carried + tuple(self.alignments))

    def carried(self, a: dict[str, Any], field: str) -> Alignment:
        span = None if a["span"] is None else self.span(a["span"], f"{field}.span", given=False)
        return Alignment(field=a["field"], query=a["query"], method=a["method"], score=float(a["score"]), span=span)

    def mention(self, m: dict[str, Any], field: str) -> PredMention:
        if "text" in m:
            span = self.align(m["text"], f"{field}.text", hint=None, kind="speakers")
        elif (m["start"] is None) != (m["end"] is None):
            raise self.fail(field, f"expected start and end both offsets or both null (an unaligned "
                            f"mention), got start={json.dumps(m['start'])}, end={json.dumps(m['end'])}")
        else:
            span = None if m["start"] is None else self.span([m["start"], m["end"]], field)
        return PredMention(span=span, entity=m.get("entity"))

    def quote(self, q: dict[str, Any], field: str) -> PredQuote:
        # "cue": [] is how a written file marks a cue that could not be aligned
        cue_unaligned = q.get("cue") == []
        cue = self.span(q["cue"], f"{field}.cue") if q.get("cue") not in (None, []) else None
        source = self.span(q["source"], f"{field}.source") if q.get("source") is not None else None
        if "content" in q:
            content = tuple(self.span(p, f"{field}.content[{j}]") for j, p in enumerate(q["content"]))
            for j in range(1, len(content)):
                if content[j].start < content[j - 1].end:
                    raise self.fail(f"{field}.content[{j}]", "content spans must be in text order and must not "
                                    f"overlap: got [{content[j].start}, {content[j].end}] after "
                                    f"[{content[j - 1].start}, {content[j - 1].end}]")
        else:
            content = self.content_text(q["content_text"], f"{field}.content_text", cue or source)
        near = content[0].start if content else None
        if q.get("cue_text") is not None:
            cue = self.align(q["cue_text"], f"{field}.cue_text", hint=near)
            cue_unaligned = cue is None  # a spurious cue, not "no cue"
        if q.get("source_text") is not None:
            # unaligned: recorded, and the speaker is then resolved without a source span
            source = self.align(q["source_text"], f"{field}.source_text", hint=near)
        stances = q.get("stances", [])
        self.unique(stances, ("target",), f"{field}.stances")
        speaker, raw = self.speaker(q.get("speaker"), source)
        return PredQuote(
            content=content, cue=cue, source=source, speaker=speaker, speaker_raw=raw, type=q.get("type"),
            stances=tuple(PredStanceLabel(self.target(s["target"], f"{field}.stances[{j}].target"), s["label"])
                          for j, s in enumerate(stances)),
            cue_unaligned=cue_unaligned)

    def content_text(self, value: str | list[str], field: str, near: Span | None) -> tuple[Span, ...]:
        """Align each part; unaligned parts are dropped (and recorded), overlaps merged."""
        parts = [value] if isinstance(value, str) else value
        hint = near.start if near is not None else None
        found = []
        for j, part in enumerate(parts):
            span = self.align(part, field if isinstance(value, str) else f"{field}[{j}]", hint=hint, kind="content")
            if span is not None:
                found.append(span)
                hint = span.end
        merged: list[Span] = []
        for s in sorted(found):
            if merged and s.start < merged[-1].end:
                end = max(s.end, merged[-1].end)
                merged[-1] = Span(merged[-1].start, end, self.doc.text[merged[-1].start:end])
            else:
                merged.append(s)
        return tuple(merged)

    def attribution(self, items: list[dict[str, Any]]) -> tuple[PredAttribution, ...]:
        self.unique(items, ("quote_id",), "attribution")
        ids = [q.id for q in self.doc.quotes]
        out = []
        for i, a in enumerate(items):
            self.gold_id(a["quote_id"], ids, "quote id", f"attribution[{i}].quote_id")
            speaker, raw = self.speaker(a["speaker"], None)
            out.append(PredAttribution(quote_id=a["quote_id"], speaker=speaker, speaker_raw=raw))
        return tuple(out)

    def stance(self, items: list[dict[str, Any]]) -> tuple[PredStance, ...]:
        self.unique(items, ("quote_id", "target"), "stance")
        ids = [q.id for q in self.doc.quotes]
        gold: dict[str, list[str]] = {}
        for st in self.doc.stances:
            gold.setdefault(st.quote, []).append(st.target)
        for i, s in enumerate(items):
            quote_id = self.gold_id(s["quote_id"], ids, "quote id", f"stance[{i}].quote_id")
            target = self.target(s["target"], f"stance[{i}].target")
            known = gold.get(quote_id, [])
            if target not in known:
                # the stance task labels the gold (quote, target) pairs only (oracle setting)
                has = (f"quote {quote_id!r} has the gold target{'s' * (len(known) > 1)} "
                       f"{', '.join(map(repr, known))} only" if known
                       else f"quote {quote_id!r} has no gold stance item")
                raise self.fail(f"stance[{i}]", f"({quote_id!r}, {target!r}) is not a gold (quote, target) pair: "
                                f"{has}; the stance task labels gold pairs only (the inputs' stance_items)")
        return tuple(PredStance(s["quote_id"], s["target"], s["label"]) for s in items)

    def translations(self, items: list[dict[str, Any]]) -> tuple[PredTranslation, ...]:
        # Each item translates a gold segment (segment_id) or a gold quote's
        # content (quote_id); the JSON Schema guarantees exactly one of them.
        segment_items = [t for t in items if "segment_id" in t]
        quote_items = [t for t in items if "quote_id" in t]
        self.unique(segment_items, ("segment_id",), "translations")
        self.unique(quote_items, ("quote_id",), "translations")
        seg_ids = [s.id for s in self.doc.segments]
        quote_ids = [q.id for q in self.doc.quotes]
        for i, t in enumerate(items):
            if "segment_id" in t:
                self.gold_id(t["segment_id"], seg_ids, "segment id", f"translations[{i}].segment_id")
            else:
                self.gold_id(t["quote_id"], quote_ids, "quote id", f"translations[{i}].quote_id")
        return tuple(PredTranslation(t.get("segment_id"), t["text"], quote_id=t.get("quote_id")) for t in items)


def _iter_predictions(lines: Iterable[str], *, corpus: Corpus, file: str,
                      fuzzy_threshold: float) -> Iterator[tuple[int, DocPrediction, int]]:
    """``(line number, prediction, spans given as offsets)`` per non-blank line."""
    docs = {d.doc_id: d for d in corpus.documents}
    first_line: FirstSeen[str] = FirstSeen()
    for number, raw in enumerate(lines, start=1):
        raw = raw.lstrip("\ufeff") if number == 1 else raw
        if not raw.strip():
            continue  # blank lines (a trailing newline) carry nothing
        obj = check_line(raw, file=file, line=number)
        doc_id = obj["doc_id"]
        if doc_id not in docs:
            raise InputError(unknown_name_message("doc_id", doc_id, docs), file=file, line=number, field="doc_id")
        first = first_line.add(doc_id, where=number)
        if first is not None:
            raise InputError(f"duplicate doc_id {doc_id!r}: already on line {first}; expected "
                             "one line per document", file=file, line=number, field="doc_id")
        reader = _DocReader(obj, doc=docs[doc_id], corpus=corpus, file=file, line=number,
                            fuzzy_threshold=fuzzy_threshold)
        yield number, reader.read(), reader.offsets
    if not first_line:
        raise InputError("empty file: expected one JSON object per line, got no lines", file=file)


def parse_submission_lines(lines: Iterable[str], *, corpus: Corpus, file: str = "<memory>",
                           fuzzy_threshold: float = FUZZY_THRESHOLD) -> dict[str, DocPrediction]:
    """Parse JSON Lines (one string per line) into predictions keyed by doc id.

    Pure: no file access.  Raises :class:`InputError` on the first problem.
    """
    return {p.doc_id: p for _, p, _ in _iter_predictions(lines, corpus=corpus, file=file,
                                                        fuzzy_threshold=fuzzy_threshold)}


def _read_lines(path: Path | str) -> list[str]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}; expected "
                             "UTF-8 text", file=str(path), line=number) from None
    return lines


def read_submission(path: Path | str, *, corpus: Corpus,
                    fuzzy_threshold: float = FUZZY_THRESHOLD) -> dict[str, DocPrediction]:
    """Read and validate a predictions file (see :func:`parse_submission_lines`)."""
    return parse_submission_lines(_read_lines(path), corpus=corpus, file=str(path),
                                  fuzzy_threshold=fuzzy_threshold)


# --- writing -----------------------------------------------------------------


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
