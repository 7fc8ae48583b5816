"""The six task definitions, listed in :data:`benchmark.tasks.registry.TASKS`.

Choices stated once:

* **speakers** — the gold speaker mentions are *every* mention (named,
  nominal, metonymic) of every entity that speaks at least once, as the
  guidelines define the layer; the speaker-entity set is those entities.
  A predicted mention's entity is its ``entity`` if that
  is a gold id, else the entity of the gold mention it overlaps most; each
  distinct unresolved label (or unlabelled mention) is one false speaker.
* **alignments** — every scheme scores its own one-to-one alignment
  (:func:`benchmark.scoring.spans.align`), and each segment row records the
  pairs of every alignment under ``alignment`` (``{"gold": id, "pred":
  index, "overlap": units, "same": equal extent}``, keyed like the
  statistics), so reports read the pairing the scores came from.
* **quotes, per type** — each scheme's alignment is computed once over all
  quotes; recall for type T counts gold quotes of type T; precision counts a
  matched prediction under its *gold* quote's type (type errors are
  measured by ``quote_type_accuracy``, on the main metric's alignment) and
  a spurious one under its predicted type (``untyped`` when it has none;
  that family has no metric).
* **end2end** — the ``type`` span scheme with speaker ids as labels.
* **translation** — ``speaker_name_accuracy`` uses *named* mentions only
  (a nominal «الوزير» is rightly translated "the minister");
  ``quote_chrf++`` is corpus chrF++ over the gold quotes' contents, which a
  system translates as separate items (``{"quote_id": …, "text": …}``); it is
  left out (not attempted) for a system that translates segments only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from benchmark.errors import InputError
from benchmark.submission.predictions import PredMention
from benchmark.gold.schema import QUOTE_TYPES, Document
from benchmark.scoring import stance as stance_scoring
from benchmark.scoring import translation as tr
from benchmark.scoring.result import MetricSpec, count_details, family_builder, index_predictions, ratio, safe_divide
from benchmark.scoring.spans import (
    LEVELS, STAT_KEYS, Match, SpanSet, align_candidates, candidates, harmonic_mean, item_of, span_item_stats, span_metric_specs, tokenize,
)
from benchmark.tasks.base import Task

UNALIGNED = "unaligned"
"""Item id of the pseudo-item holding predictions that have no spans."""
TYPE_BUCKETS = (*QUOTE_TYPES, "untyped")
"""Per-type families; ``untyped`` holds spurious predictions without a type."""
SPEAKER_SCHEMES = ("exact", "partial", "proportional")
QUOTE_SCHEMES = ("strict", "exact", "partial", "proportional")
CUE_SCHEMES = ("exact", "partial", "proportional")
TYPE_MATCH = "content.char.proportional"
"""The alignment the quote-type confusion is counted on: the main metric's."""


# ---------------------------------------------------------------- span helpers

def segment_items(doc: Document) -> tuple[list[str], list[int]]:
    """Segment ids and start offsets in text order (one pseudo-segment if none)."""
    segs = sorted(doc.segments, key=lambda s: s.span.start)
    if not segs:
        return ["document"], [0]
    return [s.id for s in segs], [s.span.start for s in segs]


def _segment_rows(
    doc: Document,
    families: Mapping[str, np.ndarray],
    extra: Mapping[str, tuple[tuple[str, ...], np.ndarray]] | None = None,
    pairs: Mapping[str, list[list[dict]]] | None = None,
) -> list[dict]:
    """One row per segment, plus the unaligned pseudo-item when it holds anything.

    ``families`` are span statistics (:data:`STAT_KEYS` columns); ``extra``
    maps other family names to (column names, matrix); ``pairs`` maps a
    family to the aligned pairs of each item, written as the row's
    ``alignment`` so reports read the pairing the scores came from.
    """
    ids, _ = segment_items(doc)
    extra = extra or {}
    # Python numbers once per matrix: numpy scalars cost ~100 ns per access and conversion.
    span_lists = {name: m.tolist() for name, m in families.items()}
    extra_lists = {name: (cols, m.tolist()) for name, (cols, m) in extra.items()}
    floats = [k.startswith("credit") for k in STAT_KEYS]
    rows = []
    for n, item in enumerate([*ids, UNALIGNED]):
        if item == UNALIGNED and not any(any(v[n]) for v in span_lists.values()) and not any(
                any(v[n]) for _, v in extra_lists.values()):
            continue
        # A family with nothing in this item is left out (read back as zeros: the
        # builders take every segment row as an item), so a large corpus stays small.
        stats: dict[str, Any] = {
            name: {k: (float(v) if f else int(v)) for k, f, v in zip(STAT_KEYS, floats, values[n])}
            for name, values in span_lists.items() if any(values[n])
        }
        for name, (cols, values) in extra_lists.items():
            if any(values[n]):
                stats[name] = {c: int(v) for c, v in zip(cols, values[n])}
        row: dict[str, Any] = {"unit": "segment", "item": item, "stats": stats}
        if pairs:
            row["alignment"] = _row_alignment(pairs, n, first=not rows)
        rows.append(row)
    return rows


