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
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Collection, Mapping, Sequence

from benchmark.errors import ConfigError, EndpointFailed
from benchmark.systems.base import folder_label
from benchmark.tasks.inputs import DocInput
from benchmark.systems.llm.cache import CachedResponse, ResponseCache, request_key
from benchmark.systems.llm.client import ChatClient, Endpoint, Outcome, RetryPolicy
from benchmark.systems.llm.jobs import Job, build_jobs
from benchmark.errors import UnparseableAnswer
from benchmark.systems.llm.parse import (coerce_attribution, coerce_quotes, coerce_speakers, coerce_stance,
                    coerce_translations, extract_json)
from benchmark.systems.llm.prompts import load_prompts

log = logging.getLogger(__name__)

SUPPORTED_TASKS = frozenset({"speakers", "quotes", "end2end", "attribution", "stance", "translation"})
# Benchmark task → prompt task; quotes and end2end read the same predicted quotes.
PROMPT_TASK = {"speakers": "speakers", "quotes": "quotes", "end2end": "quotes", "attribution": "attribution",
               "stance": "stance", "translation": "translation"}
# Prompt task → submission key.
OUTPUT_KEY = {"speakers": "speakers", "quotes": "quotes", "attribution": "attribution", "stance": "stance",
              "translation": "translations"}
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {"model", "messages", "temperature", "seed", "max_tokens", "response_format", "stream", "n"}
# Failure kinds of single items of an otherwise usable answer; every other kind (http_*, timeout,
# connection, bad_response, unparseable) is recorded once for a whole request.
_ITEM_KINDS = frozenset({"missing", "invalid"})




@dataclass(frozen=True)
class LLMOptions:
    """Validated options of the ``llm`` system (documented in ``configs/system/llm.yaml``)."""

    model: str
    base_url: str = "http://localhost:8000/v1"
    api_key_env: str | None = "OPENAI_API_KEY"
    prompt_version: str = "v1"
    concurrency: int = 8
    timeout: float = 120.0
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_cap: float = 120.0
    json_mode: bool = True
    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 12345
    cache_path: str | None = "results/cache/llm.sqlite"
    price_prompt_per_m: float | None = None
    price_completion_per_m: float | None = None
    tasks: tuple[str, ...] | None = None
    batch_size: int = 10
    passage_chars: int = 4000
    extra_body: tuple[tuple[str, Any], ...] = ()

    def params(self) -> dict[str, Any]:
        """Generation parameters: sent with every request and part of the cache key."""
        p: dict[str, Any] = {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}
        if self.json_mode:
            p["response_format"] = {"type": "json_object"}
        p.update(dict(self.extra_body))
        return p


def _bad(name: str, expected: str, got: Any) -> ConfigError:
    return ConfigError(f"expected {expected}, got {got!r}", field=f"system.{name}")


def _int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _bad(name, f"an integer >= {low}", value)
    return value


def _num(name: str, value: Any, *, allow_none: bool = False, positive: bool = False,
         high: float | None = None) -> float | None:
    if value is None and allow_none:
        return None
    number = _finite(value)
    if number is None or number < 0 or (positive and number == 0) or (high is not None and number > high):
        expected = "a finite number " + ("> 0" if positive else ">= 0") + (f" and <= {high:g}" if high else "")
        raise _bad(name, expected + (" or null" if allow_none else ""), value)
    return number


