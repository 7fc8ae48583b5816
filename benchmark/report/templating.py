"""The Jinja2 environment of every HTML page (run report, article pages, leaderboard).

Templates live in ``benchmark/report/templates/`` (package data) and all
extend ``base.html.j2``, so the page frame, the shared style sheet and the
accessibility basics (language, viewport, skip link, landmarks) are written
once.  Autoescaping is on for every template and undefined variables raise,
so text from the gold, a prediction or a run file is always escaped and a
misspelt variable is an error rather than an empty cell.  Rendering is
deterministic: ``tojson`` sorts keys and writes compact UTF-8.

Examples
--------
>>> env = environment()
>>> env.from_string("<p>{{ x }}</p>").render(x="<b>&</b>")
'<p>&lt;b&gt;&amp;&lt;/b&gt;</p>'
>>> env.from_string("{{ d|tojson }}").render(d={"b": "</script>", "a": "لا"})
'{"a":"لا","b":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The shared, autoescaping environment (built once per process)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("benchmark.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    env.filters["breakable"] = breakable
    # Compact, sorted and UTF-8: the same data always gives the same bytes, and
    # Arabic stays two bytes a character instead of a six-byte escape.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    return env


def breakable(text: object) -> Markup:
    """Escaped text with a line-break opportunity after each ``.`` and ``_`` (long metric names).

    >>> str(breakable("a_b.<c>"))
    'a_<wbr>b.<wbr>&lt;c&gt;'
    """
    # Escaping writes no "." or "_" (only &amp; &lt; &gt; &#39; &#34;), so the
    # break opportunities can go into the escaped text: one pass, not one per character.
    return Markup(str(escape(str(text))).replace(".", ".<wbr>").replace("_", "_<wbr>"))


def render(template: str, **context: Any) -> str:
    """Render one template of ``benchmark/report/templates/``."""
    return environment().get_template(template).render(**context)
