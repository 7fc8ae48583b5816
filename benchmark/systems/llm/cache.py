"""Persistent response cache: one SQLite row per successful chat completion.

The key is the SHA-256 of the canonical JSON of everything that determines
the answer — the endpoint's model name, the prompt version, the messages and
the generation parameters — and deliberately *not* the base URL or the API
key: the same model served by vLLM on one machine and by another server
elsewhere shares entries, and no secret ever reaches the file.

Every response is committed on its own as soon as it arrives (autocommit,
WAL journal), so a run killed half-way keeps every answer it paid for and a
rerun only asks for the missing ones.  WAL also lets a second process read
(or a test count rows) while a run writes.

Examples
--------
>>> k = request_key(model="m", prompt_version="v1", messages=[{"role": "user", "content": "hi"}],
...                 params={"temperature": 0.0})
>>> len(k), k == request_key(model="m", prompt_version="v1", params={"temperature": 0.0},
...                          messages=[{"content": "hi", "role": "user"}])
(64, True)
>>> cache = ResponseCache(None)  # in memory
>>> cache.put(k, model="m", prompt_version="v1", body='{"choices": []}', prompt_tokens=3, completion_tokens=1)
>>> cache.get(k).completion_tokens, len(cache)
(1, 1)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from benchmark.errors import ConfigError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    body TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created_unix REAL NOT NULL
)
"""


def request_key(*, model: str, prompt_version: str, messages: Sequence[Mapping[str, Any]],
                params: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the request's answer-determining parts."""
    canon = json.dumps({"model": model, "prompt_version": prompt_version, "messages": list(messages),
                        "params": dict(params)}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedResponse:
    """A stored response body (the server's JSON, verbatim) and its token usage."""

    key: str
    body: str
    prompt_tokens: int | None
    completion_tokens: int | None


class ResponseCache:
    """SQLite response store; ``path=None`` keeps it in memory (tests, ``cache_path: null``).

    Use from one thread: the LLM system writes from the thread that collects
    results, the HTTP workers never touch it.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: autocommit, so each INSERT is durable on return.
            self._db = sqlite3.connect(":memory:" if self.path is None else str(self.path),
                                       timeout=30.0, isolation_level=None)
            if self.path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode survives a killed process (not a power cut), at a fraction of FULL's cost.
                self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise ConfigError(f"cache schema version {version}, expected {SCHEMA_VERSION}; use a new "
                                  "system.cache_path", file=str(self.path), field="system.cache_path")
            self._db.execute(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise ConfigError(f"cannot open the response cache: {exc}", file=str(self.path),
                              field="system.cache_path") from None

    def get(self, key: str) -> CachedResponse | None:
        row = self._db.execute("SELECT key, body, prompt_tokens, completion_tokens FROM responses WHERE key = ?",
                               (key,)).fetchone()
        return None if row is None else CachedResponse(*row)

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedResponse]:
        """The stored responses among ``keys`` (absent keys are left out)."""
        out = {}
        for k in dict.fromkeys(keys):
            hit = self.get(k)
            if hit is not None:
                out[k] = hit
        return out

    def put(self, key: str, *, model: str, prompt_version: str, body: str,
            prompt_tokens: int | None, completion_tokens: int | None) -> None:
        """Store one response and commit it immediately (one write per response)."""
        self._db.execute(
            "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, model, prompt_version, body, prompt_tokens, completion_tokens, time.time()),
        )

    def delete(self, key: str) -> None:
        """Remove one response (an answer that no longer parses is asked again)."""
        self._db.execute("DELETE FROM responses WHERE key = ?", (key,))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ResponseCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
