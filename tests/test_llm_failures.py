"""The ``llm`` system when the endpoint is unusable, when the user presses Ctrl-C, and its run label.

* Every request failing (closed port, wrong path, HTML error pages, a bad
  key) with nothing from the cache is an error naming the counts and the
  first reason, and the harness writes no run folder; a partial failure
  still completes.
* SIGINT during a run stops it within a couple of seconds with exit code
  130 and no traceback, however long the in-flight requests would take.
* Runs of different models get different default labels.

The command-line tests run ``python -m benchmark run`` on a one-document
synthetic data folder (:func:`write_data_dir`), so they need no gold data.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from llm_server import GARBAGE, HOLD, OK, FakeLLMServer, status, synthetic_doc

from benchmark.gold.loading import document_to_json
from benchmark.systems.llm.client import ChatClient, RetryPolicy
from benchmark.systems.base import folder_label
from benchmark.errors import EndpointFailed
from benchmark.gold.schema import Corpus
from benchmark.systems.registry import make_system

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent
TASKS = ("attribution", "stance", "translation")
DOCS = [synthetic_doc(n) for n in (1, 2)]
REQUESTS = 2 * 6  # per document: attribution 2, stance 2, translation 2 (batch_size 2: 3 quotes, 3 pairs, 4 segments)


def llm(url: str, cache: Path | None, **kw):
    opts = {"model": "fake", "base_url": url, "cache_path": None if cache is None else str(cache), "batch_size": 2,
            "passage_chars": 0, "max_retries": 1, "backoff_base": 0.0, "retry_after_cap": 0.0, "timeout": 2.0,
            "seed": 3, "api_key_env": None}
    return make_system("llm", **{**opts, **kw})


def closed_port_url() -> str:
    """A loopback URL nothing listens on (a port just released by the OS)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


# ------------------------------------------------------------ every request fails

@pytest.mark.parametrize("case", ["closed port", "wrong path", "html 502", "html 200"])
def test_every_request_failing_is_an_error_with_counts_and_first_reason(case, tmp_path):
    script = {"html 502": lambda r: status(502, message="<html>Bad Gateway</html>"),
              "html 200": lambda r: GARBAGE}.get(case)
    with FakeLLMServer(script=script) as srv:
        url = {"closed port": closed_port_url(), "wrong path": srv.base_url[:-3] + "/api"}.get(case, srv.base_url)
        system = llm(url, tmp_path / "c.sqlite")
        with pytest.raises(EndpointFailed) as info:
            system.predict(DOCS, tasks=TASKS)
    first = {
        "closed port": "connection error: ConnectionRefusedError: [Errno 111] Connection refused (after 2 attempts)",
        "wrong path": 'HTTP 404: {"error": {"message": "not found"}}',
        "html 502": 'HTTP 502: {"error": {"message": "<html>Bad Gateway</html>"}} (after 2 attempts)',
        "html 200": "HTTP 200 without a chat completion: <html>502 Bad Gateway</html> (after 2 attempts)",
    }[case]
    kind = {"closed port": "connection", "wrong path": "http_404", "html 502": "http_502",
            "html 200": "bad_response"}[case]
    assert str(info.value) == f"every request to {url} failed ({kind} {REQUESTS}): {first}; no run folder written"
    assert info.value.exit_code == 2
    requests = system.manifest_extra()["llm"]["requests"]
    assert (requests["succeeded"], requests["failed"], requests["cache_hits"]) == (0, REQUESTS, 0)


def test_counts_name_every_kind_most_frequent_first(tmp_path):
    # Stance requests get 401, the rest 404: both kinds are counted, the larger first.
    def script(req):
        return status(401) if req.task == "stance" else status(404)

    with FakeLLMServer(script=script) as srv, \
            pytest.raises(EndpointFailed, match=r"failed \(http_404 8, http_401 4\): HTTP 404"):
        llm(srv.base_url, None).predict(DOCS, tasks=TASKS)


def test_some_success_or_a_cache_hit_keeps_the_run_going(tmp_path):
    cache = tmp_path / "c.sqlite"
    with FakeLLMServer(script=lambda r: OK if r.task == "stance" else status(404)) as srv:
        system = llm(srv.base_url, cache)
        out = system.predict(DOCS, tasks=TASKS)  # stance answered, the rest failed: recorded
    assert [len(d["stance"]) for d in out] == [3, 3] and [d["translations"] for d in out] == [[], []]
    assert system.manifest_extra()["llm"]["failures"]["requests_by_kind"] == {"http_404": 8}
    # Nothing answers now, but the stance answers come from the cache: still a (partial) run.
    system = llm(closed_port_url(), cache)
    out = system.predict(DOCS, tasks=TASKS)
    assert [len(d["stance"]) for d in out] == [3, 3]
    assert system.manifest_extra()["llm"]["requests"]["cache_hits"] == 4


# ------------------------------------------------------------ labels

@pytest.mark.parametrize("model, label", [
    ("qwen2.5:7b", "llm-qwen2.5-7b"),
    ("gpt-4o-mini", "llm-gpt-4o-mini"),
    ("meta-llama/Llama-3.1-8B-Instruct", "llm-meta-llama-Llama-3.1-8B-Instruct"),
    ("hf.co/bartowski/Qwen2.5-7B-GGUF:Q4_K_M", "llm-hf.co-bartowski-Qwen2.5-7B-GGUF-Q4_K_M"),
    ("/srv/models/my model/", "llm-my-model"),
    ("نموذج", "llm"),
])
def test_default_label_is_folder_safe_and_names_the_model(model, label):
    assert llm("http://localhost:1/v1", None, model=model).default_label == label
    assert folder_label("llm", model) == label


