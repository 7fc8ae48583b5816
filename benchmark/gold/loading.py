"""Load and write the gold data as typed, frozen records.

The gold lives in ``data/``: one JSON file per document under ``gold/``, the
article texts under ``articles/`` and the stance-target inventory in
``targets.json``.  Loading does *structural* checks only (JSON types, required
keys); :mod:`benchmark.gold.check` does the semantic checks behind
``python -m benchmark check-data``.

Examples
--------
>>> corpus = load_corpus()
>>> doc = corpus.documents[0]
>>> doc.text[doc.mentions[0].span.start:doc.mentions[0].span.end] == doc.mentions[0].span.text
True
>>> len(corpus.sha256)
64
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from benchmark.errors import GoldDataError, InputError
from benchmark.gold.schema import (
    Corpus,
    Document,
    Entity,
    Mention,
    Quote,
    Segment,
    Span,
    Stance,
    Target,
)

SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def default_data_dir() -> Path:
    """The repository's ``data/`` folder, or the copy installed as ``benchmark.data``."""
    if DATA_DIR.is_dir():
        return DATA_DIR
    import importlib

    return Path(importlib.import_module("benchmark.data").__file__).parent


class _Reader:
    """Reads one JSON object, naming file and field in every error."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)

    def fail(self, field: str, message: str) -> GoldDataError:
        return GoldDataError(message, file=self.file, field=field)

    def get(self, obj: dict[str, Any], key: str, where: str, types: type | tuple, *, optional: bool = False) -> Any:
        field = f"{where}.{key}" if where else key
        if key not in obj:
            if optional:
                return None
            raise self.fail(field, "missing required key")
        value = obj[key]
        if value is None and optional:
            return None
        if isinstance(value, bool) and int in (types if isinstance(types, tuple) else (types,)):
            raise self.fail(field, f"expected {types}, got bool")
        if not isinstance(value, types):
            raise self.fail(field, f"expected {getattr(types, '__name__', types)}, got {type(value).__name__}")
        return value

    def span(self, obj: Any, where: str) -> Span:
        if type(obj) is dict:  # the usual, well-formed case first: a corpus has hundreds of thousands
            start, end, text = obj.get("start"), obj.get("end"), obj.get("text")
            if type(start) is int and type(end) is int and type(text) is str:
                return Span(start=start, end=end, text=text)
        if not isinstance(obj, dict):
            raise self.fail(where, f"expected a span object, got {type(obj).__name__}")
        return Span(
            start=self.get(obj, "start", where, int),
            end=self.get(obj, "end", where, int),
            text=self.get(obj, "text", where, str),
        )

    def opt_span(self, obj: dict[str, Any], key: str, where: str) -> Span | None:
        value = obj.get(key)
        return None if value is None else self.span(value, f"{where}.{key}")

    def items(self, obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = self.get(obj, key, "", list)
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}]", f"expected an object, got {type(item).__name__}")
        return value


def document_from_json(obj: dict[str, Any], *, file: Path, data_dir: Path) -> Document:
    """Build a :class:`Document` from its JSON object (structural checks only)."""
    r = _Reader(file)
    if not isinstance(obj, dict):
        raise r.fail("", "expected a JSON object at top level")
    version = r.get(obj, "schema_version", "", int)
    if version != SCHEMA_VERSION:
        raise r.fail("schema_version", f"unsupported version {version}, expected {SCHEMA_VERSION}")
    metadata = r.get(obj, "metadata", "", dict, optional=True) or {}
    return Document(
        doc_id=r.get(obj, "doc_id", "", str),
        text=_read_text(r, data_dir / r.get(obj, "text_file", "", str)),
        text_sha256=r.get(obj, "text_sha256", "", str),
        metadata=tuple(sorted((str(k), str(v)) for k, v in metadata.items())),
        entities=tuple(_entity(r, e, f"entities[{i}]") for i, e in enumerate(r.items(obj, "entities"))),
        mentions=tuple(_mention(r, m, f"mentions[{i}]") for i, m in enumerate(r.items(obj, "mentions"))),
        quotes=tuple(_quote(r, q, f"quotes[{i}]") for i, q in enumerate(r.items(obj, "quotes"))),
        stances=tuple(_stance(r, s, f"stances[{i}]") for i, s in enumerate(r.items(obj, "stances"))),
        segments=tuple(_segment(r, s, f"segments[{i}]") for i, s in enumerate(r.items(obj, "segments"))),
    )


def _read_text(r: _Reader, text_path: Path) -> str:
    try:
        return text_path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise r.fail("text_file", f"text file not found: {text_path}") from None
    except UnicodeDecodeError as exc:
        raise r.fail("text_file", f"text file is not UTF-8: {exc}") from None


def _entity(r: _Reader, e: dict[str, Any], where: str) -> Entity:
    return Entity(
        id=r.get(e, "id", where, str),
        type=r.get(e, "type", where, str),
        name_ar=r.get(e, "name_ar", where, str),
        name_en=r.get(e, "name_en", where, str),
        variants_en=tuple(r.get(e, "variants_en", where, list, optional=True) or ()),
        variants_ar=tuple(r.get(e, "variants_ar", where, list, optional=True) or ()),
    )


def _mention(r: _Reader, m: dict[str, Any], where: str) -> Mention:
    return Mention(id=r.get(m, "id", where, str), entity=r.get(m, "entity", where, str),
                   span=r.span(m, where), kind=r.get(m, "kind", where, str))


def _quote(r: _Reader, q: dict[str, Any], where: str) -> Quote:
    content = r.get(q, "content", where, list)
    return Quote(
        id=r.get(q, "id", where, str),
        content=tuple(r.span(c, f"{where}.content[{j}]") for j, c in enumerate(content)),
        cue=r.opt_span(q, "cue", where),
        source=r.opt_span(q, "source", where),
        speaker=r.get(q, "speaker", where, str, optional=True),
        type=r.get(q, "type", where, str),
        nested_in=r.get(q, "nested_in", where, str, optional=True),
        translation_en=r.get(q, "translation_en", where, str, optional=True) or "",
    )


def _stance(r: _Reader, s: dict[str, Any], where: str) -> Stance:
    return Stance(
        id=r.get(s, "id", where, str), quote=r.get(s, "quote", where, str), holder=r.get(s, "holder", where, str),
        target=r.get(s, "target", where, str), label=r.get(s, "label", where, str),
        evidence=r.opt_span(s, "evidence", where),
    )


def _segment(r: _Reader, s: dict[str, Any], where: str) -> Segment:
    return Segment(
        id=r.get(s, "id", where, str), span=r.span(s, where), kind=r.get(s, "kind", where, str),
        paragraph=r.get(s, "paragraph", where, int),
        translation_en=r.get(s, "translation_en", where, str, optional=True) or "",
    )


def _span_json(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": span.text}


def document_to_json(doc: Document, *, text_file: str) -> dict[str, Any]:
    """The JSON object for ``doc`` (inverse of :func:`document_from_json`)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": doc.doc_id,
        "text_file": text_file,
        "text_sha256": doc.text_sha256,
        "metadata": dict(doc.metadata),
        "entities": [
            {"id": e.id, "type": e.type, "name_ar": e.name_ar, "name_en": e.name_en,
             "variants_en": list(e.variants_en), "variants_ar": list(e.variants_ar)}
            for e in doc.entities
        ],
        "mentions": [
            {"id": m.id, "entity": m.entity, **_span_json(m.span), "kind": m.kind}  # type: ignore[dict-item]
            for m in doc.mentions
        ],
        "quotes": [
            {"id": q.id, "content": [_span_json(c) for c in q.content], "cue": _span_json(q.cue),
             "source": _span_json(q.source), "speaker": q.speaker, "type": q.type,
             "nested_in": q.nested_in, "translation_en": q.translation_en}
            for q in doc.quotes
        ],
        "stances": [
            {"id": s.id, "quote": s.quote, "holder": s.holder, "target": s.target,
             "label": s.label, "evidence": _span_json(s.evidence)}
            for s in doc.stances
        ],
        "segments": [
            {"id": s.id, **_span_json(s.span), "kind": s.kind,  # type: ignore[dict-item]
             "paragraph": s.paragraph, "translation_en": s.translation_en}
            for s in doc.segments
        ],
    }


