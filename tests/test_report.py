"""Run reports: Markdown content, HTML escaping, run-folder re-rendering, determinism.

The synthetic run is scored through :mod:`benchmark.tasks.base` exactly as the
harness scores, then rendered; ``test_pages_browser.py`` reuses
:func:`synthetic_run` to render the page in headless Chromium.
"""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pytest

from benchmark.errors import ConfigError, InputError
from benchmark.submission.predictions import (
    DocPrediction, PredAttribution, PredMention, PredQuote, PredStance, PredStanceLabel, PredTranslation,
)
from benchmark.report import render_reports, render_run_dir
from benchmark.report.assets import STATUSES
from benchmark.report.fmt import ci_text, value_text
from benchmark.report.fragments import fragments
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target
from benchmark.submission.reader import submission_to_json
from benchmark.tasks.registry import TASKS

ROOT = Path(__file__).resolve().parents[1]

# Three sentences; the second holds HTML-special characters to test escaping.
TEXT = ("قال لافروف إن المحادثات كانت مفيدة.\n\n"
        "وأضاف أوشاكوف أن العمل <بدأ> & \"انتهى\".\n\n"
        "وذكرت بروس أن الوفدين اتفقا على الحوار.")
HOSTILE = "</script><b>x</b>"
"""A speaker string that would break the page if it were not escaped."""


def _span(text: str, needle: str, start: int = 0) -> Span:
    i = text.index(needle, start)
    return Span(i, i + len(needle), needle)


def synthetic_corpus() -> Corpus:
    t = TEXT
    ents = (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov"),
            Entity("ushakov", "PER", "يوري أوشاكوف", "Yuri Ushakov"),
            Entity("bruce", "PER", "تامي بروس", "Tammy Bruce"))
    mentions = (Mention("m1", "lavrov", _span(t, "لافروف"), "named"),
                Mention("m2", "ushakov", _span(t, "أوشاكوف"), "named"),
                Mention("m3", "bruce", _span(t, "بروس"), "named"))
    quotes = (
        Quote("q1", (_span(t, "المحادثات كانت مفيدة"),), _span(t, "قال"), mentions[0].span, "lavrov", "indirect",
              translation_en="the talks were useful"),
        Quote("q2", (_span(t, 'العمل <بدأ> & "انتهى"'),), _span(t, "أضاف"), mentions[1].span, "ushakov", "mixed",
              translation_en='the work <began> & "ended"'),
        Quote("q3", (_span(t, "الوفدين اتفقا على الحوار"),), _span(t, "ذكرت"), mentions[2].span, "bruce", "indirect",
              translation_en="the two delegations agreed on dialogue"),
    )
    stances = (Stance("st1", "q1", "lavrov", "talks", "FAVOR"), Stance("st2", "q2", "ushakov", "talks", "AGAINST"),
               Stance("st3", "q3", "bruce", "talks", "NONE"))
    s1 = _span(t, "قال لافروف إن المحادثات كانت مفيدة.")
    s2 = _span(t, 'وأضاف أوشاكوف أن العمل <بدأ> & "انتهى".')
    s3 = _span(t, "وذكرت بروس أن الوفدين اتفقا على الحوار.")
    segments = (Segment("s1", s1, "body", 0, "Lavrov said the talks were useful."),
                Segment("s2", s2, "body", 1, 'Ushakov added that the work <began> & "ended".'),
                Segment("s3", s3, "body", 2, "Bruce said that the two delegations agreed on dialogue."))
    doc = Document("d1", t, "0" * 64, (("title_en", "Synthetic & <test>"),), ents, mentions, quotes, stances,
                   segments)
    return Corpus((doc,), (Target("talks", "The talks <as useful>", "المحادثات"),), "a" * 64)


