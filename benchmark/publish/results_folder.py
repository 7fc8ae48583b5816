"""The results dataset: one config per system, one split per selected run, plus ``latest``.

Layout (the lm-evaluation-harness / lighteval "details" convention)::

    README.md                       card; YAML `configs:` lists every split's Parquet file
    LICENSE.md                      what is CC BY 4.0 and what is the article's (:mod:`.licensing`)
    data/<system>/<split>.parquet   one row per (task, metric) of one run
    data/<system>/latest.parquet    per task, the rows of the newest selected run for it
    leaderboard.{md,csv,json,html}  copied when the leaderboard has been built
    runs/<system>/<run>/…           the selected run folders themselves (optional)

Values are exactly the runs' ``metrics.json`` numbers; the ``scale`` column
and the card say, per metric, whether they are proportions (0–1) or
sacrebleu points (0–100) (:mod:`benchmark.scoring.scale`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmark.publish.licensing import (LICENSE_FILE, RESULTS_ARTICLE_FILES, RESULTS_OURS, RESULTS_WHY,
                                         card_license, license_text)
from benchmark.publish.runs import LATEST, RunSet, result_rows
from benchmark.scoring.scale import POINTS, PROPORTION
from benchmark.scoring.signature import parse_signature

LEADERBOARD_FILES = ("leaderboard.md", "leaderboard.csv", "leaderboard.json", "leaderboard.html")

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("system", "string", "system folder name (= config name)"),
    ("system_label", "string", "system label recorded by the run"),
    ("run_id", "string", "`<system>/<run folder>`: the run folder under `results/runs/`"),
    ("split", "string", "split holding this run"),
    ("ranked", "bool", "false for sanity checks (the oracle) that are never ranked"),
    ("task", "string", "benchmark task (speakers, quotes, attribution, end2end, stance, translation)"),
    ("metric", "string", "metric name, unique within its task"),
    ("is_main", "bool", "true for the task's main metric (the one leaderboards rank on)"),
    ("value", "float64", "metric value exactly as in the run's `metrics.json`, on the scale in `scale`; "
                         "null when undefined (zero denominator)"),
    ("ci_low", "float64", "lower end of the percentile bootstrap confidence interval (same scale)"),
    ("ci_high", "float64", "upper end of the interval (same scale)"),
    ("scale", "string", f"`{PROPORTION}` (a proportion) or `{POINTS}` (sacrebleu's points); see below"),
    ("higher_is_better", "bool", "direction of the metric"),
    ("signature", "string", "every setting that changes the value (see below)"),
    ("n_items", "int64", "resampling units behind the value and interval"),
    ("gold_sha256", "string", "checksum of the gold version the run was scored on"),
    ("config_hash", "string", "hash of the run's resolved configuration"),
    ("n_resamples", "int64", "bootstrap resamples"),
    ("confidence", "float64", "confidence level of the interval"),
    ("scoring_seed", "int64", "seed of the bootstrap"),
    ("started_utc", "string", "ISO-8601 start time of the run"),
    ("benchmark_version", "string", "version of this harness"),
    ("python", "string", "Python version"),
    ("git_commit", "string", "commit of the harness repository (null outside git)"),
    ("versions", "string", "JSON object: installed version of every package that can change a score"),
    ("details", "string", "JSON object: raw counts, confusion matrices, undefined resamples"),
)


def arrow_schema():
    """The Arrow schema of every results Parquet file (explicit, so nulls keep their type)."""
    import pyarrow as pa

    types = {"string": pa.string(), "bool": pa.bool_(), "float64": pa.float64(), "int64": pa.int64()}
    return pa.schema([(name, types[kind]) for name, kind, _ in COLUMNS])


def card_metadata(runs: RunSet, *, pretty_name: str, dataset_repo_id: str | None,
                  holds_article_text: bool) -> dict[str, Any]:
    """The card's YAML metadata: licence, tags and one ``configs`` entry per system."""
    configs = []
    for system, records in runs.by_system.items():
        files = [{"split": r.split, "path": f"data/{system}/{r.split}.parquet"} for r in records]
        files.append({"split": LATEST, "path": f"data/{system}/{LATEST}.parquet"})
        configs.append({"config_name": system, "data_files": files})
    meta: dict[str, Any] = {"pretty_name": pretty_name, **card_license(holds_article_text=holds_article_text),
                            "language": ["ar", "en"],
                            "tags": ["evaluation", "leaderboard", "benchmark-results", "quote-attribution", "arabic"],
                            "size_categories": ["n<1K"]}
    if dataset_repo_id:
        meta["source_datasets"] = [dataset_repo_id]
    meta["configs"] = configs
    return meta


