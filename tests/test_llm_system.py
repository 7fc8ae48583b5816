"""The ``llm`` system end to end against the scriptable loopback server."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmark.errors import ConfigError
from benchmark.errors import EndpointFailed
from benchmark.systems.registry import make_system
from llm_server import BROKEN, CLOSE, GARBAGE, OK, FakeLLMServer, doc_number, stall, status, synthetic_doc

ALL_TASKS = ("speakers", "quotes", "end2end", "attribution", "stance", "translation")
DOCS = [synthetic_doc(n) for n in (1, 2, 3)]
# speakers 1, quotes 1, attribution 2, stance 2, translation 2 (batch_size=2, one passage).  The three
# quote-content items ride in the translation batches of the segments they start in (q1 with s01–s02,
# q2 and q3 with s03–s04), so they add items to requests, never requests.
JOBS_PER_DOC = 8
TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent


def _ids(translations):
    """Item ids of a ``translations`` list: segment ids, then quote ids."""
    return [t["segment_id"] if "segment_id" in t else t["quote_id"] for t in translations]


def llm(server_or_url, cache, **kw):
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.base_url
    opts = dict(model="fake", base_url=url, cache_path=None if cache is None else str(cache), batch_size=2,
                passage_chars=0, max_retries=2, backoff_base=0.01, retry_after_cap=0.01, timeout=5.0, seed=3,
                api_key_env="LLM_TEST_KEY")
    return make_system("llm", **{**opts, **kw})


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv("LLM_TEST_KEY", raising=False)


def test_clean_run_predicts_every_task_and_accounts_usage(tmp_path):
    with FakeLLMServer() as srv:
        system = llm(srv, tmp_path / "c.sqlite", price_prompt_per_m=2.0, price_completion_per_m=10.0)
        out = system.predict(DOCS, tasks=ALL_TASKS)
    assert [d["doc_id"] for d in out] == ["doc1", "doc2", "doc3"]
    d1 = out[0]
    assert sorted(d1) == ["attribution", "doc_id", "quotes", "speakers", "stance", "translations"]
    assert d1["attribution"] == [{"quote_id": "q1", "speaker": "الوزير"}, {"quote_id": "q2", "speaker": "الوزير"},
                                 {"quote_id": "q3", "speaker": "سالم"}]
    assert _ids(d1["translations"]) == ["s01", "s02", "s03", "s04", "q1", "q2", "q3"]
    assert d1["translations"][4:] == [{"quote_id": "q1", "text": "[EN] المحادثات كانت مفيدة"},
                                      {"quote_id": "q2", "text": "[EN] سنواصل العمل معا"},
                                      {"quote_id": "q3", "text": "[EN] الاتفاق سيوقع قريبا"}]
    assert d1["quotes"] == [{"content_text": "سنواصل العمل معا", "cue_text": "قال", "source_text": None,
                             "speaker": "الوزير", "type": "direct", "stances": []}]
    assert [s["label"] for s in d1["stance"]] == ["FAVOR"] * 3
    assert srv.received == 3 * JOBS_PER_DOC and srv.authorizations == [None] * srv.received
    extra = system.manifest_extra()["llm"]
    assert extra["requests"] == {"jobs": 24, "unique": 24, "cache_hits": 0, "sent": 24, "succeeded": 24,
                                 "retries": 0, "failed": 0, "by_status": {"200": 24}, "backoff_seconds": 0.0}
    assert extra["failures"] == {"items": 0, "by_kind": {}, "requests_by_kind": {}, "records": []}
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        p, c = db.execute("SELECT SUM(prompt_tokens), SUM(completion_tokens) FROM responses").fetchone()
    assert p > 0 and extra["usage"] == {"prompt_tokens": p, "completion_tokens": c,
                                        "cached_prompt_tokens": 0, "cached_completion_tokens": 0}
    assert extra["cost"]["this_run"] == pytest.approx((2.0 * p + 10.0 * c) / 1e6)
    assert extra["temperature"] == 0.0 and extra["seed"] == 3 and extra["prompt_version"] == "v1"
    assert extra["prompt_sha256"][:12] in system.description


def test_only_supported_and_requested_tasks_get_keys(tmp_path):
    with FakeLLMServer() as srv:
        system = llm(srv, None, tasks=["translation", "stance"])
        assert system.supported_tasks == {"translation", "stance"}
        out = system.predict(DOCS[:1], tasks=["translation", "quotes"])
    assert sorted(out[0]) == ["doc_id", "translations"] and srv.received == 2


def test_rerun_is_served_from_cache_whatever_the_url(tmp_path):
    cache = tmp_path / "c.sqlite"
    with FakeLLMServer() as srv:
        first = llm(srv, cache).predict(DOCS, tasks=ALL_TASKS)
    with FakeLLMServer() as other:  # another server, another URL: same cache entries
        system = llm(other, cache)
        second = system.predict(DOCS, tasks=ALL_TASKS)
        assert other.received == 0
    assert second == first
    extra = system.manifest_extra()["llm"]
    assert extra["requests"]["cache_hits"] == 24 and extra["requests"]["sent"] == 0
    assert extra["usage"]["prompt_tokens"] == 0 and extra["usage"]["cached_prompt_tokens"] > 0
    with FakeLLMServer() as srv:  # a generation parameter is part of the key
        llm(srv, cache, max_tokens=100).predict(DOCS, tasks=ALL_TASKS)
        assert srv.received == 24


def _faults(req):
    """The scripted faults of :func:`test_mixed_faults_are_retried_or_recorded` (documents 1–3)."""
    n, items = doc_number(req), req.user.split("<items>")[-1]
    if req.task == "attribution" and n == 1 and '"q1"' in items and req.attempt == 1:
        return status(429, retry_after="1")  # capped to 0.01 s
    if req.task == "stance" and n == 1 and '"q1"' in items and req.attempt <= 2:
        return status(500)
    if req.task == "translations" and n == 2:
        return status(500)  # every attempt: fails after max_retries
    if req.task == "quotes" and n == 2:
        return BROKEN
    if req.task == "speakers" and n == 3 and req.attempt == 1:
        return stall(3.0)  # past the 0.3 s timeout
    if req.task == "attribution" and n == 3 and '"q3"' in items and req.attempt == 1:
        return CLOSE
    if req.task == "stance" and n == 3 and '"q3"' in items:
        return status(400, message="bad request")
    if req.task == "translations" and n == 3 and req.attempt == 1:
        return GARBAGE
    return OK


def test_mixed_faults_are_retried_or_recorded(tmp_path, caplog):
    cache = tmp_path / "c.sqlite"
    with FakeLLMServer(script=_faults) as srv:
        system = llm(srv, cache, timeout=0.3)
        with caplog.at_level("WARNING", logger="benchmark.systems.llm.system"):
            out = {d["doc_id"]: d for d in system.predict(DOCS, tasks=ALL_TASKS)}
    extra = system.manifest_extra()["llm"]
    # Retries: 429 ×1, stance 500 ×2, translation 500 ×2 (then gives up), stall ×1, close ×1, garbage ×1.
    assert extra["requests"] == {"jobs": 24, "unique": 24, "cache_hits": 0, "sent": 32, "succeeded": 22, "retries": 8,
                                 "failed": 2, "backoff_seconds": extra["requests"]["backoff_seconds"],
                                 "by_status": {"200": 23, "400": 1, "429": 1, "500": 5, "connection": 1, "timeout": 1}}
    assert extra["requests"]["backoff_seconds"] <= 8 * 0.01
    records = [(f["task"], f["doc_id"], f["items"], f["kind"]) for f in extra["failures"]["records"]]
    assert sorted(records) == [("quotes", "doc2", ["paragraphs 0-3"], "unparseable"),
                               ("stance", "doc3", ["q3/deal"], "http_400"),
                               ("translation", "doc2", ["s01", "s02", "q1"], "http_500")]
    reasons = {f["kind"]: f["reason"] for f in extra["failures"]["records"]}
    assert reasons["unparseable"] == "unparseable: 'Sure! Here it is: {\"oops\": [1, 2' (not cached)"
    assert reasons["http_500"].endswith("(after 3 attempts)") and "bad request" in reasons["http_400"]
    assert extra["failures"]["items"] == 5 and extra["failures"]["by_kind"] == {
        "http_400": 1, "http_500": 3, "unparseable": 1}
    assert extra["failures"]["requests_by_kind"] == {"http_400": 1, "http_500": 1, "unparseable": 1}
    # The summary keeps its units apart: items, then requests by kind.
    assert caplog.messages == ["llm: 5 item(s) not predicted; failed requests: http_400 1, http_500 1, unparseable 1; "
                               "reasons in manifest.json under system.llm.failures"]
    # Failed items are missing; the task keys stay (attempted), everything else is there.
    assert _ids(out["doc2"]["translations"]) == ["s03", "s04", "q2", "q3"]
    assert out["doc2"]["quotes"] == [] and len(out["doc1"]["quotes"]) == 1
    assert [(s["quote_id"], s["target"]) for s in out["doc3"]["stance"]] == [("q1", "talks"), ("q2", "talks")]
    assert [a["quote_id"] for a in out["doc1"]["attribution"]] == ["q1", "q2", "q3"]
    assert [a["quote_id"] for a in out["doc3"]["attribution"]] == ["q1", "q2", "q3"]
    assert out["doc3"]["speakers"] and _ids(out["doc3"]["translations"]) == ["s01", "s02", "s03", "s04", "q1", "q2", "q3"]
    # A rerun against a healthy server sends only the three failed requests: the
    # broken answer (HTTP 200, truncated JSON) was not cached, so it is asked again.
    with FakeLLMServer() as healthy:
        again = llm(healthy, cache)
        out2 = {d["doc_id"]: d for d in again.predict(DOCS, tasks=ALL_TASKS)}
        assert healthy.received == 3
    assert len(out2["doc2"]["translations"]) == 7 and len(out2["doc3"]["stance"]) == 3
    assert len(out2["doc2"]["quotes"]) == 1
    assert again.manifest_extra()["llm"]["failures"]["records"] == []


_CHILD = """
import sys
from benchmark.systems.registry import make_system
from llm_server import synthetic_doc
system = make_system("llm", model="fake", base_url=sys.argv[1], cache_path=sys.argv[2], batch_size=2,
                     passage_chars=0, concurrency=2, seed=3, api_key_env="LLM_TEST_KEY")