def synthetic_prediction(doc: Document) -> DocPrediction:
    """q1 right but wrong speaker, q2 missed, q3 cut short, one spurious quote."""
    q1, _, q3 = doc.quotes
    short = Span(q3.content[0].start, q3.content[0].start + 6, doc.text[q3.content[0].start:q3.content[0].start + 6])
    quotes = (
        PredQuote((q1.content[0],), q1.cue, q1.source, "ushakov", None, "indirect", (PredStanceLabel("talks", "FAVOR"),)),
        PredQuote((short,), q3.cue, None, "bruce", None, "indirect"),
        PredQuote((_span(doc.text, "وأضاف أوشاكوف"),), None, None, None, HOSTILE, "direct"),
    )
    return DocPrediction(
        doc.doc_id,
        speakers=(PredMention(doc.mentions[0].span), PredMention(_span(doc.text, "الوفدين"))),
        quotes=quotes,
        attribution=(PredAttribution("q1", "lavrov"), PredAttribution("q2", "lavrov"), PredAttribution("q3", None, HOSTILE)),
        stance=(PredStance("q1", "talks", "AGAINST"), PredStance("q2", "talks", "AGAINST")),
        translations=(PredTranslation("s1", "Lavrov said the talks were useful."),
                      PredTranslation("s2", "<i>Something</i> else entirely")),
    )


def score(corpus: Corpus, pred: DocPrediction | list[DocPrediction], *, tasks=None) -> tuple[dict, list[dict]]:
    """metrics.json ``tasks`` and per-item rows, as the harness computes them (one prediction per document)."""
    preds = pred if isinstance(pred, list) else [pred]
    metrics, rows = {}, []
    for name in tasks or TASKS.names():
        with warnings.catch_warnings():
            # Per-type metrics of types absent from a tiny document are undefined by design.
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            res = TASKS.get(name).evaluate_corpus(pairs=list(zip(corpus.documents, preds)),
                                                  gold_sha256=corpus.sha256, n_resamples=50, seed=7)
        if res.metrics:
            metrics[name] = [m.to_json() for m in res.metrics]
            rows += [json.loads(json.dumps(r)) for r in res.per_item]
    return metrics, rows


def synthetic_run(corpus: Corpus | None = None, pred: DocPrediction | list[DocPrediction] | None = None) -> dict:
    """Keyword arguments of :func:`render_reports` for a scored synthetic run."""
    corpus = corpus or synthetic_corpus()
    pred = pred or synthetic_prediction(corpus.documents[0])
    tasks, per_item = score(corpus, pred)
    names = TASKS.names()
    metrics = {"system": "synthetic <sys>", "system_name": "predictions", "ranked": True,
               "gold_sha256": corpus.sha256, "config_hash": "0badc0de", "tasks": tasks,
               "not_attempted": [t for t in names if t not in tasks],
               "scoring": {"n_resamples": 50, "confidence": 0.95, "seed": 7}}
    manifest = {"system": {"label": "synthetic <sys>", "name": "predictions", "description": "a test & <run>",
                           "training_note": "Out-of-fold predictions: no document was seen in training."},
                "gold_sha256": corpus.sha256, "seed": 12345, "command": ["python", "-m", "benchmark", "run"],
                "environment": {"python": "3.11", "packages": {"numpy": "2.0"}, "git": {"commit": "abc", "dirty": False}},
                "wall_time_seconds": {"predict": 0.5, "total": 1.25}}
    preds = pred if isinstance(pred, list) else [pred]
    return dict(metrics=metrics, predictions=[submission_to_json(p) for p in preds], per_item=per_item,
                manifest=manifest, corpus=corpus, worst_errors=10, markdown=True, html=True)


def synthetic_corpus_run(n: int) -> dict:
    """A run over ``n`` copies of the synthetic article (doc ids ``d1``…), each predicted the same way."""
    from dataclasses import replace

    base = synthetic_corpus()
    docs = tuple(replace(base.documents[0], doc_id=f"d{i + 1}") for i in range(n))
    corpus = replace(base, documents=docs)
    return synthetic_run(corpus, [replace(synthetic_prediction(d), doc_id=d.doc_id) for d in docs])


