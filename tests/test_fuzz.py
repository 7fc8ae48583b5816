"""Property-based fuzzing of everything that reads outside input: submissions and model answers.

Mutated submission lines go to the reader and the validator, mutated model
answers to the llm parser, mutated ``per_item.jsonl.gz`` files (a downloaded
run's) to the run-file reader.  Each property asserts that nothing but the
project's own errors (:mod:`benchmark.errors`) escapes, that one example
takes bounded time, and that whatever validates also scores and writes.

The budget is fixed and the examples are derived from the test's name, not
drawn at random (``derandomize=True``), so CI runs the same cases every time;
the whole file takes about 20 seconds.  The nastiest cases found this way
live in ``tests/fuzz_corpus/`` and are replayed by ``test_fuzz_corpus.py``.
"""

from __future__ import annotations

import json
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from benchmark.errors import BenchmarkError, UnparseableAnswer
from benchmark.gold.loading import load_corpus
from benchmark.errors import InputError
from benchmark.harness.rundir import PER_ITEM, canonical_json, commit_run, gzip_jsonl, iter_jsonl, jsonl_bytes
from benchmark.report.render import render_reports
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.submission.reader import parse_submission_lines, read_lines, submission_line, write_submission
from benchmark.submission.report import validate_file
from benchmark.systems.llm.parse import extract_json, parse_answer
from benchmark.tasks.registry import TASKS, evaluate_task

CORPUS = load_corpus()
DOC = CORPUS.documents[0]
SECONDS = 10.0
"""Bound of one example (a hostile file used to take minutes; a sane one takes milliseconds)."""

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def seed_submission() -> dict[str, Any]:
    """A valid line using every field of the format, built from the gold (offsets and text)."""
    q, m = DOC.quotes, DOC.mentions
    return {
        "doc_id": DOC.doc_id, "format_version": 1,
        "speakers": [{"start": m[0].span.start, "end": m[0].span.end, "entity": "c1"}, {"text": m[1].span.text}],
        "quotes": [
            {"content": [[s.start, s.end] for s in q[0].content], "cue": None, "source": None,
             "speaker": q[0].speaker, "type": q[0].type, "stances": []},
            {"content_text": q[1].content[0].text, "cue_text": q[1].cue.text if q[1].cue else None,
             "source_text": None, "speaker": "Sergei Lavrov", "type": "direct",
             "stances": [{"target": CORPUS.targets[0].id, "label": "FAVOR"}]},
            {"content_text": [q[2].content[0].text[:40], q[2].content[0].text[-30:]], "speaker": None}],
        "attribution": [{"quote_id": q[0].id, "speaker": "lavrov"}, {"quote_id": q[3].id, "speaker": None}],
        "stance": [{"quote_id": s.quote, "target": s.target, "label": s.label} for s in DOC.stances[:3]],
        "translations": [{"segment_id": DOC.segments[0].id, "text": "Russia and the United States"},
                         {"quote_id": q[0].id, "text": "they listened"}],
    }


SEED = seed_submission()

HOSTILE_STRINGS = st.sampled_from([
    "\ud800", "a\udfffb", "\ud83d\ude00", "", " ", "\x00", "\u200f\u202e", "«»“”", "ﻻ", "لافروف", "قال",
    "q01", "s01", "q1", "lavrov", "FAVOR", "direct", "x" * 3000, "[" * 50, '{"a": [', "\\", "null", "1e999",
    "قال لافروف إن" * 40, DOC.text[100:400], DOC.text[1000:1300].replace("ا", "أ"),
])
HOSTILE_NUMBERS = st.sampled_from([0, -1, 1, 5792, 10**17, 10**30, 2**63, 1.5, -0.0, 1e308, True, False])


def hostile_values(depth: int = 2):
    scalars = st.one_of(st.none(), HOSTILE_STRINGS, HOSTILE_NUMBERS, st.text(max_size=30))
    if depth == 0:
        return scalars
    inner = hostile_values(depth - 1)
    return st.one_of(scalars, st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["start", "end", "text", "content", "content_text", "speaker", "quote_id", "target", "label", "x"]),
        inner, max_size=3))


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, here + (i,))
    return out


