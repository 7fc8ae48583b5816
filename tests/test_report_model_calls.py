"""The "Model calls" block of both report headers, and the direction of translation output.

The llm case is a real run: ``python -m benchmark run system=llm`` against the
loopback fake server (translation requests always answer HTTP 500) on the
one-document synthetic corpus of ``test_report.py``; the block must show the
numbers the run's own manifest recorded.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from llm_server import OK, FakeLLMServer, status
from test_llm_failures import write_data_dir
from test_report import synthetic_corpus, synthetic_prediction, synthetic_run

from benchmark.submission.predictions import PredTranslation
from benchmark.report import render_reports
from benchmark.report.calls import model_call_rows


@pytest.fixture(scope="module")
def llm_run(tmp_path_factory) -> Path:
    from benchmark.cli.main import main

    tmp = tmp_path_factory.mktemp("llm-run")
    data = write_data_dir(tmp / "data", synthetic_corpus())
    with FakeLLMServer(script=lambda r: status(500) if r.task == "translations" else OK) as srv:
        code = main(["run", "system=llm", "system.model=fake", f"system.base_url={srv.base_url}",
                     "system.api_key_env=null", "system.max_retries=1", "system.backoff_base=0",
                     "system.price_prompt_per_m=2", "system.price_completion_per_m=10",
                     f"system.cache_path={tmp / 'cache.sqlite'}", f"paths.data_dir={data}",
                     f"paths.results_dir={tmp / 'runs'}", "scoring.n_resamples=10"])
    assert code == 0
    (manifest,) = (tmp / "runs").rglob("manifest.json")
    return manifest.parent


def test_llm_run_report_shows_its_model_calls(llm_run):
    llm = json.loads((llm_run / "manifest.json").read_text(encoding="utf-8"))["system"]["llm"]
    usage, cost = llm["usage"], llm["cost"]
    assert usage["prompt_tokens"] > 0 and cost["this_run"] > 0
    # One document, every task: speakers, quotes, attribution, stance and translation are one request each.
    expected = [
        ("Model", f"fake at {llm['base_url']}"),
        ("Requests", ("5 distinct: 0 from the cache, 5 sent in 6 HTTP attempts (1 retry, 0 s of backoff); "
                      "4 succeeded, 1 failed")),
        ("Failed requests", "http_500 1"),
        ("First failure (http_500)", ('d1 · translation batch 1: HTTP 500: {"error": {"message": "scripted error"}} '
                                      "(after 2 attempts)")),
        ("Items not predicted", "6 (http_500 6)"),  # three segments and three quote contents
        ("Tokens", (f"{usage['prompt_tokens']:,} prompt + {usage['completion_tokens']:,} completion sent; "
                    "0 + 0 served from the cache")),
        ("Cost", (f"{cost['this_run']:.4f} this run, 0.0000 saved by the cache "
                  "(prices per million tokens: prompt 2.0, completion 10.0)")),
    ]
    md = (llm_run / "report.md").read_text(encoding="utf-8")
    block = md[md.index("**Model calls**"):md.index("**Scored tasks:**")]
    rows = [line.strip("| ").split(" | ") for line in block.splitlines() if line.startswith("| ") and " | " in line]
    assert [(k.replace("\\_", "_"), v.replace("\\_", "_")) for k, v in rows[1:]] == expected
    html = (llm_run / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="model-calls">'):]
    section = section[:section.index("</section>")]
    assert section.count("<tr>") == len(expected)
    assert ('<tr><th scope="row">First failure (http_500)</th><td>d1 · translation batch 1: HTTP 500: '
            "{&#34;error&#34;: {&#34;message&#34;: &#34;scripted error&#34;}} (after 2 attempts)</td></tr>"
            in section)
    assert html.index('id="model-calls"') < html.index('id="summary"')  # in the header, before the scores


def test_systems_without_models_have_no_block():
    reports = render_reports(**synthetic_run())
    assert "Model calls" not in reports["report.md"] and "model-calls" not in reports["report.html"]
    assert model_call_rows({}) == []


def test_hf_manifest_rows():
    system = {"name": "hf", "device": "cpu", "counts": {"truncated_segments": 2, "unfound_mentions": 0},
              "models": {"translation": {"name": "Helsinki-NLP/opus-mt-ar-en", "source": "hub",
                                         "commit": "0123456789abcdef0123"},
                         "speakers": {"name": "my-ner", "source": "local", "path": "/m/my-ner", "commit": None}}}
    assert model_call_rows({"system": system}) == [
        ("Model (speakers)", "my-ner (/m/my-ner)"),
        ("Model (translation)", "Helsinki-NLP/opus-mt-ar-en (commit 0123456789ab)"),
        ("Device", "cpu"), ("Truncated inputs", "2"), ("Mentions not found in the text", "0")]


def test_arabic_system_output_is_shown_right_to_left_and_english_left_to_right():
    """A copy-like system outputs the Arabic segment: its cells and lines get dir="auto"."""
    corpus = synthetic_corpus()
    doc = corpus.documents[0]
    copied = tuple(PredTranslation(s.id, doc.text[s.span.start:s.span.end]) for s in doc.segments[:2])
    pred = replace(synthetic_prediction(doc), translations=copied + (PredTranslation("s3", "Bruce said so."),))
    html = render_reports(**{**synthetic_run(corpus, pred), "markdown": False})["report.html"]
    table = html[html.index('<table class="translations">'):]
    s1 = doc.text[doc.segments[0].span.start:doc.segments[0].span.end]
    # The English reference keeps the page's left-to-right direction; the output's cell resolves its own.
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">\n') and ' dir="rtl"' not in table
    assert '<td>Lavrov said the talks were useful.</td>' f'<td dir="auto">{s1}</td>' in table
    assert '<td dir="auto">Bruce said so.</td>' in table  # the browser resolves it to left to right
    worst = html[html.index("Segments with the lowest sentence chrF++"):html.index('<table class="translations">')]
    assert f'<em>system:</em> <bdi dir="auto">{s1}</bdi>' in worst
    assert worst.count('<bdi dir="auto">') == 3
