"""The run report, its corpus pages and the leaderboard in headless Chromium, at a phone and a desktop width.

The article pages of a corpus share ``articles/report.css`` and
``articles/report.js`` and are opened from ``file://`` as a reader would.

Driven over the DevTools protocol (``tests/browser.py``), for each page at
400 and 1,400 CSS pixels:

* nothing scrolls sideways at page level: the document is as wide as the
  screen and no element outside an explicitly scrollable table box sticks
  out of it; in those boxes the first column is sticky;
* every span of the gold and of the prediction can be reached with Tab, and
  Enter or Space on each highlighted fragment opens a details panel (in
  view: on a phone, a sheet that does not cover the span) with exactly the
  cards of the spans under it (headings derived from the gold); Escape
  closes it and gives the focus back;
* the cards say what the gold and the prediction say (checked by hand on
  the synthetic article), and the page script colours a corpus page's
  fragments exactly as ``report.html``'s markup does;
* axe-core (from the npm registry, see :func:`browser.axe_source`) finds no
  serious or critical accessibility violation;
* the page script runs without console errors and a ``#k=`` deep link opens
  its span.

Skipped only without ``/usr/bin/chromium`` (the axe test also when npm
cannot fetch axe-core).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from benchmark.report import render_reports
from browser import CHROMIUM, Browser, axe_source, console_problems, run_axe

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="browser tests need /usr/bin/chromium (apt-get install chromium)")
WIDTHS = (400, 1400)


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, Path]:
    """report.html on the real gold, a three-article corpus report (index and pages), an article page of the
    embedded article (a corpus of two copies), the leaderboard."""
    from test_leaderboard_helpers import GOLD, write_all
    from test_report import real_gold_run, synthetic_corpus_run
    from test_report_pages import damaged_run

    from benchmark.leaderboard import build_leaderboard, write_leaderboard
    from benchmark.scoring.result import UndefinedMetricWarning

    root = tmp_path_factory.mktemp("site")
    _write(root / "single", render_reports(**{**real_gold_run(), "markdown": False}))
    _write(root / "corpus", render_reports(**{**synthetic_corpus_run(3), "markdown": False}))
    _write(root / "embedded", render_reports(**{**damaged_run(2)[0], "markdown": False}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_all(root / "lb" / "runs")
    write_leaderboard(build_leaderboard(root / "lb" / "runs", gold_sha256=GOLD, n_resamples=50, seed=1),
                      out_dir=root / "lb")
    return {"report": root / "single" / "report.html", "index": root / "corpus" / "report.html",
            "article": sorted((root / "corpus" / "articles").glob("*.html"))[1],
            "embedded": sorted((root / "embedded" / "articles").glob("*.html"))[1],
            "leaderboard": root / "lb" / "leaderboard.html"}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("profile"), width=WIDTHS[0], height=800) as b:
        yield b


def _open(browser: Browser, path: Path, width: int, fragment: str = "") -> None:
    browser.resize(width, 800)
    browser.events.clear()
    browser.open(path.resolve().as_uri() + fragment)


OVERFLOW = """(() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll') || el.closest('.skip') || el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5 || r.left < -0.5) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  const unstuck = [...document.querySelectorAll('.table-scroll > table tr > :first-child')]
    .filter(c => getComputedStyle(c).position !== 'sticky').length;
  return {doc: document.documentElement.scrollWidth, vw, out: out.slice(0, 5), unstuck};
})()"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["report", "index", "article", "embedded", "leaderboard"])
def test_nothing_scrolls_sideways_but_tables(browser, site, page, width):
    _open(browser, site[page], width)
    got = browser.js(OVERFLOW)
    assert got["vw"] == width and got["doc"] == width, got
    assert got["out"] == [], got
    assert got["unstuck"] == 0, got
    assert console_problems(browser) == []


def truth(page: str):
    """The gold document and the prediction behind the article of ``page`` (built here, not read from the page)."""
    from dataclasses import replace

    from benchmark.gold.loading import load_corpus
    from test_report import real_gold_prediction, synthetic_corpus, synthetic_prediction
    from test_report_pages import embedded_corpus

    if page == "article":  # the second of three copies of the synthetic article
        doc = replace(synthetic_corpus().documents[0], doc_id="d2")
        return doc, replace(synthetic_prediction(doc), doc_id="d2")
    doc = load_corpus().documents[0] if page == "report" else embedded_corpus(2).documents[1]
    return doc, real_gold_prediction(doc)


