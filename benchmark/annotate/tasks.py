"""Gold documents as Label Studio tasks with pre-annotations.

A task's ``data`` holds the article and what the import needs to rebuild the
document (id, text file, checksum, metadata); its ``predictions`` hold one
pre-annotation whose ``result`` lists the regions, per-region values and
relations of :mod:`benchmark.annotate.config`. Region ids are the records'
ids, so a record keeps its id through a review.

Label Studio counts offsets in UTF-16 code units (JavaScript strings); the
gold counts code points. :class:`Utf16` converts, so a character outside the
Basic Multilingual Plane does not shift every span after it.

Examples
--------
>>> u = Utf16("a😀b")
>>> u.to_studio(2), u.from_studio(3)
(3, 2)
>>> entity_line(Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov", ("Lavrov",), ("لافروف",)))
'lavrov | PER | سيرغي لافروف | Sergei Lavrov | Lavrov | لافروف'
"""

from __future__ import annotations

import bisect
from typing import Any

from benchmark.annotate.config import NO_EVIDENCE, SPAN, TEXT
from benchmark.errors import InputError
from benchmark.gold.loading import SCHEMA_VERSION
from benchmark.gold.schema import Document, Entity, Span

FIELD_SEP, LIST_SEP = " | ", " ; "


class Utf16:
    """Code-point offsets ↔ UTF-16 offsets of one text."""

    def __init__(self, text: str) -> None:
        self.units = [0]
        for ch in text:
            self.units.append(self.units[-1] + (2 if ord(ch) > 0xFFFF else 1))
        self.plain = self.units[-1] == len(text)

    def to_studio(self, i: int) -> int:
        return i if self.plain else self.units[i]

    def from_studio(self, j: int) -> int | None:
        """The code-point offset of UTF-16 offset ``j``; None inside a surrogate pair or out of range."""
        if self.plain:
            return j if 0 <= j < len(self.units) else None
        i = bisect.bisect_left(self.units, j)
        return i if i < len(self.units) and self.units[i] == j else None


def entity_line(e: Entity) -> str:
    """One entity as a line of the ``entities`` text area."""
    fields = [e.id, e.type, e.name_ar, e.name_en, LIST_SEP.join(e.variants_en), LIST_SEP.join(e.variants_ar)]
    for value in [e.id, e.type, e.name_ar, e.name_en, *e.variants_en, *e.variants_ar]:
        if "|" in value or ";" in value or "\n" in value or value != value.strip():
            raise InputError(f"entity {e.id!r}: the name {value!r} contains '|', ';', a line break or edge "
                             "spaces, which the Label Studio entity line cannot carry", field="entities")
    return FIELD_SEP.join(fields).rstrip(" |")


class _Result:
    """Builds one pre-annotation's ``result`` list."""

    def __init__(self, doc: Document) -> None:
        self.doc, self.utf16, self.items = doc, Utf16(doc.text), []  # type: ignore[var-annotated]

    def _value(self, span: Span) -> dict[str, int]:
        return {"start": self.utf16.to_studio(span.start), "end": self.utf16.to_studio(span.end)}

    def region(self, rid: str, label: str, span: Span) -> None:
        self.items.append({"id": rid, "from_name": SPAN, "to_name": TEXT, "type": "labels",
                           "value": {**self._value(span), "text": span.text, "labels": [label]}})

    def choice(self, rid: str, name: str, span: Span | None, value: str) -> None:
        if not value:
            return  # not predicted: the reviewer chooses
        v = self._value(span) if span is not None else {}
        self.items.append({"id": rid, "from_name": name, "to_name": TEXT, "type": "choices",
                           "value": {**v, "choices": [value]}})

    def text_area(self, rid: str, name: str, span: Span | None, lines: list[str]) -> None:
        if not lines or lines == [""]:
            return  # an empty text area has no result in Label Studio either
        v = self._value(span) if span is not None else {}
        self.items.append({"id": rid, "from_name": name, "to_name": TEXT, "type": "textarea",
                           "value": {**v, "text": lines}})

    def relation(self, from_id: str, to_id: str, label: str) -> None:
        self.items.append({"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right",
                           "labels": [label]})


def _mentions(r: _Result) -> dict[tuple[int, int], str]:
    by_span: dict[tuple[int, int], str] = {}
    for m in r.doc.mentions:
        r.region(m.id, "Mention", m.span)
        r.text_area(m.id, "entity", m.span, [m.entity])
        r.choice(m.id, "mention_kind", m.span, m.kind)
        by_span.setdefault((m.span.start, m.span.end), m.id)
    return by_span


def _quotes(r: _Result, mention_at: dict[tuple[int, int], str]) -> None:
    for q in r.doc.quotes:
        head = q.content[0]
        r.region(q.id, "Content", head)
        r.text_area(q.id, "speaker", head, [q.speaker])
        r.choice(q.id, "quote_type", head, q.type)
        r.text_area(q.id, "quote_translation", head, [q.translation_en])
        for j, part in enumerate(q.content[1:], start=2):
            r.region(f"{q.id}_c{j}", "Content", part)
            r.relation(f"{q.id}_c{j}", q.id, "part")
        if q.cue is not None:
            r.region(f"{q.id}_cue", "Cue", q.cue)
            r.relation(f"{q.id}_cue", q.id, "cue")
        if q.source is not None:
            source = mention_at.get((q.source.start, q.source.end))
            if source is None:
                raise InputError(f"quote {q.id!r}: the source {q.source.text!r} is not a mention; "
                                 "run check-data", field="quotes")
            r.relation(source, q.id, "source")
        if q.nested_in is not None:
            r.relation(q.id, q.nested_in, "nested_in")


def _stances(r: _Result) -> None:
    heads = {q.id: q.content[0] for q in r.doc.quotes}
    for s in r.doc.stances:
        span = s.evidence if s.evidence is not None else heads[s.quote]
        r.region(s.id, "Stance", span)
        r.choice(s.id, "stance_target", span, s.target)
        r.choice(s.id, "stance_label", span, s.label)
        if s.evidence is None:
            r.choice(s.id, "no_evidence", span, NO_EVIDENCE)
        r.relation(s.id, s.quote, "stance")


def annotation_result(doc: Document) -> list[dict[str, Any]]:
    """The Label Studio ``result`` list that represents every layer of ``doc``."""
    r = _Result(doc)
    r.choice("status", "status", None, doc.status)
    r.text_area("entities", "entities", None, [entity_line(e) for e in doc.entities])
    for seg in doc.segments:
        r.region(seg.id, "Segment", seg.span)
        r.choice(seg.id, "segment_kind", seg.span, seg.kind)
        r.text_area(seg.id, "segment_translation", seg.span, [seg.translation_en])
    _quotes(r, _mentions(r))
    _stances(r)
    return r.items


def document_task(doc: Document, *, text_file: str, model_version: str) -> dict[str, Any]:
    """A Label Studio task for ``doc`` with its layers as the pre-annotation.

    ``model_version`` says where the pre-annotation comes from (``gold <sha>``,
    or the system and run folder of a run's predictions).
    """
    data = {"text": doc.text, "doc_id": doc.doc_id, "text_file": text_file, "text_sha256": doc.text_sha256,
            "schema_version": SCHEMA_VERSION, "metadata": dict(doc.metadata)}
    return {"data": data, "predictions": [{"model_version": model_version, "result": annotation_result(doc)}]}