def _finite(value: Any) -> float | None:
    """``value`` as a finite float; ``None`` for a bool, a non-number, inf, nan or an int beyond float range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


MAX_SECONDS = 86_400.0
"""Longest timeout, backoff or Retry-After wait accepted (one day): a socket timeout beyond about
10¹¹ s overflows the platform's time_t."""


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
    if not isinstance(model, str) or not model.strip() or model == "???":
        raise _bad("model", "the model name the endpoint serves (system.model=…)", model)
    Endpoint.parse(base_url)
    if api_key_env not in (None, "") and not (isinstance(api_key_env, str) and _ENV_RE.match(api_key_env)):
        raise _bad("api_key_env", "the name of an environment variable (not the key itself) or null", "<hidden>")
    if not isinstance(json_mode, bool):
        raise _bad("json_mode", "true or false", json_mode)
    if tasks is not None:
        tasks = tuple([tasks] if isinstance(tasks, str) else tasks)
        unknown = [t for t in tasks if t not in SUPPORTED_TASKS]
        if unknown:
            raise _bad("tasks", f"a subset of {', '.join(sorted(SUPPORTED_TASKS))}", unknown[0])
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise _bad("extra_body", "a mapping of extra request fields or null", extra_body)
    extra = dict(extra_body or {})
    if set(extra) & _RESERVED:
        raise _bad("extra_body", f"no key among {', '.join(sorted(_RESERVED))}", sorted(set(extra) & _RESERVED)[0])
    opts = LLMOptions(
        model=model, base_url=str(base_url), api_key_env=api_key_env or None, prompt_version=str(prompt_version),
        concurrency=_int("concurrency", concurrency, 1), timeout=_num("timeout", timeout, positive=True, high=MAX_SECONDS),
        max_retries=_int("max_retries", max_retries, 0), backoff_base=_num("backoff_base", backoff_base, high=MAX_SECONDS),
        backoff_max=_num("backoff_max", backoff_max, high=MAX_SECONDS),
        retry_after_cap=_num("retry_after_cap", retry_after_cap, high=MAX_SECONDS),
        json_mode=json_mode, temperature=_num("temperature", temperature), max_tokens=_int("max_tokens", max_tokens, 1),
        seed=_int("seed", seed, 0), cache_path=None if cache_path in (None, "", "null") else str(cache_path),
        price_prompt_per_m=_num("price_prompt_per_m", price_prompt_per_m, allow_none=True),
        price_completion_per_m=_num("price_completion_per_m", price_completion_per_m, allow_none=True),
        tasks=tasks, batch_size=_int("batch_size", batch_size, 1), passage_chars=_int("passage_chars", passage_chars, 0),
        extra_body=tuple(sorted(extra.items())),
    )
    return LLMSystem(opts)


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
        self._reset()

    def _reset(self) -> None:
        self._jobs = self._unique = self._hits = 0
        self._usage = Counter()
        self._failures: list[dict[str, Any]] = []
        self._failed_requests: Counter = Counter()
        self._client_stats: dict[str, Any] = {}

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
        cache = ResponseCache(o.cache_path)
        api_key = self._api_key()
        try:
            cached = cache.get_many(payloads)
            self._hits = len(cached)
            for hit in cached.values():
                self._usage["cached_prompt_tokens"] += hit.prompt_tokens or 0
                self._usage["cached_completion_tokens"] += hit.completion_tokens or 0
            client = ChatClient(base_url=o.base_url, api_key=api_key, timeout=o.timeout, concurrency=o.concurrency,
                                seed=o.seed, policy=RetryPolicy(o.max_retries, o.backoff_base, o.backoff_max,
                                                                o.retry_after_cap))

            def store(out: Outcome) -> None:
                if out.ok:  # committed now, so a killed run keeps it
                    p, c = _usage(out.data)
                    self._usage["prompt_tokens"] += p
                    self._usage["completion_tokens"] += c
                    cache.put(out.key, model=o.model, prompt_version=self.prompts.version, body=out.body,
                              prompt_tokens=p, completion_tokens=c)

            sent = client.run([(k, p) for k, p in payloads.items() if k not in cached], on_outcome=store)
            self._client_stats = client.stats.to_json()
        finally:
            cache.close()
        if sent and not cached and not any(out.ok for out in sent.values()):
            raise EndpointFailed(_all_failed(client, [sent[k] for k in payloads if k in sent]))
        results: dict[str, Outcome | CachedResponse] = {**sent, **cached}
        targets = {d.doc_id: frozenset(t.id for t in d.targets) for d in docs}
        by_doc: dict[str, dict[str, Any]] = {d.doc_id: {"doc_id": d.doc_id} for d in docs}
        for d in docs:
            for t in sorted(prompt_tasks):
                by_doc[d.doc_id][OUTPUT_KEY[t]] = []
        for job, key in zip(jobs, keys):
            items = self._collect(job, results[key], targets=targets[job.doc_id], scrub=client.scrub)
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

    def _fail(self, job: Job, items: Sequence[str], kind: str, reason: str) -> None:
        if kind not in _ITEM_KINDS:
            self._failed_requests[kind] += 1
        self._failures.append({"task": job.task, "doc_id": job.doc_id, "request": job.label,
                               "items": list(items), "kind": kind, "reason": reason})

    def _collect(self, job: Job, result: Outcome | CachedResponse, *, targets: Collection[str],
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
        try:
            data = result.data if isinstance(result, Outcome) else json.loads(result.body)
            text = _answer_text(data)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self._fail(job, whole, "bad_response", "stored response is not a chat completion")
            return []
        try:
            value = extract_json(text)
            if job.task == "attribution":
                items, problems = coerce_attribution(value, quote_ids=job.items)
            elif job.task == "stance":
                items, problems = coerce_stance(value, pairs=job.items)
            elif job.task == "translation":
                items, problems = coerce_translations(
                    value, segment_ids=[i for k, i in job.items if k == "segment_id"],
                    quote_ids=[i for k, i in job.items if k == "quote_id"])
            elif job.task == "speakers":
                items, problems = coerce_speakers(value, label=job.label)
            else:
                items, problems = coerce_quotes(value, targets=targets, label=job.label)
        except UnparseableAnswer as exc:
            self._fail(job, whole, "unparseable", scrub(str(exc)))
            return []
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
