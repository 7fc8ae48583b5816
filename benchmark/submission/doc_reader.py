"""One schema-valid line → a :class:`~benchmark.submission.predictions.DocPrediction`.

The checks that need the gold (ids, offsets inside the text, ordered content
spans, duplicates, gold stance pairs) and the alignment of text fields.
Every problem is recorded (:attr:`DocReader.problems`) and reading goes on
with the next item, so ``validate`` can list them all; a line with a problem
gives no prediction.

Examples
--------
>>> from benchmark.gold.schema import Corpus, Document, Segment, Span, Target
>>> doc = Document("d1", "قال لافروف", "", (), (), (), (), (), (Segment("s01", Span(0, 10, "قال لافروف"), "body", 0),))
>>> corpus = Corpus((doc,), (Target("t", "", ""),), "")
>>> r = DocReader({"doc_id": "d1", "translations": [{"segment_id": "s1", "text": "a"},
...               {"segment_id": "s01", "text": "b"}, {"segment_id": "s01", "text": "c"}]},
...               doc=doc, corpus=corpus, file="p.jsonl", line=1, fuzzy_threshold=90)
>>> r.read() is None
True
>>> for p in r.problems:
...     print(p)
p.jsonl:1: translations[2]: duplicate segment_id='s01': already given in translations[1]; expected at most one item per segment_id
p.jsonl:1: translations[0].segment_id: Unknown segment id 's1'. Did you mean 's01'? Available: s01
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable

from benchmark.common.ids import duplicates
from benchmark.common.jsonguard import clip
from benchmark.common.registry import unknown_name_message
from benchmark.errors import InputError
from benchmark.gold.schema import Corpus, Document, Span
from benchmark.submission.align import align_text, strip_query
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
from benchmark.submission.speakers import SpeakerResolver

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
    m = _NUMBERED.fullmatch(value) if len(value) <= 40 else None
    if m:
        prefix, number = m.group(1).casefold(), int(m.group(2))
        for name in names:
            n = _NUMBERED.fullmatch(name)
            if n and n.group(1).casefold() == prefix and int(n.group(2)) == number:
                available = unknown_name_message(kind, value, names).split(" Available: ", 1)[1]
                return f"Unknown {kind} {clip(value)}. Did you mean {name!r}? Available: {available}"
    return unknown_name_message(kind, value, names)


class DocReader:
    """Turns one schema-valid object into a :class:`DocPrediction`, recording every problem."""

    def __init__(self, obj: dict[str, Any], *, doc: Document, corpus: Corpus, file: str, line: int,
                 fuzzy_threshold: float) -> None:
        self.obj, self.doc, self.file, self.line = obj, doc, file, line
        self.targets = [t.id for t in corpus.targets]
        self.threshold = fuzzy_threshold
        self.alignments: list[Alignment] = []
        self.taken: dict[tuple[str, str], set[tuple[int, int]]] = {}
        self.problems: list[InputError] = []
        """Every problem found, in the order met."""
        self.speakers = SpeakerResolver(doc)
        self.offsets = 0
        """Spans the file gives as offsets (for the validation report)."""

    def fail(self, field: str, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line, field=field)

    def each(self, items: list, task: str, read: Callable[[Any, str], Any], *, skip: set[int] = frozenset()) -> tuple:
        """``read(item, field)`` for every item; a problem is recorded and the item left out."""
        out = []
        for i, item in enumerate(items):
            if i in skip:
                continue
            try:
                out.append(read(item, f"{task}[{i}]"))
            except InputError as exc:
                self.problems.append(exc)
        return tuple(out)

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
        resolved = self.speakers.resolve(raw, source)
        return resolved, (None if raw == resolved else raw)

    def target(self, target: str, field: str) -> str:
        if target not in self.targets:
            raise self.fail(field, unknown_name_message("target", target, self.targets))
        return target

    def duplicated(self, items: list[dict[str, Any]], keys: tuple[str, ...], task: str, *,
                   where: list[int] | None = None) -> set[int]:
        """Record every repeated key and return the indices of the repeats.

        ``where[i]`` is the index in ``task`` of ``items[i]`` (when ``items`` is a selection).
        """
        where = list(range(len(items))) if where is None else where
        repeats = set()
        for i, k, first in duplicates(tuple(item[key] for key in keys) for item in items):
            shown = ", ".join(f"{key}={clip(v)}" for key, v in zip(keys, k, strict=True))
            self.problems.append(self.fail(f"{task}[{where[i]}]", f"duplicate {shown}: already given in "
                                           f"{task}[{where[first]}]; expected at most one item per " + "/".join(keys)))
            repeats.add(where[i])
        return repeats

    def gold_id(self, value: str, choices: list[str], kind: str, field: str) -> str:
        if value not in choices:
            raise self.fail(field, unknown_id_message(kind, value, choices))
        return value

    def read(self) -> DocPrediction | None:
        """The prediction, or ``None`` when :attr:`problems` is not empty."""
        o = self.obj
        carried = self.each(o.get("alignments", []), "alignments", self.carried)
        readers = {
            "speakers": lambda items: self.each(items, "speakers", self.mention),
            "quotes": lambda items: self.each(items, "quotes", self.quote),
            "attribution": self.attribution, "stance": self.stance, "translations": self.translations}
        layers = {task: read(o[task]) for task, read in readers.items() if task in o}  # in TASKS order
        if self.problems:
            return None
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
        before = len(self.problems)
        # "cue": [] is how a written file marks a cue that could not be aligned
        cue_unaligned = q.get("cue") == []
        cue = self.attempt(self.span, q["cue"], f"{field}.cue") if q.get("cue") not in (None, []) else None
        source = self.attempt(self.span, q["source"], f"{field}.source") if q.get("source") is not None else None
        stances = q.get("stances", [])
        repeats = self.duplicated(stances, ("target",), f"{field}.stances")
        labels = self.each(stances, f"{field}.stances",
                           lambda s, f: PredStanceLabel(self.target(s["target"], f"{f}.target"), s["label"]), skip=repeats)
        if "content" in q:
            content = self.each(q["content"], f"{field}.content", self.span)
            self.check_order(content, f"{field}.content")
        else:
            content = self.content_text(q["content_text"], f"{field}.content_text", cue or source)
        if len(self.problems) > before:
            raise self.problems.pop()  # the caller records it again and leaves the quote out
        near = content[0].start if content else None
        if q.get("cue_text") is not None:
            cue = self.align(q["cue_text"], f"{field}.cue_text", hint=near)
            cue_unaligned = cue is None  # a spurious cue, not "no cue"
        if q.get("source_text") is not None:
            # unaligned: recorded, and the speaker is then resolved without a source span
            source = self.align(q["source_text"], f"{field}.source_text", hint=near)
        speaker, raw = self.speaker(q.get("speaker"), source)
        return PredQuote(content=content, cue=cue, source=source, speaker=speaker, speaker_raw=raw,
                         type=q.get("type"), stances=labels, cue_unaligned=cue_unaligned)

    def attempt(self, read: Callable, *args: Any) -> Any:
        """``read(*args)``, recording a problem (and returning ``None``) instead of raising."""
        try:
            return read(*args)
        except InputError as exc:
            self.problems.append(exc)
            return None

    def check_order(self, content: tuple[Span, ...], field: str) -> None:
        for j in range(1, len(content)):
            if content[j].start < content[j - 1].end:
                self.problems.append(self.fail(
                    f"{field}[{j}]", "content spans must be in text order and must not overlap: got "
                    f"[{content[j].start}, {content[j].end}] after [{content[j - 1].start}, {content[j - 1].end}]"))

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
        ids = [q.id for q in self.doc.quotes]

        def one(a: dict[str, Any], field: str) -> PredAttribution:
            self.gold_id(a["quote_id"], ids, "quote id", f"{field}.quote_id")
            speaker, raw = self.speaker(a["speaker"], None)
            return PredAttribution(quote_id=a["quote_id"], speaker=speaker, speaker_raw=raw)

        return self.each(items, "attribution", one, skip=self.duplicated(items, ("quote_id",), "attribution"))

    def stance(self, items: list[dict[str, Any]]) -> tuple[PredStance, ...]:
        ids = [q.id for q in self.doc.quotes]
        gold: dict[str, list[str]] = {}
        for st in self.doc.stances:
            gold.setdefault(st.quote, []).append(st.target)

        def one(s: dict[str, Any], field: str) -> PredStance:
            quote_id = self.gold_id(s["quote_id"], ids, "quote id", f"{field}.quote_id")
            target = self.target(s["target"], f"{field}.target")
            known = gold.get(quote_id, [])
            if target not in known:
                # the stance task labels the gold (quote, target) pairs only (oracle setting)
                has = (f"quote {quote_id!r} has the gold target{'s' * (len(known) > 1)} "
                       f"{', '.join(map(repr, known))} only" if known
                       else f"quote {quote_id!r} has no gold stance item")
                raise self.fail(field, f"({quote_id!r}, {target!r}) is not a gold (quote, target) pair: "
                                f"{has}; the stance task labels gold pairs only (the inputs' stance_items)")
            return PredStance(quote_id, target, s["label"])

        return self.each(items, "stance", one, skip=self.duplicated(items, ("quote_id", "target"), "stance"))

    def translations(self, items: list[dict[str, Any]]) -> tuple[PredTranslation, ...]:
        # Each item translates a gold segment (segment_id) or a gold quote's
        # content (quote_id); the JSON Schema guarantees exactly one of them.
        repeats: set[int] = set()
        for key in ("segment_id", "quote_id"):
            where = [i for i, t in enumerate(items) if key in t]
            repeats |= self.duplicated([items[i] for i in where], (key,), "translations", where=where)
        seg_ids = [s.id for s in self.doc.segments]
        quote_ids = [q.id for q in self.doc.quotes]

        def one(t: dict[str, Any], field: str) -> PredTranslation:
            if "segment_id" in t:
                self.gold_id(t["segment_id"], seg_ids, "segment id", f"{field}.segment_id")
            else:
                self.gold_id(t["quote_id"], quote_ids, "quote id", f"{field}.quote_id")
            return PredTranslation(t.get("segment_id"), t["text"], quote_id=t.get("quote_id"))

        return self.each(items, "translations", one, skip=repeats)
