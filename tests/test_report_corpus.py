"""Reports of a corpus: an index page, one small page per article, worst errors across the corpus.

The corpus is N copies of the synthetic article of ``test_report.py`` under
new doc ids (``d1``…), each predicted the same way, so every count below is
N times the single article's (worked out by hand there: per article 1
missed, 1 spurious and 1 boundary quote error, 2 wrong stance labels).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from benchmark.report import render_reports, render_run_dir
from benchmark.report.assets import STATUSES
from benchmark.report.fmt import ci_text, value_text
from test_report import TEXT, _write_run, synthetic_corpus_run


@pytest.fixture(scope="module")
def run3() -> dict:
    return synthetic_corpus_run(3)


@pytest.fixture(scope="module")
def pages3(run3) -> dict[str, str]:
    return render_reports(**run3)


def test_a_corpus_gets_an_index_and_one_page_per_article(pages3):
    assert sorted(pages3) == ["articles/0001-d1.html", "articles/0002-d2.html", "articles/0003-d3.html",
                              "articles/report.css", "articles/report.js", "report.html", "report.md"]
    index = pages3["report.html"]
    # The index stands alone (its style sheet inline, nothing linked), holds no article and no script,
    # and links every article page in corpus order.
    assert "<style>" in index and "<link" not in index
    assert 'class="article"' not in index and "<script" not in index
    assert re.findall(r'<a href="(articles/[^"#]+)">', index) == [
        "articles/0001-d1.html", "articles/0002-d2.html", "articles/0003-d3.html"]
    # Per article, by hand (see synthetic_prediction): 3 gold quotes; q1 matched, q3 partial, q2 missed,
    # 1 spurious; 3 wrong speakers (q1 end to end; q2 and q3 with gold quotes given); 2 wrong stances
    # (q1 flipped, q3 unlabelled); s2 garbled and s3 untranslated, below 100 chrF++.
    row = index[index.index('<a href="articles/0002-d2.html">'):]
    row = row[:row.index("</tr>")]
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:8] == ["3", "1", "1", "1", "1", "3", "2", "2"]


def test_article_pages_link_to_each_other_and_back(pages3):
    first, middle, last = (pages3[f"articles/000{n}-d{n}.html"] for n in (1, 2, 3))
    for page in (first, middle, last):
        assert page.count('<a href="../report.html">↑ Summary of the run</a>') == 2  # top and bottom
        assert page.count('<a href="../report.html#articles">All articles</a>') == 2
        assert '<table class="translations">' in page and page.count('class="article"') == 1
    assert 'rel="prev"' not in first and '<a href="0002-d2.html" rel="next">' in first
    assert '<a href="0001-d1.html" rel="prev">' in middle and '<a href="0003-d3.html" rel="next">' in middle
    assert 'rel="next"' not in last and "Article 3 of 3" in last
    # The article's records are under its position, so a deep link from the index (#k=d1g1) names one
    # span on one page; q2 is the second gold quote, missed (see synthetic_prediction).
    assert '<div class="article" id="article-d1" dir="rtl" lang="ar">' in middle
    assert 'data-k="g1">' in middle
    records = json.loads(middle[middle.index('id="report-data">') + 17:].split("</script>")[0])
    assert list(records) == ["d1"] and records["d1"]["g"][1][:3] == ["q2", STATUSES.index("missed"), None]


def test_index_lists_the_worst_errors_across_the_corpus_with_links(run3, pages3):
    index, md = pages3["report.html"], pages3["report.md"]
    # Missed quotes: one per article, all three shown (limit 10), each linking to its span.
    assert "Missed gold quotes (3 of 3 shown)" in index
    for n in range(3):
        assert f'<a href="articles/000{n + 1}-d{n + 1}.html#k=d{n}g1">show in the article</a>' in index
    assert "#### Missed gold quotes (3 of 3 shown)" in md
    # report.md names the articles with the most errors (10 each, by hand: 1 partial + 1 missed + 1 spurious
    # + 3 wrong speakers + 2 wrong stances + 2 segments), not every article in full.
    assert "| [`d2`](articles/0002-d2.html) | 10 | 1 | 1 | 1 | 3 | 2 | 2 |" in md
    assert "3 articles; each has its own page in `articles/`" in md
    one = render_reports(**{**run3, "worst_errors": 1, "html": False})["report.md"]
    assert "Articles with the most errors (1 of 3 with any shown)" in one and "(articles/0002-d2.html)" not in one
    # Wrong stances: 2 per article, 6 in all; the limit applies across the corpus.
    limited = render_reports(**{**run3, "worst_errors": 2})
    assert "Wrong stance labels (2 of 6 shown)" in limited["report.html"]
    assert "#### Wrong stance labels (2 of 6 shown)" in limited["report.md"]
    # The summary shows the numbers of metrics.json on the same scale.
    for task, metrics in run3["metrics"]["tasks"].items():
        main = metrics[0]
        assert f'<td class="num">{value_text(main)}</td><td class="num">{ci_text(main)}</td>' in index, task


def test_pages_stay_small_as_the_corpus_grows():
    """Once the worst-error lists are full (10 per category), the index grows by one table row per article;
    no page holds more than one article."""
    small = render_reports(**{**synthetic_corpus_run(12), "markdown": False})
    large = render_reports(**{**synthetic_corpus_run(24), "markdown": False})
    per_article = (len(large["report.html"]) - len(small["report.html"])) / 12
    assert per_article < 600, per_article
    assert max(len(t) for t in large.values()) < 120_000  # style sheet, summary, 9 lists of at most 10 errors
    assert all(t.count(TEXT[:20]) <= 1 for name, t in large.items() if name.startswith("articles/"))


def test_render_run_dir_reproduces_every_page_and_drops_stale_ones(tmp_path, run3, pages3):
    folder = _write_run(tmp_path / "run", run3)
    (folder / "articles").mkdir()
    (folder / "articles" / "0009-gone.html").write_text("old", encoding="utf-8")
    written = render_run_dir(folder, corpus=run3["corpus"])
    assert [p.relative_to(folder).as_posix() for p in written] == sorted(pages3)
    for name, text in pages3.items():
        assert (folder / name).read_bytes() == text.encode("utf-8"), name
    assert not (folder / "articles" / "0009-gone.html").exists()
    before = {p: p.read_bytes() for p in written}
    render_run_dir(folder, corpus=run3["corpus"])
    assert {p: p.read_bytes() for p in written} == before
    shutil.rmtree(folder)
