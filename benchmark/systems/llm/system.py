"""The ``llm`` benchmark system: prompts → cached, concurrent requests → submission dicts.

``predict`` builds every request of the run (:mod:`.jobs`), serves what it
can from the response cache, sends the rest (:mod:`.client`), committing each
answer to the cache as it arrives, then parses the answers (:mod:`.parse`)
into submission format v1 with text-only fields (``content_text``,
``cue_text``, ``source_text``, speaker names), which
:mod:`benchmark.submission.reader` aligns to offsets.  ``translations`` lists one
item per segment, then one per gold quote content (``quote_id``, scored by
``quote_chrf++``), translated in the same requests as its segments.

An item whose request failed (after retries) or whose answer is unusable is
left out of its list and recorded in :meth:`LLMSystem.manifest_extra` with
its reason; the run never stops for it.  A task that was attempted keeps its
key (possibly ``[]``), so failures count against the system instead of
turning into "not attempted".  Only when *nothing* came back (requests were
sent, none succeeded and none was served from the cache: a wrong URL, a
closed port, a bad key) does ``predict`` raise :class:`EndpointFailed`, so a
run of zeros never reaches a run folder or the leaderboard.

``default_label`` (``llm-<model>``, folder-safe) names the run when
``system.label`` is not set, so runs of different models do not share a
folder or a leaderboard row.

Examples
--------
>>> s = make_llm_system(model="qwen2.5:7b", cache_path=None)
>>> s.signature  # doctest: +ELLIPSIS
'llm|model:qwen2.5:7b|prompt:v1@...|temp:0|seed:12345|max_tokens:4096|json:yes|batch:10|passage:4000'
>>> s.default_label
'llm-qwen2.5-7b'
>>> make_llm_system(model="m", concurrency=0)
Traceback (most recent call last):
...
benchmark.errors.ConfigError: system.concurrency: expected an integer >= 1, got 0
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from typing import Any, Callable, Collection, Mapping, Sequence

from benchmark.errors import EndpointFailed
from benchmark.systems.base import folder_label
from benchmark.tasks.inputs import DocInput
from benchmark.systems.llm.cache import CachedResponse, ResponseCache, request_key
from benchmark.systems.llm.client import ChatClient, Endpoint, Outcome, RetryPolicy
from benchmark.systems.llm.jobs import Job, build_jobs
from benchmark.systems.llm.options import SUPPORTED_TASKS, LLMOptions, check_options
from benchmark.errors import UnparseableAnswer
from benchmark.systems.llm.parse import Problem, parse_answer
from benchmark.systems.llm.prompts import load_prompts

log = logging.getLogger(__name__)

# Benchmark task → prompt task; quotes and end2end read the same predicted quotes.
PROMPT_TASK = {"speakers": "speakers", "quotes": "quotes", "end2end": "quotes", "attribution": "attribution",
               "stance": "stance", "translation": "translation"}
# Prompt task → submission key.
OUTPUT_KEY = {"speakers": "speakers", "quotes": "quotes", "attribution": "attribution", "stance": "stance",
              "translation": "translations"}
# Failure kinds of single items of an otherwise usable answer; every other kind (http_*, timeout,
# connection, bad_response, unparseable) is recorded once for a whole request.
_ITEM_KINDS = frozenset({"missing", "invalid"})


def make_llm_system(*, model: str, base_url: str = "http://localhost:8000/v1",
                    api_key_env: str | None = "OPENAI_API_KEY", prompt_version: str = "v1", concurrency: int = 8,
                    timeout: float = 120.0, max_retries: int = 5, backoff_base: float = 1.0,
                    backoff_max: float = 60.0, retry_after_cap: float = 120.0, json_mode: bool = True,
                    temperature: float = 0.0, max_tokens: int = 4096, seed: int = 12345,
                    cache_path: str | None = "results/cache/llm.sqlite", price_prompt_per_m: float | None = None,
                    price_completion_per_m: float | None = None, tasks: Sequence[str] | None = None,
                    batch_size: int = 10, passage_chars: int = 4000,
                    extra_body: Mapping[str, Any] | None = None) -> "LLMSystem":
    """Validate the options (``ConfigError`` naming ``system.<option>``) and build the system."""
    return LLMSystem(check_options(**locals()))


def _usage(data: Mapping[str, Any] | None) -> tuple[int, int]:
    u = (data or {}).get("usage") or {}
    p, c = u.get("prompt_tokens"), u.get("completion_tokens")
    return (p if isinstance(p, int) else 0), (c if isinstance(c, int) else 0)


def _answer_text(data: Mapping[str, Any]) -> str:
    content = data["choices"][0]["message"].get("content")
    if isinstance(content, list):  # some servers return content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def _all_failed(client: ChatClient, outcomes: Sequence[Outcome]) -> str:
    """One line for :class:`EndpointFailed`: failed requests by kind, then the first one's reason."""
    kinds = Counter(o.kind or "error" for o in outcomes)
    counts = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"every request to {client.endpoint.display} failed ({counts}): "
            f"{client.scrub(outcomes[0].reason or 'no reason recorded')}; no run folder written")