def _row_alignment(pairs: Mapping[str, list[list[dict]]], n: int, *, first: bool) -> dict[str, Any]:
    """The pairs of item ``n`` by family; the first item of a document lists every family.

    An empty family is left out after the first item, and a family whose
    pairs equal an earlier family's names it (``"=<family>"``) instead of
    repeating them: :func:`benchmark.report.analysis.alignments_from_rows`
    reads both forms.
    """
    out: dict[str, Any] = {}
    seen: list[tuple[str, list[dict]]] = []
    for name, per_item in pairs.items():
        found = per_item[n]
        if not found and not first:
            continue
        same = next((other for other, earlier in seen if found and earlier == found), None)
        out[name] = f"={same}" if same else found
        if found and same is None:
            seen.append((name, found))
    return out


def _binned_pairs(matches: Sequence[Match], gold: Sequence[SpanSet], starts: Sequence[int],
                  gold_ids: Sequence[str], pred_ids: Sequence[int]) -> list[list[dict]]:
    """Aligned pairs per item (the item of the gold's first character), as JSON objects."""
    out: list[list[dict]] = [[] for _ in range(len(starts) + 1)]
    for m in matches:
        out[item_of(gold[m.gold].first, starts)].append(
            {"gold": gold_ids[m.gold], "pred": pred_ids[m.pred], "overlap": m.overlap, "same": m.bounds})
    return out


@dataclass(frozen=True)
class SpanFamilies:
    """Statistics, alignments and per-item pairs of one span layer, keyed ``<prefix>.<level>.<scheme>``."""

    stats: dict[str, np.ndarray]
    matches: dict[str, tuple[Match, ...]]
    pairs: dict[str, list[list[dict]]]


def _span_families(doc, gold, pred, prefix, *, schemes, gold_ids, pred_ids, levels=LEVELS) -> SpanFamilies:
    """Each scheme's own alignment and statistics at each level."""
    _, starts = segment_items(doc)
    tokens = tokenize(doc.text)
    out = SpanFamilies({}, {}, {})
    for level in levels:
        cands = candidates(gold, pred, level=level, tokens=tokens)  # shared by the schemes' alignments
        for scheme in schemes:
            name = f"{prefix}.{level}.{scheme}"
            matches = align_candidates(cands, scheme)
            out.matches[name] = matches
            out.stats[name] = span_item_stats(gold, pred, scheme=scheme, item_starts=starts, matches=matches)
            out.pairs[name] = _binned_pairs(matches, gold, starts, gold_ids, pred_ids)
    return out


def _main_first(specs: list[MetricSpec], main: str) -> tuple[MetricSpec, ...]:
    return tuple(sorted(specs, key=lambda s: s.name != main))


# ---------------------------------------------------------------- speakers

def resolve_entity(doc: Document, mention: PredMention) -> str | None:
    """A predicted mention's gold entity.

    Its ``entity`` when that is a gold entity id; else the entity of the gold
    mention it overlaps most (earliest on ties); else ``None``.
    """
    if mention.entity in {e.id for e in doc.entities}:
        return mention.entity
    if mention.span is None:
        return None
    best = max(((mention.span.overlap(m.span), -m.span.start, m.entity) for m in doc.mentions), default=(0, 0, None))
    return best[2] if best[0] > 0 else None


