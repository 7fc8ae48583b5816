"""Regenerate the published result tables from a fresh run (a maintainer step).

    python results/published/regenerate.py           # rewrite results/published/* and the README tables
    python results/published/regenerate.py --check   # exit 1 if they differ from a fresh run

Users never need this: `python -m benchmark leaderboard` writes its files to
the git-ignored `results/`, so running the README's commands leaves a clone
clean.  This script is the one explicit step that writes tracked files:

1. `python -m benchmark run` with its defaults (every built-in system, every
   task, 1,000 bootstrap resamples, seed 12345) into a temporary folder;
2. `python -m benchmark leaderboard` with its defaults on those runs;
3. copies `leaderboard.{md,csv,json}` here and rewrites the two README
   tables between their `<!-- published:… -->` markers from
   `leaderboard.json`, whose values are the runs' metrics.json values.

Review the diff before committing: a changed number means the scores changed.
`tests/test_published_results.py` checks the README tables against
`leaderboard.json` here and against a fresh run.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
README = ROOT / "README.md"
FILES = ("leaderboard.md", "leaderboard.csv", "leaderboard.json")
BLOCKS = ("run-table", "leaderboard")
"""README blocks, each between ``<!-- published:NAME:begin -->`` and ``<!-- published:NAME:end -->``."""


def fresh_leaderboard(tmp: Path) -> Path:
    """Run the README's commands with their defaults into ``tmp``; return the leaderboard folder."""
    from benchmark.cli.main import main

    runs, out = tmp / "runs", tmp  # links in the files read runs/<system>/<run>
    # report.html=false: the published tables link to no run report (run folders stay local).
    if main(["run", f"paths.results_dir={runs}", "report.html=false"]) != 0:
        raise SystemExit("python -m benchmark run failed")
    if main(["leaderboard", "--runs", str(runs), "--out", str(out)]) != 0:
        raise SystemExit("python -m benchmark leaderboard failed")
    return out


def _system_order() -> list[str]:
    """Systems in the order `python -m benchmark run` runs them (configs/system/all.yaml)."""
    from importlib import resources

    import yaml

    text = (resources.files("benchmark.configs") / "system" / "all.yaml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["members"])


def run_table(lb: dict[str, Any]) -> str:
    """The comparison table `python -m benchmark run` prints, rebuilt from the leaderboard's main metrics."""
    from benchmark.cli.run import comparison_table

    systems: dict[str, SimpleNamespace] = {}
    for task in lb["tasks"]:
        for row in task["rows"] + task["not_ranked"]:
            s = systems.setdefault(row["system"], SimpleNamespace(label=row["system"], ranked=row["ranked"],
                                                                  metrics={}))
            s.metrics[task["task"]] = [row["main"]]
    order = _system_order()
    ordered = sorted(systems.values(), key=lambda s: (order.index(s.label) if s.label in order else len(order),
                                                      s.label))
    # As printed into a pipe: 80 columns, no colour (so the README does not depend on a terminal).
    return comparison_table(ordered, width=80, colour=False)


def _settings(lb: dict[str, Any]) -> dict[str, str]:
    from benchmark.scoring.signature import parse_signature

    row = next(r for t in lb["tasks"] for r in t["rows"] + t["not_ranked"])
    sig = parse_signature(row["main"]["signature"])
    return {"boot": f"{int(sig['boot']):,}", "seed": sig["seed"], "conf": f"{100 * float(sig['conf']):g}%"}


def _para(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=78, break_on_hyphens=False, break_long_words=False)


def run_block(lb: dict[str, Any]) -> str:
    s = _settings(lb)
    intro = _para(f"`python -m benchmark run` (no overrides) printed, for the gold of SHA-256 "
                  f"`{lb['gold_sha256'][:8]}…` (main metric of each task; proportions in %, chrF++ on sacrebleu's "
                  f"0–100 scale; {s['conf']} percentile-bootstrap intervals over items, {s['boot']} resamples, "
                  f"seed {s['seed']}):")
    return f"{intro}\n\n```\n{run_table(lb)}\n```\n"


def _vs_best(row: dict[str, Any]) -> str:
    from benchmark.leaderboard.render import p_text, signed

    vs = row["vs_best"]
    if vs is None:
        return "best" if row["rank"] == 1 else "n/a"
    return f"{signed(vs['difference'], row['main'])}, p = {p_text(vs['p_bootstrap'])}, {p_text(vs['p_ar'])}"


def leaderboard_block(lb: dict[str, Any]) -> str:
    from benchmark.report.fmt import ci_text, value_text

    sig = lb["significance"]
    lines = ["| task | rank | system | main metric | 95% CI | vs best: Δ, p (bootstrap), p (AR) |",
             "|---|---|---|---|---|---|"]
    for task in lb["tasks"]:
        for row in task["rows"]:
            lines.append(f"| {task['task']} | {row['rank'] if row['rank'] is not None else '–'} | {row['system']} | "
                         f"{value_text(row['main'])} | {ci_text(row['main'])} | {_vs_best(row)} |")
    intro = _para(f"Current leaderboard ([`results/published/leaderboard.md`](results/published/leaderboard.md), "
                  f"gold `{lb['gold_sha256'][:8]}…`; paired bootstrap with {sig['n_resamples']:,} resamples and "
                  f"approximate randomization with {sig['ar_trials']:,} trials, seed {sig['seed']}; * marks "
                  f"p < {sig['alpha']:g}), main metrics:")
    return f"{intro}\n\n" + "\n".join(lines) + "\n"


def blocks(lb: dict[str, Any]) -> dict[str, str]:
    """The README blocks rendered from a leaderboard.json."""
    return {"run-table": run_block(lb), "leaderboard": leaderboard_block(lb)}


def _marker(name: str, end: str) -> str:
    return f"<!-- published:{name}:{end} -->"


def readme_blocks(text: str) -> dict[str, str]:
    """The current content of each block in the README text."""
    out = {}
    for name in BLOCKS:
        m = re.search(re.escape(_marker(name, "begin")) + r"\n(.*?)" + re.escape(_marker(name, "end")), text, re.S)
        if m is None:
            raise SystemExit(f"README.md: markers of block {name!r} not found")
        out[name] = m.group(1)
    return out


def splice(text: str, new: dict[str, str]) -> str:
    """``text`` with each block replaced by ``new[name]``."""
    for name, body in new.items():
        begin, end = _marker(name, "begin"), _marker(name, "end")
        head, rest = text.split(begin + "\n", 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{body}{end}{tail}"
    return text


def regenerate(*, check: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = fresh_leaderboard(Path(tmp))
        lb = json.loads((out / "leaderboard.json").read_text(encoding="utf-8"))
        new = blocks(lb)
        if check:
            stale = [name for name, body in readme_blocks(README.read_text(encoding="utf-8")).items()
                     if body != new[name]]
            for name in stale:
                print(f"README.md: block {name!r} differs from a fresh run; run {Path(__file__).name}")
            return 1 if stale else 0
        for name in FILES:
            shutil.copyfile(out / name, HERE / name)
            print(f"wrote {HERE / name}")
    README.write_text(splice(README.read_text(encoding="utf-8"), new), encoding="utf-8")
    print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate(check="--check" in sys.argv[1:]))
