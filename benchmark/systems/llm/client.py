"""A small client for OpenAI-compatible ``POST {base_url}/chat/completions``.

Works with vLLM, Ollama, llama.cpp's server, TGI and OpenAI itself: only the
common subset of the API is used.

**Why threads and the standard library** (``http.client`` in a few daemon
worker threads) rather than asyncio and httpx: the work is a few
hundred I/O-bound requests, which threads handle at full speed (the GIL is
released while waiting on sockets; ``benchmarks/bench_llm.py`` measures it);
``predict`` stays an ordinary function that also works inside an already
running event loop (Jupyter), where ``asyncio.run`` refuses to start; and the
package gains no dependency.  Idle keep-alive connections are pooled, so
HTTPS endpoints do not pay a TLS handshake per request.

**Retries.**  429, 408, 5xx, connection errors, timeouts and unreadable
response bodies are retried up to ``max_retries`` times; other statuses (400,
401, 404 …) fail at once.  The wait before retry *n* honours ``Retry-After``
(seconds or an HTTP date, capped at ``retry_after_cap``), else is drawn with
"full jitter" from ``uniform(0, min(backoff_max, backoff_base · 2^(n-1)))``.
The jitter generator of each request is seeded from the run seed and the
request's cache key, so the schedule is reproducible whatever the thread
interleaving.

**Secrets.**  The API key is only ever put in the ``Authorization`` header;
every error text this module produces passes through :meth:`ChatClient.scrub`.

Examples
--------
>>> policy = RetryPolicy(max_retries=3, backoff_base=1.0, backoff_max=4.0, retry_after_cap=10.0)
>>> rng_a, rng_b = jitter_rng(seed=1, key="abc"), jitter_rng(seed=1, key="abc")
>>> waits = [policy.delay(n, rng=rng_a) for n in (1, 2, 3)]
>>> waits == [policy.delay(n, rng=rng_b) for n in (1, 2, 3)]  # same seed and key: same schedule
True
>>> [0 <= w <= cap for w, cap in zip(waits, (1.0, 2.0, 4.0))]
[True, True, True]
>>> policy.delay(1, rng=rng_a, retry_after=30.0)  # honoured, but capped
10.0
>>> Endpoint.parse("https://user:pw@api.example.com/v1/?key=x").display
'https://api.example.com/v1'
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import queue
import random
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from benchmark.common.redact import REDACTED, redact
from benchmark.errors import ConfigError, RequestFailed, TransientRequestError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429}) | frozenset(range(500, 600))
IDLE_SECONDS = 4.0
"""Pooled connections idle longer than this are dropped, not reused: servers
(uvicorn's default is 5 s) close idle keep-alive connections, and reusing one
would cost a spurious retry."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts."""

    max_retries: int = 5
    backoff_base: float = 1.0
    """Seconds; the cap of the first jittered wait."""
    backoff_max: float = 60.0
    """Largest cap of a jittered wait, in seconds."""
    retry_after_cap: float = 120.0
    """Largest ``Retry-After`` honoured, in seconds."""

    def delay(self, retry: int, *, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        return rng.uniform(0.0, min(self.backoff_max, self.backoff_base * 2.0 ** (retry - 1)))


def jitter_rng(*, seed: int, key: str) -> random.Random:
    """The jitter generator of one request (``random`` hashes str seeds with SHA-512: stable across runs)."""
    return random.Random(f"{seed}:{key}")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    >>> parse_retry_after("2"), parse_retry_after("soon"), parse_retry_after(None)
    (2.0, None, None)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc))
    30.0
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Endpoint:
    """Where requests go; ``display`` drops credentials and query strings."""

    scheme: str
    host: str
    port: int | None
    path: str
    """Path of ``chat/completions`` on the server, e.g. ``/v1/chat/completions``."""

    @classmethod
    def parse(cls, base_url: str) -> "Endpoint":
        parts = urlsplit(str(base_url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"expected an http(s) URL such as http://localhost:8000/v1, got {_redact_url(base_url)!r}",
                              field="system.base_url")
        return cls(parts.scheme, parts.hostname, parts.port, parts.path.rstrip("/") + "/chat/completions")

    @property
    def display(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{host}{port}{self.path[: -len('/chat/completions')]}"

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def _redact_url(url: str) -> str:
    parts = urlsplit(str(url))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else "<not a URL>"


@dataclass(frozen=True)
class Outcome:
    """The end of one request: the response body, or why there is none."""

    key: str
    body: str | None
    """The response JSON text (success), verbatim for the cache."""
    data: dict | None
    """``body`` decoded."""
    attempts: int
    kind: str | None = None
    """Failure class: ``http_<status>``, ``timeout``, ``connection``, ``bad_response``."""
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.data is not None


@dataclass
class ClientStats:
    """Counters over every request a client sent (thread-safe updates)."""

    sent: int = 0
    """HTTP attempts, including retries."""
    succeeded: int = 0
    retries: int = 0
    failed: int = 0
    status: Counter = field(default_factory=Counter)
    """Responses by HTTP status; transport errors by kind."""
    backoff_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **deltas: float) -> None:
        with self._lock:
            for k, v in deltas.items():
                setattr(self, k, getattr(self, k) + v)

    def count(self, what: str) -> None:
        with self._lock:
            self.status[what] += 1

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "succeeded": self.succeeded, "retries": self.retries, "failed": self.failed,
                "by_status": dict(sorted(self.status.items())), "backoff_seconds": round(self.backoff_seconds, 3)}