def real_gold_prediction(doc: Document) -> DocPrediction:
    """The gold with damage on every task: a quote dropped, a wrong speaker, a spurious quote, a mention
    missed, an attribution and a stance label wrong, a segment untranslated and one garbled."""
    dropped, wrong = doc.quotes[-1], doc.quotes[0]
    other = next(e.id for e in doc.entities if e.id != wrong.speaker)
    quotes = tuple(PredQuote(q.content, q.cue, q.source, other if q is wrong else q.speaker, None, q.type)
                   for q in doc.quotes if q is not dropped)
    seg = doc.segments[1].span  # a sentence without quotes
    spurious = PredQuote((Span(seg.start, seg.start + 30, doc.text[seg.start:seg.start + 30]),), speaker=wrong.speaker)
    flip = {"FAVOR": "AGAINST", "AGAINST": "FAVOR", "NONE": "FAVOR"}
    return DocPrediction(
        doc.doc_id,
        speakers=tuple(PredMention(m.span) for m in doc.speaker_mentions[1:]),
        quotes=quotes + (spurious,),
        attribution=tuple(PredAttribution(q.id, other if q is wrong else q.speaker) for q in doc.quotes),
        stance=tuple(PredStance(s.quote, s.target, flip[s.label] if n == 0 else s.label)
                     for n, s in enumerate(doc.stances)),
        translations=tuple(PredTranslation(s.id, s.translation_en if n % 7 else "the talks")
                           for n, s in enumerate(doc.segments) if n != 2),
    )


def real_gold_run() -> dict:
    """Keyword arguments of :func:`render_reports` for :func:`real_gold_prediction` on the embedded article."""
    from benchmark.gold.loading import load_corpus

    corpus = load_corpus()
    return synthetic_run(corpus, real_gold_prediction(corpus.documents[0]))


@pytest.fixture(scope="module")
def run() -> dict:
    return synthetic_run()


@pytest.fixture(scope="module")
def reports(run) -> dict[str, str]:
    return render_reports(**run)


@pytest.mark.parametrize("spans, expected", [
    ([], [(0, 10, ())]),
    ([("a", 0, 10)], [(0, 10, ("a",))]),
    ([("a", 2, 6), ("b", 4, 9)], [(0, 2, ()), (2, 4, ("a",)), (4, 6, ("a", "b")), (6, 9, ("b",)), (9, 10, ())]),
    ([("outer", 1, 9), ("inner", 3, 5)],
     [(0, 1, ()), (1, 3, ("outer",)), (3, 5, ("outer", "inner")), (5, 9, ("outer",)), (9, 10, ())]),
    ([("a", 3, 3), ("b", -4, 2), ("c", 8, 40)], [(0, 2, ("b",)), (2, 8, ()), (8, 10, ("c",))]),
])
def test_fragments_split_at_every_boundary(spans, expected):
    assert fragments(10, spans) == expected


def test_markdown_shows_main_metrics_with_intervals(run, reports):
    md = reports["report.md"]
    for task, metrics in run["metrics"]["tasks"].items():
        main = metrics[0]
        assert f"**{value_text(main)}** (95% CI {ci_text(main)}, {main['n_items']} items)" in md, task
    quotes_main = run["metrics"]["tasks"]["quotes"][0]
    assert quotes_main["name"] == "quote_content_f1.proportional.char"
    assert quotes_main["details"]["MIS"] == 1 and quotes_main["details"]["SPU"] == 1
    assert "Counts: COR 1 · INC 0 · PAR 1 · MIS 1 · SPU 1 · POS 3 · ACT 3" in md
    assert "Out-of-fold predictions: no document was seen in training." in md
    assert "**Not attempted:** none." in md
    assert "| Wall time | predict 0.50 s (report rendering and the total are in manifest.json) |" in md