def _get(root: Any, path: tuple) -> Any:
    for p in path:
        root = root[p]
    return root


def _set(root: Any, path: tuple, value: Any, *, delete: bool = False) -> Any:
    if not path:
        return value
    parent = root
    for p in path[:-1]:
        parent = parent[p]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return root


def mutate_object(data) -> Any:
    obj = json.loads(json.dumps(SEED))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _paths(obj)[1:] or [()]  # the root itself is replaced only when nothing else is left
        path = data.draw(st.sampled_from(paths), label="path")
        action = data.draw(st.sampled_from(["text", "text", "text", "replace", "replace", "delete", "duplicate",
                                            "nest"]), label="action")
        if action == "text":
            # another string where a string was: mostly still valid, so alignment and scoring run
            strings = [p for p in paths if isinstance(_get(obj, p), str)]
            if strings:
                obj = _set(obj, data.draw(st.sampled_from(strings), label="string"),
                           data.draw(st.one_of(HOSTILE_STRINGS, st.text(min_size=1, max_size=40)), label="new"))
        elif action == "delete" and path:
            obj = _set(obj, path, None, delete=True)
        elif action == "duplicate" and path and isinstance(obj, dict):
            parent = obj
            for p in path[:-1]:
                parent = parent[p]
            if isinstance(parent, list):
                parent.extend([parent[path[-1]]] * data.draw(st.integers(1, 200), label="copies"))
        elif action == "nest":
            obj = _set(obj, path, json.loads("[" * 30 + "]" * 30))
        else:
            obj = _set(obj, path, data.draw(hostile_values(), label="value"))
    return obj


def mutated_line(data) -> str:
    """A seed line mutated in its JSON values, then (sometimes) in its text."""
    text = json.dumps(mutate_object(data), ensure_ascii=data.draw(st.booleans(), label="ascii"))
    how = data.draw(st.sampled_from(["none"] * 6 + ["truncate", "insert", "bignum", "deep", "escape"]), label="text")
    at = data.draw(st.integers(0, len(text)), label="at")
    if how == "truncate":
        text = text[:at]
    elif how == "insert":
        text = text[:at] + data.draw(st.sampled_from(['"', "[", "}", ",", "\\", "\\ud800", "NaN", "\n"])) + text[at:]
    elif how == "bignum":
        text = text.replace("1", "9" * data.draw(st.sampled_from([19, 4300, 5000])), 1)
    elif how == "deep":
        text = text[:at] + "[" * 2000 + text[at:]
    elif how == "escape":
        text = text.replace("ا", "\\udc00", 1)
    return text