class ChatClient:
    """Send chat-completion payloads concurrently, with retries (see the module docstring)."""

    def __init__(self, *, base_url: str, api_key: str | None = None, timeout: float = 60.0,
                 policy: RetryPolicy = RetryPolicy(), concurrency: int = 8, seed: int = 0,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.endpoint = Endpoint.parse(base_url)
        self._api_key = api_key or None
        self.timeout = timeout
        self.policy = policy
        self.concurrency = concurrency
        self.seed = seed
        # Backoff wait (tests record it); None waits on the run's stop event, so Ctrl-C cuts it short.
        self._sleep = sleep
        self.stats = ClientStats()
        self._idle: queue.LifoQueue = queue.LifoQueue()

    def scrub(self, text: str) -> str:
        """``text`` with the API key (should a server echo it) and any other credential
        (:func:`benchmark.common.redact.redact`) replaced by ``[redacted]``."""
        return redact(text.replace(self._api_key, REDACTED) if self._api_key else text)

    def _headers(self) -> dict[str, str]:
        h = {"Content-Type": "application/json", "Accept": "application/json",
             "User-Agent": "arabic-quote-benchmark/llm"}
        if self._api_key:
            h["Authorization"] = f"Bearer {self._api_key}"
        return h

    def _connection(self) -> http.client.HTTPConnection:
        while True:
            try:
                conn, last_used = self._idle.get_nowait()
            except queue.Empty:
                return self.endpoint.connect(self.timeout)
            if time.monotonic() - last_used < IDLE_SECONDS:
                return conn
            conn.close()

    def _post(self, data: bytes) -> tuple[int, Mapping[str, str], str]:
        conn = self._connection()
        try:
            conn.request("POST", self.endpoint.path, body=data, headers=self._headers())
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", errors="replace")
        except BaseException:
            conn.close()
            raise
        if resp.will_close:
            conn.close()
        else:
            self._idle.put((conn, time.monotonic()))
        return resp.status, resp.headers, text

    def _attempt(self, data: bytes) -> tuple[str, dict]:
        """One HTTP attempt: the body on success; :class:`TransientRequestError` or ``(kind, reason)`` error otherwise."""
        try:
            status, headers, text = self._post(data)
        except TimeoutError:
            self.stats.count("timeout")
            raise TransientRequestError("timeout", f"no response within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            self.stats.count("connection")
            raise TransientRequestError("connection", f"connection error: {type(exc).__name__}: {self.scrub(str(exc))}"[:200]) from None
        self.stats.count(str(status))
        snippet = self.scrub(" ".join(text.split()))[:200]
        if status in RETRYABLE_STATUS:
            raise TransientRequestError(f"http_{status}", f"HTTP {status}: {snippet}", parse_retry_after(headers.get("Retry-After")))
        if status != 200:
            raise RequestFailed(f"http_{status}", f"HTTP {status}: {snippet}")
        try:
            decoded = json.loads(text)
            decoded["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TransientRequestError("bad_response", f"HTTP 200 without a chat completion: {snippet}") from None
        return text, decoded

    def send(self, key: str, payload: Mapping[str, Any], *, stop: threading.Event | None = None) -> Outcome:
        """Send one payload with retries; never raises for HTTP or network trouble.

        Once ``stop`` is set no further attempt starts and a backoff wait ends
        early: the outcome is then a ``cancelled`` failure.
        """
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        rng = jitter_rng(seed=self.seed, key=key)
        stop = stop or threading.Event()
        attempt = 0
        while True:
            if stop.is_set():
                return Outcome(key, None, None, attempt, "cancelled", "the run was interrupted")
            attempt += 1
            self.stats.add(sent=1)
            try:
                text, decoded = self._attempt(data)
            except RequestFailed as exc:
                self.stats.add(failed=1)
                return Outcome(key, None, None, attempt, exc.kind, exc.reason)
            except TransientRequestError as exc:
                if attempt > self.policy.max_retries:
                    self.stats.add(failed=1)
                    return Outcome(key, None, None, attempt, exc.kind, f"{exc.reason} (after {attempt} attempts)")
                wait_s = self.policy.delay(attempt, rng=rng, retry_after=exc.retry_after)
                self.stats.add(retries=1, backoff_seconds=wait_s)
                log.debug("request %s: %s; retry %d in %.2f s", key[:12], exc.reason, attempt, wait_s)
                (self._sleep or stop.wait)(wait_s)
                continue
            self.stats.add(succeeded=1)
            return Outcome(key, text, decoded, attempt)

    def run(self, requests: Sequence[tuple[str, Mapping[str, Any]]], *,
            on_outcome: Callable[[Outcome], None] = lambda o: None) -> dict[str, Outcome]:
        """Send ``(key, payload)`` pairs with at most ``concurrency`` in flight.

        ``on_outcome`` is called in *this* thread as each request ends (the
        cache commits there), so outcomes are stored in completion order
        while the rest are still in flight.

        The workers are daemon threads, not a ``ThreadPoolExecutor``: the
        interpreter joins executor threads at exit, so after Ctrl-C the
        process would wait for every in-flight request (up to ``timeout``)
        and a second Ctrl-C would print a traceback from that join.  On any
        exception here (``KeyboardInterrupt`` included) queued requests are
        dropped, in-flight ones are abandoned (their workers stop at the next
        attempt) and the exception propagates at once; answers already
        handed to ``on_outcome`` are kept, so a rerun resumes.
        """
        out: dict[str, Outcome] = {}
        if not requests:
            return out
        todo: queue.SimpleQueue = queue.SimpleQueue()
        for item in requests:
            todo.put(item)
        done: queue.SimpleQueue = queue.SimpleQueue()
        stop = threading.Event()

        def work() -> None:
            while not stop.is_set():
                try:
                    key, payload = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put(self.send(key, payload, stop=stop))
                except BaseException as exc:  # a bug, not network trouble (send never raises for those)
                    done.put(exc)
                    return

        for n in range(min(self.concurrency, len(requests))):
            threading.Thread(target=work, name=f"llm-{n}", daemon=True).start()
        try:
            while len(out) < len(requests):
                try:
                    # A timeout keeps the wait interruptible on every platform.
                    result = done.get(timeout=0.5)
                except queue.Empty:
                    continue
                if isinstance(result, BaseException):
                    raise result
                out[result.key] = result
                on_outcome(result)
        finally:
            stop.set()
            self.close()
        return out

    def close(self) -> None:
        """Close pooled keep-alive connections."""
        while True:
            try:
                conn, _ = self._idle.get_nowait()
            except queue.Empty:
                return
            conn.close()
