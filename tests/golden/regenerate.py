"""Regenerate the golden end-to-end files of tests/test_harness.py.

    python tests/golden/regenerate.py

Runs each system through the real harness into a temporary folder and copies
its metrics.json here. Review the diff before committing: a change means the
scores changed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmark.cli.main import main

HERE = Path(__file__).resolve().parent
SYSTEMS = ("rules", "lexicon", "copy")


def regenerate() -> int:
    for system in SYSTEMS:
        with tempfile.TemporaryDirectory() as tmp:
            code = main(["run", f"system={system}", f"paths.results_dir={tmp}"])
            if code:
                return code
            (run_dir,) = [p for p in Path(tmp).glob("*/*") if p.is_dir() and not p.name.startswith(".")]
            shutil.copyfile(run_dir / "metrics.json", HERE / f"{system}.metrics.json")
            print(f"wrote {HERE / f'{system}.metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