def _signature_section(runs: RunSet) -> str:
    example = next((r.metrics["tasks"][t][0]["signature"] for r in runs.records() for t in r.tasks), None)
    text = """## Reading a signature
A signature lists, in one line, the metric and every setting that changes its
value: `metric|key:value|…`. After the metric's own options (scheme, level,
normalisation) come the bootstrap settings behind the interval (`boot`,
`conf`, `seed`), the first 12 hex characters of the gold checksum (`gold`), the
harness version (`benchmark`) and the versions of the packages that computed
it. A sacrebleu metric keeps sacrebleu's own signature whole as the value of
`sacrebleu_sig`, and says `scale:0-100`. A backslash escapes `\\`, `|`, `[` and `]`
inside a value. Two numbers are comparable only when their signatures agree
apart from package versions; `benchmark.scoring.signature.parse_signature`
splits one into a dict.
"""
    if example:
        text += f"\nExample: `{example}`\n\n| key | value |\n|---|---|\n"
        text += "\n".join(f"| `{k}` | `{v}` |" for k, v in parse_signature(example).items()) + "\n"
    return text


def scale_section(rows: list[dict[str, Any]]) -> str:
    """The card's table of which metric is on which scale, from the published rows themselves."""
    by_scale: dict[str, set[str]] = {}
    for row in rows:  # a family's variants (`quote_content_f1.strict.char`, …) share their scale
        name = row["metric"]
        by_scale.setdefault(row["scale"], set()).add(name.split(".")[0] + ".*" if "." in name else name)
    meaning = {PROPORTION: "a proportion in [0, 1] (F1, accuracy, F_avg, agreement rates); the leaderboard "
                           "and model cards show it ×100 as a percentage",
               POINTS: "sacrebleu's own 0–100 points (chrF, chrF++, BLEU, TER and their quote-content "
                       "variants); shown as they are, never multiplied"}
    lines = [f"| `{scale}` | {meaning[scale]} | {', '.join(f'`{m}`' for m in sorted(names))} |"
             for scale, names in sorted(by_scale.items()) if scale in meaning]
    return ("## Scale of each metric\nValues are stored exactly as the runs' `metrics.json` wrote them, so "
            "two scales coexist; the `scale` column names the one of each row. `name.*` stands for every "
            "variant of a metric (scheme, level, quote type).\n\n"
            "| scale | meaning | metrics |\n|---|---|---|\n" + "\n".join(lines) + "\n")


def _systems_section(runs: RunSet) -> str:
    rows = []
    for system, records in runs.by_system.items():
        latest = runs.latest(system)
        newest = records[-1]
        uses = ", ".join(f"{t}: `{r.split}`" for t, r in latest.items())
        rows.append(f"| `{system}` | {newest.label} | {'yes' if newest.ranked else 'no (sanity check)'} | "
                    f"{len(records)} | {uses} |")
    how = ("the run folders listed in `hub.runs`" if runs.rule != "leaderboard" else
           "the leaderboard's rule: for each system and task, the newest run against the current gold")
    return (f"## Systems\nRuns published: {how} (gold `{runs.gold_sha256[:12]}`).\n\n"
            "| config | label | ranked | runs | `latest`: task → split |\n|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n")


def _intro(runs: RunSet, *, pretty_name: str, dataset_repo_id: str | None) -> str:
    gold = f"[`{dataset_repo_id}`](https://huggingface.co/datasets/{dataset_repo_id})" if dataset_repo_id else "the gold"
    first = next(iter(runs.by_system), "<system>")
    return f"""# {pretty_name}

Scores of every published system on {gold}, one row per (task, metric) of
each run, with percentile bootstrap confidence intervals and the signature of
every number. Written by `python -m benchmark publish`.

- **Configs**: one per system.
- **Splits**: one per published run (the run folder name, made a legal split
  name), plus `latest`: for each task, the rows of the system's newest
  published run for that task, the run the leaderboard ranks.

```python
from datasets import load_dataset
rows = load_dataset("<this repo>", "{first}", split="latest")
main = rows.filter(lambda r: r["is_main"])
```

Tasks a system did not attempt have no rows (never zeros). Licence: see
`LICENSE.md`.
"""


