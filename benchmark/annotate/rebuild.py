"""Rebuild a gold document from the regions of one Label Studio annotation.

The inverse of :mod:`benchmark.annotate.tasks`: region ids that are record
ids (``m012``, ``q07``, ``st21``, ``s05``) stay the records' ids; a region a
reviewer drew gets the next free number. Records come out in text order.
Every problem names the region and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from benchmark.annotate.config import NO_EVIDENCE
from benchmark.annotate.regions import Link, ReadResult, Region
from benchmark.annotate.tasks import LIST_SEP
from benchmark.gold.problems import Problem
from benchmark.gold.schema import Document, Entity, Mention, Quote, Segment, Stance

PREFIX = {"Mention": ("m", 3), "Content": ("q", 2), "Stance": ("st", 2), "Segment": ("s", 2)}


@dataclass(frozen=True)
class Rebuilt:
    """A rebuilt document, which region each record came from, and the problems."""

    doc: Document | None
    region_of: dict[tuple[str, str], str]
    """(layer, record id) → region id."""
    problems: list[Problem]


class _Ids:
    """Keeps record-shaped region ids, numbers the others after the highest in use."""

    def __init__(self, regions: list[Region]) -> None:
        self.ids: dict[str, str] = {}
        used: dict[str, set[int]] = {}
        for r in regions:
            prefix, _ = PREFIX[r.label]
            m = re.fullmatch(rf"{prefix}(\d+)", r.id)
            if m and int(m.group(1)) not in used.setdefault(prefix, set()):
                used[prefix].add(int(m.group(1)))
                self.ids[r.id] = r.id
        for r in sorted(regions, key=lambda r: (r.span.start, r.span.end, r.id)):
            if r.id not in self.ids:
                prefix, width = PREFIX[r.label]
                n = max(used.setdefault(prefix, set()) | {0}) + 1
                used[prefix].add(n)
                self.ids[r.id] = f"{prefix}{n:0{width}d}"


def _number(record_id: str) -> int:
    digits = re.sub(r"\D", "", record_id)
    return int(digits) if digits else 0


def parse_entities(lines: str, *, fail) -> list[Entity]:
    """The entity inventory from the ``entities`` text area (one entity per line)."""
    out = []
    for n, line in enumerate(x for x in lines.split("\n") if x.strip()):
        fields = [f.strip() for f in line.split("|")]
        if not 4 <= len(fields) <= 6:
            fail(f"entities line {n + 1}", f"expected 4 to 6 fields separated by '|', got {len(fields)}: {line!r}")
            continue
        fields += [""] * (6 - len(fields))
        en, ar = ([v.strip() for v in f.split(LIST_SEP.strip()) if v.strip()] for f in fields[4:6])
        out.append(Entity(fields[0], fields[1], fields[2], fields[3], tuple(en), tuple(ar)))
    return out


class _Builder:
    def __init__(self, read: ReadResult, data: dict[str, Any], where: str, file: str) -> None:
        self.read, self.data, self.where, self.file = read, data, where, file
        self.problems = list(read.problems)
        regions = list(read.regions.values())
        self.by_label = {lab: [r for r in regions if r.label == lab] for lab in PREFIX | {"Cue": None}}
        self.ids = _Ids([r for r in regions if r.label in PREFIX]).ids
        self.region_of: dict[tuple[str, str], str] = {}

    def fail(self, rid: str, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"{self.where}, region {rid!r}, {name}", message))

    def value(self, r: Region, name: str, *, required: bool = True) -> str:
        v = self.read.values.get(r.id, {}).get(name, "")
        if required and not v.strip():
            self.fail(r.id, name, f"missing ({r.label} regions need it)")
        return v.strip() if name not in ("quote_translation", "segment_translation") else v

    def links(self, label: str) -> list[Link]:
        return [k for k in self.read.links if k.label == label]

    def mentions(self) -> tuple[Mention, ...]:
        out = []
        for r in self.by_label["Mention"]:
            m = Mention(self.ids[r.id], self.value(r, "entity"), r.span, self.value(r, "mention_kind"))
            self.region_of[("mentions", m.id)] = r.id
            out.append(m)
        return tuple(sorted(out, key=lambda m: (m.span.start, -m.span.end, _number(m.id))))

    def _linked(self, label: str, source_label: str, heads: dict[str, Region]) -> dict[str, list[Region]]:
        """Regions of ``source_label`` linked by ``label`` to each quote head."""
        out: dict[str, list[Region]] = {}
        for k in self.links(label):
            src, dst = self.read.regions.get(k.source), self.read.regions.get(k.target)
            if src is None or src.label != source_label or dst is None or k.target not in heads:
                self.fail(k.source, f"relation {label}", f"must link a {source_label} region to a quote's first "
                                                         f"Content region; got {k.source!r} → {k.target!r}")
                continue
            out.setdefault(k.target, []).append(src)
        return out

    def quote_heads(self) -> dict[str, Region]:
        parts = {k.source for k in self.links("part")}
        return {r.id: r for r in self.by_label["Content"] if r.id not in parts}

    def quotes(self) -> tuple[Quote, ...]:
        heads = self.quote_heads()
        parts = self._linked("part", "Content", heads)
        cues, sources = self._linked("cue", "Cue", heads), self._linked("source", "Mention", heads)
        nested = self._linked("nested_in", "Content", heads)
        outer_of = {src.id: head for head, srcs in nested.items() for src in srcs}
        linked_cues = {r.id for rs in cues.values() for r in rs}
        for r in self.by_label["Cue"]:
            if r.id not in linked_cues:
                self.fail(r.id, "relation cue", "a Cue region must be linked (cue) to its quote's first Content region")
        out = []
        for rid, head in heads.items():
            for name, found in (("cue", cues.get(rid, [])), ("source", sources.get(rid, []))):
                if len(found) > 1:
                    self.fail(rid, f"relation {name}", f"{len(found)} {name} regions linked; a quote has at most one")
            cue, src = cues.get(rid, [None])[0], sources.get(rid, [None])[0]
            content = tuple(sorted([head.span, *(p.span for p in parts.get(rid, []))], key=lambda s: s.start))
            outer = outer_of.get(rid)
            q = Quote(id=self.ids[rid], content=content, cue=cue.span if cue else None,
                      source=src.span if src else None, speaker=self.value(head, "speaker"),
                      type=self.value(head, "quote_type"), nested_in=self.ids[outer] if outer else None,
                      translation_en=self.value(head, "quote_translation", required=False))
            self.region_of[("quotes", q.id)] = rid
            out.append(q)
        return tuple(sorted(out, key=lambda q: (q.start, -q.end, _number(q.id))))

    def stances(self, quotes: tuple[Quote, ...]) -> tuple[Stance, ...]:
        heads = self.quote_heads()
        linked = self._linked("stance", "Stance", heads)
        quote_of = {r.id: head for head, rs in linked.items() for r in rs}
        by_id = {q.id: q for q in quotes}
        out = []
        for r in self.by_label["Stance"]:
            if r.id not in quote_of:
                self.fail(r.id, "relation stance", "a Stance region must be linked (stance) to its quote")
                continue
            q = by_id[self.ids[quote_of[r.id]]]
            no_evidence = self.value(r, "no_evidence", required=False) == NO_EVIDENCE
            s = Stance(self.ids[r.id], q.id, q.speaker, self.value(r, "stance_target"), self.value(r, "stance_label"),
                       None if no_evidence else r.span)
            self.region_of[("stances", s.id)] = r.id
            out.append(s)
        order = {q.id: i for i, q in enumerate(quotes)}
        return tuple(sorted(out, key=lambda s: (order[s.quote], _number(s.id))))

    def segments(self) -> tuple[Segment, ...]:
        text, out = self.data["text"], []
        for r in self.by_label["Segment"]:
            line_start = text.rfind("\n", 0, r.span.start) + 1
            paragraph = sum(1 for line in text[:line_start].split("\n") if line.strip())
            s = Segment(self.ids[r.id], r.span, self.value(r, "segment_kind"), paragraph,
                        self.value(r, "segment_translation", required=False))
            self.region_of[("segments", s.id)] = r.id
            out.append(s)
        return tuple(sorted(out, key=lambda s: s.span.start))


def rebuild_document(read: ReadResult, data: dict[str, Any], *, where: str, file: str) -> Rebuilt:
    """The gold :class:`Document` an annotation describes (``data`` is the task's data)."""
    b = _Builder(read, data, where, file)
    metadata = {str(k): str(v) for k, v in (data.get("metadata") or {}).items()}
    status = read.document.get("status", "").strip()
    if status and status != metadata.get("status", "annotated"):
        metadata["status"] = status
    entities = parse_entities(read.document.get("entities", ""), fail=lambda f, m: b.fail("entities", f, m))
    quotes = b.quotes()
    doc = Document(doc_id=str(data["doc_id"]), text=data["text"], text_sha256=str(data.get("text_sha256", "")),
                   metadata=tuple(sorted(metadata.items())), entities=tuple(entities), mentions=b.mentions(),
                   quotes=quotes, stances=b.stances(quotes), segments=b.segments())
    return Rebuilt(doc, b.region_of, b.problems)