def load_json(path: Path) -> Any:
    """Read a UTF-8 JSON file, turning decode errors into :class:`GoldDataError`."""
    try:
        return json.loads(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise GoldDataError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise GoldDataError(f"not UTF-8: {exc}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise GoldDataError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


def load_targets(data_dir: Path) -> tuple[Target, ...]:
    """Read ``targets.json``: the stance-target inventory."""
    path = Path(data_dir) / "targets.json"
    raw = load_json(path)
    r = _Reader(path)
    if not isinstance(raw, list):
        raise r.fail("", "expected a JSON list of targets")
    out = []
    for i, t in enumerate(raw):
        if not isinstance(t, dict):
            raise r.fail(f"[{i}]", "expected an object")
        out.append(Target(id=r.get(t, "id", f"[{i}]", str),
                          description_en=r.get(t, "description_en", f"[{i}]", str),
                          description_ar=r.get(t, "description_ar", f"[{i}]", str)))
    return tuple(out)


def gold_files(data_dir: Path, layer: str = "gold") -> list[Path]:
    """The per-document JSON files of a layer folder, sorted by name."""
    return sorted((Path(data_dir) / layer).glob("*.json"))


def corpus_checksum(data_dir: Path, files: list[Path], *, text_files: list[str | None] | None = None) -> str:
    """SHA-256 over the targets file, each gold file and each article text.

    This one string identifies a gold version: every result records it, and
    the leaderboard only compares runs made against the same value.
    ``text_files``: each file's ``text_file`` when already read (the files are not parsed again).
    """
    h = hashlib.sha256()
    paths = [Path(data_dir) / "targets.json", *files]
    for text_file in text_files if text_files is not None else map(lambda f: text_file_of(load_json(f)), files):
        if text_file is not None:
            paths.append(Path(data_dir) / text_file)
    for p in paths:
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def load_corpus(data_dir: Path | str | None = None, *, layer: str = "gold",
                include_unannotated: bool = False) -> Corpus:
    """Load every document of ``layer`` (``gold``, ``passes/<name>`` or a folder).

    Parameters
    ----------
    data_dir : path, optional
        The data folder; defaults to the repository's ``data/``.
    layer : str
        Sub-folder holding one JSON file per document; an absolute path is
        used as it is (the article texts still come from ``data_dir``).
    include_unannotated : bool
        Keep documents whose ``metadata["status"]`` is ``unannotated``. By
        default they are left out (listed in :attr:`Corpus.unannotated`) and
        out of the checksum: they are not scored, and adding one does not
        change the gold version.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    files = gold_files(data_dir, layer)
    if not files:
        raise GoldDataError(f"no *.json documents in {Path(data_dir) / layer}")
    loaded = []
    for f in files:
        obj = load_json(f)
        loaded.append((f, text_file_of(obj), document_from_json(obj, file=f, data_dir=data_dir)))
    return corpus_of(data_dir, layer, loaded, targets=load_targets(data_dir), include_unannotated=include_unannotated)


def text_file_of(obj: Any) -> str | None:
    """A gold file's ``text_file`` (``None`` when it has none): what its checksum covers besides the file."""
    return obj["text_file"] if isinstance(obj, dict) and isinstance(obj.get("text_file"), str) else None


def corpus_of(data_dir: Path, layer: str, loaded: list[tuple[Path, str | None, Document]], *,
              targets: tuple[Target, ...], include_unannotated: bool = False) -> Corpus:
    """The :class:`Corpus` of documents already read: ``(file, its text_file, Document)`` in file order."""
    kept = [item for item in loaded if include_unannotated or item[2].status != "unannotated"]
    skipped = () if include_unannotated else tuple(d.doc_id for _, _, d in loaded if d.status == "unannotated")
    if not kept:
        raise GoldDataError(f"no annotated documents in {Path(data_dir) / layer}: "
                            f"{len(skipped)} document(s) are unannotated ({', '.join(skipped)})")
    return Corpus(documents=tuple(d for _, _, d in kept), targets=targets,
                  sha256=corpus_checksum(data_dir, [f for f, _, _ in kept], text_files=[t for _, t, _ in kept]),
                  unannotated=skipped)


PASSES = ("passes/annotator_a", "passes/annotator_b")
"""The two raw annotation passes the gold was adjudicated from."""


def load_passes(data_dir: Path | str | None = None) -> tuple[Corpus, Corpus]:
    """The two raw annotation passes of :data:`PASSES`, as corpora."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not all((data_dir / p).is_dir() for p in PASSES):
        raise InputError(f"the raw annotation passes {' and '.join(PASSES)} are not there", file=str(data_dir))
    a, b = (load_corpus(data_dir, layer=p) for p in PASSES)
    return a, b