def _score_and_write(preds: dict, out: Path) -> None:
    """What the harness does with a valid file: score every attempted task, write the predictions,
    render the reports and write the run folder (with the harness's own writers)."""
    pairs = [(d, preds.get(d.doc_id)) for d in CORPUS.documents]
    metrics, per_item = {}, []
    for task in TASKS.names():
        if all(p is None or getattr(p, TASKS.get(task).field) is None for _, p in pairs):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)  # null metrics are part of the output
            result = evaluate_task(task, pairs, gold_sha256=CORPUS.sha256, n_resamples=5, seed=1, confidence=0.95,
                                   alignment="fuzz")
        if result is not None:
            metrics[task] = [m.to_json() for m in result.metrics]
            per_item += [{"task": task, **row} for row in result.per_item]
    write_submission(preds.values(), out / "predictions.jsonl")
    doc = {"system": "fuzz", "system_name": "predictions", "ranked": True, "gold_sha256": CORPUS.sha256,
           "config_hash": "0" * 8, "tasks": metrics, "not_attempted": [],
           "scoring": {"n_resamples": 5, "confidence": 0.95, "seed": 1}}
    rows = [json.loads(x) for x in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    reports = render_reports(metrics=json.loads(canonical_json(doc)), predictions=rows, per_item=per_item,
                             manifest={"system": {"label": "fuzz"}}, corpus=CORPUS, worst_errors=5,
                             markdown=True, html=True)
    commit_run(out, "fuzz", "run", {"metrics.json": canonical_json(doc), PER_ITEM: gzip_jsonl([jsonl_bytes(per_item)]),
                                    **{name: text.encode("utf-8") for name, text in reports.items()}})


def _check_problem(text: str, file: str) -> None:
    """One short line naming the file, printable on any terminal (no lone surrogate echoed)."""
    assert text.startswith(file) and "\n" not in text and len(text) < 1000, text[:2000]
    text.encode("utf-8")


@settings(FUZZ, max_examples=300)
@given(st.data())
def test_mutated_submissions_are_refused_cleanly_or_read_scored_and_written(data):
    line = mutated_line(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        path.write_text(line + "\n", encoding="utf-8", errors="surrogatepass")
        start = time.perf_counter()
        try:
            report = validate_file(path, corpus=CORPUS)
        except BenchmarkError as exc:  # a file-level refusal (not UTF-8 is a line problem)
            _check_problem(str(exc), str(path))
            return
        finally:
            assert time.perf_counter() - start < SECONDS
        for problem in report.problem_lines():
            assert problem.startswith("…") or problem.startswith(str(path))
            _check_problem(problem, problem[:1] if problem.startswith("…") else str(path))
        try:
            # The lines the validator read: a mutation that inserts a newline makes two.
            preds = parse_submission_lines(read_lines(path), corpus=CORPUS, file=str(path))
        except BenchmarkError as exc:
            assert not report.valid  # the validator and the scorer's reader agree
            _check_problem(str(exc), str(path))
            event(f"refused: {exc.message.split(':')[0][:40]}")
            return
        assert report.valid
        event("valid: scored and written")
        for p in preds.values():
            submission_line(p).encode("utf-8")  # no text that UTF-8 cannot hold
        _score_and_write(preds, Path(tmp))
        again = parse_submission_lines((Path(tmp) / "predictions.jsonl").read_text(encoding="utf-8").splitlines(),
                                       corpus=CORPUS, file="written")
        assert {k: submission_line(v) for k, v in again.items()} == {k: submission_line(v) for k, v in preds.items()}


FREE_TEXT = [("speakers", 1, "text"), ("speakers", 0, "entity"), ("quotes", 1, "content_text"),
             ("quotes", 1, "cue_text"), ("quotes", 1, "source_text"), ("quotes", 0, "speaker"),
             ("attribution", 0, "speaker"), ("translations", 0, "text"), ("translations", 1, "text")]
"""Fields whose value is free text: any non-empty string without a lone surrogate is valid there."""

VALID_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60),
    HOSTILE_STRINGS.filter(lambda t: t.strip() and not any("\ud800" <= c <= "\udfff" for c in t)))


@settings(FUZZ, max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(FREE_TEXT), VALID_TEXT), min_size=1, max_size=4))
def test_any_text_in_free_text_fields_validates_scores_and_writes(changes):
    obj = json.loads(json.dumps(SEED))
    for (key, i, field), value in changes:
        obj[key][i][field] = value
    line = json.dumps(obj, ensure_ascii=False)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        path.write_text(line + "\n", encoding="utf-8")
        assert validate_file(path, corpus=CORPUS).problem_lines() == []
        preds = parse_submission_lines([line], corpus=CORPUS, file="p.jsonl")
        _score_and_write(preds, Path(tmp))
        assert sorted(p.name for p in (Path(tmp) / "fuzz" / "run").iterdir()) == [
            "metrics.json", "per_item.jsonl.gz", "report.html", "report.md"]
    assert time.perf_counter() - start < SECONDS


