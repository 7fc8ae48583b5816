"""The mutation score of the scoring core, from mutmut's results.

    mutmut run --max-children 2          # configured in pyproject.toml [tool.mutmut]
    python benchmarks/mutation_score.py  # prints the score per module and in total

Reads ``mutmut results --all true`` (run from the repository root, after
``mutmut run``) and the mutants judged equivalent by hand in
``docs/MUTATION.md`` (one ``- `mutant name`: reason`` line each).  The score
is ``detected / (mutants - equivalent)``: a mutant is detected when a test
fails on it (killed) or the tests do not finish in mutmut's time limit
(timeout: a mutant that loops forever, as Stryker and mutmut count it); a
surviving or untested one counts against the score, an equivalent one is
left out.  With
``--survivors`` it also lists the survivors that are not judged equivalent.
Exits 1 when mutants are still unchecked (the run is incomplete).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = re.compile(r"^- `([^`]+__mutmut_\d+)`", re.M)


def results() -> dict[str, str]:
    """``mutant name → status`` as mutmut reports them."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status.strip()
    return found


def module_of(name: str) -> str:
    """``benchmark.scoring.spans`` from ``benchmark.scoring.spans.x_align__mutmut_3``."""
    return re.sub(r"\.(x_|xǁ).*$", "", name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--survivors", action="store_true", help="list survivors not judged equivalent")
    args = parser.parse_args()
    status = results()
    equivalent = set(EQUIVALENT.findall((ROOT / "docs" / "MUTATION.md").read_text(encoding="utf-8")))
    unknown = sorted(equivalent - set(status))
    if unknown:
        print(f"warning: {len(unknown)} mutants listed as equivalent no longer exist, e.g. {unknown[0]}")
    rows: dict[str, Counter] = {}
    for name, st in status.items():
        st = "killed" if st == "timeout" else st  # detected: the tests never finish on it
        rows.setdefault(module_of(name), Counter())["equivalent" if name in equivalent else st] += 1
    total = Counter()
    print(f"{'module':42s} {'mutants':>7s} {'detect.':>7s} {'equiv.':>7s} {'other':>6s} {'score':>7s}")
    for module, c in sorted(rows.items()):
        total += c
        print(_line(module, c))
    print(_line("total", total))
    if args.survivors:
        for name, st in sorted(status.items()):
            if st not in ("killed", "timeout") and name not in equivalent:
                print(f"{st:12s} {name}")
    return 1 if total["not checked"] else 0


def _line(label: str, c: Counter) -> str:
    n = sum(c.values())
    scored = n - c["equivalent"]
    score = c["killed"] / scored if scored else float("nan")
    other = scored - c["killed"]
    return f"{label:42s} {n:7d} {c['killed']:7d} {c['equivalent']:7d} {other:6d} {score:7.1%}"


if __name__ == "__main__":
    sys.exit(main())
