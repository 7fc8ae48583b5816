(function () {
  "use strict";
  // Statuses (names, icons, colouring priority), the quote length limit and the stance targets'
  // descriptions, written in by benchmark/report/assets.py.
  var config = /*@config*/null || {statuses: [], priority: [], icons: {}, limit: 600, targets: {}};
  var KEY = /^(g|c|p|sg|sp)(\d+)$/;
  var DECORATION = {g: "in-g", c: "cue-g", p: "in-p", sg: "spk-g", sp: "spk-p"};
  // Per article ("d<n>"), the compact span records of benchmark/report/panels.py.
  var source = document.getElementById("report-data");
  var records = source ? JSON.parse(source.textContent) : {};
  var last = null;
  function keysOf(el) {
    return (el.getAttribute("data-k") || "").split(" ").filter(function (k) { return k; });
  }
  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }
  function fragsOf(article, key) {
    return article ? article.querySelectorAll(".frag[data-k~=\"" + key + "\"]") : [];
  }
  // The Arabic text of a span, read from the article: its fragments in order, an ellipsis between parts.
  function quoteText(key, article) {
    var parts = [], current = "", gap = false;
    Array.prototype.forEach.call(article ? article.childNodes : [], function (n) {
      var isFrag = n.nodeType === 1 && n.classList.contains("frag");
      if (isFrag && keysOf(n).indexOf(key) >= 0) {
        if (gap && current) { parts.push(current); current = ""; }
        gap = false;
        current += n.textContent;
      } else if (current && !(n.nodeType === 1 && n.tagName === "SUP")) {
        gap = true;
      }
    });
    if (current) { parts.push(current); }
    var text = parts.join(" \u2026 "), limit = config.limit;
    return text.length > limit ? text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026" : text;
  }
  function recordsOf(article) {
    return (article && records[article.id.replace(/^article-/, "")]) || {};
  }
  // The record of one span (a cue's is its quote's), with its key's kind; null for an unknown key.
  function recordOf(key, d) {
    var m = KEY.exec(key);
    var r = m ? (d[m[1] === "c" ? "g" : m[1]] || [])[Number(m[2])] : null;
    return r ? {kind: m[1], n: Number(m[2]), r: r} : null;
  }
  // The classes of a fragment, from its keys, as benchmark/report/article.py writes them where the
  // markup has them: the colour of its most severe quote status, and one decoration per kind of span.
  function decorate(el, d) {
    var best = config.priority.length, classes = ["frag"];
    keysOf(el).forEach(function (k) {
      var x = recordOf(k, d);
      if (!x) { return; }
      var status = x.kind === "g" ? x.r[1] : x.kind === "p" ? x.r[0] : null;
      if (status !== null) { best = Math.min(best, config.priority.indexOf(config.statuses[status])); }
      classes.push(DECORATION[x.kind]);
      if (x.kind === "sg" && config.statuses[x.r[0]] === "missed") { classes.push("spk-miss"); }
    });
    if (best < config.priority.length) { classes.push("st-" + config.priority[best]); }
    classes.forEach(function (c) { el.classList.add(c); });
  }
  function offsets(flat) {
    var parts = [];
    for (var i = 0; i + 1 < flat.length; i += 2) { parts.push("[" + flat[i] + ", " + flat[i + 1] + ")"); }
    return parts.join(" + ") || "unaligned";
  }
  function mark(ok) { return ok ? "\u2713" : "\u2717"; }
  // The card of one span: {s: status, h: heading, r: rows [label, value, note], q: quotes its span}.
  function cardOf(key, article) {
    var d = recordsOf(article), x = recordOf(key, d);
    if (!x) { return null; }
    var w = d.w || [], g = d.g || [], r = x.r, n = x.n, kind = x.kind;
    var st = function (i) { return config.statuses[i]; };
    var rows, gold;
    if (kind === "c") {
      return {s: "gold", h: "Gold cue of " + r[0], r: [["cue", quoteText(key, article)]]};
    }
    if (kind === "g") {
      rows = [["status", st(r[1]) + (r[2] !== null ? " \u2194 predicted #" + r[2] : "")],
              ["type", w[r[3]]], ["speaker", w[r[4]]], ["offsets", offsets(r[5] || [])]];
      if (r[8]) { rows.push(["nested in", r[8]]); }
      if (r[6]) { rows.push(["attribution task", w[r[6][0]] + " " + mark(r[6][1])]); }
      (r[7] || []).forEach(function (s) {
        var line = w[s[0]] + ": " + w[s[1]];
        if (s.length > 2) { line += " \u00b7 predicted " + (s[2] === null ? "no label" : w[s[2]]) + " " + mark(s[2] === s[1]); }
        rows.push(["stance", line, config.targets[w[s[0]]]]);
      });
      return {s: st(r[1]), h: "Gold quote " + r[0], r: rows, q: 1};
    }
    if (kind === "p") {
      gold = r[1] !== null ? g[r[1]] : null;
      rows = [["status", st(r[0]) + (gold ? " \u2194 gold " + gold[0] : "")],
              ["type", (r[2] !== null ? w[r[2]] : "none") + (gold ? " (gold " + w[gold[3]] + ")" : "")],
              ["speaker", w[r[3]] + (gold ? " (gold " + w[gold[4]] + ")" : "")], ["offsets", offsets(r[4] || [])]];
      (r[5] || []).forEach(function (s) { rows.push(["stance", w[s[0]] + ": " + w[s[1]]]); });
      return {s: st(r[0]), h: "Predicted quote #" + n, r: rows, q: 1};
    }
    if (kind === "sg") {
      return {s: st(r[0]), h: "Gold speaker mention", r: [["entity", w[r[1]]], ["offsets", offsets([r[2], r[3]])]]};
    }
    rows = [["resolves to", r[1] !== null ? w[r[1]] : "no gold entity"], ["offsets", offsets([r[2], r[3]])]];
    if (r.length > 4) { rows.unshift(["label", w[r[4]]]); }
    return {s: st(r[0]), h: "Predicted speaker mention", r: rows};
  }
  function card(c, key, article) {
    var box = node("div", "card st-" + c.s);
    var head = node("h3", null, c.h + " ");
    var badge = node("span", "badge st-" + c.s);
    var icon = node("span", "icon", (config.icons[c.s] || "") + " ");
    icon.setAttribute("aria-hidden", "true");
    badge.appendChild(icon);
    badge.appendChild(document.createTextNode(c.s));
    head.appendChild(badge);
    box.appendChild(head);
    var dl = node("dl");
    c.r.forEach(function (row) {
      dl.appendChild(node("dt", null, row[0]));
      var dd = node("dd", null, row[1]);
      if (row[2]) { dd.appendChild(node("br")); dd.appendChild(node("span", "muted", row[2])); }
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    if (c.q) {
      var ar = node("p", "ar", quoteText(key, article));
      ar.setAttribute("dir", "rtl");
      ar.setAttribute("lang", "ar");
      box.appendChild(ar);
    }
    return box;
  }
  function panelOf(el) {
    var wrap = el.closest(".article-wrap");
    return wrap ? wrap.querySelector(".panel") : null;
  }
  function clearSelection() {
    Array.prototype.forEach.call(document.querySelectorAll(".frag.sel"), function (x) {
      x.classList.remove("sel");
      if (x.hasAttribute("aria-expanded")) { x.setAttribute("aria-expanded", "false"); }
    });
  }
  function open(el) {
    var panel = panelOf(el);
    if (!panel) { return; }
    var body = panel.querySelector(".panel-body");
    var keys = keysOf(el);
    var article = el.closest(".article");
    body.textContent = "";
    keys.forEach(function (k) {
      var c = cardOf(k, article);
      if (c) { body.appendChild(card(c, k, article)); }
    });
    if (!body.firstChild) { body.appendChild(node("p", "muted", "Nothing annotated here.")); }
    clearSelection();
    keys.forEach(function (k) {
      Array.prototype.forEach.call(fragsOf(article, k), function (x) { x.classList.add("sel"); });
    });
    if (el.hasAttribute("aria-expanded")) { el.setAttribute("aria-expanded", "true"); }
    panel.classList.add("open");
    panel.scrollTop = 0;
    last = el;
    // A sheet over the bottom of a narrow screen must not hide the span it describes.
    var fixed = window.getComputedStyle(panel).position === "fixed";
    document.documentElement.style.scrollPaddingBottom = fixed ? (panel.offsetHeight + 16) + "px" : "";
    if (el.scrollIntoView) { el.scrollIntoView({block: "nearest"}); }
  }
  function close(panel) {
    if (!panel || !panel.classList.contains("open")) { return false; }
    panel.classList.remove("open");
    var body = panel.querySelector(".panel-body");
    body.textContent = "";
    body.appendChild(node("p", "muted", panel.getAttribute("data-empty") || ""));
    clearSelection();
    document.documentElement.style.scrollPaddingBottom = "";
    if (last) { last.focus(); }
    return true;
  }
  // Every highlighted fragment gets its classes, and every one but a lone letter ("nb") becomes a
  // button: made by the script, so a page without its script has no buttons that do nothing.
  Array.prototype.forEach.call(document.querySelectorAll(".article"), function (article) {
    var d = recordsOf(article);
    Array.prototype.forEach.call(article.querySelectorAll("[data-k]"), function (el) { decorate(el, d); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".article .frag:not(.nb)"), function (el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-expanded", "false");
    var panel = panelOf(el);
    if (panel) { el.setAttribute("aria-controls", panel.id); }
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t && t.closest && t.closest(".panel-close")) { close(t.closest(".panel")); return; }
    var el = t && t.closest ? t.closest(".frag") : null;
    if (el) { open(el); }
  });
  document.addEventListener("keydown", function (ev) {
    var el = ev.target && ev.target.classList && ev.target.classList.contains("frag") ? ev.target : null;
    if (el && (ev.key === "Enter" || ev.key === " " || ev.key === "Spacebar")) {
      ev.preventDefault();
      open(el);
    } else if (ev.key === "Escape" || ev.key === "Esc") {
      var panel = document.querySelector(".panel.open");
      if (close(panel)) { ev.preventDefault(); }
    }
  });
  // A deep link #k=d<article><key> (from the worst-error lists) opens its span.
  function openLinked() {
    var m = /^#k=(d\d+)([a-z]+\d+)$/.exec(window.location.hash || "");
    var article = m ? document.getElementById("article-" + m[1]) : null;
    var first = article ? article.querySelector(".frag[role=button][data-k~=\"" + m[2] + "\"]") || fragsOf(article, m[2])[0]
      : null;
    if (first) { open(first); first.focus({preventScroll: true}); first.scrollIntoView({block: "center"}); }
  }
  openLinked();
  window.addEventListener("hashchange", openLinked);
  document.documentElement.setAttribute("data-report-ready", "1");
})();