ANSWER_SEEDS = [
    '{"attribution": [{"quote_id": "q01", "speaker": "لافروف"}, {"quote_id": "q02", "speaker": null}]}',
    'Sure!\n```json\n{"stance": [{"quote_id": "q01", "target": "riyadh_talks", "label": "favour"}]}\n```\nDone.',
    '<think>hmm {not json}</think>[{"segment_id": "s01", "text": "Russia and the US"}]',
    '{"quotes": [{"content_text": ["قال", "إن"], "cue_text": "قال", "speaker": "Lavrov", "type": "Direct",'
    ' "stances": [{"target": "trump", "label": "NONE"}, "x"]}]}',
    '{"speakers": [{"text": "لافروف", "speaker": "Lavrov"}, "أوشاكوف", {"text": 5}]}',
]
ANSWER_TASKS = {"attribution": ["q01", "q02"], "stance": [("q01", "riyadh_talks")],
                "translation": [("segment_id", "s01"), ("quote_id", "q01")], "speakers": [], "quotes": []}


@settings(FUZZ, max_examples=400)
@given(seed=st.sampled_from(ANSWER_SEEDS), at=st.integers(0, 400), cut=st.booleans(),
       insert=st.sampled_from(["", "[" * 100_000, "{" * 70, "\\ud800", "\ud800", "9" * 5000, "1e999", '"', "```",
                               "<think>", "\\", "]]]]", "NaN", '{"a":' * 50]),
       task=st.sampled_from(sorted(ANSWER_TASKS)))
def test_mutated_model_answers_parse_or_are_unparseable(seed, at, cut, insert, task):
    text = seed[:at] + insert + ("" if cut else seed[at:])
    start = time.perf_counter()
    try:
        items, problems = parse_answer(task, text, items=ANSWER_TASKS[task], targets=["riyadh_talks", "trump"],
                                       label="batch 1")
    except UnparseableAnswer as exc:
        assert len(str(exc)) < 1000
    else:
        json.dumps([items, [p.__dict__ for p in problems]], ensure_ascii=False).encode("utf-8")
        assert all(isinstance(i, dict) for i in items)
    try:
        value = extract_json(text)
    except UnparseableAnswer:
        pass
    else:
        assert isinstance(value, (dict, list))
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    assert time.perf_counter() - start < SECONDS


def _seed_per_item() -> list[dict]:
    """The per-item rows the seed submission scores to, on every task."""
    preds = parse_submission_lines([json.dumps(SEED, ensure_ascii=False)], corpus=CORPUS, file="seed")
    pairs = [(d, preds.get(d.doc_id)) for d in CORPUS.documents]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for task in TASKS.names():
            result = evaluate_task(task, pairs, gold_sha256=CORPUS.sha256, n_resamples=5, seed=1, confidence=0.95,
                                   alignment="fuzz")
            rows += [{"task": task, **row} for row in (result.per_item if result is not None else ())]
    return json.loads(json.dumps(rows))


PER_ITEM_ROWS = _seed_per_item()
PER_ITEM_GZ = gzip_jsonl([jsonl_bytes(PER_ITEM_ROWS)])


@settings(FUZZ, max_examples=300)
@given(how=st.sampled_from(["cut", "flip", "insert", "drop", "append"]), at=st.integers(0, len(PER_ITEM_GZ) - 1),
       byte=st.integers(0, 255), n=st.integers(1, 64))
def test_mutated_per_item_gz_reads_the_same_rows_or_is_refused_with_file_and_line(how, at, byte, n):
    data = bytearray(PER_ITEM_GZ)
    if how == "cut":
        data = data[:at]
    elif how == "flip":
        data[at] ^= byte or 1
    elif how == "insert":
        data[at:at] = bytes([byte]) * n
    elif how == "drop":
        del data[at:at + n]
    else:
        data += bytes([byte]) * n
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / PER_ITEM
        path.write_bytes(bytes(data))
        start = time.perf_counter()
        try:
            rows = list(iter_jsonl(path))
        except InputError as exc:
            _check_problem(str(exc), str(path))
            assert isinstance(exc.line, int) and exc.line >= 1
            event(f"refused: {exc.message.split(':')[0][:40]}")
        else:
            # Only the header's free fields (time, flags of no consequence, OS) can change unnoticed:
            # the CRC-32 and length at the end cover every decompressed byte.
            assert rows == PER_ITEM_ROWS
            event("read unchanged")
        assert time.perf_counter() - start < SECONDS
