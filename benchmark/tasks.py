"""The benchmark tasks: each scores a gold Document against a DocPrediction.

A task reads one field of :class:`~benchmark.predictions.DocPrediction`;
when that field is ``None`` the task was **not attempted** and returns no
metrics (never zeros).  Scoring is two steps: per-item rows (JSON-ready,
written to ``per_item.jsonl``), then metrics from rows;
:func:`metric_from_per_item` rebuilds any metric's statistics from rows read
back from disk, and :func:`paired_test` compares two runs.

Items: segments for span metrics (a span set belongs to the segment holding
its first character, a matched prediction to its gold's segment, a
prediction without spans to the pseudo-item ``unaligned``); gold quotes for
attribution; gold stances, i.e. (quote, target) pairs, for stance; segments
and gold quotes for translation; the document for the speaker-entity set.

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

Examples
--------
>>> TASKS.names()
['speakers', 'quotes', 'attribution', 'end2end', 'stance', 'translation']
>>> TASKS.get("quotes").main
'quote_content_f1.proportional.char'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .errors import ConfigError, InputError, UnknownNameError
from .predictions import DocPrediction, PredMention
from .registry import Registry, unknown_name_message
from .schema import QUOTE_TYPES, Document
from .scoring import stance as stance_scoring
from .scoring import translation as tr
from .scoring.result import (
    ItemStats, MetricSpec, TaskResult, count_details, family_builder, index_predictions, paired_item_stats, ratio, safe_divide,
    score_metric,
)
from .scoring.spans import (
    LEVELS, STAT_KEYS, SpanSet, align, harmonic_mean, item_of, span_item_stats, span_metric_specs, tokenize,
)
from .scoring.stats import PairedTestResult, approximate_randomization, paired_bootstrap

UNALIGNED = "unaligned"
"""Item id of the pseudo-item holding predictions that have no spans."""
TYPE_BUCKETS = (*QUOTE_TYPES, "untyped")
"""Per-type families; ``untyped`` holds spurious predictions without a type."""


@dataclass(frozen=True)
class Task:
    """A scored task: the prediction field it reads, its rows and metrics."""

    name: str
    field: str
    """The :class:`DocPrediction` attribute this task scores."""
    rows: Callable[[Document, Any], list[dict]]
    """Per-item rows of one document (without ``task`` and ``doc_id``)."""
    specs: tuple[MetricSpec, ...]
    """Metrics, the main one first."""

    @property
    def main(self) -> str:
        """Name of the main metric (the first spec)."""
        return self.specs[0].name

    @property
    def metrics(self) -> tuple[MetricSpec, ...]:
        """The metric specs (alias of :attr:`specs`)."""
        return self.specs

    def spec(self, name: str) -> MetricSpec:
        for s in self.specs:
            if s.name == name:
                return s
        raise UnknownNameError(unknown_name_message(f"{self.name} metric", name, [s.name for s in self.specs]))

    def per_item(self, *, gold: Document, pred: DocPrediction) -> list[dict]:
        """Rows of one document; ``[]`` when not attempted."""
        if pred.doc_id != gold.doc_id:
            raise InputError(f"prediction for {pred.doc_id!r} scored against gold {gold.doc_id!r}", field="doc_id")
        value = getattr(pred, self.field)
        if value is None:
            return []
        return [{"task": self.name, "doc_id": gold.doc_id, **row} for row in self.rows(gold, value)]

    def evaluate(
        self, *, gold: Document, pred: DocPrediction, gold_sha256: str, n_resamples: int, seed: int,
        confidence: float = 0.95,
    ) -> TaskResult:
        """Score one document (see :meth:`evaluate_corpus`)."""
        return self.evaluate_corpus(
            pairs=[(gold, pred)], gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence
        )

    def evaluate_corpus(
        self, *, pairs: Sequence[tuple[Document, DocPrediction | None]], gold_sha256: str, n_resamples: int,
        seed: int, confidence: float = 0.95, alignment: str | None = None,
    ) -> TaskResult:
        """Score several documents, pooling their items.

        Not attempted when the field is ``None`` in every prediction; a
        document without a prediction, or whose field is ``None``, among
        attempted ones is scored as an empty prediction.
        """
        if all(p is None or getattr(p, self.field) is None for _, p in pairs):
            return TaskResult(self.name, (), ())
        rows: list[dict] = []
        for gold, pred in pairs:
            if pred is None or getattr(pred, self.field) is None:
                pred = DocPrediction(gold.doc_id if pred is None else pred.doc_id, **{self.field: ()})
            rows += self.per_item(gold=gold, pred=pred)
        return self.score_rows(rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed,
                               confidence=confidence, alignment=alignment)

    def score_rows(
        self, rows: Sequence[Mapping[str, Any]], *, gold_sha256: str, n_resamples: int, seed: int,
        confidence: float = 0.95, alignment: str | None = None,
    ) -> TaskResult:
        """All metrics from per-item rows (fresh, or read back from disk).

        ``alignment`` describes how text-only predictions were aligned to
        offsets (e.g. ``exact>ar-norm-v2>fuzzy90``); it changes the values of
        the span and speaker tasks, so it goes into their signatures.
        """
        extra: tuple[tuple[str, object], ...] = ()
        packages: tuple[str, ...] = ()
        if alignment and self.name in TEXT_ALIGNED_TASKS:
            extra, packages = (("align", alignment),), ("rapidfuzz",)
        metrics = tuple(
            score_metric(s, rows, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence,
                         extra_fields=extra, extra_packages=packages)
            for s in self.specs
            if not (s.optional and s.build(rows).stats.shape[0] == 0)
        )
        return TaskResult(self.name, metrics, tuple(rows))


TASKS: Registry[Task] = Registry("task")

TEXT_ALIGNED_TASKS = frozenset({"speakers", "quotes", "attribution", "end2end"})
"""Tasks whose predictions may be strings aligned to offsets (or names resolved to entities)."""


def evaluate_task(
    task: str, pairs: Sequence[tuple[Document, DocPrediction | None]], *, gold_sha256: str, n_resamples: int,
    seed: int, confidence: float = 0.95, alignment: str | None = None,
) -> TaskResult | None:
    """Score registered ``task`` over (gold, prediction) pairs; ``None`` when not attempted."""
    result = TASKS.get(task).evaluate_corpus(
        pairs=pairs, gold_sha256=gold_sha256, n_resamples=n_resamples, seed=seed, confidence=confidence,
        alignment=alignment)
    return result if result.attempted else None


def metric_from_per_item(task: str, metric_name: str, per_item_rows: Sequence[Mapping[str, Any]]) -> ItemStats:
    """Item keys, statistics matrix and aggregate of one metric, rebuilt from rows.

    Rows of other tasks are ignored, so a whole ``per_item.jsonl`` can be passed.
    """
    rows = [r for r in per_item_rows if r.get("task", task) == task]
    return TASKS.get(task).spec(metric_name).build(rows)


def paired_test(
    task: str, metric_name: str, *, rows_a: Sequence[Mapping[str, Any]], rows_b: Sequence[Mapping[str, Any]],
    method: str = "bs", n_samples: int | None = None, seed: int = 12345,
) -> PairedTestResult:
    """Paired test of run ``b`` against baseline run ``a``: ``bs`` (1,000) or ``ar`` (10,000)."""
    a = metric_from_per_item(task, metric_name, rows_a)
    b = metric_from_per_item(task, metric_name, rows_b)
    stats_a, stats_b, _ = paired_item_stats(a, b)
    if method == "bs":
        return paired_bootstrap(stats_a, stats_b, a.aggregate, n_resamples=n_samples or 1000, seed=seed)
    if method == "ar":
        return approximate_randomization(stats_a, stats_b, a.aggregate, n_trials=n_samples or 10000, seed=seed)
    raise ConfigError(f"unknown paired test {method!r}; expected 'bs' or 'ar'", field="method")


def register(name: str, field: str, help: str, rows, specs) -> None:
    TASKS.add(name, Task(name, field, rows, tuple(specs)), help=help)


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


def _main_first(specs: list[MetricSpec], main: str) -> list[MetricSpec]:
    return sorted(specs, key=lambda s: s.name != main)


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


register(
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
register(
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


register(
    "attribution", "attribution", "speaker of each gold quote (oracle quote spans); missing = wrong",
    _attribution_rows,
    [MetricSpec("attribution_accuracy", "share of gold quotes whose predicted speaker is the gold speaker",
                family_builder("attribution", ("correct", "n"), ratio(0, 1), count_details),
                (("missing", "wrong"),))],
)


# ---------------------------------------------------------------- end2end

def _end2end_rows(doc: Document, preds) -> list[dict]:
    gold = [SpanSet(q.content, q.speaker) for q in doc.quotes]
    pred = [SpanSet(p.content, p.speaker) for p in preds]
    families, _ = _span_families(doc, gold, pred, "e2e", levels=("char",))
    return _segment_rows(doc, families)


register(
    "end2end", "quotes", "quotes with speakers: a TP is a one-to-one aligned, overlapping quote with the gold speaker",
    _end2end_rows,
    _main_first(
        span_metric_specs("e2e_attribution", "e2e", "end-to-end attribution", schemes=("type",), levels=("char",)),
        "e2e_attribution_f1.type.char",
    ),
)


# ---------------------------------------------------------------- stance

register(
    "stance", "stance", "stance label per gold (quote, target); F_avg (SemEval-2016) and per-target F_avg",
    stance_scoring.stance_rows, stance_scoring.SPECS,
)


# ---------------------------------------------------------------- translation

register(
    "translation", "translations", "Arabic→English segment translation: chrF++, BLEU, TER, names and quotes",
    tr.translation_rows, tr.SPECS,
)
