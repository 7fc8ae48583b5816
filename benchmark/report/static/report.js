(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var data = source ? JSON.parse(source.textContent) : {panels: {}, icons: {}};
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
  // The Arabic text of a span, read from the article: its fragments in order, " … " between parts.
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
    var text = parts.join(" \u2026 "), limit = data.limit || 600;
    return text.length > limit ? text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026" : text;
  }
  function card(c, key, article) {
    var box = node("div", "card st-" + c.s);
    var head = node("h3", null, c.h + " ");
    var badge = node("span", "badge st-" + c.s);
    var icon = node("span", "icon", (data.icons[c.s] || "") + " ");
    icon.setAttribute("aria-hidden", "true");
    badge.appendChild(icon);
    badge.appendChild(document.createTextNode(c.s));
    head.appendChild(badge);
    box.appendChild(head);
    var dl = node("dl");
    (c.r || []).forEach(function (row) {
      dl.appendChild(node("dt", null, row[0]));
      var dd = node("dd", null, row[1]);
      var note = row[2] ? (data.targets || {})[row[2]] : "";
      if (note) { dd.appendChild(node("br")); dd.appendChild(node("span", "muted", note)); }
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
    body.textContent = "";
    var article = el.closest(".article");
    keys.forEach(function (k) { if (data.panels[k]) { body.appendChild(card(data.panels[k], k, article)); } });
    if (!body.firstChild) { body.appendChild(node("p", "muted", "Nothing annotated here.")); }
    clearSelection();
    keys.forEach(function (k) {
      Array.prototype.forEach.call(document.querySelectorAll(".frag[data-k~=\"" + k + "\"]"), function (x) {
        x.classList.add("sel");
      });
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
  Array.prototype.forEach.call(document.querySelectorAll(".frag[role=button]"), function (el) {
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
  var m = /^#k=([A-Za-z0-9_]+)$/.exec(window.location.hash || "");
  if (m) {
    var first = document.querySelector(".frag[data-k~=\"" + m[1] + "\"]");
    if (first) { open(first); first.focus({preventScroll: true}); first.scrollIntoView({block: "center"}); }
  }
  document.documentElement.setAttribute("data-report-ready", "1");
})();
