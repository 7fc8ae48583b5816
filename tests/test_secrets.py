"""No credential leaves the process: not in a run folder, not on the terminal, not in what publish stages.

Before, ``system.base_url=http://user:KEY@host/v1`` put the key into
``config.yaml``, ``overrides.yaml``, ``manifest.json``, ``report.md`` and
``report.html``, and ``publish`` would have uploaded them.  One redaction
(:mod:`benchmark.common.redact`) now runs where text leaves: the atomic
writers, publish staging, and the command line's output streams.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest

from llm_server import FakeLLMServer, answer, plausible_content
from test_llm_failures import data_dir, write_data_dir  # noqa: F401 (fixture)

from benchmark.cli.commands import hydra_quote
from benchmark.cli.main import main
from benchmark.common.atomic import write_files, write_text_atomic
from benchmark.common.redact import REDACTED, redact, redact_tree, redacting_output

USERINFO_KEY = "sk-userinfo-SECRET-1234567890"
QUERY_KEY = "q-SECRET-0987654321"
API_KEY = "env-SECRET-abcdefghij"  # the value of system.api_key_env, sent as the bearer token
HF_KEY = "hf_SECRETSECRETSECRET1"
SECRETS = (USERINFO_KEY, QUERY_KEY, API_KEY, HF_KEY)


def leaks(root: Path) -> list[str]:
    """``file: secret`` for every file under ``root`` holding a secret (or a fragment of one)."""
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name.endswith(".gz"):  # per_item.jsonl.gz: what it holds, not its compressed bytes
            data = gzip.decompress(data)
        out += [f"{path}: {s}" for s in SECRETS if s.encode() in data or b"SECRET" in data]
    return out


def test_a_run_with_credentials_everywhere_leaves_no_trace(tmp_path, data_dir, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("MY_LLM_KEY", API_KEY)
    monkeypatch.setenv("HF_TOKEN", HF_KEY)

    def script(req):
        # a model that repeats the keys it was never shown, in its translations
        content = plausible_content(req.task, req.system, req.user)
        return answer(content.replace("[EN]", f"[EN {API_KEY} {HF_KEY}]"))

    with FakeLLMServer(script=script, require_key=API_KEY) as srv:
        base_url = srv.base_url.replace("http://", f"http://user:{USERINFO_KEY}@") + f"?api_key={QUERY_KEY}"
        code = main(["run", "system=llm", "system.model=fake", f"system.base_url={hydra_quote(base_url)}",
                     "system.api_key_env=MY_LLM_KEY", "system.max_retries=0", f"system.cache_path={tmp_path / 'c.db'}",
                     f"paths.data_dir={data_dir}", f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10",
                     "task=translation"])
        assert srv.received > 0
    printed = capsys.readouterr()
    assert code == 0, printed.err
    (run_dir,) = [p.parent for p in (tmp_path / "runs").rglob("metrics.json")]
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "config.yaml", "manifest.json", "metrics.json", "overrides.yaml", "per_item.jsonl.gz", "predictions.jsonl",
        "report.html", "report.md"]
    assert leaks(tmp_path / "runs") == []
    assert not any(s in printed.out + printed.err for s in SECRETS)
    # the URL is kept, its credentials are not
    assert f"base_url: http://{REDACTED}@127.0.0.1:" in (run_dir / "config.yaml").read_text(encoding="utf-8")
    assert f"?api_key={REDACTED}" in (run_dir / "overrides.yaml").read_text(encoding="utf-8")
    assert f"[EN {REDACTED} {REDACTED}]" in (run_dir / "predictions.jsonl").read_text(encoding="utf-8")

    # publish stages no secret either, even from a run folder written before redaction existed
    (run_dir / "report.md").write_text(f"old report: http://user:{USERINFO_KEY}@h/v1 and {HF_KEY}\n", encoding="utf-8")
    hub = tmp_path / "hub"
    with pytest.warns(UserWarning, match="credentials redacted from 1 staged file"):
        assert main(["publish", f"paths.results_dir={tmp_path / 'runs'}", f"paths.data_dir={data_dir}",
                     f"hub.out_dir={hub}", "hub.dry_run=true"]) == 0
    printed = capsys.readouterr()
    staged = [p for p in hub.rglob("report.md")]
    assert staged and all(f"old report: http://{REDACTED}@h/v1 and {REDACTED}" in p.read_text() for p in staged)
    assert leaks(hub) == []
    assert not any(s in printed.out + printed.err for s in SECRETS)


def test_every_writer_and_printed_line_goes_through_the_redaction(tmp_path, monkeypatch):
    monkeypatch.setenv("SOME_SERVICE_TOKEN", API_KEY)
    write_text_atomic(tmp_path / "a.txt", f"url: https://u:{USERINFO_KEY}@h/x and {API_KEY}\n")
    write_files(tmp_path / "f", {"b.json": f'{{"k": "{API_KEY}"}}'.encode(), "c.bin": b"\xff\x00" + API_KEY.encode()})
    assert (tmp_path / "a.txt").read_text() == f"url: https://u:{REDACTED}@h/x and {REDACTED}\n".replace(
        f"u:{REDACTED}", REDACTED)
    assert (tmp_path / "f" / "b.json").read_text() == f'{{"k": "{REDACTED}"}}'
    # bytes that are not text (Parquet, images) are never rewritten
    assert (tmp_path / "f" / "c.bin").read_bytes() == b"\xff\x00" + API_KEY.encode()
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    with redacting_output():
        print(f"calling http://me:{USERINFO_KEY}@host/v1?token={QUERY_KEY}&model=m")
    assert buf.getvalue() == f"calling http://{REDACTED}@host/v1?token={REDACTED}&model=m\n"


def test_escaped_forms_and_short_values():
    import html
    import json
    import os

    os.environ["ZZ_TEST_API_KEY"] = 'k"<&>/x+y=z'
    try:
        for form in (json.dumps('k"<&>/x+y=z')[1:-1], html.escape('k"<&>/x+y=z'), "k%22%3C%26%3E%2Fx%2By%3Dz"):
            assert redact(f"a {form} b") == f"a {REDACTED} b"
    finally:
        del os.environ["ZZ_TEST_API_KEY"]
    os.environ["ZZ_TEST_TOKEN"] = "true"  # too short to be a secret: left alone
    try:
        assert redact("true") == "true"
    finally:
        del os.environ["ZZ_TEST_TOKEN"]
    # query parameters named like credentials, also HTML-escaped; other parameters kept
    assert redact("x?key=1&amp;access_token=2&amp;page=3") == f"x?key={REDACTED}&amp;access_token={REDACTED}&amp;page=3"


def test_redact_tree_rewrites_only_files_with_secrets(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.md").write_text(f"see https://a:{USERINFO_KEY}@h\n")
    (tmp_path / "y.md").write_text("clean\n")
    assert redact_tree(tmp_path) == [tmp_path / "d" / "x.md"]
    assert leaks(tmp_path) == []
