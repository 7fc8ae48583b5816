"""Every subpackage is listed in pyproject.toml (they are listed explicitly
because benchmark.configs lives in the top-level configs/ folder)."""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"benchmark"} | {
        "benchmark." + ".".join(p.parent.relative_to(ROOT / "benchmark").parts)
        for p in (ROOT / "benchmark").rglob("__init__.py") if p.parent != ROOT / "benchmark"
        and "evaluate_modules" not in p.parts
    }
    assert found - {"benchmark.configs"} <= listed, sorted(found - listed)
    assert "benchmark.configs" in listed


def test_configs_are_packaged():
    from importlib import resources

    names = {p.name for p in resources.files("benchmark.configs").iterdir()}
    assert {"run.yaml", "system", "task", "scoring", "report", "paths"} <= names
