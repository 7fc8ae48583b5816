"""A scriptable OpenAI-compatible chat server for tests and benchmarks (loopback only).

``FakeLLMServer`` answers ``POST /v1/chat/completions`` on 127.0.0.1 at an
ephemeral port.  By default it answers *well*: :func:`plausible_content`
reads the prompt (the ``<article>``, ``<passage>`` and ``<items>`` blocks of
the v1 templates) and builds a JSON answer from it, so a run yields real,
alignable predictions.  A ``script`` callable can instead pick, per request,
any of the faults an endpoint shows in practice: broken JSON in the answer, a
non-JSON body, an HTTP status (429 with ``Retry-After``, 500, 401 …), a
stall past the client's timeout, or a closed connection.

``hold_from=N`` answers the first N requests and then holds every later one
open until the server stops: a client is then stuck with exactly N answers,
which is how the tests kill a run "half-way" deterministically.

Also used by ``benchmarks/bench_llm.py`` (``latency=0.1``).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from benchmark.tasks.inputs import DocInput, QuoteInput, SegmentInput, StanceItem
from benchmark.gold.schema import Span, Target


@dataclass(frozen=True)
class Action:
    """What the server does with one request."""

    kind: str
    """``ok``, ``broken`` (answer is not JSON), ``answer`` (HTTP 200 with ``message`` as the
    model's answer, verbatim), ``garbage`` (HTTP body is not JSON), ``status``, ``stall``,
    ``close`` or ``hold``."""
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    message: str = "scripted error"


OK = Action("ok")
BROKEN = Action("broken")
GARBAGE = Action("garbage")
CLOSE = Action("close")
HOLD = Action("hold")


def status(code: int, *, retry_after: str | None = None, message: str = "scripted error") -> Action:
    return Action("status", status=code, retry_after=retry_after, message=message)


def answer(content: str) -> Action:
    """HTTP 200 whose model answer is ``content`` exactly (a truncated or hostile answer)."""
    return Action("answer", message=content)


def stall(seconds: float) -> Action:
    return Action("stall", seconds=seconds)


@dataclass(frozen=True)
class Request:
    """One received request, as a script sees it."""

    index: int
    """0-based arrival order over the server's life."""
    attempt: int
    """1-based count of requests with these exact messages (retries increase it)."""
    task: str
    """Answer key the prompt asks for: speakers, quotes, attribution, stance, translations."""
    system: str
    user: str
    body: dict
    authorization: str | None


_TASK_RE = re.compile(r'\{"(speakers|quotes|attribution|stance|translations)":')


def _block(text: str, tag: str) -> str:
    m = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", text, re.DOTALL)
    return m.group(1) if m else ""


def _speaker_before(article: str, pos: int) -> str | None:
    """The word after the last «قال» before ``pos`` (else the first one): a crude but real guess."""
    found = [(m.start(), m.group(1)) for m in re.finditer(r"قال\s+([^\s.،]+)", article)]
    before = [w for p, w in found if p < pos]
    return before[-1] if before else (found[0][1] if found else None)


def plausible_content(task: str, system: str, user: str) -> str:
    """A well-formed JSON answer computed from the prompt (deterministic)."""
    article = _block(user, "article")
    if task in ("attribution", "stance", "translations"):
        items = json.loads(_block(user, "items") or "[]")
    if task == "attribution":
        out = [{"quote_id": i["quote_id"], "speaker": _speaker_before(article, max(article.find(i["content"]), 0))}
               for i in items]
    elif task == "stance":
        out = [{"quote_id": i["quote_id"], "target": i["target"], "label": "FAVOR"} for i in items]
    elif task == "translations":
        # Segment items and quote-content items, each answered under its own id key.
        out = [{key: i[key], "text": f"[EN] {i['text']}"} for i in items
               for key in ("segment_id", "quote_id") if key in i]
    elif task == "speakers":
        passage = _block(user, "passage")
        out = [{"text": m.group(1), "speaker": m.group(1)} for m in re.finditer(r"قال\s+([^\s.،]+)", passage)]
    else:  # quotes: every stretch in quotation marks is a direct quote
        passage = _block(user, "passage")
        offset = max(article.find(passage), 0)
        out = [{"content_text": m.group(1), "cue_text": "قال" if "قال" in passage else None, "source_text": None,
                "speaker": _speaker_before(article, offset + m.start()), "type": "direct", "stances": []}
               for m in re.finditer(r"[“«]([^”»]+)[”»]", passage)]
    return json.dumps({task: out}, ensure_ascii=False)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    # Headers and body are two writes: without TCP_NODELAY, Nagle plus the
    # client's delayed ACK add ~40 ms to every response (real servers set it too).
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, code: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except OSError:  # the client gave up (timeout) and closed the socket
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        fake: FakeLLMServer = self.server.fake  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/chat/completions":
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        body = json.loads(raw)
        req = fake._record(body, self.headers.get("Authorization"))
        try:
            self._answer(fake, req, body)
        finally:
            fake._done()

    def _answer(self, fake: "FakeLLMServer", req: Request, body: dict) -> None:
        if fake.latency:
            fake._stop.wait(fake.latency)
        if fake.require_key is not None and req.authorization != f"Bearer {fake.require_key}":
            # Like OpenAI, echo what was given: the client must scrub it.
            msg = f"Incorrect API key provided: {(req.authorization or '').removeprefix('Bearer ')}"
            self._send(401, json.dumps({"error": {"message": msg}}).encode())
            return
        action = HOLD if fake.hold_from is not None and req.index >= fake.hold_from else (
            fake.script(req) if fake.script else OK)
        fake._log(req, action)
        if action.kind == "hold":
            fake._stop.wait()
            self.close_connection = True
            return
        if action.kind == "close":
            self.close_connection = True  # no response at all
            return
        if action.kind == "stall":
            if fake._stop.wait(action.seconds):
                self.close_connection = True
                return
        if action.kind == "status":
            headers = {"Retry-After": action.retry_after} if action.retry_after is not None else {}
            self._send(action.status, json.dumps({"error": {"message": action.message}}).encode(), headers)
            return
        if action.kind == "garbage":
            self._send(200, b"<html>502 Bad Gateway</html>")
            return
        content = "Sure! Here it is: {\"oops\": [1, 2" if action.kind == "broken" else (
            action.message if action.kind == "answer" else plausible_content(req.task, req.system, req.user))
        prompt_chars = sum(len(m.get("content", "")) for m in body.get("messages", []))
        answer = {
            "id": f"chatcmpl-{req.index}", "object": "chat.completion", "created": 0, "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content) // 4 + 1,
                      "total_tokens": prompt_chars // 4 + len(content) // 4 + 1},
        }
        self._send(200, json.dumps(answer, ensure_ascii=False).encode("utf-8"))
        fake._answered()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many clients connect at once; the default backlog of 5 would drop SYNs


class FakeLLMServer:
    """See the module docstring.  Use as a context manager."""

    def __init__(self, *, script: Callable[[Request], Action] | None = None, latency: float = 0.0,
                 hold_from: int | None = None, require_key: str | None = None) -> None:
        self.script, self.latency, self.hold_from, self.require_key = script, latency, hold_from, require_key
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._attempts: dict[str, int] = {}
        self.received = 0
        """Requests received (every HTTP request, retries included)."""
        self.answered = 0
        """Well-formed 200 answers fully written."""
        self.log: list[tuple[int, str, int, str]] = []
        """``(index, task, attempt, action kind)`` per request."""
        self.authorizations: list[str | None] = []
        self.in_flight = 0
        self.max_in_flight = 0
        """Most requests being handled at the same time (checks the client's concurrency limit)."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def _record(self, body: dict, authorization: str | None) -> Request:
        msgs = body.get("messages", [])
        system = next((m["content"] for m in msgs if m.get("role") == "system"), "")
        user = next((m["content"] for m in msgs if m.get("role") == "user"), "")
        m = _TASK_RE.search(system)
        sig = json.dumps(msgs, sort_keys=True, ensure_ascii=False)
        with self._lock:
            self._attempts[sig] = self._attempts.get(sig, 0) + 1
            req = Request(self.received, self._attempts[sig], m.group(1) if m else "unknown", system, user, body,
                          authorization)
            self.received += 1
            self.authorizations.append(authorization)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return req

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _log(self, req: Request, action: Action) -> None:
        with self._lock:
            self.log.append((req.index, req.task, req.attempt, action.kind))

    def _answered(self) -> None:
        with self._lock:
            self.answered += 1

    def start(self) -> "FakeLLMServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases held and stalled handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- synthetic inputs

TARGETS = (Target("talks", "The talks as useful", "المحادثات بوصفها مفيدة"),
           Target("deal", "Signing the agreement soon", "توقيع الاتفاق قريبا"))


def synthetic_doc(n: int) -> DocInput:
    """A four-paragraph article whose headline carries ``n`` (so each document's prompts differ).

    Three quotes (indirect, fronted direct, pro-drop indirect), three stance
    items, four segments — the shapes the v1 prompts are written for.
    """
    paras = [f"تقرير رقم {n}: الوزير يصف المحادثات",
             "قال الوزير أحمد سالم إن المحادثات كانت مفيدة.",
             "“سنواصل العمل معا”، قال سالم.",
             f"وأضاف أن الاتفاق سيوقع قريبا في الجولة {n}."]
    text = "\n\n".join(paras)
    segments, quotes, pos = [], [], 0
    for i, p in enumerate(paras):
        segments.append(SegmentInput(f"s{i + 1:02d}", Span(pos, pos + len(p), p), "headline" if i == 0 else "body", i))
        pos += len(p) + 2
    for qid, content, para in (("q1", "المحادثات كانت مفيدة", 1), ("q2", "سنواصل العمل معا", 2),
                               ("q3", "الاتفاق سيوقع قريبا", 3)):
        start = text.index(content)
        quotes.append(QuoteInput(qid, (Span(start, start + len(content), content),), para))
    stance = (StanceItem("q1", "talks", 1), StanceItem("q2", "talks", 2), StanceItem("q3", "deal", 3))
    return DocInput(f"doc{n}", text, tuple(segments), tuple(quotes), stance, TARGETS)


def doc_number(req: Request) -> int | None:
    """Which synthetic document a request is about (``None`` when its prompt does not show the headline)."""
    m = re.search(r"تقرير رقم (\d+)", req.user)
    return int(m.group(1)) if m else None
