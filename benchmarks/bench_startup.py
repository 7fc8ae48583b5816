"""Start-up: the default run against the import time of the libraries it needs, side by side.

    python benchmarks/bench_startup.py [--repeat 7] [run overrides …]

Each repetition starts fresh processes, one after the other:

* **run**: ``python -m benchmark run`` with the default config (every built-in
  offline system on every task of the embedded article), its run folders
  written into a temporary ``paths.results_dir`` (nothing tracked is
  written);
* **imports**: ``python -c "import …"`` of the third-party libraries that run
  needs (:data:`NEEDED`, each with the reason it is needed), imported the
  way the run imports them (scikit-learn without its optional pandas path,
  see :mod:`benchmark.common.imports`);
* **python**: ``python -c pass``, the interpreter's own start-up, for context.

It prints the median wall time (and CPU time, user + system, which other
work on the machine disturbs less) of each and the ratio run / imports.  Then
it compares what the two processes imported: a third-party package the run
imports that the import line does not is listed (it is either needed, and
belongs in :data:`NEEDED`, or a start-up cost to remove); so is one the
import line has and the run does not.  Extra arguments are passed to the run
as Hydra overrides (``system=rules``); the import line then holds only the
entries of :data:`NEEDED` that this run imports (``system=rules`` needs no
scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NEEDED = {
    "hydra": "the run command is a Hydra app (composes configs/run.yaml, overrides, sweeps)",
    "omegaconf": "Hydra's config objects; the run config is read from them",
    "yaml": "config.yaml and overrides.yaml of each run folder (omegaconf imports it too)",
    "numpy": "per-item statistics, bootstrap resamples and the paired tests",
    "sacrebleu": "chrF++ and BLEU of the translation task",
    "jinja2": "report.html and the article pages are Jinja templates",
    "rapidfuzz": "the submission reader aligns quote text to the article (fuzzy_threshold)",
    "rich": "the comparison table on the terminal (and the progress bar on one)",
    "threadpoolctl": "the sklearn system fits with one BLAS thread",
    "sklearn.feature_extraction.text": "the sklearn system: TF-IDF character n-grams",
    "sklearn.linear_model": "the sklearn system: logistic regression (brings scipy)",
}
"""The third-party modules the default run imports because it uses them, and why."""

PLUGINS = "hydra_plugins"
"""Namespace of Hydra's plugins (the ``sweep`` extra's launchers): Hydra itself imports them when an app starts."""

SHOW_MODULES = "import json, sys; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"


def import_line(names: list[str]) -> str:
    """The program that imports ``names`` as the run does."""
    return "\n".join([
        "import sys",
        # The run imports scikit-learn with pandas blocked (benchmark.common.imports):
        # the same here, so both sides load the same libraries.
        "sys.modules['pandas'] = None",
        *(f"import {name}" for name in names),
        "del sys.modules['pandas']",
    ])


def timed(argv: list[str], **kwargs) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process; it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def modules_after(code: str, *args: str) -> set[str]:
    """``sys.modules`` at the end of ``python -c code args…`` (a fresh process; it prints them last)."""
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def run_modules(results: Path, overrides: list[str]) -> set[str]:
    """Every module imported by one run (the CLI entry point, as ``python -m benchmark run`` calls it)."""
    code = f"import sys; from benchmark.cli.main import main; code = main(sys.argv[1:]); {SHOW_MODULES}; sys.exit(code)"
    # One process (scoring.workers=1): systems that run side by side import their
    # libraries in forked workers, whose modules this process would not list.
    return modules_after(code, "run", f"paths.results_dir={results}", *overrides, "scoring.workers=1")


def third_party(modules: set[str]) -> set[str]:
    """Top-level names of the non-standard-library packages among ``modules`` (this project's left out)."""
    tops = {m.split(".")[0] for m in modules}
    return {t for t in tops if t not in sys.stdlib_module_names and not t.startswith("_") and t != "benchmark"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="repetitions (median reported; default 7)")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for the run (default: none)")
    args = parser.parse_args()
    # Bytecode caches as on a normal install: pip compiled the libraries' .pyc
    # files, so this project's own modules are compiled once (by the first,
    # untimed run below) rather than from source in every timed process.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    env = {**os.environ, "NO_COLOR": "1"}
    samples: dict[str, list[tuple[float, float]]] = {"run": [], "imports": [], "python": []}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        imported = run_modules(Path(tmp) / "modules", args.overrides)
        names = [name for name in NEEDED if name in imported]  # system=rules, say, needs no scikit-learn
        line = import_line(names)
        for i in range(max(1, args.repeat)):
            results = Path(tmp) / f"runs-{i}"
            samples["python"].append(timed([sys.executable, "-c", "pass"], cwd=ROOT, env=env))
            samples["imports"].append(timed([sys.executable, "-c", line], cwd=ROOT, env=env))
            samples["run"].append(timed([sys.executable, "-m", "benchmark", "run", f"paths.results_dir={results}",
                                         *args.overrides], cwd=ROOT, env=env))
    line_mods = modules_after(f"{line}\n{SHOW_MODULES}")
    wall = {k: statistics.median(w for w, _ in v) for k, v in samples.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in samples.items()}
    command = " ".join(["python -m benchmark run", *args.overrides])
    print(f"median of {len(samples['run'])} fresh processes each (wall / CPU user+system):")
    print(f"  run      {wall['run']:6.2f} s / {cpu['run']:5.2f} s   {command}")
    print(f"  imports  {wall['imports']:6.2f} s / {cpu['imports']:5.2f} s   import {', '.join(names)}")
    print(f"  python   {wall['python']:6.2f} s / {cpu['python']:5.2f} s   python -c pass")
    print(f"ratio run / imports: {wall['run'] / wall['imports']:.2f} (wall), {cpu['run'] / cpu['imports']:.2f} (CPU)")
    print(f"run beyond the imports: {wall['run'] - wall['imports']:.2f} s wall")
    only_run, only_line = sorted(third_party(imported) - third_party(line_mods)), sorted(
        third_party(line_mods) - third_party(imported))
    if PLUGINS in only_run:  # Hydra imports its installed plugins (launchers, sweepers) at every app start
        only_run.remove(PLUGINS)
        print(f"Hydra's installed plugins ({PLUGINS}) are imported by the run: Hydra scans them at start-up")
    print("third-party packages the run imports beyond the import line: " + (", ".join(only_run) or "none"))
    print("imported by the import line but not by the run: " + (", ".join(only_line) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