def test_hf_default_label_follows_the_models_of_the_tasks():
    from benchmark.systems.hf.options import check_options, default_label

    opts = check_options()
    assert default_label(opts) == "hf-Helsinki-NLP-opus-mt-ar-en"
    assert default_label(opts, tasks={"speakers", "stance"}) == "hf-CAMeL-Lab-bert-base-arabic-camelbert-msa-ner"
    assert default_label(opts, tasks={"stance"}) == "hf-MoritzLaurer-mDeBERTa-v3-base-xnli-multilingual-nli-2mil7"
    assert default_label(check_options(model=None, ner_model=None)) == (
        "hf-MoritzLaurer-mDeBERTa-v3-base-xnli-multilingual-nli-2mil7")
    assert default_label(check_options(model=None, ner_model=None, zero_shot_model=None)) == "hf"


# ------------------------------------------------------------ stopping

def test_stop_event_cuts_a_backoff_wait_short():
    with FakeLLMServer(script=lambda r: status(503, retry_after="60")) as srv:
        client = ChatClient(base_url=srv.base_url, policy=RetryPolicy(max_retries=5, retry_after_cap=60.0))
        stop = threading.Event()
        threading.Timer(0.2, stop.set).start()
        t0 = time.monotonic()
        out = client.send("k", {"model": "m", "messages": []}, stop=stop)
    assert time.monotonic() - t0 < 5 and (out.ok, out.kind, out.attempts) == (False, "cancelled", 1)


def test_an_error_in_the_callback_returns_at_once_without_waiting_for_held_requests():
    with FakeLLMServer(hold_from=1) as srv:
        client = ChatClient(base_url=srv.base_url, timeout=60.0, concurrency=3)
        reqs = [(f"k{i}", {"model": "m", "messages": [{"role": "user", "content": str(i)}]}) for i in range(6)]

        def interrupt(outcome):
            raise KeyboardInterrupt

        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.run(reqs, on_outcome=interrupt)
        assert time.monotonic() - t0 < 5
        time.sleep(0.3)
        # At most one more request started (by the first worker, before it saw the stop); the rest never.
        assert srv.received in (3, 4)


# ------------------------------------------------------------ through the command line

def write_data_dir(root: Path, corpus: Corpus) -> Path:
    """A data folder (``gold/*.json``, article texts, ``targets.json``) holding ``corpus``."""
    (root / "gold").mkdir(parents=True)
    (root / "articles").mkdir()
    for doc in corpus.documents:
        text_file = f"articles/{doc.doc_id}.txt"
        (root / text_file).write_bytes(doc.text.encode("utf-8"))
        obj = document_to_json(doc, text_file=text_file)
        obj["text_sha256"] = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        (root / "gold" / f"{doc.doc_id}.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    targets = [{"id": t.id, "description_en": t.description_en, "description_ar": t.description_ar}
               for t in corpus.targets]
    (root / "targets.json").write_text(json.dumps(targets, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    from test_report import synthetic_corpus

    return write_data_dir(tmp_path_factory.mktemp("data"), synthetic_corpus())


def cli(url: str, tmp_path: Path, data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "benchmark", "run", "system=llm", "system.model=fake",
            f"system.base_url={url}", "system.api_key_env=null", "system.max_retries=0",
            f"system.cache_path={tmp_path / 'cache.sqlite'}", f"paths.data_dir={data_dir}",
            f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10", *extra]


ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), str(ROOT)])}


def run_cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=120, check=False)


def runs(results: Path) -> list[Path]:
    return sorted(p.parent for p in results.rglob("manifest.json"))


def test_cli_every_request_failing_exits_2_with_one_line_and_no_run_folder(tmp_path, data_dir):
    url = closed_port_url()
    done = run_cli(cli(url, tmp_path, data_dir))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: every request to {url} failed (connection ")
    assert "Connection refused" in done.stderr and "no run folder written" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "runs").exists() or not runs(tmp_path / "runs")


def test_cli_ctrl_c_stops_at_once_with_130_and_no_traceback(tmp_path, data_dir):
    """In-flight requests are held by the server for good; SIGINT must not wait for them."""
    with FakeLLMServer(script=lambda r: HOLD) as srv:
        child = subprocess.Popen(cli(srv.base_url, tmp_path, data_dir, "system.timeout=120"), env=ENV,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while srv.received < 2 and time.monotonic() < deadline:  # the run is waiting on the endpoint
            assert child.poll() is None, child.communicate()
            time.sleep(0.05)
        t0 = time.monotonic()
        child.send_signal(signal.SIGINT)
        try:
            _, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            pytest.fail(f"still running 10 s after SIGINT: {child.communicate()}")
        elapsed = time.monotonic() - t0
    assert child.returncode == 130, err
    assert elapsed < 3, elapsed
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err and "Exception" not in err
    assert not (tmp_path / "runs").exists() or not runs(tmp_path / "runs")


def test_cli_runs_of_two_models_get_two_folders(tmp_path, data_dir):
    with FakeLLMServer() as srv:
        for model in ("qwen2.5:7b", "llama3.1"):
            done = run_cli(cli(srv.base_url, tmp_path, data_dir, f"system.model={model}"))  # the last one wins
            assert done.returncode == 0, done.stderr
        done = run_cli(cli(srv.base_url, tmp_path, data_dir, "system.label=mine"))
        assert done.returncode == 0, done.stderr
    assert sorted(p.parent.name for p in runs(tmp_path / "runs")) == ["llm-llama3.1", "llm-qwen2.5-7b", "mine"]
    metrics = json.loads((runs(tmp_path / "runs")[0] / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["system"] == "llm-llama3.1"