def heading(key: str, doc) -> str:
    """The heading of a span's card, from its key and the gold: g<i> gold quote i, c<i> its cue, p<j>
    predicted quote j, sg<k>/sp<k> gold/predicted speaker mention k."""
    kind, n = re.fullmatch(r"([a-z]+)(\d+)", key).groups()
    return {"g": lambda: f"Gold quote {doc.quotes[int(n)].id}", "c": lambda: f"Gold cue of {doc.quotes[int(n)].id}",
            "p": lambda: f"Predicted quote #{n}", "sg": lambda: "Gold speaker mention",
            "sp": lambda: "Predicted speaker mention"}[kind]()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["report", "article", "embedded"])
def test_every_span_is_reachable_with_tab(browser, site, page, width):
    from test_report_pages import expected_spans

    keys = set(expected_spans(*truth(page)))
    _open(browser, site[page], width)
    n_focusable = browser.js("document.querySelectorAll('a[href], button, [tabindex=\"0\"]').length")
    browser.js("document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true")
    reached: set[str] = set()
    for _ in range(n_focusable + 5):  # one full round through the page
        browser.key("Tab")
        k = browser.js("document.activeElement.getAttribute('data-k')")
        if k:
            reached.update(k.split())
    assert len(keys) > 10 and keys <= reached, sorted(keys - reached)


