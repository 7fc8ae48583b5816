"""Replay ``tests/fuzz_corpus/``: every stored hostile input still ends as expected (see its README)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from benchmark.errors import UnparseableAnswer
from benchmark.gold.loading import load_corpus
from benchmark.submission.reader import read_submission
from benchmark.submission.report import validate_file
from benchmark.systems.llm.parse import extract_json

CORPUS_DIR = Path(__file__).resolve().parent / "fuzz_corpus"
EXPECTED = json.loads((CORPUS_DIR / "expected.json").read_text(encoding="utf-8"))
GOLD = load_corpus()


def test_every_file_has_an_expectation_and_every_expectation_a_file():
    files = {p.name for p in CORPUS_DIR.iterdir() if p.name not in ("expected.json", "README.md")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("submission-")))
def test_stored_submission(name):
    path = CORPUS_DIR / name
    start = time.perf_counter()
    report = validate_file(path, corpus=GOLD)
    assert time.perf_counter() - start < 10.0
    lines = report.problem_lines()
    for line in lines:
        assert line.startswith(str(path)) and len(line) - len(str(path)) < 400, line[:500]
        line.encode("utf-8")
    if EXPECTED[name] == "valid":
        assert lines == []
        assert read_submission(path, corpus=GOLD)
    else:
        assert lines and EXPECTED[name] in lines[0], lines[:1]


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("answer-")))
def test_stored_model_answer(name):
    text = (CORPUS_DIR / name).read_text(encoding="utf-8")
    if EXPECTED[name] == "json":
        assert isinstance(extract_json(text), (dict, list))
    else:
        with pytest.raises(UnparseableAnswer) as info:
            extract_json(text)
        assert EXPECTED[name] in str(info.value) and len(str(info.value)) < 400
