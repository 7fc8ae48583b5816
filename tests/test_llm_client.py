"""The chat client (retries, backoff, Retry-After, concurrency) and the response cache, on loopback."""

from __future__ import annotations

import sqlite3

import pytest

from benchmark.errors import ConfigError
from benchmark.systems.llm.cache import ResponseCache, request_key
from benchmark.systems.llm.client import ChatClient, Endpoint, RetryPolicy, jitter_rng
from llm_server import CLOSE, GARBAGE, OK, FakeLLMServer, stall, status

PAYLOAD = {"model": "fake", "messages": [{"role": "system", "content": '{"translations": []}'},
                                         {"role": "user", "content": '<items>\n[{"segment_id": "s1", "text": "نص"}]\n</items>'}]}


def _client(server, **kw):
    waits: list[float] = []
    policy = RetryPolicy(max_retries=kw.pop("max_retries", 3), backoff_base=kw.pop("backoff_base", 1.0),
                         backoff_max=kw.pop("backoff_max", 8.0), retry_after_cap=kw.pop("retry_after_cap", 5.0))
    client = ChatClient(base_url=server.base_url, policy=policy, sleep=waits.append, seed=7, **kw)
    return client, waits


def test_jittered_backoff_schedule_is_seeded_and_bounded():
    """Three 500s then an answer: the waits are exactly the seeded full-jitter draws (no real sleeping)."""
    with FakeLLMServer(script=lambda r: status(500) if r.attempt <= 3 else OK) as srv:
        client, waits = _client(srv)
        out = client.send("k1", PAYLOAD)
    assert out.ok and out.attempts == 4
    rng = jitter_rng(seed=7, key="k1")
    assert waits == [rng.uniform(0, 1.0), rng.uniform(0, 2.0), rng.uniform(0, 4.0)]
    assert client.stats.retries == 3 and client.stats.sent == 4
    assert client.stats.to_json()["by_status"] == {"200": 1, "500": 3}
    assert jitter_rng(seed=8, key="k1").uniform(0, 1) != jitter_rng(seed=7, key="k1").uniform(0, 1)


@pytest.mark.parametrize("header, expected", [("2", 2.0), ("0", 0.0), ("3600", 5.0), ("not-a-date", None)])
def test_retry_after_is_honoured_up_to_the_cap(header, expected):
    with FakeLLMServer(script=lambda r: status(429, retry_after=header) if r.attempt == 1 else OK) as srv:
        client, waits = _client(srv)
        assert client.send("k", PAYLOAD).ok
    if expected is None:  # unparseable header: jittered backoff instead
        assert waits == [jitter_rng(seed=7, key="k").uniform(0, 1.0)]
    else:
        assert waits == [expected]


def test_exhausted_retries_and_non_retryable_statuses():
    with FakeLLMServer(script=lambda r: status(503, message="overloaded")) as srv:
        client, waits = _client(srv, max_retries=2)
        out = client.send("k", PAYLOAD)
    assert not out.ok and out.attempts == 3 and len(waits) == 2
    assert out.kind == "http_503" and out.reason.startswith("HTTP 503: ") and "overloaded" in out.reason
    assert out.reason.endswith("(after 3 attempts)")
    for code in (400, 401, 404, 422):
        with FakeLLMServer(script=lambda r, c=code: status(c)) as srv:
            client, waits = _client(srv)
            out = client.send("k", PAYLOAD)
        assert (out.ok, out.attempts, out.kind, waits) == (False, 1, f"http_{code}", []), code


def test_timeouts_closed_connections_and_garbage_bodies_are_retried():
    faults = {1: stall(2.0), 2: CLOSE, 3: GARBAGE}
    with FakeLLMServer(script=lambda r: faults.get(r.attempt, OK)) as srv:
        client, waits = _client(srv, timeout=0.2, backoff_base=0.0)
        out = client.send("k", PAYLOAD)
    assert out.ok and out.attempts == 4 and waits == [0.0, 0.0, 0.0]
    assert client.stats.to_json()["by_status"] == {"200": 2, "connection": 1, "timeout": 1}


def test_concurrency_limit_is_respected():
    with FakeLLMServer(latency=0.05) as srv:
        client, _ = _client(srv, concurrency=3)
        reqs = [(f"k{i}", {**PAYLOAD, "n_marker": i}) for i in range(12)]
        stored = []
        outs = client.run(reqs, on_outcome=lambda o: stored.append(o.key))
    assert srv.max_in_flight == 3 and srv.received == 12
    assert sorted(stored) == sorted(k for k, _ in reqs) and all(o.ok for o in outs.values())


@pytest.mark.parametrize("url", ["localhost:8000/v1", "ftp://host/v1", "http:///v1"])
def test_bad_base_url(url):
    with pytest.raises(ConfigError, match="system.base_url"):
        Endpoint.parse(url)


def test_endpoint_path_and_display_hide_credentials():
    e = Endpoint.parse("http://u:secret@localhost:11434/v1/?api-key=secret")
    assert (e.host, e.port, e.path) == ("localhost", 11434, "/v1/chat/completions")
    assert e.display == "http://localhost:11434/v1" and "secret" not in e.display


# ---------------------------------------------------------------- cache

def test_cache_key_covers_model_prompt_messages_and_params_only():
    base = dict(model="m", prompt_version="v1", messages=[{"role": "user", "content": "س"}],
                params={"temperature": 0.0, "seed": 1})
    k = request_key(**base)
    for change in ({"model": "m2"}, {"prompt_version": "v2"}, {"messages": [{"role": "user", "content": "ص"}]},
                   {"params": {"temperature": 0.0, "seed": 2}}):
        assert request_key(**{**base, **change}) != k, change
    assert request_key(**{**base, "params": {"seed": 1, "temperature": 0.0}}) == k  # key order irrelevant


def test_cache_commits_each_response_and_is_readable_by_another_connection(tmp_path):
    path = tmp_path / "sub" / "c.sqlite"
    cache = ResponseCache(path)
    cache.put("a", model="m", prompt_version="v1", body="{}", prompt_tokens=5, completion_tokens=2)
    # Without closing: another connection (another process, in the kill test) already sees it.
    other = sqlite3.connect(path)
    assert other.execute("SELECT key, prompt_tokens FROM responses").fetchall() == [("a", 5)]
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()
    cache.close()
    with ResponseCache(path) as again:
        assert len(again) == 1 and again.get("a").body == "{}" and again.get("b") is None


def test_cache_rejects_a_non_database_file(tmp_path):
    bad = tmp_path / "c.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="cannot open the response cache"):
        ResponseCache(bad)
