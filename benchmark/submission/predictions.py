"""Typed predictions: what a system returns, after validation and alignment.

This is the contract between systems (:mod:`benchmark.systems`), the
submission reader (:mod:`benchmark.submission.reader`) and scoring
(:mod:`benchmark.scoring`).  All spans are half-open ``[start, end)``
character offsets into the document text, as in :mod:`benchmark.gold.schema`.

A layer that is ``None`` was **not attempted** and is never scored as zero.
A text-only prediction that could not be aligned to the document keeps
``span=None`` (or empty ``content``, or ``cue=None`` with
``cue_unaligned=True``) and counts as a spurious prediction.

Examples
--------
>>> from benchmark.gold.schema import Span
>>> q = PredQuote(content=(Span(10, 20),), speaker="lavrov")
>>> q.aligned
True
>>> PredQuote(content=()).aligned
False
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.gold.schema import Span


@dataclass(frozen=True, slots=True)
class Alignment:
    """How one text-only field was mapped to document offsets."""

    field: str
    """Where the string came from, e.g. ``"quotes[3].content_text"``."""
    query: str
    """The string the system returned."""
    method: str
    """``offsets`` (given), ``exact``, ``normalized``, ``fuzzy`` or ``unaligned``."""
    score: float
    """Similarity in [0, 100]; 100 for exact and normalised matches."""
    span: Span | None
    """The aligned span, ``None`` when unaligned."""


@dataclass(frozen=True, slots=True)
class PredMention:
    """A predicted speaker mention."""

    span: Span | None
    """``None`` when a text-only mention could not be aligned (spurious)."""
    entity: str | None = None
    """Predicted cluster label or resolved gold entity id, if given."""


@dataclass(frozen=True, slots=True)
class PredStanceLabel:
    """A stance attached to a predicted quote."""

    target: str
    label: str


@dataclass(frozen=True, slots=True)
class PredQuote:
    """A predicted attribution relation."""

    content: tuple[Span, ...]
    """Content spans in text order; empty when unaligned (spurious)."""
    cue: Span | None = None
    source: Span | None = None
    speaker: str | None = None
    """Resolved gold entity id, or ``None`` when absent or unresolvable."""
    speaker_raw: str | None = None
    """The speaker string exactly as the system gave it."""
    type: str | None = None
    stances: tuple[PredStanceLabel, ...] = ()
    cue_unaligned: bool = False
    """A cue was given as text that could not be aligned (``cue`` is then
    ``None``): it is scored as a spurious cue, not as no cue."""

    @property
    def aligned(self) -> bool:
        return bool(self.content)


@dataclass(frozen=True, slots=True)
class PredAttribution:
    """A speaker predicted for a gold quote (oracle quote spans)."""

    quote_id: str
    speaker: str | None
    speaker_raw: str | None = None


@dataclass(frozen=True, slots=True)
class PredStance:
    """A label predicted for a gold (quote, target) pair."""

    quote_id: str
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class PredTranslation:
    """An English translation of one gold segment or of one gold quote's content.

    Exactly one of ``segment_id`` and ``quote_id`` is set.
    """

    segment_id: str | None
    text: str
    quote_id: str | None = None


@dataclass(frozen=True, slots=True)
class DocPrediction:
    """Everything a system predicted for one document."""

    doc_id: str
    speakers: tuple[PredMention, ...] | None = None
    quotes: tuple[PredQuote, ...] | None = None
    attribution: tuple[PredAttribution, ...] | None = None
    stance: tuple[PredStance, ...] | None = None
    translations: tuple[PredTranslation, ...] | None = None
    alignments: tuple[Alignment, ...] = ()
    """Every alignment decision taken while reading text-only fields."""
