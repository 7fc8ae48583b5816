"""Inline CSS and JavaScript of ``report.html`` (no network, no CDN).

The page works without JavaScript: every highlighted fragment carries a
``title`` tooltip.  The script adds the side panel (click a fragment to see
its gold and predicted quotes in full), deep links (``#k=<key>`` selects a
span on load) and, as its last statement, sets ``data-report-ready="1"`` on
``<html>``, which the browser test reads to know the script ran to the end.
"""

from __future__ import annotations

STATUS_COLOURS = {
    "matched": "#a8e6b8",
    "partial": "#ffd966",
    "missed": "#f4a3a3",
    "spurious": "#b3c7ff",
    "gold": "#dcdcdc",
}
"""Background of quote content by alignment status (``gold``: quotes not scored)."""

CSS = """
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d0d4da; --bg-soft: #f6f7f9; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 1.2rem 1.6rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .7rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .5rem; }
h4 { font-size: .98rem; margin: 1rem 0 .35rem; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .86em; }
nav.toc { display: flex; flex-wrap: wrap; gap: .35rem .9rem; margin: .6rem 0 0; font-size: .92rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
.note { background: #fff6d6; border: 1px solid #e8c95a; border-radius: 6px; padding: .6rem .9rem; margin: .7rem 0; }
.note.muted { background: var(--bg-soft); border-color: var(--line); color: var(--muted); }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .28rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.main-metric td { font-weight: 700; background: #eef4ff; }
table.meta th { width: 11rem; }
table.confusion td.diag { background: #dff3e4; font-weight: 700; }
.ci-bar { position: relative; display: inline-block; width: 120px; height: 10px; background: #eceff3;
  border-radius: 5px; vertical-align: middle; margin-left: .4rem; }
.ci-bar .band { position: absolute; top: 0; bottom: 0; background: #9db9ea; border-radius: 5px; }
.ci-bar .tick { position: absolute; top: -2px; bottom: -2px; width: 2px; background: #173f8a; }
.scorecard { display: inline-block; border: 1px solid var(--line); border-radius: 8px; padding: .5rem .9rem;
  background: var(--bg-soft); margin: .2rem 0 .6rem; }
.scorecard .value { font-size: 1.5rem; font-weight: 700; }
.scorecard .ci { color: var(--muted); margin-left: .5rem; }
details > summary { cursor: pointer; color: var(--accent); margin: .3rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: .45rem 1.1rem; align-items: center; font-size: .88rem;
  margin: .4rem 0 .8rem; }
.legend .sw { padding: 0 .35rem; border-radius: 3px; }
.article-wrap { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 1.2rem; align-items: start; }
.article { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New", "Geeza Pro",
  "Arial", "DejaVu Sans", sans-serif; font-size: 1.2rem; line-height: 2.1; white-space: pre-wrap;
  border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1.1rem; background: #fff; }
.panel { position: sticky; top: .8rem; max-height: calc(100vh - 1.6rem); overflow: auto; border: 1px solid var(--line);
  border-radius: 8px; padding: .6rem .8rem; background: var(--bg-soft); font-size: .9rem; }
.panel h3 { margin-top: 0; }
.card { background: #fff; border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px;
  padding: .45rem .6rem; margin: 0 0 .6rem; }
.card h4 { margin: 0 0 .3rem; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .6rem; margin: .2rem 0; }
.card dt { color: var(--muted); }
.card dd { margin: 0; }
.ar { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Arial", "DejaVu Sans", sans-serif;
  font-size: 1.08em; line-height: 1.9; }
.frag { cursor: pointer; border-radius: 2px; }
.in-g { border-bottom: 2px solid #202124; }
.in-p { border-top: 2px dashed #6a3d9a; }
.spk-g { color: #0b57d0; font-weight: 700; }
.spk-p { outline: 1.5px dotted #0b57d0; outline-offset: 1px; }
.spk-miss { color: #b3261e; }
.cue-g { color: #8e24aa; font-weight: 700; }
.frag.sel { box-shadow: 0 0 0 2px #ff6d00; }
sup.seg { font-family: "DejaVu Sans Mono", monospace; font-size: .62rem; color: #80868b; padding: 0 .15rem;
  user-select: none; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: 0 .4rem; border-radius: 9px;
  margin-left: .3rem; vertical-align: middle; }
ol.errors { padding-left: 1.4rem; }
ol.errors li { margin: .45rem 0; }
blockquote.ar { margin: .2rem 0 .2rem; padding: .15rem .8rem; border-right: 3px solid var(--line);
  background: var(--bg-soft); }
.muted { color: var(--muted); }
table.translations td.src { width: 30%; }
table.translations td { font-size: .88rem; }
.chrf-0 { background: #f4a3a3; } .chrf-1 { background: #ffd0a8; } .chrf-2 { background: #fff0a8; }
.chrf-3 { background: #d5efc0; } .chrf-4 { background: #a8e6b8; }
@media (max-width: 900px) { .article-wrap { grid-template-columns: 1fr; } .panel { position: static; } }
""" + "".join(
    f".st-{name} {{ background: {colour}; }}\n.card.st-{name} {{ border-left-color: {colour}; background: #fff; }}\n"
    f".badge.st-{name} {{ background: {colour}; }}\n"
    for name, colour in STATUS_COLOURS.items()
)

JS = """
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var data = source ? JSON.parse(source.textContent) : {panels: {}};
  function keysOf(el) {
    return (el.getAttribute("data-k") || "").split(" ").filter(function (k) { return k; });
  }
  function select(el) {
    var wrap = el.closest(".article-wrap");
    var body = wrap ? wrap.querySelector(".panel-body") : null;
    if (!body) { return; }
    var keys = keysOf(el);
    body.innerHTML = keys.map(function (k) { return data.panels[k] || ""; }).join("") ||
      "<p class=\\"muted\\">Nothing annotated here.</p>";
    Array.prototype.forEach.call(document.querySelectorAll(".frag.sel"), function (x) {
      x.classList.remove("sel");
    });
    keys.forEach(function (k) {
      Array.prototype.forEach.call(document.querySelectorAll(".frag[data-k~=\\"" + k + "\\"]"), function (x) {
        x.classList.add("sel");
      });
    });
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest(".frag") : null;
    if (el) { select(el); }
  });
  var m = /^#k=([A-Za-z0-9_]+)$/.exec(window.location.hash || "");
  if (m) {
    var first = document.querySelector(".frag[data-k~=\\"" + m[1] + "\\"]");
    if (first) { select(first); first.scrollIntoView({block: "center"}); }
  }
  document.documentElement.setAttribute("data-report-ready", "1");
})();
"""
