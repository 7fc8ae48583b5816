"""Speaker mentions from a token-classification (NER) model.

The model runs on each gold segment; entity offsets from the pipeline are
relative to the segment and are shifted by the segment's start.  With a
fast tokenizer the pipeline's ``start``/``end`` are Python ``str`` (code
point) offsets, the convention of this project.  Models with a slow
tokenizer give ``None`` offsets: the entity's ``word`` is then looked up in
the segment, allowing for the whitespace, diacritics and tatweel a
tokenizer may drop and for case.  A word that cannot be found is returned as
a text-only mention, which the harness aligns (or records as unaligned).

Every kept mention (PER/ORG by default) is a predicted speaker mention: the
model knows nothing of quotes, so this baseline has high recall and low
precision.  Identical surface strings share a cluster label (``entity``).

Examples
--------
>>> text = "قال لافروف، ومعه «ويتكوف»"
>>> ents = [{"entity_group": "PER", "score": 0.9, "word": "لافروف", "start": 4, "end": 11},
...         {"entity_group": "PER", "score": 0.8, "word": "ويتكوف", "start": None, "end": None},
...         {"entity_group": "LOC", "score": 0.9, "word": "قال", "start": 0, "end": 3}]
>>> entity_spans(text, ents, labels=("PER", "ORG"), min_score=0.0)
[(4, 10), (18, 24)]
>>> find_word("وَقالَ لافروف", "وقال")
(0, 6)
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from benchmark.tasks.inputs import DocInput

TRIM = " \t\r\n\u00a0\u200e\u200f«»“”„\"'()[]{}،,:;؛"
"""Stripped from both ends of a mention: spans never start or end with
whitespace, quotation marks or separating punctuation (GUIDELINES §0)."""
_MARKS = r"\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_GAP = rf"[\s\u0640{_MARKS}]*"
"""What may separate two characters of a word in the text but not in the
model's ``word``: whitespace, tatweel, combining marks (Arabic diacritics)."""
_UNKNOWN = re.compile(r"\[UNK\]|<unk>")
_PREFIX = re.compile(r"^[BIESLU]-")


def label_of(entity: dict[str, Any]) -> str:
    """Entity type without a B-/I- prefix (``entity_group``, else ``entity``)."""
    return _PREFIX.sub("", str(entity.get("entity_group") or entity.get("entity") or ""))


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without :data:`TRIM` characters or a sentence-final stop at
    either end; ``None`` when no letter or digit is left (punctuation, emoji).

    >>> trim("قال بوتين.", 3, 10), trim("U.S.", 0, 4), trim("«»", 0, 2)
    ((4, 9), (0, 4), None)
    """
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and (text[end - 1] in TRIM or text[end - 1] in "!?…"
                           or (text[end - 1] == "." and "." not in text[start:end - 1])):  # keep "U.S."
        end -= 1
    if not any(c.isalnum() for c in text[start:end]):
        return None
    return start, end


def find_word(text: str, word: str, start: int = 0) -> tuple[int, int] | None:
    """First occurrence of ``word`` at or after ``start``, tolerant of gaps and case."""
    pieces = []
    for n, part in enumerate(_UNKNOWN.split(word.replace("##", ""))):
        if n:
            pieces.append(r"\S+?")
        pieces.append(_GAP.join(re.escape(c) for c in part if not c.isspace()))
    if not any(p and p != r"\S+?" for p in pieces):
        return None  # nothing but unknown tokens: any word would match
    pattern = _GAP.join(p for p in pieces if p)
    pattern += f"[{_MARKS}]*"  # a word's last diacritic belongs to it
    m = re.compile(pattern, re.IGNORECASE).search(text, start)
    return (m.start(), m.end()) if m else None


def entity_spans(text: str, entities: Iterable[dict[str, Any]], *, labels: Sequence[str],
                 min_score: float) -> list[tuple[int, int] | str]:
    """Spans (in ``text``) of the kept entities; a ``str`` for a word not found."""
    wanted = {x.upper() for x in labels}
    out: list[tuple[int, int] | str] = []
    cursor = 0
    for e in entities:
        if label_of(e).upper() not in wanted or float(e.get("score", 1.0)) < min_score:
            continue
        start, end = e.get("start"), e.get("end")
        if start is not None and end is not None and 0 <= int(start) < int(end) <= len(text):
            span = trim(text, int(start), int(end))
        else:  # no offsets (slow tokenizer): look the word up, successive occurrences first
            word = str(e.get("word", "")).strip()
            found = find_word(text, word, cursor) or find_word(text, word)
            if found is None:
                if any(c.isalnum() for c in word):  # left for the harness to align (or record as unaligned)
                    out.append(word.strip(TRIM))
                continue
            span = trim(text, *found)
        if span is not None:
            out.append(span)
            cursor = span[1]
    return out


def chunks(doc: DocInput) -> list[tuple[int, str]]:
    """``(offset, text)`` of each segment (the whole text when there are none)."""
    if not doc.segments:
        return [(0, doc.text)]
    return [(s.span.start, doc.text[s.span.start:s.span.end]) for s in doc.segments]


def speaker_mentions(docs: Sequence[DocInput], *, pipe: Any, labels: Sequence[str], min_score: float,
                     batch_size: int) -> tuple[list[list[dict[str, Any]]], int]:
    """Per document, its mentions in submission format; and the count of unfound words."""
    todo = [(d, off, chunk) for d, doc in enumerate(docs) for off, chunk in chunks(doc) if chunk.strip()]
    results = pipe([c for _, _, c in todo], batch_size=batch_size) if todo else []
    if todo and results and isinstance(results[0], dict):  # one input may come back unwrapped
        results = [results]
    spans: list[dict[tuple[int, int], None]] = [{} for _ in docs]
    words: list[list[str]] = [[] for _ in docs]
    for (d, off, chunk), ents in zip(todo, results):
        for item in entity_spans(chunk, ents, labels=labels, min_score=min_score):
            if isinstance(item, str):
                words[d].append(item)
            else:
                spans[d].setdefault((off + item[0], off + item[1]), None)
    out = []
    for d, doc in enumerate(docs):
        rows = [{"start": s, "end": e, "entity": " ".join(doc.text[s:e].split())} for s, e in sorted(spans[d])]
        rows += [{"text": w, "entity": " ".join(w.split())} for w in words[d]]
        out.append(rows)
    return out, sum(len(w) for w in words)
