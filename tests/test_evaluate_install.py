"""The `evaluate` modules, the configs and the gold load from a regular (non-editable) wheel install,
run from a folder that is not the checkout (tests/test_evaluate_modules.py loads them from another
folder through the editable install, and checks the install hint).

Expected values by hand: with ``scheme="proportional"`` a prediction [0, 5) of a
gold [0, 10) has precision 5/5 = 1.0 and recall 5/10 = 0.5 (PARC); the stance
example (predictions FAVOR, FAVOR, NONE, "" against FAVOR, AGAINST, NONE, FAVOR)
has F_FAVOR = 0.5 (1 of 2 predicted, 1 of 2 gold) and F_AGAINST = 0 (its only
gold item missed), so F_avg = 0.25.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, evaluate, benchmark
from benchmark.scoring.modules import evaluate_module_path
from benchmark.gold.loading import load_corpus

spans = evaluate.load(evaluate_module_path("quote_spans"))
stance = evaluate.load(evaluate_module_path("stance_favg"))
s = spans.compute(predictions=[[[[0, 5]]]], references=[[[[0, 10]]]], scheme="proportional")
t = stance.compute(predictions=["FAVOR", "FAVOR", "NONE", ""], references=["FAVOR", "AGAINST", "NONE", "FAVOR"])
print(json.dumps({"package": benchmark.__file__, "module": evaluate_module_path("quote_spans"),
                  "precision": s["precision"], "recall": s["recall"], "f_avg": t["f_avg"],
                  "documents": len(load_corpus().documents)}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}


def _run(python: str, script: str, *, cwd: Path, env: dict[str, str]) -> dict:
    proc = subprocess.run([python, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _expected(out: dict) -> None:
    assert (out["precision"], out["recall"], out["f_avg"]) == (1.0, 0.5, 0.25)
    assert out["documents"] == 1


def test_a_regular_wheel_install_loads_the_modules_and_the_data(tmp_path):
    # Build a wheel from a copy of the sources (building writes build/ and *.egg-info next to them).
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("benchmark", "configs", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp_path / "dist"),
                    str(src)], check=True, capture_output=True, timeout=600)
    (wheel,) = (tmp_path / "dist").glob("arabic_quote_benchmark-*.whl")
    # A fresh virtual environment with the wheel installed (no source tree anywhere on its path); the
    # dependencies come from this environment's site-packages, added as a plain path (no editable finder).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=600)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = _run(str(python), SCRIPT, cwd=work, env=_env(tmp_path))
    _expected(out)
    assert Path(out["package"]).is_relative_to(venv) and Path(out["module"]).is_relative_to(venv)


def test_unknown_module_name_suggests():
    from benchmark.errors import UnknownNameError
    from benchmark.scoring.modules import evaluate_module_path

    with pytest.raises(UnknownNameError, match="Did you mean 'stance_favg'"):
        evaluate_module_path("stance_fav")
