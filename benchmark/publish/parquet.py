"""The gold as tables: one Parquet file per layer, and their schemas.

One config per layer (``documents``, ``entities``, ``mentions``, ``quotes``,
``stances``, ``targets``, ``translation``), each with a single ``test`` split
stored as ``data/<config>/test.parquet``.  The card's YAML ``configs:`` list is
read the same way from a local folder as from the Hub, so
``datasets.load_dataset(folder, config)`` tests the published layout offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmark.gold.schema import Corpus, Span

SPLIT = "test"
CONFIGS = ("documents", "entities", "mentions", "quotes", "stances", "targets", "translation")


def _span_cols(prefix: str, span: Span | None) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_start": None, f"{prefix}_end": None, f"{prefix}_text": None}
    return {f"{prefix}_start": span.start, f"{prefix}_end": span.end, f"{prefix}_text": span.text}


def layer_rows(corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    """The rows of every config, as plain dicts (pure; no I/O)."""
    rows: dict[str, list[dict[str, Any]]] = {c: [] for c in CONFIGS}
    for t in corpus.targets:
        rows["targets"].append({"target_id": t.id, "description_en": t.description_en, "description_ar": t.description_ar})
    target_by_id = {t.id: t for t in corpus.targets}
    for d in corpus.documents:
        meta = dict(d.metadata)
        rows["documents"].append({
            "doc_id": d.doc_id, "text": d.text, "text_sha256": d.text_sha256,
            "publisher": meta.get("publisher", ""), "date": meta.get("date", ""),
            "title_en": meta.get("title_en", ""), "language": meta.get("language", "ar"),
            "n_entities": len(d.entities), "n_mentions": len(d.mentions), "n_quotes": len(d.quotes),
            "n_stances": len(d.stances), "n_segments": len(d.segments),
        })
        speakers = set(d.speaker_ids)
        for e in d.entities:
            rows["entities"].append({
                "doc_id": d.doc_id, "entity_id": e.id, "type": e.type, "name_ar": e.name_ar,
                "name_en": e.name_en, "variants_en": list(e.variants_en), "variants_ar": list(e.variants_ar),
                "n_mentions": sum(m.entity == e.id for m in d.mentions), "is_speaker": e.id in speakers,
            })
        for m in d.mentions:
            rows["mentions"].append({
                "doc_id": d.doc_id, "mention_id": m.id, "entity_id": m.entity, "start": m.span.start,
                "end": m.span.end, "text": m.span.text, "kind": m.kind,
            })
        for q in d.quotes:
            rows["quotes"].append({
                "doc_id": d.doc_id, "quote_id": q.id,
                "content_starts": [c.start for c in q.content], "content_ends": [c.end for c in q.content],
                "content_texts": [c.text for c in q.content],
                **_span_cols("cue", q.cue), **_span_cols("source", q.source),
                "speaker_id": q.speaker, "speaker_name_en": d.entity(q.speaker).name_en,
                "type": q.type, "nested_in": q.nested_in, "translation_en": q.translation_en,
            })
        for s in d.stances:
            t = target_by_id[s.target]
            rows["stances"].append({
                "doc_id": d.doc_id, "stance_id": s.id, "quote_id": s.quote, "holder_id": s.holder,
                "target_id": s.target, "target_en": t.description_en, "target_ar": t.description_ar,
                "label": s.label, **_span_cols("evidence", s.evidence),
            })
        for s in d.segments:
            rows["translation"].append({
                "doc_id": d.doc_id, "segment_id": s.id, "start": s.span.start, "end": s.span.end,
                "kind": s.kind, "paragraph": s.paragraph, "ar": s.span.text, "en": s.translation_en,
            })
    return rows


def arrow_schemas():
    import pyarrow as pa

    s, i, b = pa.string(), pa.int64(), pa.bool_()
    ls, li = pa.list_(pa.string()), pa.list_(pa.int64())

    def span(prefix):
        return [(f"{prefix}_start", i), (f"{prefix}_end", i), (f"{prefix}_text", s)]

    return {
        "documents": pa.schema([("doc_id", s), ("text", s), ("text_sha256", s), ("publisher", s), ("date", s),
                                ("title_en", s), ("language", s), ("n_entities", i), ("n_mentions", i),
                                ("n_quotes", i), ("n_stances", i), ("n_segments", i)]),
        "entities": pa.schema([("doc_id", s), ("entity_id", s), ("type", s), ("name_ar", s), ("name_en", s),
                               ("variants_en", ls), ("variants_ar", ls), ("n_mentions", i), ("is_speaker", b)]),
        "mentions": pa.schema([("doc_id", s), ("mention_id", s), ("entity_id", s), ("start", i), ("end", i),
                               ("text", s), ("kind", s)]),
        "quotes": pa.schema([("doc_id", s), ("quote_id", s), ("content_starts", li), ("content_ends", li),
                             ("content_texts", ls), *span("cue"), *span("source"), ("speaker_id", s),
                             ("speaker_name_en", s), ("type", s), ("nested_in", s), ("translation_en", s)]),
        "stances": pa.schema([("doc_id", s), ("stance_id", s), ("quote_id", s), ("holder_id", s), ("target_id", s),
                              ("target_en", s), ("target_ar", s), ("label", s), *span("evidence")]),
        "targets": pa.schema([("target_id", s), ("description_en", s), ("description_ar", s)]),
        "translation": pa.schema([("doc_id", s), ("segment_id", s), ("start", i), ("end", i), ("kind", s),
                                  ("paragraph", i), ("ar", s), ("en", s)]),
    }


def write_parquet(rows: list[dict[str, Any]], schema, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def features_yaml(schema) -> list[dict[str, Any]]:
    """The card's ``dataset_info.features`` list for an Arrow schema."""
    import pyarrow as pa

    names = {pa.string(): "string", pa.int64(): "int64", pa.bool_(): "bool"}
    out = []
    for f in schema:
        if pa.types.is_list(f.type):
            out.append({"name": f.name, "list": names[f.type.value_type]})
        else:
            out.append({"name": f.name, "dtype": names[f.type]})
    return out
