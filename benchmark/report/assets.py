"""Palette, icons and the CSS and JavaScript of the HTML pages (no network, no CDN).

The style sheets and the script live as plain files in ``static/`` (shipped
as package data).  ``base.css`` is shared by the run report and the
leaderboard; ``report.css`` and ``report.js`` serve the highlighted article.
A page that must stand alone (the leaderboard, a run's ``report.html``)
has them inline; the article pages of a corpus share one copy of each,
``articles/report.css`` and ``articles/report.js`` (:data:`SHARED_ASSETS`),
referenced by a relative path.

Status colours were chosen to stay apart under the common colour-vision
deficiencies (``tests/test_report_colours.py`` simulates deuteranopia,
protanopia and tritanopia with the Machado et al. 2009 matrices), and no
status is shown by colour alone: each also has a pattern, and a text label
and an icon wherever it is named (legend, badges).

Examples
--------
>>> sorted(STATUS_COLOURS) == sorted(STATUS_ICONS) == sorted(STATUS_LABELS)
True
>>> "st-missed" in status_css() and "repeating-linear-gradient" in status_css()
True
>>> STATUSES
('matched', 'partial', 'missed', 'spurious', 'gold')
>>> js = report_js({"talks": "The talks"})
>>> js.startswith("(function () {") and '"targets":{"talks":"The talks"}' in js and CONFIG_SLOT not in js
True
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Mapping

STATUS_COLOURS = {
    "matched": "#88ffee",
    "partial": "#ffee55",
    "missed": "#ff8888",
    "spurious": "#bbaaff",
    "gold": "#dcdcdc",
}
"""Background of quote content by alignment status (``gold``: quotes not scored)."""
STATUSES = tuple(STATUS_COLOURS)
"""Every status, in the order the panel records number them (:mod:`.panels`)."""
STATUS_PRIORITY = ("missed", "spurious", "partial", "matched", "gold")
"""When quotes of several statuses cover one fragment, the first status here colours it."""
PANEL_QUOTE_LIMIT = 600
"""Longest quote shown in a card (characters); the page script applies it."""
SHARED_ASSETS = ("report.css", "report.js")
"""Style sheet and script the article pages of a corpus share, in their folder (``articles/``)."""
CONFIG_SLOT = "/*@config*/null"
"""Where :func:`report_js` writes the script's settings (``null`` keeps the file valid JavaScript)."""

STATUS_ICONS = {"matched": "✓", "partial": "≈", "missed": "✗", "spurious": "+", "gold": "•"}
"""Shown beside the status name in the legend and in badges."""

STATUS_LABELS = {
    "matched": "matched",
    "partial": "partial",
    "missed": "missed (gold only)",
    "spurious": "spurious (predicted only)",
    "gold": "gold quote (quotes not attempted)",
}
"""Legend text of each status."""

# A second channel beside colour: white stripes or dots over the fill
# (lighter, so text contrast only improves).  Matched and gold stay plain.
STATUS_PATTERNS = {
    "partial": "repeating-linear-gradient(90deg, transparent 0 6px, rgba(255,255,255,.7) 6px 8px)",
    "missed": "repeating-linear-gradient(135deg, transparent 0 4px, rgba(255,255,255,.75) 4px 6px)",
    "spurious": "radial-gradient(circle, rgba(255,255,255,.85) 1.2px, transparent 1.6px) 0 0 / 6px 6px",
}


def status_css() -> str:
    """CSS rules of the status colours and patterns (highlights, badges, cards, legend swatches)."""
    out = []
    for name, colour in STATUS_COLOURS.items():
        pattern = STATUS_PATTERNS.get(name)
        fill = f"background: {pattern}, {colour};" if pattern else f"background: {colour};"
        out.append(f".st-{name} {{ {fill} }}")
        out.append(f".card.st-{name} {{ border-left-color: {colour}; background: #fff; }}")
    return "\n".join(out) + "\n"


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """A file of ``benchmark/report/static/`` as text; style sheets without comments and indentation.

    >>> static_text("base.css").startswith(":root {") and "/*" not in static_text("base.css")
    True
    """
    text = (resources.files("benchmark.report") / "static" / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        # Pages that stand alone repeat their style sheet: no comments, one rule per line.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"\s*\n\s*", " ", text).replace("} ", "}\n").strip() + "\n"
    return text


def report_css() -> str:
    """The run report's whole style sheet."""
    return static_text("base.css") + static_text("report.css") + status_css()


def report_js(targets: Mapping[str, str]) -> str:
    """The page script with its settings: statuses (names, icons, colouring priority), the card quote
    limit and ``targets`` (stance-target id → description, shown under gold stances)."""
    config = json.dumps({"statuses": STATUSES, "priority": STATUS_PRIORITY, "icons": STATUS_ICONS,
                         "limit": PANEL_QUOTE_LIMIT, "targets": targets},
                        ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    # ASCII only (icons as \u escapes): a script file is read in its page's encoding, whatever that is.
    return static_text("report.js").replace(CONFIG_SLOT, config, 1)


def leaderboard_css() -> str:
    """The leaderboard's whole style sheet."""
    return static_text("base.css") + static_text("leaderboard.css")
