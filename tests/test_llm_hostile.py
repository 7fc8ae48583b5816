"""Hostile and broken model answers: recorded as failures, never cached, never crashing a run.

A lone surrogate (a ``\\ud800`` escape) used to reach the run folder's
writer and crash it, and, once cached, crash every rerun without a request;
an answer nested 100,000 levels deep crashed the parser; a truncated answer
that arrived with HTTP 200 was cached and never asked again.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from llm_server import OK, FakeLLMServer, answer, synthetic_doc
from test_llm_failures import data_dir, write_data_dir  # noqa: F401 (fixture)

from benchmark.cli.main import main
from benchmark.systems.registry import make_system

DOCS = [synthetic_doc(n) for n in (1, 2)]
TASKS = ("attribution", "stance")
PER_DOC = 4  # attribution 2, stance 2 (batch_size 2: 3 quotes, 3 pairs)

SURROGATE_ANSWER = '{"attribution": [{"quote_id": "q1", "speaker": "x\\ud800"}, {"quote_id": "q2", "speaker": null}]}'
DEEP_ANSWER = "[" * 100_000
TRUNCATED_ANSWER = '{"stance": [{"quote_id": "q1", "target": "talks", "label": "FAV'


def llm(url: str, cache, **kw):
    opts = dict(model="fake", base_url=url, cache_path=str(cache), batch_size=2, passage_chars=0, max_retries=0,
                timeout=5.0, seed=3, api_key_env=None)
    return make_system("llm", **{**opts, **kw})


def rows(cache) -> int:
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]


@pytest.mark.parametrize(("task", "content", "reason"), [
    ("attribution", SURROGATE_ANSWER, "invalid text: a lone surrogate in attribution.0.speaker"),
    ("attribution", DEEP_ANSWER, "JSON nested more than 64 levels deep"),
    ("stance", TRUNCATED_ANSWER, "unparseable: "),
], ids=["surrogate", "deep", "truncated"])
def test_a_broken_answer_is_recorded_not_cached_and_asked_again(tmp_path, task, content, reason):
    cache = tmp_path / "c.sqlite"
    answer_key = "attribution" if task == "attribution" else "stance"

    def script(req):
        return answer(content) if req.task == answer_key else OK

    with FakeLLMServer(script=script) as srv:
        system = llm(srv.base_url, cache)
        out = system.predict(DOCS, tasks=TASKS)
        assert srv.received == 2 * PER_DOC
    failures = system.manifest_extra()["llm"]["failures"]
    assert failures["requests_by_kind"] == {"unparseable": 4}  # both batches of both documents
    assert all(reason in f["reason"] and f["reason"].endswith("(not cached)") for f in failures["records"])
    assert [d[answer_key] for d in out] == [[], []]
    # what came back is writable (no surrogate reached the items)
    json.dumps(out, ensure_ascii=False).encode("utf-8")
    assert rows(cache) == 2 * PER_DOC - 4  # only the good answers were cached
    with FakeLLMServer() as healthy:
        again = llm(healthy.base_url, cache)
        out2 = again.predict(DOCS, tasks=TASKS)
        assert healthy.received == 4  # exactly the broken ones, asked again
    assert again.manifest_extra()["llm"]["failures"]["records"] == []
    assert all(d[answer_key] for d in out2) and rows(cache) == 2 * PER_DOC


def test_a_poisoned_answer_already_in_the_cache_is_dropped_and_asked_again(tmp_path):
    # An older version cached an answer holding a lone surrogate: every rerun then crashed
    # while writing, without a single request.  Now it is dropped and asked again.
    cache = tmp_path / "c.sqlite"
    with FakeLLMServer() as srv:
        llm(srv.base_url, cache).predict(DOCS, tasks=TASKS)
    poisoned = json.dumps({"choices": [{"message": {"role": "assistant", "content": SURROGATE_ANSWER}}]})
    with sqlite3.connect(cache) as db:
        n = db.execute("UPDATE responses SET body = ? WHERE body LIKE '%attribution%'", (poisoned,)).rowcount
    assert n == 4
    with FakeLLMServer() as healthy:
        system = llm(healthy.base_url, cache)
        out = system.predict(DOCS, tasks=TASKS)
        assert healthy.received == 4
    extra = system.manifest_extra()["llm"]
    assert extra["failures"]["records"] == [] and extra["requests"]["cache_hits"] == 4
    assert [len(d["attribution"]) for d in out] == [3, 3]


def test_a_run_with_a_hostile_answer_completes_and_writes_its_folder(tmp_path, data_dir, capsys):  # noqa: F811
    def script(req):
        return answer(SURROGATE_ANSWER.replace('"x\\ud800"', '"\\udfff"')) if req.task == "attribution" else OK

    with FakeLLMServer(script=script) as srv:
        code = main(["run", "system=llm", "system.model=fake", f"system.base_url={srv.base_url}",
                     "system.api_key_env=null", "system.max_retries=0", f"system.cache_path={tmp_path / 'c.sqlite'}",
                     f"paths.data_dir={data_dir}", f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10",
                     "task=attribution"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (manifest,) = (tmp_path / "runs").rglob("manifest.json")
    failures = json.loads(manifest.read_text(encoding="utf-8"))["system"]["llm"]["failures"]
    assert failures["by_kind"] == {"unparseable": 3}
    assert "Traceback" not in captured.err