def test_markdown_quotes_the_worst_errors_from_the_article(reports):
    md = reports["report.md"]
    # The missed quote q2, quoted from the article (Markdown-escaped), with segment and offsets.
    start = TEXT.index("العمل")
    assert f"1. **q2** · segment s2 · offsets [{start}, {start + 21}) · 21 characters · mixed · speaker Yuri Ushakov" in md
    assert '   > العمل \\<بدأ\\> & "انتهى"' in md
    # The spurious prediction, its unresolved speaker escaped.
    assert "   > وأضاف أوشاكوف" in md
    assert "speaker unresolved \"\\</script\\>\\<b\\>x\\</b\\>\"" in md
    # Wrong speakers (end-to-end and with oracle quotes) and stances, with English names.
    assert "gold **Sergei Lavrov**, predicted **Yuri Ushakov**" in md
    assert "gold **Yuri Ushakov**, predicted **Sergei Lavrov**" in md
    assert "1. **q1** → `talks` (The talks \\<as useful\\>): gold **FAVOR**, predicted **AGAINST**" in md
    assert "2. **q3** → `talks` (The talks \\<as useful\\>): gold **NONE**, predicted **no label**" in md
    # Worst translations: the missing segment first (chrF++ 0), the perfect one never.
    assert md.index("1. **s3** (body)") < md.index("2. **s2** (body)")
    assert "*system:* (no translation)" in md
    assert "1. **s1** (body)" not in md


def test_worst_errors_limit_and_order(run):
    md = render_reports(**{**run, "worst_errors": 1, "html": False})["report.md"]
    assert "#### Wrong stance labels (1 of 2 shown)" in md
    assert "gold **FAVOR**, predicted **AGAINST**" in md  # opposite polarity ranks first
    assert "predicted **no label**" not in md
    assert render_reports(**{**run, "markdown": False, "html": False}) == {}
    with pytest.raises(ConfigError, match="report.worst_errors"):
        render_reports(**{**run, "worst_errors": -1})


def test_not_attempted_tasks_are_not_scored_as_zero():
    corpus = synthetic_corpus()
    full = synthetic_prediction(corpus.documents[0])
    pred = DocPrediction(full.doc_id, quotes=full.quotes)
    kwargs = synthetic_run(corpus, pred)
    assert kwargs["metrics"]["not_attempted"] == ["speakers", "attribution", "stance", "translation"]
    out = render_reports(**kwargs)
    assert "**Not attempted:** `speakers`, `attribution`, `stance`, `translation`." in out["report.md"]
    assert "| `stance` | — | not attempted |  |  |" in out["report.md"]
    assert "## Task `stance`" not in out["report.md"]
    assert '<td>stance</td><td colspan="5" class="muted">not attempted</td>' in out["report.html"]


def test_html_is_self_contained_and_escapes_text(reports):
    html = reports["report.html"]
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<div class="article" id="article-d0" dir="rtl" lang="ar">' in html
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert html.count("<script") == 2  # the JSON data and the inline script, nothing else
    # Article text, titles, translations and panel data are escaped (the template engine's &#34; for ").
    assert "&lt;بدأ&gt; &amp; &#34;انتهى&#34;" in html
    assert "<b>x</b>" not in html and "<i>Something</i>" not in html
    assert "&lt;i&gt;Something&lt;/i&gt; else entirely" in html
    assert "Synthetic &amp; &lt;test&gt;" in html
    data = html[html.index('id="report-data">') + len('id="report-data">'):]
    data = data[: data.index("</script>")]
    # Cards are plain data (the page script sets them as text); "<", ">" and "&" are JSON-escaped
    # inside the <script> element, so no text can close it.
    assert "<" not in data and ">" not in data and "\\u003c/script\\u003e" in data
    # The records of article d0 (benchmark/report/panels.py): gold quote q2 (missed, said by Ushakov) and
    # predicted quote #2 (the spurious one, its speaker the hostile string), names looked up in "w".
    records = json.loads(data)["d0"]
    q2, words = records["g"][1], records["w"]
    assert q2[0] == "q2" and STATUSES[q2[1]] == "missed" and q2[2] is None and words[q2[4]] == "Yuri Ushakov"
    assert words[records["p"][2][3]] == 'unresolved "</script><b>x</b>"'