KEYBOARD = """(() => [...document.querySelectorAll('.frag[role=button]')].map((el, i) => {
  el.setAttribute('data-test-id', String(i));
  return {id: i, keys: el.getAttribute('data-k').split(' ')};
}))()"""
PANEL = """(() => {
  const el = document.querySelector('[data-test-id="%s"]'), panel = document.querySelector('.panel');
  const p = panel.getBoundingClientRect(), s = el.getBoundingClientRect(), vh = window.innerHeight;
  const fixed = getComputedStyle(panel).position === 'fixed';
  return {open: panel.classList.contains('open'), expanded: el.getAttribute('aria-expanded'),
          cards: [...panel.querySelectorAll('.card h3')].map(h => h.firstChild.textContent.trim()),
          panelInView: p.top >= -1 && p.top < vh && p.height > 0,
          spanVisible: s.bottom <= (fixed ? p.top : vh) + 1 && s.top >= -1,
          focused: document.activeElement === el};
})()"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["report", "embedded"])
def test_every_span_opens_its_details_by_keyboard(browser, site, page, width):
    doc, _ = truth(page)
    _open(browser, site[page], width)
    spans = browser.js(KEYBOARD)
    assert len(spans) > 100  # the real article: every quote, cue and mention
    for n, span in enumerate(spans):
        browser.js(f"document.querySelector('[data-test-id=\"{span['id']}\"]').focus(), true")
        browser.key("Enter" if n % 2 == 0 else " ")
        got = browser.js(PANEL % span["id"])
        assert got["open"] and got["expanded"] == "true" and got["focused"], (span, got)
        assert got["cards"] == [heading(k, doc) for k in span["keys"]], (span, got)
        assert got["panelInView"] and got["spanVisible"], (span, got)
        browser.key("Escape")
        got = browser.js(PANEL % span["id"])
        assert not got["open"] and got["expanded"] == "false" and got["focused"], (span, got)
    assert console_problems(browser) == []


CARDS = """(() => [...document.querySelectorAll('.panel.open .card')].map(c => ({
  h: c.querySelector('h3').firstChild.textContent, badge: c.querySelector('.badge').textContent,
  rows: [...c.querySelectorAll('dt')].map(dt => [dt.textContent, dt.nextElementSibling.firstChild.textContent,
         (dt.nextElementSibling.querySelector('.muted') || {}).textContent || null]),
  quote: (c.querySelector('.ar') || {}).textContent || null})))()"""


def test_cards_say_what_the_gold_and_the_prediction_say(browser, site):
    """On the synthetic article (by hand, see test_report.synthetic_prediction): q2 was missed, its speaker
    Ushakov, attributed to Lavrov, its stance on the talks AGAINST and predicted so; the spurious prediction
    #2 covers "وأضاف أوشاكوف" (q2's cue and Ushakov's mention, which no predicted mention found), typed
    direct, its speaker the hostile string; the predicted mention "الوفدين" is spurious."""
    from test_report import HOSTILE, TEXT

    def at(needle: str) -> str:
        return f"[{TEXT.index(needle)}, {TEXT.index(needle) + len(needle)})"

    q2 = 'العمل <بدأ> & "انتهى"'
    _open(browser, site["article"], 1400)
    browser.js("document.querySelector('.frag[data-k=\"g1\"]').click(), true")
    assert browser.js(CARDS) == [
        {"h": "Gold quote q2 ", "badge": "✗ missed", "quote": q2,
         "rows": [["status", "missed", None], ["type", "mixed", None], ["speaker", "Yuri Ushakov", None],
                  ["offsets", at(q2), None], ["attribution task", "Sergei Lavrov ✗", None],
                  ["stance", "talks: AGAINST · predicted AGAINST ✓", "The talks <as useful>"]]}]
    browser.js("document.querySelector('.frag[data-k=\"p2 sg1\"]').click(), true")
    assert browser.js(CARDS) == [
        {"h": "Predicted quote #2 ", "badge": "+ spurious", "quote": "وأضاف أوشاكوف",
         "rows": [["status", "spurious", None], ["type", "direct", None], ["speaker", f'unresolved "{HOSTILE}"', None],
                  ["offsets", at("وأضاف أوشاكوف"), None]]},
        {"h": "Gold speaker mention ", "badge": "✗ missed", "quote": None,
         "rows": [["entity", "Yuri Ushakov", None], ["offsets", at("أوشاكوف"), None]]}]
    browser.js("document.querySelector('.frag[data-k=\"c1 p2\"]').click(), true")
    assert browser.js(CARDS)[0] == {"h": "Gold cue of q2 ", "badge": "• gold", "quote": None,
                                    "rows": [["cue", "أضاف", None]]}
    browser.js("document.querySelector('.frag[data-k~=\"sp1\"]').click(), true")  # inside q3, cut short
    assert browser.js(CARDS)[-1] == {"h": "Predicted speaker mention ", "badge": "+ spurious", "quote": None,
                                     "rows": [["resolves to", "no gold entity", None], ["offsets", at("الوفدين"), None]]}
    # q1: matched to prediction #0, which gave it Ushakov; the label the prediction carries is listed.
    browser.js("document.querySelector('.frag[data-k~=\"p0\"]').click(), true")
    p0 = [c for c in browser.js(CARDS) if c["h"] == "Predicted quote #0 "][0]
    assert p0["rows"] == [["status", "matched ↔ gold q1", None], ["type", "indirect (gold indirect)", None],
                          ["speaker", "Yuri Ushakov (gold Sergei Lavrov)", None],
                          ["offsets", at("المحادثات كانت مفيدة"), None], ["stance", "talks: FAVOR", None]]
    assert console_problems(browser) == []


@pytest.mark.parametrize("page", ["article", "embedded"])
def test_the_script_colours_fragments_as_the_standalone_markup_does(browser, site, page):
    """A corpus page leaves the classes to its script; report.html writes them (same rules, two places)."""
    from benchmark.report import build_report_data
    from benchmark.report.article import build_article
    from test_report import synthetic_corpus_run
    from test_report_pages import damaged_run

    run = synthetic_corpus_run(3) if page == "article" else damaged_run(2)[0]
    data = build_report_data(**{k: v for k, v in run.items() if k not in ("markdown", "html")})
    art = build_article(data.views[1], classes=True)  # the page shown is the second article's
    want = [sorted(f.classes.split()) for f in art.fragments if f.keys]
    _open(browser, site[page], 1400)
    got = browser.js("[...document.querySelectorAll('.article [data-k]')].map(el => "
                     "[...el.classList].filter(c => c !== 'nb').sort())")
    assert len(got) == len(want) > 10 and got == want


def test_deep_link_opens_its_span_and_the_script_finishes(browser, site):
    from test_report import TEXT

    _open(browser, site["article"], 400, "#k=d1g1")
    assert browser.js("document.documentElement.getAttribute('data-report-ready')") == "1"
    got = browser.js("[...document.querySelectorAll('.panel.open .card h3')].map(h => h.firstChild.textContent)")
    assert got == ["Gold quote q2 "]
    # The card quotes the span from the article: gold quote q2 of the synthetic text, escaped nowhere.
    assert browser.js("document.querySelector('.panel.open .card .ar').textContent") == 'العمل <بدأ> & "انتهى"'
    assert 'العمل <بدأ> & "انتهى"' in TEXT
    assert console_problems(browser) == []


def test_an_error_link_on_the_same_page_opens_its_span(browser, site):
    """In report.html each listed error links to its span (#k=d0<key>) on the same page: following it opens it."""
    doc, _ = truth("report")
    _open(browser, site["report"], 1400)
    href = browser.js("document.querySelector('a[href^=\"#k=d0\"]').getAttribute('href')")
    browser.js(f"document.querySelector('a[href=\"{href}\"]').click(), true")
    browser.js("new Promise(r => setTimeout(r, 0)).then(() => true)")  # hashchange is dispatched as a task
    cards = browser.js("[...document.querySelectorAll('.panel.open .card h3')].map(h => h.firstChild.textContent)")
    assert heading(href.removeprefix("#k=d0"), doc) + " " in cards
    key = href.removeprefix("#k=d0")
    assert browser.js(f"document.activeElement.getAttribute('data-k').split(' ').includes('{key}')")


def test_cards_quote_discontinuous_and_long_spans_like_the_markdown(browser, site):
    """On the real article every quote card shows the text report.md would quote (parts joined by " … ")."""
    from benchmark.gold.loading import load_corpus
    from benchmark.report.article import PANEL_QUOTE_LIMIT
    from benchmark.report.worst import quote_text

    doc = load_corpus().documents[0]
    _open(browser, site["report"], 1400)
    for i, q in enumerate(doc.quotes):
        browser.js(f"document.querySelector('.frag[data-k~=\"g{i}\"]').click(), true")
        shown = browser.js(f"[...document.querySelectorAll('.panel .card')].find(c => "
                           f"c.querySelector('h3').firstChild.textContent === 'Gold quote {q.id} ')"
                           f".querySelector('.ar').textContent")
        assert shown == quote_text(doc, q.content, limit=PANEL_QUOTE_LIMIT), q.id


@pytest.fixture(scope="module")
def axe(tmp_path_factory) -> str:
    source = axe_source(tmp_path_factory.mktemp("axe"))
    if source is None:
        pytest.skip("axe-core could not be fetched with `npm pack axe-core@4` (no npm or no registry)")
    return source


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["report", "index", "article", "embedded", "leaderboard"])
def test_axe_finds_no_serious_violation(browser, site, axe, page, width):
    _open(browser, site[page], width)
    if page in ("report", "article", "embedded"):  # with the details open too
        browser.js("document.querySelector('.frag[role=button]').focus(), true")
        browser.key("Enter")
    violations = run_axe(browser, axe)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1, ensure_ascii=False)


