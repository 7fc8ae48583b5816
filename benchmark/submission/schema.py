"""The JSON side of the submission format: line decoding and schema checks.

:func:`check_line` decodes one JSON Lines record and validates it against
``benchmark/submission/submission.schema.json`` (JSON Schema draft 2020-12, checked with
the ``jsonschema`` package), turning the first violation into an
:class:`~benchmark.errors.InputError` with a ``field`` path such as
``quotes[2].content[0]`` and a message saying what was found and what was
expected.  Checks that need the gold data live in :mod:`benchmark.submission.reader`.

Examples
--------
>>> check_line('{"doc_id": "d1", "quotes": [{"content": [[5, "9"]]}]}', file="p.jsonl", line=4)
Traceback (most recent call last):
...
benchmark.errors.InputError: p.jsonl:4: quotes[0].content[0][1]: expected integer, got string "9"
>>> check_line('{"doc_id": "d1", "stance": [{"quote_id": "q1", "target": "t", "label": "PRO"}]}', file="p", line=1)
Traceback (most recent call last):
...
benchmark.errors.InputError: p:1: stance[0].label: expected one of ["FAVOR", "AGAINST", "NONE"], got string "PRO"
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from benchmark.common.jsonguard import clip, nesting_depth, number_hooks
from benchmark.errors import InputError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("submission.schema.json")

MAX_DEPTH = 20
"""Deepest JSON nesting accepted on a line (checked before parsing); the format needs 5 levels."""

_WEAK = ("anyOf", "oneOf", "not")


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x"}`` replaced by ``x`` (the schema has no cycles).

    jsonschema resolves a ``$ref`` anew for every item it checks; inlined, a
    line of 20,000 quotes is checked in about half the time.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[node["$ref"].rsplit("/", 1)[1]], defs), **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    # Imported on first use: a run of built-in systems checks no external file
    # (their predictions are typed already), so its start-up does without jsonschema.
    from jsonschema import Draft202012Validator, validators

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # JSON ``12.0`` is an integer to jsonschema; an offset must be a real int.
    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, x: isinstance(x, int) and not isinstance(x, bool))
    return validators.extend(Draft202012Validator, type_checker=checker)(_inline_refs(schema, schema["$defs"]))


def field_path(path: Iterable[Any]) -> str:
    """``["quotes", 2, "content", 0]`` → ``"quotes[2].content[0]"`` (a key longer than 40 characters is cut).

    >>> field_path(["quotes", 2, "content", 0])
    'quotes[2].content[0]'
    """
    out = ""
    for part in path:
        if isinstance(part, str) and len(part) > 40:
            part = part[:40] + "…"
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _show(value: Any) -> str:
    """A short description of a JSON value for "got …" messages.

    >>> _show("قال"), _show(None), _show([1, 2])
    ('string "قال"', 'null', 'array [1, 2]')
    """
    if value is None:
        return "null"  # not "null null"
    kind = {dict: "object", list: "array", str: "string", bool: "boolean",
            int: "integer", float: "number"}.get(type(value), type(value).__name__)
    if isinstance(value, str) and len(value) > 60:
        value = value[:60]  # never serialise a huge string only to cut it
        return f"{kind} {_dumps(value)[:-1]}…"
    text = _dumps(value)
    return f"{kind} {text[:60] + '…' if len(text) > 60 else text}"


def _dumps(value: Any) -> str:
    """JSON text for a message: readable Arabic, but a lone surrogate stays an escape (printable)."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _schema_message(err) -> tuple[str, str]:
    """``(field, message)`` for a jsonschema error, saying got vs expected."""
    v, schema, got = err.validator, err.schema, err.instance
    if v in ("anyOf", "oneOf") and err.context:
        # descend into a branch that matched the type, if any did
        deeper = [e for e in err.context if e.relative_path or e.validator not in ("type", "required")]
        if deeper:
            return _schema_message(min(deeper, key=lambda e: (len(e.relative_path), e.validator in _WEAK)))
    where = field_path(err.absolute_path)
    if v == "oneOf" and not err.context and isinstance(schema, dict) and "x-error-both" in schema:
        # no failing branch: more than one matched (both alternatives given)
        return where, f"{schema['x-error-both']}; got keys {sorted(got)}"
    if isinstance(schema, dict) and "x-error" in schema and v in (*_WEAK, "minItems", "maxItems"):
        if isinstance(got, dict):
            return where, f"{schema['x-error']}; got keys {_keys(got)}"
        return where, f"{schema['x-error']}; got {_show(got)}"
    if v == "type":
        expected = err.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return where, f"expected {expected}, got {_show(got)}"
    if v == "required":
        missing = [k for k in err.validator_value if k not in got]
        return where, f"missing required key {missing[0]!r}"
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(got) - set(allowed))[0]
        close = difflib.get_close_matches(extra[:100], allowed, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"unexpected key {clip(extra)}{hint}; expected one of: {', '.join(allowed)}"
        return field_path([*err.absolute_path, extra]), message
    if v == "enum":
        return where, f"expected one of {json.dumps(err.validator_value, ensure_ascii=False)}, got {_show(got)}"
    if v == "const":
        return where, f"expected {json.dumps(err.validator_value)}, got {_show(got)}"
    if v in ("minimum", "maximum"):
        op = ">=" if v == "minimum" else "<="
        return where, f"expected a number {op} {err.validator_value}, got {_show(got)}"
    if v == "minLength":
        return where, f"expected a non-empty string, got {_show(got)}"
    if v == "minItems":
        n = err.validator_value
        return where, f"expected {'a non-empty array' if n == 1 else f'at least {n} items'}, got {_show(got)}"
    if v == "maxItems":
        return where, f"expected at most {err.validator_value} items, got {_show(got)}"
    return where, f"{clip(err.message)} (got {_show(got)})"


def _keys(obj: dict) -> str:
    """The keys of an object as a short list (each key clipped, at most 8 shown)."""
    keys = sorted(obj)
    shown = ", ".join(clip(k, 30) for k in keys[:8])
    return f"[{shown}{', …' if len(keys) > 8 else ''}]"


def _path_key(err) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in err.absolute_path), err.validator in _WEAK


