"""Palette, icons and the inline CSS and JavaScript of the HTML pages (no network, no CDN).

The style sheets and the script live as plain files in ``static/`` (shipped
as package data) and are inlined into every page by the templates, so a page
is one self-contained file.  ``base.css`` is shared by the run report and the
leaderboard; ``report.css`` and ``report.js`` serve the highlighted article.

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
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

STATUS_COLOURS = {
    "matched": "#88ffee",
    "partial": "#ffee55",
    "missed": "#ff8888",
    "spurious": "#bbaaff",
    "gold": "#dcdcdc",
}
"""Background of quote content by alignment status (``gold``: quotes not scored)."""

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
        # Every page repeats its style sheet (pages are self-contained): no comments, one rule per line.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"\s*\n\s*", " ", text).replace("} ", "}\n").strip() + "\n"
    return text


def report_css() -> str:
    """The run report's whole style sheet."""
    return static_text("base.css") + static_text("report.css") + status_css()


def leaderboard_css() -> str:
    """The leaderboard's whole style sheet."""
    return static_text("base.css") + static_text("leaderboard.css")