system.predict([synthetic_doc(n) for n in (1, 2, 3)], tasks=%r)
print("finished")  # never reached: the server holds the rest
""" % (ALL_TASKS,)


def _rows(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
        except sqlite3.OperationalError:  # table not created yet
            return 0


def test_run_killed_half_way_resumes_with_only_missing_calls(tmp_path):
    cache, n_done = tmp_path / "c.sqlite", 10
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), str(ROOT)])}
    with FakeLLMServer(hold_from=n_done) as srv:
        child = subprocess.Popen([sys.executable, "-c", _CHILD, srv.base_url, str(cache)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while (srv.answered < n_done or _rows(cache) < n_done) and time.monotonic() < deadline:
            assert child.poll() is None, child.communicate()
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
    assert _rows(cache) == n_done  # every answer received was committed before the kill
    with FakeLLMServer() as srv:
        system = llm(srv, cache)
        resumed = system.predict(DOCS, tasks=ALL_TASKS)
        assert srv.received == 3 * JOBS_PER_DOC - n_done
    assert system.manifest_extra()["llm"]["requests"]["cache_hits"] == n_done
    with FakeLLMServer() as srv:
        assert llm(srv, None).predict(DOCS, tasks=ALL_TASKS) == resumed  # same as an uninterrupted run


def test_api_key_is_sent_but_never_stored_or_shown(tmp_path, monkeypatch, capfd):
    key, wrong = "sk-test-TOPSECRET-0123456789", "sk-wrong-ALSOSECRET-987"
    monkeypatch.setenv("LLM_TEST_KEY", key)
    cache = tmp_path / "c.sqlite"
    with FakeLLMServer(require_key=key) as srv:
        system = llm(srv, cache)
        system.predict(DOCS[:1], tasks=ALL_TASKS)
        assert srv.authorizations == [f"Bearer {key}"] * JOBS_PER_DOC
    good = json.dumps(system.manifest_extra(), ensure_ascii=False)
    assert system.manifest_extra()["llm"]["api_key_set"] is True
    monkeypatch.setenv("LLM_TEST_KEY", wrong)  # the server answers 401 and echoes the key it got
    with FakeLLMServer(require_key=key) as srv:
        # Nothing cached, nothing answered: the run stops (no run of zeros), naming the failures.
        with pytest.raises(EndpointFailed) as info:
            llm(srv, tmp_path / "other.sqlite").predict(DOCS[:1], tasks=ALL_TASKS)
        # doc1 comes from the cache, doc2's requests fail: a partial failure, recorded.
        bad_system = llm(srv, cache)
        out = bad_system.predict(DOCS[:2], tasks=ALL_TASKS)
    message = str(info.value)
    assert message == (f"every request to {srv.base_url} failed (http_401 {JOBS_PER_DOC}): HTTP 401: "
                       '{"error": {"message": "Incorrect API key provided: [redacted]"}}; no run folder written')
    bad = json.dumps(bad_system.manifest_extra(), ensure_ascii=False)
    records = bad_system.manifest_extra()["llm"]["failures"]["records"]
    assert {r["kind"] for r in records} == {"http_401"} and len(records) == JOBS_PER_DOC
    assert {r["doc_id"] for r in records} == {"doc2"}
    assert all("Incorrect API key provided: [redacted]" in r["reason"] for r in records)
    assert out[1]["translations"] == [] and out[1]["attribution"] == [] and out[0]["attribution"]
    captured = capfd.readouterr()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in (key, wrong):
        for where in (good, bad, message, captured.out, captured.err, repr(system.__dict__),
                      repr(bad_system.__dict__)):
            assert secret not in where
        assert secret.encode() not in stored


@pytest.mark.parametrize("option, value, message", [
    ("concurrency", 0, "system.concurrency: expected an integer >= 1, got 0"),
    ("timeout", 0, "system.timeout: expected a finite number > 0 and <= 86400, got 0"),
    # Non-finite or oversized numbers are refused here, not left to overflow in the socket layer.
    ("timeout", float("inf"), "system.timeout: expected a finite number > 0 and <= 86400, got inf"),
    ("timeout", 1e20, "system.timeout: expected a finite number > 0 and <= 86400, got 1e+20"),
    ("timeout", 10 ** 400, "system.timeout: expected a finite number > 0"),
    ("backoff_max", float("nan"), "system.backoff_max: expected a finite number >= 0"),
    ("temperature", float("inf"), "system.temperature: expected a finite number >= 0, got inf"),
    ("max_retries", -1, "system.max_retries: expected an integer >= 0"),
    ("temperature", "hot", "system.temperature"),
    ("json_mode", "yes", "system.json_mode: expected true or false"),
    ("tasks", ["translate"], "system.tasks: expected a subset of attribution, end2end, quotes, speakers, stance"),
    ("api_key_env", "sk-abc 123", "system.api_key_env: expected the name of an environment variable"),
    ("extra_body", {"messages": []}, "system.extra_body: expected no key among"),
    ("extra_body", ["x"], "system.extra_body: expected a mapping"),
    ("base_url", "localhost:8000", "system.base_url"),
    ("model", "???", "system.model"),
    ("price_prompt_per_m", -1, "system.price_prompt_per_m"),
])
def test_invalid_options_name_the_option(option, value, message):
    with pytest.raises(ConfigError) as info:
        make_system("llm", **{"model": "fake", "cache_path": None, option: value})
    assert message in str(info.value)
    assert "sk-abc" not in str(info.value)


def test_config_file_documents_every_option():
    """configs/system/llm.yaml lists each factory option with a comment, and composes with Hydra."""
    import inspect

    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from benchmark.harness.config import register_schema
    from benchmark.systems.llm.system import make_llm_system

    path = ROOT / "configs" / "system" / "llm.yaml"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    keys = [ln.split(":", 1)[0] for ln in lines]
    assert all("#" in ln for ln in lines if not ln.startswith("name:")), "every option needs a comment"
    params = set(inspect.signature(make_llm_system).parameters)
    assert set(keys) - {"name", "label"} == params
    register_schema()
    with initialize_config_dir(config_dir=str(ROOT / "configs"), version_base=None):
        cfg = compose("run", overrides=["system=llm", "system.model=qwen2.5:7b", "seed=99",
                                        "system.base_url=http://localhost:11434/v1", "system.tasks=[stance]",
                                        "system.extra_body={chat_template_kwargs:{enable_thinking:false}}"])
    opts = OmegaConf.to_container(cfg.system, resolve=True)
    assert opts["seed"] == 99 and opts["temperature"] == 0.0 and opts["concurrency"] == 8
    opts.pop("name"), opts.pop("label")
    system = make_system("llm", **{**opts, "cache_path": None})
    assert system.options.json_mode is True and system.supported_tasks == {"stance"}
    assert system.signature.startswith("llm|model:qwen2.5:7b|") and "|seed:99|" in system.signature
    assert system.options.params()["chat_template_kwargs"] == {"enable_thinking": False}




def test_predictions_on_the_gold_pass_the_submission_reader(tmp_path):
    """The system's dicts go through the harness's reader (alignment) on the real gold."""
    from benchmark.gold.loading import load_corpus
    from benchmark.harness.config import SystemSpec
    from benchmark.harness.runner import StageTimer, predict_documents

    corpus = load_corpus()
    with FakeLLMServer() as srv:
        spec = SystemSpec("llm", tuple({"model": "fake", "base_url": srv.base_url,
                                        "cache_path": str(tmp_path / "c.sqlite")}.items()))
        system, preds, attempted = predict_documents(spec, corpus, ALL_TASKS, fuzzy_threshold=90.0,
                                                     timer=StageTimer())
    doc = corpus.documents[0]
    pred = preds[doc.doc_id]
    assert set(attempted) == set(ALL_TASKS)
    # predict_documents reads the dicts with parse_submission_lines: segment items, then quote items.
    n = len(doc.segments)
    assert [t.segment_id for t in pred.translations[:n]] == [s.id for s in doc.segments]
    assert [t.quote_id for t in pred.translations[n:]] == [q.id for q in doc.quotes if q.content]
    assert all(t.segment_id is None for t in pred.translations[n:])
    assert [t.text for t in pred.translations[n:]] == [
        "[EN] " + " ".join(doc.text[c.start:c.end] for c in q.content) for q in doc.quotes if q.content]
    assert [a.quote_id for a in pred.attribution] == [q.id for q in doc.quotes]
    assert len(pred.stance) == len(doc.stances)
    assert pred.quotes and all(q.aligned for q in pred.quotes)  # direct quotes copied from the text align
    assert system.manifest_extra()["llm"]["failures"]["items"] == 0


@pytest.mark.filterwarnings("ignore::benchmark.scoring.result.UndefinedMetricWarning")  # the fake predicts no indirect quote
def test_end_to_end_through_the_cli(tmp_path, monkeypatch, capfd):
    from benchmark.cli.main import main

    key = "sk-e2e-SECRET-42"
    monkeypatch.setenv("LLM_TEST_KEY", key)
    with FakeLLMServer(require_key=key) as srv:
        argv = ["run", "system=llm", "system.model=fake", f"system.base_url={srv.base_url}",
                "system.api_key_env=LLM_TEST_KEY", f"system.cache_path={tmp_path / 'cache.sqlite'}",
                f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10"]
        assert main(argv) in (0, None)
        sent = srv.received
        assert sent > 0
        assert main(argv) in (0, None) and srv.received == sent  # second run: all from cache
    manifests = sorted((tmp_path / "runs").rglob("manifest.json"))
    assert len(manifests) == 2
    extra = json.loads(manifests[-1].read_text(encoding="utf-8"))["system"]["llm"]
    assert extra["requests"]["sent"] == 0 and extra["requests"]["cache_hits"] == sent
    for manifest in manifests:
        metrics = {m["name"]: m for m in json.loads((manifest.parent / "metrics.json").read_text(
            encoding="utf-8"))["tasks"]["translation"]}
        assert {"chrf++", "quote_chrf++"} <= set(metrics)  # quote items given: the metric is attempted
        assert 0.0 < metrics["quote_chrf++"]["value"] < 100.0  # "[EN] " + Arabic: a low but real score
    out = capfd.readouterr()
    for p in (tmp_path / "runs").rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert key.encode() not in (gzip.decompress(data) if p.name.endswith(".gz") else data), p
    assert key not in out.out + out.err


def test_progress_counts_every_request_cached_or_sent(tmp_path):
    """The harness's progress callback sees (answered, total) requests: by hand, 3 documents × 8 requests."""
    seen: list[tuple[int, int]] = []
    with FakeLLMServer() as srv:
        system = llm(srv, tmp_path / "c.sqlite")
        system.on_items = lambda done, total: seen.append((done, total))
        system.predict(DOCS, tasks=ALL_TASKS)
        first = list(seen)
        seen.clear()
        system.predict(DOCS, tasks=ALL_TASKS)  # everything from the cache now
    total = 3 * JOBS_PER_DOC
    assert first[0] == (0, total) and sorted(first) == [(n, total) for n in range(total + 1)]
    assert seen == [(total, total)]
