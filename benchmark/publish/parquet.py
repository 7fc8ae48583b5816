"""The gold as tables: one Parquet file per layer, with an explicit ``datasets`` schema.

One config per layer (``documents``, ``entities``, ``mentions``, ``quotes``,
``stances``, ``targets``, ``translation``), each with a single ``test`` split
stored as ``data/<config>/test.parquet``.  The card's YAML ``configs:`` list is
read the same way from a local folder as from the Hub, so
``datasets.load_dataset(folder, config)`` tests the published layout offline.

Every table is built by ``datasets`` from explicit :class:`datasets.Features`
(:func:`features`), so the schema travels inside each Parquet file (the
``huggingface`` schema metadata) and in the card's ``dataset_info``:

* a span is a struct ``{start, end, text}`` (half-open ``[start, end)`` code
  point offsets into ``documents.text`` and the text they cover); a quote's
  content is a *list* of such structs (discontinuous quotes have several);
  an absent cue, source or evidence span is ``null``;
* closed label sets are class labels (``ClassLabel``): entity ``type``,
  mention ``kind``, quote ``type``, stance ``label``, segment ``kind``.  Rows
  hold the label's index; ``features[col].int2str`` gives its name, and the
  names are in the order of :mod:`benchmark.gold.schema`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmark.gold.schema import (ENTITY_TYPES, MENTION_KINDS, QUOTE_TYPES, SEGMENT_KINDS, STANCE_LABELS,
                                   Corpus, Span)

SPLIT = "test"
CONFIGS = ("documents", "entities", "mentions", "quotes", "stances", "targets", "translation")


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _document_row(d) -> dict[str, Any]:
    meta = dict(d.metadata)
    return {
        "doc_id": d.doc_id, "text": d.text, "text_sha256": d.text_sha256,
        "publisher": meta.get("publisher", ""), "date": meta.get("date", ""),
        "title_en": meta.get("title_en", ""), "language": meta.get("language", "ar"),
        "n_entities": len(d.entities), "n_mentions": len(d.mentions), "n_quotes": len(d.quotes),
        "n_stances": len(d.stances), "n_segments": len(d.segments),
    }


def _document_layers(d, target_by_id) -> dict[str, list[dict[str, Any]]]:
    speakers = set(d.speaker_ids)
    return {
        "entities": [{"doc_id": d.doc_id, "entity_id": e.id, "type": e.type, "name_ar": e.name_ar,
                      "name_en": e.name_en, "variants_en": list(e.variants_en), "variants_ar": list(e.variants_ar),
                      "n_mentions": sum(m.entity == e.id for m in d.mentions), "is_speaker": e.id in speakers}
                     for e in d.entities],
        "mentions": [{"doc_id": d.doc_id, "mention_id": m.id, "entity_id": m.entity, "start": m.span.start,
                      "end": m.span.end, "text": m.span.text, "kind": m.kind} for m in d.mentions],
        "quotes": [{"doc_id": d.doc_id, "quote_id": q.id, "content": [_span(c) for c in q.content],
                    "cue": _span(q.cue), "source": _span(q.source), "speaker_id": q.speaker,
                    "speaker_name_en": d.entity(q.speaker).name_en, "type": q.type, "nested_in": q.nested_in,
                    "translation_en": q.translation_en} for q in d.quotes],
        "stances": [{"doc_id": d.doc_id, "stance_id": s.id, "quote_id": s.quote, "holder_id": s.holder,
                     "target_id": s.target, "target_en": target_by_id[s.target].description_en,
                     "target_ar": target_by_id[s.target].description_ar, "label": s.label,
                     "evidence": _span(s.evidence)} for s in d.stances],
        "translation": [{"doc_id": d.doc_id, "segment_id": s.id, "start": s.span.start, "end": s.span.end,
                         "kind": s.kind, "paragraph": s.paragraph, "ar": s.span.text, "en": s.translation_en}
                        for s in d.segments],
    }


def layer_rows(corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    """The rows of every config, as plain dicts with label *names* (pure; no I/O)."""
    rows: dict[str, list[dict[str, Any]]] = {c: [] for c in CONFIGS}
    rows["targets"] = [{"target_id": t.id, "description_en": t.description_en, "description_ar": t.description_ar}
                       for t in corpus.targets]
    target_by_id = {t.id: t for t in corpus.targets}
    for d in corpus.documents:
        rows["documents"].append(_document_row(d))
        for name, layer in _document_layers(d, target_by_id).items():
            rows[name].extend(layer)
    return rows


def features() -> dict[str, Any]:
    """The :class:`datasets.Features` of every config (spans as structs, label sets as class labels)."""
    from datasets import ClassLabel, Features, List, Value

    s, i, b = Value("string"), Value("int64"), Value("bool")
    span = {"start": i, "end": i, "text": s}
    return {
        "documents": Features({"doc_id": s, "text": s, "text_sha256": s, "publisher": s, "date": s, "title_en": s,
                               "language": s, "n_entities": i, "n_mentions": i, "n_quotes": i, "n_stances": i,
                               "n_segments": i}),
        "entities": Features({"doc_id": s, "entity_id": s, "type": ClassLabel(names=list(ENTITY_TYPES)),
                              "name_ar": s, "name_en": s, "variants_en": List(s), "variants_ar": List(s),
                              "n_mentions": i, "is_speaker": b}),
        "mentions": Features({"doc_id": s, "mention_id": s, "entity_id": s, "start": i, "end": i, "text": s,
                              "kind": ClassLabel(names=list(MENTION_KINDS))}),
        "quotes": Features({"doc_id": s, "quote_id": s, "content": List(span), "cue": span, "source": span,
                            "speaker_id": s, "speaker_name_en": s, "type": ClassLabel(names=list(QUOTE_TYPES)),
                            "nested_in": s, "translation_en": s}),
        "stances": Features({"doc_id": s, "stance_id": s, "quote_id": s, "holder_id": s, "target_id": s,
                             "target_en": s, "target_ar": s, "label": ClassLabel(names=list(STANCE_LABELS)),
                             "evidence": span}),
        "targets": Features({"target_id": s, "description_en": s, "description_ar": s}),
        "translation": Features({"doc_id": s, "segment_id": s, "start": i, "end": i,
                                 "kind": ClassLabel(names=list(SEGMENT_KINDS)), "paragraph": i, "ar": s, "en": s}),
    }


def layer_datasets(corpus: Corpus) -> dict[str, Any]:
    """Every config as an in-memory :class:`datasets.Dataset` with its explicit features."""
    from datasets import Dataset

    rows, feats = layer_rows(corpus), features()
    # Column-wise, so a config without rows still has its columns and types.
    return {name: Dataset.from_dict({col: [r[col] for r in rows[name]] for col in feats[name]}, features=feats[name])
            for name in CONFIGS}


def write_parquet(dataset, path: Path) -> None:
    """Write a ``Dataset``'s Arrow table, whose schema carries the ``datasets`` features, as Parquet.

    ``Dataset.to_parquet`` would do the same but draws a progress bar; the
    table and its schema metadata are the dataset's own either way.
    """
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(dataset.data.table, path, compression="zstd")
