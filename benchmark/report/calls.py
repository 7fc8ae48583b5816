"""The "Model calls" block of the report headers, from the run's manifest.

A model-backed run's scores mean little without knowing how many calls
failed and what they cost, so both reports show, right under the run
header, what the system recorded in ``manifest.json``:

* ``llm`` (``system.llm``): endpoint and model, requests (distinct, from the
  cache, sent, HTTP attempts, retries), failed requests by kind with the
  first reason of each kind, items not predicted, token usage and cost;
* ``hf`` (``system.models``): each task's model and commit, device,
  truncated inputs and mentions not found in the text.

Rows are ``(label, text)`` pairs of plain text; each renderer escapes them.

Examples
--------
>>> rows = model_call_rows({"system": {"llm": {
...     "model": "m", "base_url": "http://h/v1",
...     "requests": {"jobs": 3, "unique": 3, "cache_hits": 1, "sent": 3, "succeeded": 1, "failed": 1,
...                  "retries": 1, "backoff_seconds": 0.5},
...     "failures": {"items": 2, "by_kind": {"http_500": 2}, "requests_by_kind": {"http_500": 1},
...                  "records": [{"task": "stance", "doc_id": "d1", "request": "batch 1",
...                               "items": ["q1/t", "q2/t"], "kind": "http_500", "reason": "HTTP 500: boom"}]},
...     "usage": {"prompt_tokens": 1200, "completion_tokens": 30}, "cost": None}}})
>>> for label, text in rows:
...     print(f"{label}: {text}")
Model: m at http://h/v1
Requests: 3 distinct: 1 from the cache, 2 sent in 3 HTTP attempts (1 retry, 0.5 s of backoff); 1 succeeded, 1 failed
Failed requests: http_500 1
First failure (http_500): d1 · stance batch 1: HTTP 500: boom
Items not predicted: 2 (http_500 2)
Tokens: 1,200 prompt + 30 completion sent; 0 + 0 served from the cache
>>> model_call_rows({"system": {"name": "rules"}})
[]
"""

from __future__ import annotations

from typing import Any, Mapping

TITLE = "Model calls"


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "n/a"


def _kinds(counts: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def _llm_rows(llm: Mapping[str, Any]) -> list[tuple[str, str]]:
    req = llm.get("requests") or {}
    fail = llm.get("failures") or {}
    usage = llm.get("usage") or {}
    rows = [("Model", f"{llm.get('model', '?')} at {llm.get('base_url', '?')}")]
    unique, hits = req.get("unique"), req.get("cache_hits")
    to_send = unique - hits if isinstance(unique, int) and isinstance(hits, int) else None
    built = f" ({_n(req['jobs'])} built)" if req.get("jobs") not in (None, unique) else ""
    retries = req.get("retries", 0)
    attempts = (f"{_n(req.get('sent', 0))} HTTP attempts ({_n(retries)} {'retry' if retries == 1 else 'retries'}, "
                f"{float(req.get('backoff_seconds') or 0):g} s of backoff)")
    outcomes = f"{_n(req.get('succeeded', 0))} succeeded, {_n(req.get('failed', 0))} failed"
    sources = f"{_n(unique)} distinct{built}: {_n(hits)} from the cache, {_n(to_send)} sent"
    rows.append(("Requests", f"{sources} in {attempts}; {outcomes}"))
    records = [r for r in fail.get("records") or [] if isinstance(r, Mapping)]
    requests_by_kind = fail.get("requests_by_kind")
    if requests_by_kind is None:  # manifests written before the field existed: count whole-request records
        requests_by_kind = {}
        for r in records:
            if r.get("kind") not in ("missing", "invalid"):
                requests_by_kind[r.get("kind")] = requests_by_kind.get(r.get("kind"), 0) + 1
    rows.append(("Failed requests", _kinds(requests_by_kind)))
    seen: set[str] = set()
    for r in records:  # the first record of each kind, in the order the run recorded them
        kind = str(r.get("kind"))
        if kind in seen:
            continue
        seen.add(kind)
        where = " ".join(str(x) for x in (r.get("task"), r.get("request")) if x)
        rows.append((f"First failure ({kind})", f"{r.get('doc_id', '?')} · {where}: {r.get('reason', '')}"))
    items = fail.get("items", 0)
    rows.append(("Items not predicted", f"{_n(items)} ({_kinds(fail.get('by_kind') or {})})" if items else "none"))
    sent = f"{_n(usage.get('prompt_tokens', 0))} prompt + {_n(usage.get('completion_tokens', 0))} completion"
    cached = f"{_n(usage.get('cached_prompt_tokens', 0))} + {_n(usage.get('cached_completion_tokens', 0))}"
    rows.append(("Tokens", f"{sent} sent; {cached} served from the cache"))
    cost = llm.get("cost")
    if isinstance(cost, Mapping):
        prices = (f"prices per million tokens: prompt {cost.get('price_prompt_per_m')}, "
                  f"completion {cost.get('price_completion_per_m')}")
        amounts = (f"{float(cost.get('this_run') or 0):.4f} this run, "
                   f"{float(cost.get('served_from_cache') or 0):.4f} saved by the cache")
        rows.append(("Cost", f"{amounts} ({prices})"))
    return rows


def _hf_rows(system: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for task, info in sorted((system.get("models") or {}).items()):
        info = info if isinstance(info, Mapping) else {}
        where = f"commit {str(info['commit'])[:12]}" if info.get("commit") else info.get("path") or "commit unknown"
        rows.append((f"Model ({task})", f"{info.get('name', '?')} ({where})"))
    rows.append(("Device", str(system.get("device") or "not recorded")))
    counts = system.get("counts") or {}
    if "truncated_segments" in counts:
        rows.append(("Truncated inputs", _n(counts["truncated_segments"])))
    if "unfound_mentions" in counts:
        rows.append(("Mentions not found in the text", _n(counts["unfound_mentions"])))
    return rows


def model_call_rows(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(label, text)`` rows of the "Model calls" block; ``[]`` for a system that calls no model."""
    system = manifest.get("system") or {}
    if isinstance(system.get("llm"), Mapping):
        return _llm_rows(system["llm"])
    if isinstance(system.get("models"), Mapping) and system["models"]:
        return _hf_rows(system)
    return []