def decode_line(raw: str, *, file: str, line: int) -> Any:
    """``json.loads`` of one line, bounded: nesting depth (checked before parsing), duplicate
    keys, ``NaN``/``Infinity``, integers of more than 18 digits, numbers that overflow."""
    def fail(message: str) -> InputError:
        return InputError(message, file=file, line=line)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) < len(pairs):
            keys = [k for k, _ in pairs]
            dup = next(k for k in keys if keys.count(k) > 1)
            raise fail(f"duplicate key {clip(dup)} in one JSON object")
        return obj

    def no_constants(name: str) -> Any:
        raise fail(f"not valid JSON: {name} is not a JSON number")

    start = len(raw) - len(raw.lstrip())
    depth = nesting_depth(raw, start=start, limit=MAX_DEPTH)
    if depth > MAX_DEPTH:
        raise fail(f"JSON nested more than {MAX_DEPTH} levels deep; the format needs at most 5 "
                   "(a line is one object of lists of objects)")
    parse_int, parse_float = number_hooks(fail)
    try:
        return json.loads(raw, object_pairs_hook=no_duplicates, parse_constant=no_constants,
                          parse_int=parse_int, parse_float=parse_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {_decode_message(exc, raw)}; expected one JSON object per line",
                         file=file, line=line) from None


def _decode_message(exc: json.JSONDecodeError, raw: str) -> str:
    """``json``'s message with the column, saying when the line ends too early.

    >>> try:
    ...     json.loads('{"doc_id": "d1", "quotes": [')
    ... except json.JSONDecodeError as exc:
    ...     print(_decode_message(exc, '{"doc_id": "d1", "quotes": ['))
    Expecting value at column 29: the line ends at column 28 before the JSON is complete (truncated?)
    """
    # json says "Unterminated string starting at" and then adds the position itself
    msg = exc.msg[: -len(" at")] if exc.msg.endswith(" at") else exc.msg
    out = f"{msg} at column {exc.colno}"
    end = len(raw.rstrip())
    if exc.pos >= end or msg.startswith("Unterminated string"):
        out += f": the line ends at column {end} before the JSON is complete (truncated?)"
    return out



def schema_problems(obj: Any) -> list[tuple[str | None, str]]:
    """``(field, message)`` for the schema violations of a decoded line, one per place, in document order."""
    out, seen = [], set()
    for err in sorted(_validator().iter_errors(obj), key=_path_key):
        # One problem per place: the first (a type error before the oneOf rules it makes moot).
        place = tuple(err.absolute_path)
        if place in seen:
            continue
        seen.add(place)
        where, message = _schema_message(err)
        out.append((where or None, message))
    return out


def check_line(raw: str, *, file: str, line: int) -> dict[str, Any]:
    """Decode one line and validate it against the schema; return the object.

    Raises :class:`InputError` for the first problem.
    """
    obj = decode_line(raw, file=file, line=line)
    problems = schema_problems(obj)
    if problems:
        where, message = problems[0]
        raise InputError(message, file=file, line=line, field=where)
    return obj
