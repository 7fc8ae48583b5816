"""Typed, frozen records for the gold annotation layers.

Every span in this project is a half-open ``[start, end)`` pair of Python
``str`` indices into the exact, unmodified article text.  Each span also keeps
its surface ``text`` so that any drift between offsets and text is detectable
(see :mod:`benchmark.gold.check`).

Examples
--------
>>> s = Span(start=4, end=9, text="lavro")
>>> len(s)
5
>>> s.overlap(Span(start=7, end=20, text=""))
2
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PER", "ORG", "GPE", "GROUP")
MENTION_KINDS = ("named", "nominal", "metonymic")
QUOTE_TYPES = ("direct", "indirect", "mixed")
STANCE_LABELS = ("FAVOR", "AGAINST", "NONE")
SEGMENT_KINDS = ("headline", "body", "boilerplate")
DOCUMENT_STATUSES = ("unannotated", "annotated")
"""Values of a document's ``metadata["status"]``: an ``unannotated`` document
(a new article's skeleton, or one whose annotation is not finished) is checked
but never scored; a document without the key is ``annotated``."""


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A half-open character span ``[start, end)`` with its surface text."""

    start: int
    """First character offset (inclusive)."""
    end: int
    """Offset one past the last character (exclusive)."""
    text: str = field(default="", compare=False)
    """Surface text, equal to ``document_text[start:end]`` in valid data."""

    def __len__(self) -> int:
        return self.end - self.start

    def overlap(self, other: "Span") -> int:
        """Number of characters shared with ``other`` (0 when disjoint)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(frozen=True, slots=True)
class Mention:
    """One surface mention of an entity."""

    id: str
    """Unique within the document, e.g. ``"m012"``."""
    entity: str
    """Id of the entity this mention refers to."""
    span: Span
    """Where the mention is in the text (no proclitic, no quotation mark)."""
    kind: str
    """One of :data:`MENTION_KINDS`."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place speaking for its government, or group."""

    id: str
    """Unique within the document, a lowercase ASCII slug such as ``"lavrov"``."""
    type: str
    """One of :data:`ENTITY_TYPES`."""
    name_ar: str
    """Canonical Arabic name."""
    name_en: str
    """Canonical English name, used in reference translations."""
    variants_en: tuple[str, ...] = ()
    """Other accepted English names (spelling variants, short forms)."""
    variants_ar: tuple[str, ...] = ()
    """Other accepted Arabic names (short forms, titles)."""

    @property
    def names_en(self) -> tuple[str, ...]:
        """Canonical English name followed by its accepted variants."""
        return (self.name_en, *self.variants_en)


@dataclass(frozen=True, slots=True)
class Quote:
    """An attribution relation (PARC model): source, cue and content."""

    id: str
    """Unique within the document, e.g. ``"q07"``."""
    content: tuple[Span, ...]
    """Content spans in text order; more than one when discontinuous."""
    cue: Span | None
    """Reporting verb or phrase; ``None`` only when there is none in the text."""
    source: Span | None
    """Source mention, or ``None`` when the speaker is implicit (pro-drop)."""
    speaker: str
    """Id of the speaking entity, always resolved."""
    type: str
    """One of :data:`QUOTE_TYPES`."""
    nested_in: str | None = None
    """Id of the quote this attribution is reported inside, if any."""
    translation_en: str = ""
    """English reference translation of the content."""

    @property
    def start(self) -> int:
        return self.content[0].start

    @property
    def end(self) -> int:
        return self.content[-1].end


@dataclass(frozen=True, slots=True)
class Target:
    """A stance target from the corpus-wide inventory."""

    id: str
    description_en: str
    description_ar: str


@dataclass(frozen=True, slots=True)
class Stance:
    """A stance a quote expresses towards a target (SemEval-2016 labels)."""

    id: str
    quote: str
    """Id of the quote expressing the stance."""
    holder: str
    """Entity id of the stance holder (normally the quote's speaker)."""
    target: str
    """Target id from the inventory."""
    label: str
    """One of :data:`STANCE_LABELS`."""
    evidence: Span | None = None
    """The words that carry the stance."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or headline) of the article with its English reference."""

    id: str
    span: Span
    kind: str
    """One of :data:`SEGMENT_KINDS`."""
    paragraph: int
    """Zero-based paragraph index (blank-line separated blocks)."""
    translation_en: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """One annotated article with all its layers."""

    doc_id: str
    text: str
    text_sha256: str
    metadata: tuple[tuple[str, str], ...]
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    stances: tuple[Stance, ...]
    segments: tuple[Segment, ...]

    @property
    def status(self) -> str:
        """``metadata["status"]``, ``"annotated"`` when absent (:data:`DOCUMENT_STATUSES`)."""
        return dict(self.metadata).get("status", "annotated")

    def entity(self, entity_id: str) -> Entity:
        """Return the entity with ``entity_id`` (``KeyError`` if absent)."""
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(entity_id)

    def quote(self, quote_id: str) -> Quote:
        """Return the quote with ``quote_id`` (``KeyError`` if absent)."""
        for q in self.quotes:
            if q.id == quote_id:
                return q
        raise KeyError(quote_id)

    @property
    def speaker_ids(self) -> tuple[str, ...]:
        """Entities that speak at least once, in order of first quote."""
        seen: dict[str, None] = {}
        for q in self.quotes:
            seen.setdefault(q.speaker, None)
        return tuple(seen)

    @property
    def speaker_mentions(self) -> tuple[Mention, ...]:
        """The gold of the ``speakers`` task: every mention of an entity that
        speaks, each span once (first mention wins), in text order.

        The task, the oracle and the reports all use this one definition.
        """
        speaking = set(self.speaker_ids)
        out: dict[tuple[int, int], Mention] = {}
        for m in sorted(self.mentions, key=lambda m: (m.span.start, m.span.end)):
            if m.entity in speaking:
                out.setdefault((m.span.start, m.span.end), m)
        return tuple(out.values())


@dataclass(frozen=True, slots=True)
class Corpus:
    """All gold documents plus the stance-target inventory."""

    documents: tuple[Document, ...]
    targets: tuple[Target, ...]
    sha256: str
    """Checksum over the gold files and texts: identifies this gold version."""
    unannotated: tuple[str, ...] = ()
    """Ids of the documents left out because their status is ``unannotated``."""

    def document(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.doc_id == doc_id:
                return d
        raise KeyError(doc_id)
