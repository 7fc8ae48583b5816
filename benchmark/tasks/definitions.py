"""The six task definitions, listed in :data:`benchmark.tasks.registry.TASKS`.

Choices stated once:

* **speakers** — the gold speaker mentions are *every* mention (named,
  nominal, metonymic) of every entity that speaks at least once, as the
  guidelines define the layer; the speaker-entity set is those entities.
  A predicted mention's entity is its ``entity`` if that
  is a gold id, else the entity of the gold mention it overlaps most; each
  distinct unresolved label (or unlabelled mention) is one false speaker.
* **quotes, per type** — the alignment is computed once over all quotes;
  recall for type T counts gold quotes of type T; precision counts a
  matched prediction under its *gold* quote's type (type errors are
  measured by ``quote_type_accuracy`` instead) and a spurious one under its
  predicted type (``untyped`` when it has none; that family has no metric).
* **end2end** — the ``type`` span scheme with speaker ids as labels.
* **translation** — ``speaker_name_accuracy`` uses *named* mentions only
  (a nominal «الوزير» is rightly translated "the minister");
  ``quote_chrf++`` is corpus chrF++ over the gold quotes' contents, which a
  system translates as separate items (``{"quote_id": …, "text": …}``); it is
  left out (not attempted) for a system that translates segments only.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from benchmark.errors import InputError
from benchmark.submission.predictions import PredMention
from benchmark.gold.schema import QUOTE_TYPES, Document
from benchmark.scoring import stance as stance_scoring
from benchmark.scoring import translation as tr
from benchmark.scoring.result import MetricSpec, count_details, family_builder, index_predictions, ratio, safe_divide
from benchmark.scoring.spans import (
    LEVELS, STAT_KEYS, SpanSet, align, harmonic_mean, item_of, span_item_stats, span_metric_specs, tokenize,
)
from benchmark.tasks.base import Task

UNALIGNED = "unaligned"
"""Item id of the pseudo-item holding predictions that have no spans."""
TYPE_BUCKETS = (*QUOTE_TYPES, "untyped")
"""Per-type families; ``untyped`` holds spurious predictions without a type."""


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
) -> list[dict]:
    """One row per segment, plus the unaligned pseudo-item when it holds anything.

    ``families`` are span statistics (:data:`STAT_KEYS` columns); ``extra``
    maps other family names to (column names, matrix).
    """
    ids, _ = segment_items(doc)
    extra = extra or {}
    rows = []
    for n, item in enumerate([*ids, UNALIGNED]):
        matrices = [*families.values(), *(m for _, m in extra.values())]
        if item == UNALIGNED and not any(m[n].any() for m in matrices):
            continue
        stats: dict[str, Any] = {
            name: {k: (float(v) if k.startswith("prop") else int(v)) for k, v in zip(STAT_KEYS, m[n])}
            for name, m in families.items()
        }
        for name, (cols, m) in extra.items():
            stats[name] = {c: int(v) for c, v in zip(cols, m[n])}
        rows.append({"unit": "segment", "item": item, "stats": stats})
    return rows


def _span_families(doc, gold, pred, prefix, levels=LEVELS):
    _, starts = segment_items(doc)
    tokens = tokenize(doc.text)
    families, by_level = {}, {}
    for level in levels:
        by_level[level] = align(gold, pred, level=level, tokens=tokens)
        families[f"{prefix}.{level}"] = span_item_stats(gold, pred, item_starts=starts, matches=by_level[level])
    return families, by_level


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
    families, _ = _span_families(doc, gold, pred, "mention")
    rows = _segment_rows(doc, families)
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
        span_metric_specs("speaker_mention", "mention", "speaker-mention", schemes=("exact", "partial", "proportional"))
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
    families, by_level = _span_families(doc, gold, pred, "content")
    matches = by_level["char"]
    _, starts = segment_items(doc)
    # Per-type: gold by its type; a prediction by its gold's type when
    # matched, else by its own type ("untyped" when it has none).
    bucket_of = {m.pred: gold[m.gold].label for m in matches}
    for bucket in TYPE_BUCKETS:
        families[f"content.char.{bucket}"] = span_item_stats(
            gold, pred, item_starts=starts, matches=matches,
            gold_keep=[g.label == bucket for g in gold],
            pred_keep=[bucket_of.get(j, p.label or "untyped") == bucket for j, p in enumerate(pred)],
        )
    # An unaligned cue is a span set without spans: spurious, in the unaligned pseudo-item.
    pred_cues = [SpanSet((p.cue,) if p.cue else ()) for p in preds if p.cue or p.cue_unaligned]
    cues, _ = _span_families(
        doc, [SpanSet((q.cue,)) for q in doc.quotes if q.cue], pred_cues, "cue", levels=("char",),
    )
    families.update(cues)
    confusion = np.zeros((len(starts) + 1, len(_TYPE_CELLS)))
    for m in matches:
        cell = f"{gold[m.gold].label}>{pred[m.pred].label or 'none'}"
        confusion[item_of(gold[m.gold].first, starts), _TYPE_CELLS.index(cell)] += 1
    return _segment_rows(doc, families, {"quote_type": (_TYPE_CELLS, confusion)})


def _type_accuracy(s: np.ndarray) -> np.ndarray:
    diag = [i for i, c in enumerate(_TYPE_CELLS) if c.split(">")[0] == c.split(">")[1]]
    return safe_divide(s[:, diag].sum(axis=1), s.sum(axis=1))


def _type_details(total: np.ndarray) -> tuple:
    matrix = total.reshape(len(QUOTE_TYPES), len(QUOTE_TYPES) + 1).astype(int)
    return (("gold_types", QUOTE_TYPES), ("pred_types", (*QUOTE_TYPES, "none")), ("confusion", matrix.tolist()))


_SCHEMES = ("strict", "exact", "partial", "proportional")
QUOTES = Task(
    "quotes", "quotes", "quote content spans (PARC proportional F1 and SemEval schemes), cues, quote types",
    _quote_rows,
    _main_first(
        span_metric_specs("quote_content", "content", "quote-content", schemes=_SCHEMES)
        + [s for t in QUOTE_TYPES
           for s in span_metric_specs("quote_content", "content", "quote-content", schemes=_SCHEMES,
                                      levels=("char",), extra=(("type", t),))]
        + span_metric_specs("quote_cue", "cue", "cue", schemes=("exact", "partial", "proportional"), levels=("char",))
        + [MetricSpec("quote_type_accuracy", "quote-type accuracy on matched quotes (content, char level)",
                      family_builder("quote_type", _TYPE_CELLS, _type_accuracy, _type_details),
                      (("match", "content.char"),))],
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
    families, _ = _span_families(doc, gold, pred, "e2e", levels=("char",))
    return _segment_rows(doc, families)


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