RUN_FOLDERS_SECTION = """
## Run folders
`runs/<system>/<run>/` holds each published run folder as the harness wrote it:

- `metrics.json`: every metric with its confidence interval and signature;
- `per_item.jsonl.gz`: the per-item sufficient statistics, one JSON object per scored item (JSON Lines,
  gzip-compressed), from which the bootstrap intervals and paired tests can be recomputed. Read it with
  `pandas.read_json("per_item.jsonl.gz", lines=True)` (pandas infers the compression from the name),
  `datasets.load_dataset("json", data_files="runs/<system>/<run>/per_item.jsonl.gz")`, or
  `zcat per_item.jsonl.gz | head`. Run folders written before this file existed hold the same rows
  uncompressed, as `per_item.jsonl`;
- `predictions.jsonl`, `manifest.json` (command, seeds, versions, git state) and the reports.

Predictions and reports quote the article, whose text is not ours: see `LICENSE.md`.
"""
"""The results card's section on the copied run folders (when they are uploaded)."""


def results_card(runs: RunSet, *, pretty_name: str, dataset_repo_id: str | None, leaderboard: tuple[str, ...],
                 run_files: bool, rows: list[dict[str, Any]]) -> str:
    """The ``README.md`` text of the results repo (``rows``: every published result row)."""
    import yaml

    meta = card_metadata(runs, pretty_name=pretty_name, dataset_repo_id=dataset_repo_id, holds_article_text=run_files)
    columns = "\n".join(f"| `{name}` | {kind} | {doc} |" for name, kind, doc in COLUMNS)
    body = (_intro(runs, pretty_name=pretty_name, dataset_repo_id=dataset_repo_id) + "\n"
            + _systems_section(runs) + "\n" + scale_section(rows)
            + f"\n## Columns\n| column | type | meaning |\n|---|---|---|\n{columns}\n\n" + _signature_section(runs))
    if leaderboard:
        body += ("\n## Leaderboard\nBuilt by `python -m benchmark leaderboard` from these runs: "
                 + ", ".join(f"[`{f}`]({f})" for f in leaderboard) + ".\n")
    if run_files:
        body += RUN_FOLDERS_SECTION
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def _write_rows(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), path, compression="zstd")


def _copy_leaderboard(leaderboard_dir: Path | None, out: Path) -> tuple[str, ...]:
    copied = []
    for name in LEADERBOARD_FILES if leaderboard_dir is not None else ():
        src = Path(leaderboard_dir) / name
        if src.is_file():
            shutil.copyfile(src, out / name)
            copied.append(name)
    return tuple(copied)


def write_results_folder(runs: RunSet, out: Path, *, corpus, pretty_name: str, dataset_repo_id: str | None,
                         leaderboard_dir: Path | None, include_run_files: bool) -> dict[str, dict[str, int]]:
    """Write the results dataset into ``out`` (a fresh folder); return rows per system and split."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    every: list[dict[str, Any]] = []
    for system, records in runs.by_system.items():
        counts[system] = {}
        for r in records:
            rows = result_rows(r)
            _write_rows(rows, out / "data" / system / f"{r.split}.parquet")
            counts[system][r.split] = len(rows)
            every += rows
            if include_run_files:
                shutil.copytree(r.path, out / "runs" / system / r.run_name)
        latest = [row for task, r in runs.latest(system).items() for row in result_rows(r) if row["task"] == task]
        _write_rows(latest, out / "data" / system / f"{LATEST}.parquet")
        counts[system][LATEST] = len(latest)
    copied = _copy_leaderboard(leaderboard_dir, out)
    card = results_card(runs, pretty_name=pretty_name, dataset_repo_id=dataset_repo_id, leaderboard=copied,
                        run_files=include_run_files, rows=every)
    (out / "README.md").write_text(card, encoding="utf-8")
    article = RESULTS_ARTICLE_FILES if include_run_files else ()
    (out / LICENSE_FILE).write_text(license_text(corpus, what_is_ours=RESULTS_OURS, article_files=article,
                                                 why_included=RESULTS_WHY),
                                    encoding="utf-8")
    return counts
