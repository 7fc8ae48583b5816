"""Article pages of a corpus: small, sharing one style sheet and script, and showing every span of the gold.

The corpus is copies of the embedded article (new doc ids), predicted by the
oracle (the gold itself) or by :func:`test_report.real_gold_prediction` (the
gold with damage on every task).  What each page must show is derived from
the gold and the prediction objects, never from the renderer: one key per
gold quote (``g<i>``), cue (``c<i>``), predicted quote (``p<j>``), gold
and predicted speaker mention (``sg<k>``, ``sp<k>``), each covering exactly
its span's characters.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from benchmark.common.forkmap import fork_map
from benchmark.gold.loading import load_corpus
from benchmark.report import render_reports
from benchmark.report.assets import STATUSES
from test_report import real_gold_prediction, synthetic_corpus_run, synthetic_run

PAGE_LIMIT = 40_000
"""Bytes an article page of the embedded article may take (the issue: each page small)."""


def embedded_corpus(n: int):
    """``n`` copies of the embedded article, with doc ids as long as its own (``000_d60cf795c66ab44c-1``…)."""
    base = load_corpus()
    doc = base.documents[0]
    docs = tuple(replace(doc, doc_id=f"{doc.doc_id}-{i}") for i in range(n))
    return replace(base, documents=docs)


def oracle_predictions(corpus):
    from benchmark.submission.reader import parse_submission_lines
    from benchmark.systems.base import TASK_KEYS
    from benchmark.systems.registry import make_system
    from benchmark.tasks.inputs import make_input

    out = make_system("oracle").predict([make_input(d, corpus.targets) for d in corpus.documents],
                                        tasks=set(TASK_KEYS), gold=corpus)
    parsed = parse_submission_lines([json.dumps(o, ensure_ascii=False) for o in out], corpus=corpus)
    return [parsed[d.doc_id] for d in corpus.documents]


def damaged_run(n: int):
    """A run over ``n`` copies of the embedded article, each predicted by :func:`real_gold_prediction`."""
    corpus = embedded_corpus(n)
    preds = [replace(real_gold_prediction(d), doc_id=d.doc_id) for d in corpus.documents]
    return synthetic_run(corpus, preds), preds


@pytest.fixture(scope="module")
def damaged():
    run, preds = damaged_run(3)  # the middle page links both ways
    return run, preds, render_reports(**{**run, "markdown": False})


@pytest.fixture(scope="module")
def oracle():
    corpus = embedded_corpus(3)
    preds = oracle_predictions(corpus)
    run = synthetic_run(corpus, preds)
    return run, preds, render_reports(**{**run, "markdown": False})


class ArticleSpans(HTMLParser):
    """``(keys, text)`` of each highlighted fragment inside ``<div class="article">``, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.in_span, self.in_sup = 0, None, False
        self.spans: list[tuple[tuple[str, ...], str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("class") == "article":
            self.depth = 1
        elif self.depth and tag == "span":
            self.in_span = tuple(a["data-k"].split())
            self.spans.append((self.in_span, ""))
        elif self.depth and tag == "sup":
            self.in_sup = True

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth = 0
        elif tag == "span":
            self.in_span = None
        elif tag == "sup":
            self.in_sup = False

    def handle_data(self, data):
        if self.in_span is not None and not self.in_sup:
            keys, text = self.spans[-1]
            self.spans[-1] = (keys, text + data)


def spans_of(page: str) -> list[tuple[tuple[str, ...], str]]:
    parser = ArticleSpans()
    parser.feed(page)
    return parser.spans


def records_of(page: str) -> dict:
    data = page[page.index('id="report-data">') + len('id="report-data">'):]
    return json.loads(data[:data.index("</script>")])


def expected_spans(doc, pred) -> dict[str, str]:
    """Key → the article text it must cover (its spans' characters, in order), from the gold and the prediction."""
    text = doc.text
    cover = lambda spans: "".join(text[s.start:s.end] for s in spans)  # noqa: E731
    out = {f"g{i}": cover(q.content) for i, q in enumerate(doc.quotes)}
    out.update({f"c{i}": cover((q.cue,)) for i, q in enumerate(doc.quotes) if q.cue is not None})
    out.update({f"p{j}": cover(p.content) for j, p in enumerate(pred.quotes) if p.content})
    out.update({f"sg{k}": cover((m.span,)) for k, m in enumerate(doc.speaker_mentions)})
    out.update({f"sp{k}": cover((m.span,)) for k, m in enumerate(pred.speakers) if m.span is not None})
    return out


@pytest.mark.parametrize("which", ["oracle", "damaged"])
def test_article_pages_of_the_embedded_article_are_small_and_share_their_assets(which, request):
    pages = request.getfixturevalue(which)[2]
    run = request.getfixturevalue(which)[0]
    articles = [name for name in pages if name.startswith("articles/") and name.endswith(".html")]
    assert articles == [f"articles/{n + 1:04d}-{d.doc_id}.html" for n, d in enumerate(run["corpus"].documents)]
    for name in articles:
        page = pages[name]
        assert len(page.encode("utf-8")) <= PAGE_LIMIT, (name, len(page.encode("utf-8")))
        # The shared style sheet and script, by a path relative to the page (the folder opens from file://,
        # zipped or moved); nothing else is fetched and no style or script is inline but the page's data.
        assert page.count('<link rel="stylesheet" href="report.css">') == 1 and "<style>" not in page
        assert re.findall(r"<script[^>]*>", page) == ['<script type="application/json" id="report-data">',
                                                      '<script src="report.js">']
        assert not re.search(r'(src|href)="(https?:)?//', page)
    for asset in ("articles/report.css", "articles/report.js"):
        assert pages[asset] and pages[asset].isascii(), asset  # read in the page's encoding, whatever it is
    assert ".frag" in pages["articles/report.css"] and "data-report-ready" in pages["articles/report.js"]
    # report.html, the index, stands alone.
    assert "<style>" in pages["report.html"] and "<link" not in pages["report.html"]


@pytest.mark.parametrize("which", ["oracle", "damaged"])
def test_every_span_of_the_gold_and_the_prediction_is_highlighted(which, request):
    run, preds, pages = request.getfixturevalue(which)
    for n, (doc, pred) in enumerate(zip(run["corpus"].documents, preds)):
        spans = spans_of(pages[f"articles/{n + 1:04d}-{doc.doc_id}.html"])
        shown: dict[str, str] = {}
        for keys, text in spans:
            for k in keys:
                shown[k] = shown.get(k, "") + text
        want = expected_spans(doc, pred)
        assert sorted(shown) == sorted(want)
        assert shown == want
        # Together the fragments and the text between them are the article (the markers aside).
        assert len(want) > 200  # 34 quotes, 33 cues, 55 gold speaker mentions and the predictions


def test_panel_records_hold_the_gold_and_the_alignment(damaged):
    """The records of the damaged prediction, by hand: the last gold quote was dropped (missed), the
    first gold speaker mention was not predicted (missed), one spurious quote was added; the rest match."""
    run, preds, pages = damaged
    doc, pred = run["corpus"].documents[1], preds[1]
    records = records_of(pages[f"articles/0002-{doc.doc_id}.html"])
    assert list(records) == ["d1"]
    rec = records["d1"]
    w = rec["w"]
    nq = len(doc.quotes)
    assert [r[0] for r in rec["g"]] == [q.id for q in doc.quotes]
    assert [r[5] for r in rec["g"]] == [[x for s in q.content for x in (s.start, s.end)] for q in doc.quotes]
    assert [w[r[3]] for r in rec["g"]] == [q.type for q in doc.quotes]
    assert [w[r[4]] for r in rec["g"]] == [doc.entity(q.speaker).name_en for q in doc.quotes]
    assert [STATUSES[r[1]] for r in rec["g"]] == ["matched"] * (nq - 1) + ["missed"]
    assert [r[2] for r in rec["g"]] == list(range(nq - 1)) + [None]
    assert [STATUSES[r[0]] for r in rec["p"]] == ["matched"] * (nq - 1) + ["spurious"]
    assert [r[1] for r in rec["p"]] == list(range(nq - 1)) + [None]
    mentions = doc.speaker_mentions
    assert [r[2:4] for r in rec["sg"]] == [[m.span.start, m.span.end] for m in mentions]
    assert [w[r[1]] for r in rec["sg"]] == [doc.entity(m.entity).name_en for m in mentions]
    assert [STATUSES[r[0]] for r in rec["sg"]] == ["missed"] + ["matched"] * (len(mentions) - 1)
    assert [r[2:4] for r in rec["sp"]] == [[m.span.start, m.span.end] for m in pred.speakers]


def test_pages_are_the_same_bytes_whatever_the_number_of_workers():
    run = {**synthetic_corpus_run(9), "markdown": False}
    one = render_reports(**run, workers=1)
    assert len(one) == 9 + 3  # the pages, the index and the two shared assets
    assert render_reports(**run, workers=2) == one
    assert render_reports(**run, workers=4) == one


def test_fork_map_keeps_the_order_and_really_uses_other_processes():
    got = fork_map(lambda x: (x * x, os.getpid()), range(20), workers=3)
    assert [v for v, _ in got] == [x * x for x in range(20)]
    assert {pid for _, pid in got} - {os.getpid()}  # computed elsewhere
    assert fork_map(lambda x: os.getpid(), range(3), workers=1) == [os.getpid()] * 3
