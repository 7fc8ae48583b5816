"""The package's shape: one-way imports between stages, no cycles, small units.

The layer contract itself lives in ``pyproject.toml`` (``[tool.importlinter]``)
and is checked with import-linter's own command, as CI would run it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "benchmark"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
"""Lines of a function body, its docstring excluded (a long numpydoc docstring is welcome)."""


def test_import_contract_is_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    res = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "broken" in res.stdout and "0 broken" in res.stdout


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm over module-level import edges (every import, lazy ones included)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("benchmark", cache_dir=None)


def test_no_import_cycles(graph):
    assert _strongly_connected(graph) == []


def test_cycle_finder_finds_a_cycle():
    # The check above must be able to fail: a two-module cycle is found.
    g = grimp.ImportGraph()
    for m in ("p.a", "p.b", "p.c"):
        g.add_module(m)
    g.add_import(importer="p.a", imported="p.b")
    g.add_import(importer="p.b", imported="p.a")
    g.add_import(importer="p.b", imported="p.c")
    assert _strongly_connected(g) == [["p.a", "p.b"]]


def test_stages_never_import_the_package_root(graph):
    # ``benchmark/__init__`` is the public facade and loads the gold API;
    # a stage importing it would import every stage above it.
    importers = graph.find_modules_that_directly_import("benchmark")
    assert sorted(importers) == []


def test_few_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "errors.py"]


def test_every_stage_says_what_it_takes_and_hands_on():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 12, f"{init.relative_to(ROOT)} needs a docstring"


def _function_body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    total = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        total -= first.end_lineno - first.lineno + 1
    return total


def _sizes() -> tuple[list[str], list[str]]:
    long_modules, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        if len(source.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(f"{rel}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _function_body_lines(node)
                if n > MAX_FUNCTION_LINES:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}: {n} lines")
    return long_modules, long_functions


def test_modules_and_functions_stay_small():
    long_modules, long_functions = _sizes()
    assert long_modules == []
    assert long_functions == []


def test_function_length_counts_the_body_without_the_docstring():
    # by hand: the signature line, then 3 body lines after a 3-line docstring -> 4
    src = 'def f(x):\n    """Doc.\n\n    More."""\n    a = 1\n    b = 2\n    return a + b\n'
    (node,) = ast.parse(src).body
    assert _function_body_lines(node) == 4