def test_html_marks_statuses_of_gold_and_predicted_quotes(reports):
    html = reports["report.html"]
    # q1 matched exactly; q3 partially (its predicted part overlaps); q2 missed; the spurious prediction.
    # report.html stands alone: its fragments carry their classes (the page script makes them buttons).
    assert 'class="frag st-matched in-g in-p" data-k="g0 p0">' in html
    assert 'class="frag st-partial in-g in-p spk-p" data-k="g2 p1 sp1">' in html  # a spurious mention
    assert 'class="frag st-partial in-g" data-k="g2">' in html  # the gold-only rest of q3
    assert 'class="frag st-missed in-g" data-k="g1">' in html
    # The spurious quote covers q2's cue and its (missed) speaker mention.
    assert 'class="frag st-spurious cue-g in-p" data-k="c1 p2">' in html
    assert 'class="frag st-spurious in-p spk-g spk-miss" data-k="p2 sg1">' in html
    # A lone letter does not name a button well ("nb"); its span is reachable through its other fragments.
    assert '<span class="frag st-spurious in-p nb" data-k="p2">و</span>' in html
    assert 'role="button"' not in html and 'tabindex="0" data-k' not in html
    # Confusion matrices as tables, translation side by side.
    assert "<h3>Confusion matrix (stance_f_avg, stance_macro_f1, stance_accuracy): rows gold, columns predicted</h3>" in html
    assert '<td class="chrf-4">100.0</td>' in html and '<td class="chrf-0">0.0</td>' in html
    # Errors link to their span in the article.
    assert '<a href="#k=d0g1">show in the article</a>' in html and '<a href="#k=d0p2">show in the article</a>' in html


def test_rendering_is_deterministic(run, reports):
    again = render_reports(**json.loads(json.dumps({k: v for k, v in run.items() if k != "corpus"})),
                           corpus=synthetic_corpus())
    assert again == reports


