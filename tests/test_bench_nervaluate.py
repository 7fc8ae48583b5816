"""The README's nervaluate figures are what benchmarks/bench_nervaluate.py measures."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_nervaluate", ROOT / "benchmarks" / "bench_nervaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_quotes_the_measured_figures():
    bench = _bench()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"on (\S+) random overlapping cases `python benchmarks/bench_nervaluate.py` finds different "
                  r"counts in (\S+)% of cases and a difference of (\S+)% of the exact matches \(exact scheme; "
                  r"0 differences on (\S+) flat cases\)", readme)
    assert m, "README paragraph on nervaluate not found"
    n = int(m.group(1).replace(",", ""))
    assert int(m.group(4).replace(",", "")) == n
    flat = bench.compare(bench.flat_case, n, 0)
    assert all(differ == 0 for differ, _, _ in flat.values())
    differ, delta, cor = bench.compare(bench.overlapping_case, n, 0)["exact"]
    assert (f"{100 * differ / n:.1f}", f"{100 * delta / cor:.1f}") == (m.group(2), m.group(3))
