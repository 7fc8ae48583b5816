"""Export the gold as a Hugging Face dataset folder: Parquet files and a card.

One config per layer (``documents``, ``entities``, ``mentions``, ``quotes``,
``stances``, ``targets``, ``translation``), each with a single ``test`` split
stored as ``data/<config>/test.parquet``.  The card's YAML ``configs:`` list is
read the same way from a local folder as from the Hub, so
``datasets.load_dataset(folder, config)`` tests the published layout offline.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

from .atomic import stage_dir
from .schema import Corpus, Span

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


def _arrow_schemas():
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


def build_dataset_folder(corpus: Corpus, out: Path, *, card: str) -> dict[str, int]:
    """Write Parquet files and ``README.md`` into ``out`` atomically.

    ``out`` may be replaced only when it does not exist, is empty, or holds
    nothing but what an export writes (:mod:`benchmark.publish.guard`); anything
    else, a file, or the current directory or one of its parents raises
    :class:`~benchmark.errors.InputError` before anything is written.
    Returns the row count of every config.
    """
    from .publish.guard import check_export_out

    out = Path(out)
    check_export_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage_dir(out.parent, f".{out.name}-")
    try:
        rows = layer_rows(corpus)
        schemas = _arrow_schemas()
        for name in CONFIGS:
            write_parquet(rows[name], schemas[name], tmp / "data" / name / f"{SPLIT}.parquet")
        (tmp / "README.md").write_text(card, encoding="utf-8")
        extra = _extra_files()
        for src, rel in extra:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, tmp / rel)
        check_export_out(out)  # again: the folder may have changed while the new one was written
        if out.exists():
            # Move the previous export aside (one rename) instead of deleting it
            # first, so a failed swap can put it back.
            # If even the restore fails, the previous export stays in the hidden folder.
            old = stage_dir(out.parent, f".{out.name}-old-")
            os.replace(out, old / "previous")
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old / "previous", out)
                old.rmdir()
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {name: len(rows[name]) for name in CONFIGS}


def _extra_files() -> list[tuple[Path, str]]:
    from .gold import default_data_dir

    d = default_data_dir()
    return [(d / "GUIDELINES.md", "GUIDELINES.md"), (d / "ADJUDICATION.md", "ADJUDICATION.md")] if (d / "ADJUDICATION.md").exists() else [(d / "GUIDELINES.md", "GUIDELINES.md")]


def cmd_export(args: argparse.Namespace) -> int:
    from .card import dataset_card
    from .gold import default_data_dir, load_corpus
    from .publish.guard import check_export_out

    check_export_out(Path(args.out))  # refuse a foreign --out before the (slower) gold load
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    corpus = load_corpus(data_dir)
    card = dataset_card(corpus, data_dir=data_dir)
    counts = build_dataset_folder(corpus, Path(args.out), card=card)
    for name, n in counts.items():
        print(f"{name:<12} {n:>5} rows")
    print(f"wrote {args.out}")
    return 0