def _write_run(folder: Path, run: dict, *, per_item: str = "per_item.jsonl.gz", per_item_text: str = "") -> Path:
    """A run folder; ``per_item="per_item.jsonl"`` writes it as runs did before the gzip file."""
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(run["metrics"], ensure_ascii=False), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(run["manifest"], ensure_ascii=False), encoding="utf-8")
    for name, rows in (("predictions.jsonl", run["predictions"]), (per_item, run["per_item"])):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if name == per_item:
            text += per_item_text
        data = text.encode("utf-8")
        (folder / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    (folder / "config.yaml").write_text("report:\n  worst_errors: 10\n", encoding="utf-8")
    return folder


def test_render_run_dir_rewrites_both_reports(tmp_path, run, reports):
    folder = _write_run(tmp_path / "runs" / "synthetic" / "20250101T000000Z-0badc0de", run)
    written = render_run_dir(folder, corpus=run["corpus"])
    assert [p.name for p in written] == ["report.html", "report.md"]
    assert (folder / "report.md").read_text(encoding="utf-8") == reports["report.md"]
    first = (folder / "report.html").read_bytes()
    render_run_dir(folder, corpus=run["corpus"])
    assert (folder / "report.html").read_bytes() == first == reports["report.html"].encode("utf-8")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_render_run_dir_refuses_a_stale_gold(tmp_path, run):
    folder = _write_run(tmp_path / "run", {**run, "metrics": {**run["metrics"], "gold_sha256": "f" * 64}})
    with pytest.raises(InputError) as err:
        render_run_dir(folder, corpus=run["corpus"])
    assert str(err.value) == (
        f"{folder / 'metrics.json'}: gold_sha256: run was scored against gold ffffffffffff…, but the current gold "
        "is aaaaaaaaaaaa…; re-run the system on the current gold, or check out the gold version the run used")
    assert not (folder / "report.md").exists()


def test_render_run_dir_reads_a_run_folder_written_before_per_item_jsonl_gz(tmp_path, run, reports):
    folder = _write_run(tmp_path / "old", run, per_item="per_item.jsonl")
    assert not (folder / "per_item.jsonl.gz").exists()
    render_run_dir(folder, corpus=run["corpus"])
    assert (folder / "report.md").read_text(encoding="utf-8") == reports["report.md"]
    assert (folder / "report.html").read_text(encoding="utf-8") == reports["report.html"]


@pytest.mark.parametrize("missing", ["metrics.json", "predictions.jsonl", "per_item.jsonl.gz", "manifest.json"])
def test_render_run_dir_names_a_missing_file(tmp_path, run, missing):
    folder = _write_run(tmp_path / "run", run)
    (folder / missing).unlink()
    with pytest.raises(InputError, match=f"missing run file {missing}") as err:
        render_run_dir(folder, corpus=run["corpus"])
    assert err.value.file == str(folder / missing)


@pytest.mark.parametrize("name", ["per_item.jsonl.gz", "per_item.jsonl"])
def test_render_run_dir_names_the_line_of_bad_json(tmp_path, run, name):
    folder = _write_run(tmp_path / "run", run, per_item=name, per_item_text="{not json\n")
    with pytest.raises(InputError, match="invalid JSON") as err:
        render_run_dir(folder, corpus=run["corpus"])
    assert (err.value.file, err.value.line) == (str(folder / name), len(run["per_item"]) + 1)


def test_markdown_on_the_real_gold_quotes_arabic_errors():
    from benchmark.gold.loading import load_corpus

    corpus = load_corpus()
    doc = corpus.documents[0]
    dropped = doc.quotes[-1]
    wrong = doc.quotes[0]
    other = next(e.id for e in doc.entities if e.id != wrong.speaker)
    gold_quotes = tuple(
        PredQuote(q.content, q.cue, q.source, other if q is wrong else q.speaker, None, q.type)
        for q in doc.quotes if q is not dropped)
    seg = doc.segments[1].span  # a sentence without quotes
    spurious = PredQuote((Span(seg.start, seg.start + 30, doc.text[seg.start:seg.start + 30]),), speaker=wrong.speaker)
    pred = DocPrediction(doc.doc_id, quotes=gold_quotes + (spurious,))
    md = render_reports(**{**synthetic_run(corpus, pred), "html": False})["report.md"]
    assert "#### Missed gold quotes (1 of 1 shown)" in md
    assert f"1. **{dropped.id}** · segment" in md
    assert doc.text[dropped.content[0].start:dropped.content[0].end].split()[0] in md
    assert "#### Spurious predicted quotes (1 of 1 shown)" in md
    assert f"   > {doc.text[seg.start:seg.start + 30].strip()}" in md
    assert (f"gold **{doc.entity(wrong.speaker).name_en}**, predicted **{doc.entity(other).name_en}**") in md


def test_render_run_dir_reads_report_options_from_config(tmp_path, run):
    folder = _write_run(tmp_path / "run", run)
    (folder / "config.yaml").write_text("report:\n  worst_errors: 1\npaths:\n  data_dir: null\n", encoding="utf-8")
    render_run_dir(folder, corpus=run["corpus"])
    assert "#### Wrong stance labels (1 of 2 shown)" in (folder / "report.md").read_text(encoding="utf-8")
    (folder / "config.yaml").write_text("report:\n  worst_errors: many\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected an integer >= 0, got 'many'") as err:
        render_run_dir(folder, corpus=run["corpus"])
    assert (err.value.file, err.value.field) == (str(folder / "config.yaml"), "report.worst_errors")


def test_oracle_report_lists_no_errors(tmp_path):
    """The speaker errors the report quotes use the task's own gold: the oracle has none."""
    from benchmark.cli.main import main

    assert main(["run", "system=oracle", f"paths.results_dir={tmp_path}", "scoring.n_resamples=20"]) == 0
    (run,) = [p for p in tmp_path.glob("oracle/*") if p.is_dir() and not p.name.startswith(".")]
    md = (run / "report.md").read_text(encoding="utf-8")
    assert "#### Missed speaker mentions: none" in md and "#### Spurious speaker mentions: none" in md
    assert "#### Missed gold quotes: none" in md and "#### Spurious predicted quotes: none" in md
