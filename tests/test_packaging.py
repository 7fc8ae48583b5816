"""Every subpackage is listed in pyproject.toml (they are listed explicitly
because benchmark.configs lives in the top-level configs/ folder)."""

from __future__ import annotations

import tomllib
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
    assert {"benchmark.configs", "benchmark.data"} <= listed


def test_configs_are_packaged():
    from importlib import resources

    names = {p.name for p in resources.files("benchmark.configs").iterdir()}
    assert {"run.yaml", "system", "task", "scoring", "report", "paths"} <= names


def test_installed_copy_of_the_data_is_found(monkeypatch, tmp_path):
    """Outside a source checkout the gold is read from the installed benchmark.data package."""
    import benchmark.gold.loading as gold

    monkeypatch.setattr(gold, "DATA_DIR", tmp_path / "no-checkout-here")
    data_dir = gold.default_data_dir()
    assert (data_dir / "targets.json").is_file() and list((data_dir / "gold").glob("*.json"))
    assert gold.load_corpus(data_dir).sha256 == gold.load_corpus().sha256


def test_data_files_are_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert data["package-dir"]["benchmark.data"] == "data"
    patterns = data["package-data"]["benchmark.data"]
    shipped = {p.relative_to(ROOT / "data") for pat in patterns for p in (ROOT / "data").glob(pat)}
    needed = {p.relative_to(ROOT / "data") for p in (ROOT / "data").rglob("*")
              if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert needed <= shipped, sorted(map(str, needed - shipped))


def test_report_templates_and_assets_are_package_data():
    """Every template and static file of the HTML reports is matched by a package-data pattern."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["benchmark"]
    pkg = ROOT / "benchmark"
    shipped = {p.relative_to(pkg) for pat in data for p in pkg.glob(pat)}
    needed = {p.relative_to(pkg) for folder in ("report/templates", "report/static") for p in (pkg / folder).iterdir()
              if p.is_file()}
    assert needed and needed <= shipped, sorted(map(str, needed - shipped))
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.lower().startswith("jinja2") for d in deps)
