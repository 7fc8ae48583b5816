"""Defensive parsing of model answers into submission-format items.

Models wrap JSON in code fences, prepend prose ("Here is the JSON:"), append
explanations, or think aloud first (``<think>…</think>``).  :func:`extract_json`
tolerates all of that and returns the first JSON object or array it finds;
anything else raises :class:`UnparseableAnswer` carrying the first 200 characters.

The ``coerce_*`` functions then turn the decoded value into the exact items of
submission format v1 (see ``benchmark/submission/submission.schema.json``), keeping only
the items that were asked for, and return a :class:`Problem` for every asked
item that is missing or malformed, so the caller can record it as failed and
leave it out rather than crash the run or write an invalid line.

Examples
--------
>>> extract_json('Sure! ```json\\n{"stance": []}\\n``` Hope this helps.')
{'stance': []}
>>> extract_json('<think>{maybe}</think> [1, 2] trailing')
[1, 2]
>>> extract_json("no json here")
Traceback (most recent call last):
...
benchmark.errors.UnparseableAnswer: unparseable: 'no json here'
>>> items, problems = coerce_stance({"stance": [{"quote_id": "q1", "target": "t", "label": "favour"}]},
...                                 pairs=[("q1", "t"), ("q2", "t")])
>>> items, [(p.item, p.kind) for p in problems]
([{'quote_id': 'q1', 'target': 't', 'label': 'FAVOR'}], [('q2/t', 'missing')])
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from benchmark.common.jsonguard import find_lone_surrogate, nesting_depth, number_hooks
from benchmark.errors import UnparseableAnswer
from benchmark.gold.schema import QUOTE_TYPES, STANCE_LABELS

SNIPPET_CHARS = 200
"""How much of an unparseable answer is kept in the failure record."""

_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE_RE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
_MAX_STARTS = 64  # candidate "{" / "[" positions tried before giving up
_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_DEPTH = 64
"""Deepest JSON nesting decoded in an answer (checked before decoding); the answers need 4 levels."""


def _number_error(message: str) -> UnparseableAnswer:
    return UnparseableAnswer("", message)


_PARSE_INT, _PARSE_FLOAT = number_hooks(_number_error)
_LABELS = {"FAVOR": "FAVOR", "FAVOUR": "FAVOR", "AGAINST": "AGAINST", "NONE": "NONE", "NEUTRAL": "NONE"}




@dataclass(frozen=True)
class Problem:
    """An asked item that cannot be predicted from the answer."""

    item: str
    """Item id: quote id, ``quote_id/target``, segment id, or passage label."""
    kind: str
    """``missing`` (not in the answer) or ``invalid`` (present but malformed)."""
    reason: str


def _decode(decoder: json.JSONDecoder, chunk: str, start: int) -> Any:
    """``raw_decode`` from ``start`` once the value there is known to nest at most :data:`MAX_DEPTH` deep."""
    if nesting_depth(chunk, start=start, limit=MAX_DEPTH) > MAX_DEPTH:
        raise UnparseableAnswer("", f"JSON nested more than {MAX_DEPTH} levels deep")
    return decoder.raw_decode(chunk, start)[0]


def extract_json(text: str) -> Any:
    """The first JSON object or array in ``text`` (see the module docstring).

    Bounded like a submission line: a value nesting deeper than
    :data:`MAX_DEPTH` is not decoded (no :class:`RecursionError`), an integer
    of more than 18 digits or a number overflowing to infinity makes the
    candidate unusable, and a string holding a lone surrogate (a ``\\ud800``
    escape) makes the answer unparseable, since no UTF-8 writer could store it.

    >>> extract_json("[" * 100_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    benchmark.errors.UnparseableAnswer: unparseable: JSON nested more than 64 levels deep: '[[[[...'
    >>> extract_json('{"speaker": "\\\\ud800"}')
    Traceback (most recent call last):
    ...
    benchmark.errors.UnparseableAnswer: unparseable: invalid text: a lone surrogate in speaker: '{"speaker": "\\\\ud800"}'
    """
    value = _first_json(text)
    bad = find_lone_surrogate(value)
    if bad is not None:
        where = ".".join(str(p) for p in bad[0]) or "the answer"
        raise UnparseableAnswer(text, f"invalid text: a lone surrogate in {where}")
    return value


def _first_json(text: str) -> Any:
    if _SURROGATE.search(text):
        raise UnparseableAnswer(text, "invalid text: a lone surrogate")
    stripped = _THINK_RE.sub("", text).strip()
    decoder = json.JSONDecoder(parse_int=_PARSE_INT, parse_float=_PARSE_FLOAT)
    why: UnparseableAnswer | None = None  # the most telling reason a candidate was refused
    # the whole answer first, then the first few "{" / "[" of each fenced block and of the answer
    attempts = [(stripped, 0)] if stripped[:1] in ("{", "[") else []
    for chunk in [m.group(1) for m in _FENCE_RE.finditer(stripped)] + [stripped]:
        attempts += [(chunk, i) for i, ch in enumerate(chunk) if ch in "{["][:_MAX_STARTS]
    for chunk, start in attempts:
        try:
            value = _decode(decoder, chunk, start)
        except UnparseableAnswer as exc:  # too deep, an absurd number
            why = why or exc
            continue
        except ValueError:
            continue
        if isinstance(value, (dict, list)):
            return value
    if why is not None:
        raise UnparseableAnswer(text, why.detail)
    raise UnparseableAnswer(text)


def answer_list(value: Any, key: str) -> list:
    """The list under ``key``; also accepts a bare list or a one-list object.

    >>> answer_list({"translations": [1]}, "translations"), answer_list([2], "x"), answer_list({"items": [3]}, "x")
    ([1], [2], [3])
    """
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if isinstance(value.get(key), list):
            return value[key]
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    raise UnparseableAnswer(json.dumps(value, ensure_ascii=False), f"expected a JSON object with a list under {key!r}")


def _text(value: Any) -> str | None:
    """A stripped non-empty string, else ``None``."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _label(value: Any) -> str | None:
    return _LABELS.get(value.strip().upper()) if isinstance(value, str) else None


def _by_id(entries: Iterable[Any], make_id) -> dict[Any, dict]:
    """First entry per id (models sometimes repeat an item); non-objects skipped."""
    out: dict[Any, dict] = {}
    for e in entries:
        if isinstance(e, dict):
            k = make_id(e)
            if k is not None:
                out.setdefault(k, e)
    return out


def coerce_attribution(value: Any, *, quote_ids: Sequence[str]) -> tuple[list[dict], list[Problem]]:
    """``[{"quote_id", "speaker"}]`` for the asked ``quote_ids``; ``speaker`` may be null."""
    got = _by_id(answer_list(value, "attribution"), lambda e: str(e.get("quote_id", "")).strip() or None)
    items, problems = [], []
    for qid in quote_ids:
        e = got.get(qid)
        if e is None:
            problems.append(Problem(qid, "missing", "missing from the answer"))
        elif e.get("speaker") is not None and not isinstance(e.get("speaker"), str):
            problems.append(Problem(qid, "invalid", f"speaker is not a string: {e.get('speaker')!r}"[:SNIPPET_CHARS]))
        else:
            items.append({"quote_id": qid, "speaker": _text(e.get("speaker"))})
    return items, problems


def coerce_stance(value: Any, *, pairs: Sequence[tuple[str, str]]) -> tuple[list[dict], list[Problem]]:
    """``[{"quote_id", "target", "label"}]`` for the asked (quote id, target) pairs."""
    got = _by_id(answer_list(value, "stance"),
                 lambda e: (str(e.get("quote_id", "")).strip(), str(e.get("target", "")).strip()))
    items, problems = [], []
    for qid, target in pairs:
        e, item = got.get((qid, target)), f"{qid}/{target}"
        label = None if e is None else _label(e.get("label"))
        if e is None:
            problems.append(Problem(item, "missing", "missing from the answer"))
        elif label is None:
            problems.append(Problem(item, "invalid", f"label {e.get('label')!r} is not one of "
                                    f"{', '.join(STANCE_LABELS)}"[:SNIPPET_CHARS]))
        else:
            items.append({"quote_id": qid, "target": target, "label": label})
    return items, problems


def coerce_translations(value: Any, *, segment_ids: Sequence[str],
                        quote_ids: Sequence[str] = ()) -> tuple[list[dict], list[Problem]]:
    """``[{"segment_id", "text"}]`` for the asked segments, then ``[{"quote_id", "text"}]``
    for the asked quote contents (an empty text is invalid).

    An answer entry counts for the key it names: ``{"segment_id": "q1"}`` does
    not answer quote ``q1`` (segment and quote ids are separate namespaces).

    >>> items, problems = coerce_translations({"translations": [
    ...     {"segment_id": "s1", "text": "He said the talks were useful."},
    ...     {"quote_id": "q1", "text": "the talks were useful"}, {"segment_id": "q2", "text": "x"}]},
    ...     segment_ids=["s1"], quote_ids=["q1", "q2"])
    >>> items
    [{'segment_id': 's1', 'text': 'He said the talks were useful.'}, {'quote_id': 'q1', 'text': 'the talks were useful'}]
    >>> [(p.item, p.kind) for p in problems]
    [('q2', 'missing')]
    """
    entries = answer_list(value, "translations")
    items, problems = [], []
    for key, ids in (("segment_id", segment_ids), ("quote_id", quote_ids)):
        got = _by_id(entries, lambda e, k=key: str(e.get(k, "")).strip() or None)
        for item_id in ids:
            e = got.get(item_id)
            text = None if e is None else _text(e.get("text"))
            if e is None:
                problems.append(Problem(item_id, "missing", "missing from the answer"))
            elif text is None:
                problems.append(Problem(item_id, "invalid", "empty or non-string translation"))
            else:
                items.append({key: item_id, "text": text})
    return items, problems


def coerce_speakers(value: Any, *, label: str) -> tuple[list[dict], list[Problem]]:
    """``[{"text", "entity"?}]``: the model's speaker name becomes the cluster label."""
    items, problems = [], []
    for i, e in enumerate(answer_list(value, "speakers")):
        text = _text(e.get("text")) if isinstance(e, dict) else _text(e)
        if text is None:
            problems.append(Problem(f"{label} speakers[{i}]", "invalid", f"no mention text: {e!r}"[:SNIPPET_CHARS]))
            continue
        name = _text(e.get("speaker")) if isinstance(e, dict) else None
        items.append({"text": text, **({"entity": name} if name else {})})
    return items, problems


def _content(value: Any) -> str | list[str] | None:
    if isinstance(value, list):
        parts = [p for p in (_text(v) for v in value) if p is not None]
        return (parts[0] if len(parts) == 1 else parts) or None
    return _text(value)


def coerce_quotes(value: Any, *, targets: Sequence[str], label: str) -> tuple[list[dict], list[Problem]]:
    """Quotes with ``content_text``; an unknown type becomes null, unknown targets are dropped."""
    items, problems = [], []
    for i, e in enumerate(answer_list(value, "quotes")):
        where = f"{label} quotes[{i}]"
        content = _content(e.get("content_text")) if isinstance(e, dict) else None
        if content is None:
            problems.append(Problem(where, "invalid", f"no content_text: {e!r}"[:SNIPPET_CHARS]))
            continue
        qtype = e.get("type").strip().lower() if isinstance(e.get("type"), str) else None
        stances, seen = [], set()
        raw_stances = e.get("stances") if isinstance(e.get("stances"), list) else []
        for j, s in enumerate(raw_stances):
            target = _text(s.get("target")) if isinstance(s, dict) else None
            lab = _label(s.get("label")) if isinstance(s, dict) else None
            if target in targets and lab is not None and target not in seen:
                seen.add(target)
                stances.append({"target": target, "label": lab})
            else:
                problems.append(Problem(f"{where}.stances[{j}]", "invalid",
                                        f"unknown target, bad label or repeated target: {s!r}"[:SNIPPET_CHARS]))
        speaker = e.get("speaker")
        items.append({
            "content_text": content,
            "cue_text": _text(e.get("cue_text")),
            "source_text": _text(e.get("source_text")),
            "speaker": _text(speaker) if isinstance(speaker, str) else None,
            "type": qtype if qtype in QUOTE_TYPES else None,
            "stances": stances,
        })
    return items, problems


def parse_answer(task: str, text: str, *, items: Sequence, targets: Sequence[str],
                 label: str) -> tuple[list[dict], list[Problem]]:
    """The submission items of one answer to a prompt ``task`` (``job.items`` asked, ``label`` of the job).

    Raises :class:`UnparseableAnswer` when the answer holds no usable JSON
    (the llm system then neither uses nor caches it).
    """
    value = extract_json(text)
    if task == "attribution":
        return coerce_attribution(value, quote_ids=items)
    if task == "stance":
        return coerce_stance(value, pairs=items)
    if task == "translation":
        return coerce_translations(value, segment_ids=[i for k, i in items if k == "segment_id"],
                                   quote_ids=[i for k, i in items if k == "quote_id"])
    if task == "speakers":
        return coerce_speakers(value, label=label)
    return coerce_quotes(value, targets=targets, label=label)