def _segments_then_quotes(translations: list[dict], doc: DocInput) -> None:
    """Sort in place: segment items in batch (document) order, then quote items in gold order.

    A batch lists its quotes after its own segments, so collected items interleave.
    """
    rank = {q.id: n for n, q in enumerate(doc.quotes)}
    translations.sort(key=lambda t: (1, rank[t["quote_id"]]) if "quote_id" in t else (0, 0))


class LLMSystem:
    """A chat model behind an OpenAI-compatible endpoint (see the module docstring)."""

    ranked = True
    needs_gold = False

    def __init__(self, options: LLMOptions) -> None:
        self.options = options
        self.prompts = load_prompts(options.prompt_version)
        self.name = "llm"
        allowed = SUPPORTED_TASKS if options.tasks is None else frozenset(options.tasks)
        self.supported_tasks = frozenset(allowed)
        self.signature = "|".join([
            "llm", f"model:{options.model}", f"prompt:{self.prompts.version}@{self.prompts.sha256[:12]}",
            f"temp:{options.temperature:g}", f"seed:{options.seed}", f"max_tokens:{options.max_tokens}",
            f"json:{'yes' if options.json_mode else 'no'}", f"batch:{options.batch_size}",
            f"passage:{options.passage_chars}",
        ] + ([f"extra:{json.dumps(dict(options.extra_body), sort_keys=True)}"] if options.extra_body else []))
        self.description = f"{options.model} over an OpenAI-compatible chat API ({self.signature})"
        self.default_label = folder_label("llm", options.model)
        """Run-folder and table name when ``system.label`` is not set."""
        self.on_items: Callable[[int, int], None] | None = None
        """Set by the harness: called with (requests answered, requests in all) as answers arrive."""
        self._reset()

    def _reset(self) -> None:
        self._jobs = self._unique = self._hits = 0
        self._usage = Counter()
        self._failures: list[dict[str, Any]] = []
        self._parse_memo: dict[str, Any] = {}
        """Request key → parsed answer (see :meth:`_parsed`)."""
        self._unparseable: dict[str, str] = {}
        self._failed_requests: Counter = Counter()
        self._client_stats: dict[str, Any] = {}
        self._answered = 0

    def _tick(self, answered: int, total: int) -> None:
        """Count answered requests (cached or received) and tell the harness's progress callback."""
        self._answered += answered
        if self.on_items is not None:
            self.on_items(self._answered, total)

    def _api_key(self) -> str | None:
        env = self.options.api_key_env
        return (os.environ.get(env) or None) if env else None

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str], gold: Any = None) -> list[dict]:
        """One submission dict per document, in input order (statistics are reset per call)."""
        self._reset()
        o = self.options
        prompt_tasks = {PROMPT_TASK[t] for t in tasks if t in self.supported_tasks}
        jobs = [j for d in docs for j in build_jobs(d, tasks=tuple(sorted(prompt_tasks)), prompts=self.prompts,
                                                   batch_size=o.batch_size, passage_chars=o.passage_chars)]
        params = o.params()
        keys = [request_key(model=o.model, prompt_version=self.prompts.version, messages=j.messages, params=params)
                for j in jobs]
        self._jobs = len(jobs)
        payloads = {k: {"model": o.model, "messages": list(j.messages), **params} for k, j in zip(keys, jobs)}
        self._unique = len(payloads)
        targets = {d.doc_id: frozenset(t.id for t in d.targets) for d in docs}
        client, cached, sent = self._answers(payloads, dict(zip(keys, jobs)), targets)
        results: dict[str, Outcome | CachedResponse] = {**sent, **cached}
        by_doc: dict[str, dict[str, Any]] = {d.doc_id: {"doc_id": d.doc_id} for d in docs}
        for d in docs:
            for t in sorted(prompt_tasks):
                by_doc[d.doc_id][OUTPUT_KEY[t]] = []
        for job, key in zip(jobs, keys):
            items = self._collect(key, job, results[key], targets=targets, scrub=client.scrub)
            by_doc[job.doc_id][OUTPUT_KEY[job.task]].extend(items)
        for d in docs:
            if "translations" in by_doc[d.doc_id]:
                _segments_then_quotes(by_doc[d.doc_id]["translations"], d)
        if self._failures:
            # Items and requests are different units: say which number counts what.
            problems = Counter(f["kind"] for f in self._failures if f["kind"] in _ITEM_KINDS)
            parts = [f"{what}: " + ", ".join(f"{k} {n}" for k, n in sorted(c.items()))
                     for what, c in (("failed requests", self._failed_requests), ("item problems", problems)) if c]
            log.warning("llm: %d item(s) not predicted; %s; reasons in manifest.json under system.llm.failures",
                        sum(len(f["items"]) for f in self._failures), "; ".join(parts))
        return [by_doc[d.doc_id] for d in docs]

    def _answers(self, payloads: dict[str, dict], job_of: dict[str, Job], targets: Mapping[str, Collection[str]]):
        """``(client, cached, sent)``: answers served from the cache, then the others asked for.

        Only an answer that parses is cached: a truncated or broken answer (HTTP
        200 all the same) is recorded as a failure and asked again by the next
        run; one cached by an older version is dropped and asked again now.
        """
        o = self.options
        cache = ResponseCache(o.cache_path)
        try:
            cached = cache.get_many(payloads)
            client = ChatClient(base_url=o.base_url, api_key=self._api_key(), timeout=o.timeout,
                                concurrency=o.concurrency, seed=o.seed,
                                policy=RetryPolicy(o.max_retries, o.backoff_base, o.backoff_max, o.retry_after_cap))
            for key, hit in list(cached.items()):
                if self._parsed(key, job_of[key], hit, targets) is None:
                    cache.delete(key)
                    del cached[key]
                    self._parse_memo.pop(key)
                    continue
                self._usage["cached_prompt_tokens"] += hit.prompt_tokens or 0
                self._usage["cached_completion_tokens"] += hit.completion_tokens or 0
            self._hits = len(cached)
            self._tick(len(cached), len(payloads))

            def store(out: Outcome) -> None:
                self._tick(1, len(payloads))
                if not out.ok:
                    return
                p, c = _usage(out.data)
                self._usage["prompt_tokens"] += p
                self._usage["completion_tokens"] += c
                if self._parsed(out.key, job_of[out.key], out, targets) is not None:
                    # committed now, so a killed run keeps it
                    cache.put(out.key, model=o.model, prompt_version=self.prompts.version, body=out.body,
                              prompt_tokens=p, completion_tokens=c)

            sent = client.run([(k, p) for k, p in payloads.items() if k not in cached], on_outcome=store)
            self._client_stats = client.stats.to_json()
        finally:
            cache.close()
        if sent and not cached and not any(out.ok for out in sent.values()):
            raise EndpointFailed(_all_failed(client, [sent[k] for k in payloads if k in sent]))
        return client, cached, sent

    def _fail(self, job: Job, items: Sequence[str], kind: str, reason: str) -> None:
        if kind not in _ITEM_KINDS:
            self._failed_requests[kind] += 1
        self._failures.append({"task": job.task, "doc_id": job.doc_id, "request": job.label,
                               "items": list(items), "kind": kind, "reason": reason})

    def _parsed(self, key: str, job: Job, result: Outcome | CachedResponse,
                targets: Mapping[str, Collection[str]]) -> tuple[list[dict], list[Problem]] | str | None:
        """The items and problems of one answer; ``"bad_response"`` or ``None`` (unparseable) otherwise.

        Remembered per request key, so the cache decision and the collection parse once.
        """
        if key in self._parse_memo:
            return self._parse_memo[key]
        try:
            data = result.data if isinstance(result, Outcome) else json.loads(result.body)
            text = _answer_text(data)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            parsed = "bad_response"
        else:
            try:
                parsed = parse_answer(job.task, text, items=job.items, targets=sorted(targets[job.doc_id]),
                                      label=job.label)
            except UnparseableAnswer as exc:
                self._unparseable[key] = str(exc)
                parsed = None
        self._parse_memo[key] = parsed
        return parsed

    def _collect(self, key: str, job: Job, result: Outcome | CachedResponse, *, targets: Mapping[str, Collection[str]],
                 scrub: Callable[[str], str]) -> list[dict]:
        """Items of one job's answer; failures recorded, never raised."""
        if job.task == "stance":
            asked = [f"{q}/{t}" for q, t in job.items]
        elif job.task == "translation":
            asked = [item_id for _, item_id in job.items]  # segment ids and quote ids
        else:
            asked = list(job.items)
        whole = asked or [job.label]
        if isinstance(result, Outcome) and not result.ok:
            self._fail(job, whole, result.kind or "error", scrub(result.reason or ""))
            return []
        parsed = self._parsed(key, job, result, targets)
        if parsed == "bad_response":
            self._fail(job, whole, "bad_response", "stored response is not a chat completion")
            return []
        if parsed is None:
            self._fail(job, whole, "unparseable", scrub(self._unparseable[key]) + " (not cached)")
            return []
        items, problems = parsed
        for p in problems:
            self._fail(job, [p.item], p.kind, scrub(p.reason))
        return items

    def manifest_extra(self) -> dict[str, Any]:
        """What the run manifest records about the model calls (never the API key)."""
        o = self.options
        usage = {k: self._usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens",
                                                     "cached_prompt_tokens", "cached_completion_tokens")}
        cost = None
        if o.price_prompt_per_m is not None and o.price_completion_per_m is not None:
            paid = (usage["prompt_tokens"] * o.price_prompt_per_m + usage["completion_tokens"] * o.price_completion_per_m) / 1e6
            saved = (usage["cached_prompt_tokens"] * o.price_prompt_per_m
                     + usage["cached_completion_tokens"] * o.price_completion_per_m) / 1e6
            cost = {"price_prompt_per_m": o.price_prompt_per_m, "price_completion_per_m": o.price_completion_per_m,
                    "this_run": round(paid, 6), "served_from_cache": round(saved, 6)}
        by_kind = Counter()
        for f in self._failures:
            by_kind[f["kind"]] += len(f["items"])
        return {"llm": {
            "signature": self.signature, "model": o.model, "base_url": Endpoint.parse(o.base_url).display,
            "api_key_env": o.api_key_env, "api_key_set": self._api_key() is not None,
            "prompt_version": self.prompts.version, "prompt_sha256": self.prompts.sha256,
            "temperature": o.temperature, "seed": o.seed, "max_tokens": o.max_tokens, "json_mode": o.json_mode,
            "extra_body": dict(o.extra_body), "concurrency": o.concurrency, "timeout": o.timeout,
            "max_retries": o.max_retries, "batch_size": o.batch_size, "passage_chars": o.passage_chars,
            "cache_path": o.cache_path,
            "requests": {"jobs": self._jobs, "unique": self._unique, "cache_hits": self._hits, **self._client_stats},
            "usage": usage, "cost": cost,
            "failures": {"items": sum(by_kind.values()), "by_kind": dict(sorted(by_kind.items())),
                         "requests_by_kind": dict(sorted(self._failed_requests.items())),
                         "records": self._failures},
        }}
