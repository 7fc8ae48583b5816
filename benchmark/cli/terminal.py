"""Terminal output: rich tables that fit the terminal, plain when piped.

Tables are as wide as the terminal (or ``COLUMNS``; 80 when neither is
known, e.g. in a pipe), numbers are right-aligned, and colour is used only
on an interactive terminal without ``NO_COLOR`` (https://no-color.org) and
with a ``TERM`` other than ``dumb``.  Plain output has no escape codes, no
box-drawing characters and no trailing blanks, so ``| cat``, ``| grep`` and
files read as ordinary text.

Examples
--------
>>> t = new_table(("name", "left"), ("n", "right"))
>>> t.add_row("alpha", "1"); t.add_row("b", "100")
>>> print(render(t, width=40, colour=False))
name     n
------ ---
alpha    1
b      100
"""

from __future__ import annotations

import io
import os
import sys
from typing import IO

from rich import box
from rich.console import Console
from rich.table import Table

PLAIN_BOX = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
"""Only a dashed line under the header, columns separated by blanks."""
DEFAULT_WIDTH = 80


def wants_colour(stream: IO | None = None) -> bool:
    """Colour only on an interactive terminal, without ``NO_COLOR`` and with a capable ``TERM``."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: IO | None = None) -> int:
    """Columns of the terminal behind ``stream``, else ``COLUMNS``, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return DEFAULT_WIDTH


def new_table(*columns: tuple[str, str], colour: bool = False) -> Table:
    """A table with ``(header, "left"|"right")`` columns; right-aligned columns never wrap (numbers)."""
    table = Table(box=box.SIMPLE_HEAD if colour else PLAIN_BOX, show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0), header_style="bold" if colour else "", highlight=False)
    for header, justify in columns:
        table.add_column(header, justify=justify, no_wrap=justify == "right", overflow="fold")
    return table


def render(renderable, *, width: int, colour: bool) -> str:
    """``renderable`` as text ``width`` columns wide (escape codes only when ``colour``)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if colour else None,
                      force_terminal=colour, no_color=not colour, highlight=False, emoji=False, markup=False,
                      legacy_windows=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in buf.getvalue().rstrip("\n").split("\n"))


def table_width(table: Table) -> int:
    """Columns the table needs without wrapping any cell."""
    text = render(table, width=10_000, colour=False)
    return max((len(line) for line in text.split("\n")), default=0)
