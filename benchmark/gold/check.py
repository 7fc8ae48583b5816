"""Semantic validation of the gold data (``python -m benchmark check-data``).

:func:`check_document` returns every problem it finds as a
:class:`Problem` naming the file and the field, so one run shows them all.

The word-boundary rule (``GUIDELINES.md`` section 0): a span boundary may not
fall between two word characters, except right after one or two proclitic
letters (و ف ب ل ك) at the start of a word, as in «لوزير» → «وزير».

Examples
--------
>>> inside_word("وقال لافروف", 5)
False
>>> inside_word("وقال لافروف", 7)
True
>>> inside_word("وقال لافروف", 1)   # after the proclitic و
False
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from benchmark.common.ids import FirstSeen, duplicates
from benchmark.gold.loading import document_from_json, gold_files, load_json, load_targets, text_file_of
from benchmark.errors import GoldDataError
from benchmark.gold.problems import Problem
from benchmark.gold.schema import (
    DOCUMENT_STATUSES,
    ENTITY_TYPES,
    MENTION_KINDS,
    QUOTE_TYPES,
    SEGMENT_KINDS,
    STANCE_LABELS,
    Document,
    Span,
    Target,
)

PROCLITICS = frozenset("وفبلك")
MAX_PROCLITICS = 2


def is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks (Arabic diacritics) form words."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def inside_word(text: str, pos: int) -> bool:
    """True when offset ``pos`` splits a word, proclitic boundaries excepted."""
    if pos <= 0 or pos >= len(text):
        return False
    if not (is_word_char(text[pos - 1]) and is_word_char(text[pos])):
        return False
    start = pos
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    prefix = text[start:pos]
    return not (len(prefix) <= MAX_PROCLITICS and all(c in PROCLITICS for c in prefix))


def check_span(text: str, span: Span, field: str, file: str) -> list[Problem]:
    """Offsets in range, text matches, no edge whitespace, word boundaries."""
    out = []
    if not (0 <= span.start < span.end <= len(text)):
        return [Problem(file, field, f"offsets [{span.start}, {span.end}) out of range or empty for a text of length {len(text)}")]
    actual = text[span.start:span.end]
    if actual != span.text:
        out.append(Problem(file, field, f"surface text {span.text!r} does not match the text at [{span.start}, {span.end}): {actual!r}"))
    if actual != actual.strip():
        out.append(Problem(file, field, f"span {actual!r} has leading or trailing whitespace"))
    for pos, side in ((span.start, "start"), (span.end, "end")):
        if inside_word(text, pos):
            out.append(Problem(file, field, f"span {side} {pos} falls inside the word around {text[max(0, pos - 8):pos + 8]!r}"))
    return out


def _duplicates(ids, file: str, layer: str) -> list[Problem]:
    return [Problem(file, f"{layer}[{i}].id", f"duplicate id {x!r} (first at {layer}[{first}])")
            for i, x, first in duplicates(ids)]


def _label(value: str, allowed, file: str, field: str) -> list[Problem]:
    if value not in allowed:
        return [Problem(file, field, f"{value!r} is not one of {', '.join(allowed)}")]
    return []


def check_document(doc: Document, *, targets: tuple[Target, ...], file: str, text_bytes: bytes | None = None,
                   references: bool = False) -> list[Problem]:
    """Every semantic problem of one document, layer by layer.

    With ``references``, an annotated document's English references are
    checked too (:mod:`benchmark.gold.references`); the gold layer is, raw
    passes (which may leave them empty) are not. An ``unannotated`` document
    is checked for what it holds, never for completeness.
    """
    p: list[Problem] = []
    p += _label(doc.status, DOCUMENT_STATUSES, file, "metadata.status")
    actual_sha = hashlib.sha256(text_bytes if text_bytes is not None else doc.text.encode("utf-8")).hexdigest()
    if actual_sha != doc.text_sha256:
        p.append(Problem(file, "text_sha256", f"checksum mismatch: the text file has {actual_sha}, the gold records {doc.text_sha256}"))
    for layer in ("entities", "mentions", "quotes", "stances", "segments"):
        p += _duplicates([x.id for x in getattr(doc, layer)], file, layer)
    p += _check_entities(doc, file)
    p += _check_mentions(doc, file)
    p += _check_quotes(doc, file)
    p += _check_stances(doc, file, target_ids={x.id for x in targets})
    p += _check_segments(doc, file)
    if references and doc.status == "annotated":
        from benchmark.gold.references import check_references

        p += check_references(doc, file=file)
    return p


def _check_entities(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    for i, e in enumerate(doc.entities):
        p += _label(e.type, ENTITY_TYPES, file, f"entities[{i}].type")
        if not e.name_en.strip() or not e.name_ar.strip():
            p.append(Problem(file, f"entities[{i}]", f"entity {e.id!r} needs Arabic and English names"))
    return p


def _check_mentions(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    entity_ids = {e.id for e in doc.entities}
    for i, m in enumerate(doc.mentions):
        f = f"mentions[{i}]"
        p += check_span(doc.text, m.span, f, file)
        p += _label(m.kind, MENTION_KINDS, file, f"{f}.kind")
        if m.entity not in entity_ids:
            p.append(Problem(file, f"{f}.entity", f"dangling reference to entity {m.entity!r}"))
    return p


def _check_quotes(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    entity_ids = {e.id for e in doc.entities}
    quote_ids = {q.id for q in doc.quotes}
    mention_spans = {(m.span.start, m.span.end) for m in doc.mentions}
    for i, q in enumerate(doc.quotes):
        f = f"quotes[{i}]"
        if not q.content:
            p.append(Problem(file, f"{f}.content", "a quote needs at least one content span"))
        for j, c in enumerate(q.content):
            p += check_span(doc.text, c, f"{f}.content[{j}]", file)
            if j and c.start < q.content[j - 1].end:
                p.append(Problem(file, f"{f}.content[{j}]", "content spans overlap or are out of text order"))
        for key in ("cue", "source"):
            span = getattr(q, key)
            if span is not None:
                p += check_span(doc.text, span, f"{f}.{key}", file)
        if q.source is not None and (q.source.start, q.source.end) not in mention_spans:
            p.append(Problem(file, f"{f}.source", f"source span {q.source.text!r} is not a mention"))
        if not q.speaker:
            p.append(Problem(file, f"{f}.speaker", f"quote {q.id!r} has no speaker"))
        elif q.speaker not in entity_ids:
            p.append(Problem(file, f"{f}.speaker", f"dangling reference to entity {q.speaker!r}"))
        p += _label(q.type, QUOTE_TYPES, file, f"{f}.type")
        if q.nested_in is not None and (q.nested_in not in quote_ids or q.nested_in == q.id):
            p.append(Problem(file, f"{f}.nested_in", f"dangling reference to quote {q.nested_in!r}"))
    return p


def _check_stances(doc: Document, file: str, *, target_ids: set[str]) -> list[Problem]:
    p: list[Problem] = []
    entity_ids = {e.id for e in doc.entities}
    speakers = {q.id: q.speaker for q in doc.quotes}
    contents = {q.id: q.content for q in doc.quotes}
    seen_pairs: set[tuple[str, str]] = set()
    for i, s in enumerate(doc.stances):
        f = f"stances[{i}]"
        p += _label(s.label, STANCE_LABELS, file, f"{f}.label")
        for key, known, what in (("quote", speakers, "quote"), ("holder", entity_ids, "entity"),
                                 ("target", target_ids, "target")):
            if getattr(s, key) not in known:
                p.append(Problem(file, f"{f}.{key}", f"dangling reference to {what} {getattr(s, key)!r}"))
        if s.quote in speakers and s.holder in entity_ids and s.holder != speakers[s.quote]:
            # GUIDELINES 4: a stance is held by the speaker of its quote (a nested
            # quote's stance by the inner speaker; the outer one repeats it only if endorsed).
            p.append(Problem(file, f"{f}.holder", f"holder {s.holder!r} is not the speaker "
                                                  f"{speakers[s.quote]!r} of quote {s.quote!r}"))
        if s.evidence is not None:
            p += check_span(doc.text, s.evidence, f"{f}.evidence", file)
            content = contents.get(s.quote, ())
            if content and not any(c.start <= s.evidence.start and s.evidence.end <= c.end for c in content):
                p.append(Problem(file, f"{f}.evidence", f"evidence {s.evidence.text!r} is not inside the content "
                                                        f"of quote {s.quote!r}"))
        if (s.quote, s.target) in seen_pairs:
            p.append(Problem(file, f, f"duplicate stance for quote {s.quote!r} and target {s.target!r}"))
        seen_pairs.add((s.quote, s.target))
    return p


def _check_segments(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    prev_end = 0
    for i, s in enumerate(doc.segments):
        f = f"segments[{i}]"
        p += check_span(doc.text, s.span, f, file)
        p += _label(s.kind, SEGMENT_KINDS, file, f"{f}.kind")
        if s.span.start < prev_end:
            p.append(Problem(file, f, "segments overlap or are out of text order"))
        prev_end = s.span.end
    return p


def check_data(data_dir: Path, *, layer: str = "gold", references: bool | None = None) -> list[Problem]:
    """Validate every document of ``layer`` plus the target inventory.

    With ``references`` (the default for the gold layer), annotated documents
    also get the checks of their English references, and one spelling of each
    word across them all: curation rules of the gold, which ``check-data``
    applies; scoring needs only the rest (:func:`load_checked_corpus`).
    """
    return _checked(Path(data_dir), layer=layer, references=references)[0]


def _checked(data_dir: Path, *, layer: str, references: bool | None):
    """:func:`check_data`'s problems, the documents it read (``(file, text_file, Document)``) and the targets."""
    problems: list[Problem] = []
    loaded: list = []
    try:
        targets = load_targets(data_dir)
    except GoldDataError as exc:
        return [Problem(exc.file or "targets.json", exc.field or "", exc.message, exc.line)], loaded, ()
    problems += _duplicates([x.id for x in targets], str(data_dir / "targets.json"), "targets")
    files = gold_files(data_dir, layer)
    if not files:
        return [Problem(str(data_dir / layer), "", "no *.json documents found")], loaded, targets
    references = layer == "gold" if references is None else references
    seen_docs: FirstSeen[str] = FirstSeen()
    annotated = []
    for f in files:
        try:
            obj = load_json(f)
            doc = document_from_json(obj, file=f, data_dir=data_dir)
            text_bytes = (data_dir / obj["text_file"]).read_bytes()
        except GoldDataError as exc:
            problems.append(Problem(exc.file or str(f), exc.field or "", exc.message, exc.line))
            continue
        loaded.append((f, text_file_of(obj), doc))  # not the JSON: a corpus of it would fill memory
        first = seen_docs.add(doc.doc_id, where=f)
        if first is not None:
            problems.append(Problem(str(f), "doc_id", f"duplicate document id {doc.doc_id!r} (also in {first})"))
        problems += check_document(doc, targets=targets, file=str(f), text_bytes=text_bytes, references=references)
        if doc.status == "annotated":
            annotated.append((doc, str(f)))
    if references:
        from benchmark.gold.references import check_spelling

        problems += check_spelling(annotated, targets=targets, targets_file=str(data_dir / "targets.json"))
    return problems, loaded, targets


def load_checked_corpus(data_dir: Path | str | None = None):
    """:func:`~benchmark.gold.loading.load_corpus` after :func:`check_data` passes.

    Commands that score against the gold use this, so a broken gold (say a
    custom data folder) is reported as such, not blamed on a system's file.
    The rules of the English references are left to ``check-data``: a corpus
    whose references are unfinished can still be scored.
    """
    from benchmark.gold.loading import corpus_of, default_data_dir

    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    problems, loaded, targets = _checked(data_dir, layer="gold", references=False)
    if problems:
        raise GoldDataError(
            f"the gold data fails check-data ({len(problems)} problem(s)); first: {problems[0]}; "
            f"see `python -m benchmark check-data --data-dir {data_dir}`")
    return corpus_of(data_dir, "gold", loaded, targets=targets)  # the documents the check read, not read again
