"""Read one Label Studio annotation's ``result`` list into regions and links.

:func:`read_result` sorts the items of a ``result`` (the layout of
:mod:`benchmark.annotate.config`) into span regions with their per-region
values, relations and document-level values, and reports each malformed item
by its region id and field. :mod:`benchmark.annotate.rebuild` turns them into
a gold document.

Examples
--------
>>> items = [{"id": "m001", "from_name": "label", "to_name": "text", "type": "labels",
...           "value": {"start": 0, "end": 6, "text": "لافروف", "labels": ["Mention"]}},
...          {"id": "m001", "from_name": "entity", "to_name": "text", "type": "textarea",
...           "value": {"start": 0, "end": 6, "text": ["lavrov"]}}]
>>> r = read_result(items, text="لافروف قال", where="task 0")
>>> r.regions["m001"].label, r.regions["m001"].span.text, r.values["m001"]["entity"], r.problems
('Mention', 'لافروف', 'lavrov', [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmark.annotate.config import LABELS, RELATIONS, SPAN
from benchmark.annotate.tasks import Utf16
from benchmark.gold.problems import Problem
from benchmark.gold.schema import Span

DOCUMENT_LEVEL = ("status", "entities")


@dataclass(frozen=True)
class Region:
    """One labelled span."""

    id: str
    label: str
    span: Span


@dataclass(frozen=True)
class Link:
    """One relation: ``source`` region → ``target`` region, with its label."""

    source: str
    target: str
    label: str


@dataclass
class ReadResult:
    """What one annotation holds, plus the problems found reading it."""

    regions: dict[str, Region] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per-region values by region id, then control name (text areas joined by newlines)."""
    links: list[Link] = field(default_factory=list)
    document: dict[str, str] = field(default_factory=dict)
    """Document-level values: ``status`` and ``entities``."""
    problems: list[Problem] = field(default_factory=list)


def _value_of(item: dict[str, Any]) -> str | None:
    value = item.get("value") or {}
    if item.get("type") == "choices":
        choices = value.get("choices")
        return choices[0] if isinstance(choices, list) and len(choices) == 1 and isinstance(choices[0], str) else None
    lines = value.get("text")
    if isinstance(lines, str):
        return lines
    if isinstance(lines, list) and all(isinstance(x, str) for x in lines):
        return "\n".join(lines)
    return None


class _Reader:
    def __init__(self, text: str, where: str, file: str) -> None:
        self.text, self.utf16, self.where, self.file = text, Utf16(text), where, file
        self.out = ReadResult()

    def fail(self, rid: object, name: str, message: str) -> None:
        self.out.problems.append(Problem(self.file, f"{self.where}, region {rid!r}, {name}", message))

    def region(self, item: dict[str, Any]) -> None:
        rid, value = item.get("id"), item.get("value") or {}
        labels = value.get("labels")
        if not isinstance(labels, list) or len(labels) != 1 or labels[0] not in LABELS:
            return self.fail(rid, "labels", f"expected one of {', '.join(LABELS)}, got {labels!r}")
        a, b = value.get("start"), value.get("end")
        start = self.utf16.from_studio(a) if isinstance(a, int) and not isinstance(a, bool) else None
        end = self.utf16.from_studio(b) if isinstance(b, int) and not isinstance(b, bool) else None
        if start is None or end is None or not start < end:
            return self.fail(rid, "start/end", f"offsets [{a!r}, {b!r}) are not a span of a text of "
                                               f"length {len(self.text)}")
        surface = self.text[start:end]
        if isinstance(value.get("text"), str) and value["text"] != surface:
            self.fail(rid, "text", f"the region says {value['text']!r} but the article has {surface!r} "
                                   f"at [{start}, {end})")
        if rid in self.out.regions:
            return self.fail(rid, "id", "two regions with this id")
        self.out.regions[rid] = Region(rid, labels[0], Span(start, end, surface))

    def item(self, item: Any) -> None:
        if not isinstance(item, dict):
            return self.fail(None, "result", f"expected an object, got {type(item).__name__}")
        kind, name, rid = item.get("type"), item.get("from_name"), item.get("id")
        if kind == "relation":
            labels = item.get("labels") or []
            if len(labels) != 1 or labels[0] not in RELATIONS:
                return self.fail(f"{item.get('from_id')}→{item.get('to_id')}", "relation",
                                 f"expected one label of {', '.join(RELATIONS)}, got {labels!r}")
            self.out.links.append(Link(str(item.get("from_id")), str(item.get("to_id")), labels[0]))
        elif kind == "labels" and name == SPAN:
            self.region(item)
        elif kind in ("choices", "textarea"):
            value = _value_of(item)
            if value is None:
                return self.fail(rid, str(name), f"expected one {kind[:-1] if kind == 'choices' else 'text'} value, "
                                                 f"got {item.get('value')!r}")
            if name in DOCUMENT_LEVEL:
                self.out.document[name] = value
            else:
                self.out.values.setdefault(str(rid), {})[str(name)] = value
        else:
            self.fail(rid, str(name), f"unexpected result item of type {kind!r}")


def read_result(result: Any, *, text: str, where: str, file: str = "<export>") -> ReadResult:
    """Sort an annotation's ``result`` into regions, values and links."""
    reader = _Reader(text, where, file)
    if not isinstance(result, list):
        reader.fail(None, "result", f"expected a list, got {type(result).__name__}")
        return reader.out
    for item in result:
        reader.item(item)
    for rid in reader.out.values:
        if rid not in reader.out.regions:
            reader.fail(rid, ", ".join(sorted(reader.out.values[rid])), "a value for a region that is not there")
    return reader.out