def test_screenshot_shows_every_status_highlight(browser, site, tmp_path):
    """The article really renders: each status colour (between its pattern's stripes) is on screen."""
    image_module = pytest.importorskip("PIL.Image", reason="the screenshot check needs Pillow")
    from benchmark.report.assets import STATUS_COLOURS

    _open(browser, site["report"], 1400)
    browser.js("document.getElementById('article-0').scrollIntoView(), true")
    shot = tmp_path / "shot.png"
    browser.screenshot(shot, width=1400, full=False)
    with image_module.open(shot) as im:
        colours = {c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert len(colours) > 50, f"only {len(colours)} distinct colours: the page looks blank"
    for status in ("matched", "partial", "missed", "spurious"):
        hexa = STATUS_COLOURS[status].lstrip("#")
        want = tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
        assert any(max(abs(a - b) for a, b in zip(c, want)) <= 3 for c in colours), f"no {status} highlight visible"


def test_screenshot_command_of_the_readme(tmp_path):
    """``python benchmarks/screenshots.py OUT --runs RUNS`` writes every page at every width, none too wide."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    runs = tmp_path / "results" / "runs"
    py = sys.executable
    subprocess.run([py, "-m", "benchmark", "run", "system=rules", f"paths.results_dir={runs}",
                    "scoring.n_resamples=20"], check=True, cwd=root, capture_output=True, timeout=300)
    subprocess.run([py, "-m", "benchmark", "leaderboard", "--runs", str(runs), "--out", str(runs.parent),
                    "--n-resamples", "20"], check=True, cwd=root, capture_output=True, timeout=300)
    res = subprocess.run([py, "benchmarks/screenshots.py", str(tmp_path / "shots"), "--runs", str(runs)],
                         check=True, cwd=root, capture_output=True, text=True, timeout=300)
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert names == ["leaderboard-1400.png", "leaderboard-400.png", "report-1400-details.png", "report-1400.png",
                     "report-400-details.png", "report-400.png"]
    for width in WIDTHS:
        assert res.stdout.count(f"{width:5} px screen: page {width} px wide") == 2, res.stdout


def _tab_to(browser: Browser, selector: str, limit: int = 400) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        browser.key("Tab")
        if browser.js(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    pytest.fail(f"{selector} never got the focus with Tab")


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_moves_between_articles_and_back_to_the_summary(browser, site, width):
    _open(browser, site["article"], width)  # article 2 of 3
    browser.js("window.scrollTo(0, 0), true")
    _tab_to(browser, "nav.pager a[rel=next]")
    assert browser.js("document.activeElement.getBoundingClientRect().right <= window.innerWidth")
    browser.events.clear()
    browser.key("Enter")
    browser.wait_event("Page.loadEventFired")
    assert browser.js("location.pathname.split('/').pop()") == "0003-d3.html"
    _tab_to(browser, "nav.pager a[href='../report.html']")
    browser.events.clear()
    browser.key("Enter")
    browser.wait_event("Page.loadEventFired")
    assert browser.js("location.pathname.split('/').pop()") == "report.html"
    _tab_to(browser, "#articles a[href='articles/0001-d1.html']")
    browser.events.clear()
    browser.key("Enter")
    browser.wait_event("Page.loadEventFired")
    assert browser.js("location.pathname.split('/').pop()") == "0001-d1.html"
