"""Throughput of the ``llm`` system against the loopback test server (not a timed test).

Two figures:

1. 200 requests through ``LLMSystem.predict`` with ``concurrency=16`` to a
   server that takes 100 ms per request.  The ideal is
   ``200 × 0.1 s / 16 = 1.25 s``; the target is within 1.5× of it.
2. The same run again from the SQLite cache: the target is under 5% of the
   first run's time (and zero requests).

Run: ``python benchmarks/bench_llm.py`` (from the repository root).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake server lives with the tests

from benchmark.systems.registry import make_system  # noqa: E402
from llm_server import FakeLLMServer, synthetic_doc  # noqa: E402

N_DOCS = 25  # 8 requests per synthetic document (batch_size=2, one passage) → 200
LATENCY = 0.1
CONCURRENCY = 16
TASKS = ("speakers", "quotes", "attribution", "stance", "translation")


def timed_run(base_url: str, cache: Path) -> tuple[float, dict]:
    system = make_system("llm", model="fake", base_url=base_url, cache_path=str(cache), batch_size=2,
                         passage_chars=0, concurrency=CONCURRENCY, api_key_env=None)
    docs = [synthetic_doc(n) for n in range(N_DOCS)]
    t0 = time.perf_counter()
    system.predict(docs, tasks=TASKS)
    return time.perf_counter() - t0, system.manifest_extra()["llm"]["requests"]


def main() -> int:
    ideal = 200 * LATENCY / CONCURRENCY
    with tempfile.TemporaryDirectory() as tmp, FakeLLMServer(latency=LATENCY) as server:
        cache = Path(tmp) / "bench.sqlite"
        first, req1 = timed_run(server.base_url, cache)
        received = server.received
        second, req2 = timed_run(server.base_url, cache)
        assert server.received == received, "the cached run sent requests"
    print(f"requests sent (first run)      : {req1['sent']} (server saw {received}, max in flight {server.max_in_flight})")
    print(f"first run, concurrency {CONCURRENCY}       : {first:.3f} s   ideal {ideal:.3f} s   ratio {first / ideal:.2f} (target <= 1.5)")
    print(f"rerun from cache               : {second:.3f} s   cache hits {req2['cache_hits']}, sent {req2['sent']}")
    print(f"cached / first                 : {100 * second / first:.1f} % (target < 5 %)")
    ok = first / ideal <= 1.5 and second / first < 0.05 and req1["sent"] == 200
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
