"""The Python floor is stated once, said the same way in the README, tested by CI,
and admitted by every dependency the project installs (nervaluate >= 1.0 needs 3.11)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
FLOOR = re.fullmatch(r">=\s*(\d+)\.(\d+)", PROJECT["requires-python"])


def test_requires_python_is_a_plain_floor_and_this_interpreter_meets_it():
    assert FLOOR, PROJECT["requires-python"]
    assert sys.version_info[:2] >= (int(FLOOR.group(1)), int(FLOOR.group(2)))


def test_readme_and_classifiers_state_the_same_floor():
    floor = f"{FLOOR.group(1)}.{FLOOR.group(2)}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"Python ≥ (\d+\.\d+)", readme) == [floor]
    versions = [c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"] if re.search(r":: \d+\.\d+$", c)]
    assert min(versions, key=lambda v: tuple(map(int, v.split(".")))) == floor


def test_ci_installs_with_the_floor_interpreter():
    # .ci/run derives the interpreter from pyproject.toml; run its derivation line here.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (line,) = [x for x in ci.splitlines() if x.startswith("floor=$(")]
    command = line[len("floor=$("):-1]
    got = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert got == f"{FLOOR.group(1)}.{FLOOR.group(2)}"
    assert '"python$floor" -m venv .venv' in ci


def test_every_installed_dependency_admits_the_floor():
    floor = f"{FLOOR.group(1)}.{FLOOR.group(2)}.0"
    requirements = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    checked = 0
    for requirement in requirements:
        try:
            requires = metadata.metadata(Requirement(requirement).name).get("Requires-Python")
        except metadata.PackageNotFoundError:  # an extra not installed here (hf without torch)
            continue
        checked += 1
        assert requires is None or SpecifierSet(requires).contains(floor), (requirement, requires)
    assert checked >= len(PROJECT["dependencies"])