def _speaker_rows(doc: Document, preds: Sequence[PredMention]) -> list[dict]:
    gold = [SpanSet((m.span,)) for m in doc.speaker_mentions]
    pred = [SpanSet(() if m.span is None else (m.span,)) for m in preds]
    fam = _span_families(doc, gold, pred, "mention", schemes=SPEAKER_SCHEMES,
                         gold_ids=[m.id for m in doc.speaker_mentions], pred_ids=range(len(preds)))
    rows = _segment_rows(doc, fam.stats, pairs=fam.pairs)
    gold_ids = set(doc.speaker_ids)
    resolved, unresolved = set(), set()
    for n, m in enumerate(preds):
        entity = resolve_entity(doc, m)
        if entity is not None:
            resolved.add(entity)
        else:  # one false speaker per distinct unresolved label, else per mention
            unresolved.add(("label", m.entity) if m.entity else ("mention", n))
    rows.append({
        "unit": "document", "item": "speaker_entities",
        "gold": sorted(gold_ids), "pred": sorted(resolved), "unresolved": len(unresolved),
        "stats": {"speaker_entity": {
            "tp": len(resolved & gold_ids),
            "fp": len(resolved - gold_ids) + len(unresolved),
            "fn": len(gold_ids - resolved),
        }},
    })
    return rows


def _set_prf(k: int):
    def aggregate(s: np.ndarray) -> np.ndarray:
        p = safe_divide(s[:, 0], s[:, 0] + s[:, 1])
        r = safe_divide(s[:, 0], s[:, 0] + s[:, 2])
        return (harmonic_mean(p, r), p, r)[k]

    return aggregate


def _tp_details(total: np.ndarray) -> tuple:
    return (("TP", int(total[0])), ("FP", int(total[1])), ("FN", int(total[2])))


SPEAKERS = Task(
    "speakers", "speakers", "mentions of the entities who speak, and the set of speaking entities",
    _speaker_rows,
    _main_first(
        span_metric_specs("speaker_mention", "mention", "speaker-mention", schemes=SPEAKER_SCHEMES)
        + [MetricSpec(f"speaker_entity_{stat}", f"speaker-entity {stat} over sets of entity ids",
                      family_builder("speaker_entity", ("tp", "fp", "fn"), _set_prf(k), _tp_details),
                      (("match", "entity_set"),))
           for k, stat in enumerate(("f1", "precision", "recall"))],
        "speaker_mention_f1.partial.char",
    ),
)


# ---------------------------------------------------------------- quotes

_TYPE_CELLS = tuple(f"{g}>{p}" for g in QUOTE_TYPES for p in (*QUOTE_TYPES, "none"))


def _check_type(value: str | None, field: str) -> str | None:
    if value is not None and value not in QUOTE_TYPES:
        raise InputError(f"unknown quote type {value!r}; expected one of {', '.join(QUOTE_TYPES)}", field=field)
    return value


def _quote_rows(doc: Document, preds) -> list[dict]:
    gold = [SpanSet(q.content, q.type) for q in doc.quotes]
    pred = [SpanSet(p.content, _check_type(p.type, f"quotes[{j}].type")) for j, p in enumerate(preds)]
    fam = _span_families(doc, gold, pred, "content", schemes=QUOTE_SCHEMES,
                         gold_ids=[q.id for q in doc.quotes], pred_ids=range(len(preds)))
    _, starts = segment_items(doc)
    families = dict(fam.stats)
    for scheme in QUOTE_SCHEMES:
        families.update(_per_type(gold, pred, starts, scheme, fam.matches[f"content.char.{scheme}"]))
    # An unaligned cue is a span set without spans: spurious, in the unaligned pseudo-item.
    cued = [j for j, p in enumerate(preds) if p.cue or p.cue_unaligned]
    cue_quotes = [q for q in doc.quotes if q.cue]
    cues = _span_families(
        doc, [SpanSet((q.cue,)) for q in cue_quotes], [SpanSet((preds[j].cue,) if preds[j].cue else ()) for j in cued],
        "cue", schemes=CUE_SCHEMES, levels=("char",), gold_ids=[q.id for q in cue_quotes], pred_ids=cued,
    )
    families.update(cues.stats)
    confusion = np.zeros((len(starts) + 1, len(_TYPE_CELLS)))
    for m in fam.matches[TYPE_MATCH]:
        cell = f"{gold[m.gold].label}>{pred[m.pred].label or 'none'}"
        confusion[item_of(gold[m.gold].first, starts), _TYPE_CELLS.index(cell)] += 1
    return _segment_rows(doc, families, {"quote_type": (_TYPE_CELLS, confusion)}, {**fam.pairs, **cues.pairs})


def _per_type(gold, pred, starts, scheme: str, matches) -> dict[str, np.ndarray]:
    """Per-type families of one scheme: gold by its type; a prediction by its
    gold's type when matched, else by its own type (``untyped`` when it has none)."""
    bucket_of = {m.pred: gold[m.gold].label for m in matches}
    return {
        f"content.char.{scheme}.{bucket}": span_item_stats(
            gold, pred, scheme=scheme, item_starts=starts, matches=matches,
            gold_keep=[g.label == bucket for g in gold],
            pred_keep=[bucket_of.get(j, p.label or "untyped") == bucket for j, p in enumerate(pred)],
        )
        for bucket in TYPE_BUCKETS
    }


def _type_accuracy(s: np.ndarray) -> np.ndarray:
    diag = [i for i, c in enumerate(_TYPE_CELLS) if c.split(">")[0] == c.split(">")[1]]
    return safe_divide(s[:, diag].sum(axis=1), s.sum(axis=1))


def _type_details(total: np.ndarray) -> tuple:
    matrix = total.reshape(len(QUOTE_TYPES), len(QUOTE_TYPES) + 1).astype(int)
    return (("gold_types", QUOTE_TYPES), ("pred_types", (*QUOTE_TYPES, "none")), ("confusion", matrix.tolist()))


QUOTES = Task(
    "quotes", "quotes", "quote content spans (PARC proportional F1 and SemEval schemes), cues, quote types",
    _quote_rows,
    _main_first(
        span_metric_specs("quote_content", "content", "quote-content", schemes=QUOTE_SCHEMES)
        + [s for t in QUOTE_TYPES
           for s in span_metric_specs("quote_content", "content", "quote-content", schemes=QUOTE_SCHEMES,
                                      levels=("char",), extra=(("type", t),))]
        + span_metric_specs("quote_cue", "cue", "cue", schemes=CUE_SCHEMES, levels=("char",))
        + [MetricSpec("quote_type_accuracy", "quote-type accuracy on matched quotes (main metric's alignment)",
                      family_builder("quote_type", _TYPE_CELLS, _type_accuracy, _type_details, unit="segment"),
                      (("match", TYPE_MATCH),))],
        "quote_content_f1.proportional.char",
    ),
)


# ---------------------------------------------------------------- attribution

def _attribution_rows(doc: Document, preds) -> list[dict]:
    by_quote = index_predictions(preds, lambda a: a.quote_id, "attribution", {q.id for q in doc.quotes})
    rows = []
    for q in doc.quotes:
        speaker = by_quote[q.id].speaker if q.id in by_quote else None
        rows.append({
            "unit": "quote", "item": q.id, "gold": q.speaker, "pred": speaker,
            "stats": {"attribution": {"correct": int(speaker == q.speaker), "n": 1}},
        })
    return rows


ATTRIBUTION = Task(
    "attribution", "attribution", "speaker of each gold quote (oracle quote spans); missing = wrong",
    _attribution_rows,
    (MetricSpec("attribution_accuracy", "share of gold quotes whose predicted speaker is the gold speaker",
                family_builder("attribution", ("correct", "n"), ratio(0, 1), count_details),
                (("missing", "wrong"),)),),
)


# ---------------------------------------------------------------- end2end

def _end2end_rows(doc: Document, preds) -> list[dict]:
    gold = [SpanSet(q.content, q.speaker) for q in doc.quotes]
    pred = [SpanSet(p.content, p.speaker) for p in preds]
    fam = _span_families(doc, gold, pred, "e2e", schemes=("type",), levels=("char",),
                         gold_ids=[q.id for q in doc.quotes], pred_ids=range(len(preds)))
    return _segment_rows(doc, fam.stats, pairs=fam.pairs)


END2END = Task(
    "end2end", "quotes", "quotes with speakers: a TP is a one-to-one aligned, overlapping quote with the gold speaker",
    _end2end_rows,
    _main_first(
        span_metric_specs("e2e_attribution", "e2e", "end-to-end attribution", schemes=("type",), levels=("char",)),
        "e2e_attribution_f1.type.char",
    ),
)


# ---------------------------------------------------------------- stance

STANCE = Task(
    "stance", "stance", "stance label per gold (quote, target); F_avg (SemEval-2016) and per-target F_avg",
    stance_scoring.stance_rows, stance_scoring.SPECS,
)


# ---------------------------------------------------------------- translation

TRANSLATION = Task(
    "translation", "translations", "Arabic→English segment translation: chrF++, BLEU, TER, names and quotes",
    tr.translation_rows, tr.SPECS,
)
