"""The results dataset: one config per system, one split per run, plus ``latest``.

Layout (the lm-evaluation-harness / lighteval "details" convention)::

    README.md                       card; YAML `configs:` lists every split's Parquet file
    data/<system>/<split>.parquet   one row per (task, metric) of one run
    leaderboard.{md,csv,json,html}  copied when the leaderboard has been built
    runs/<system>/<run>/…           the run folders themselves (optional)

The ``latest`` split of a system points at the same Parquet file as its
newest run against the *current* gold (the run the leaderboard would use), so
nothing is stored twice and ``latest`` can never disagree with the run it
names.  Runs against another gold version keep their own splits (history);
a system with no run against the current gold has no ``latest`` split.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from benchmark.scoring.signature import parse_signature
from benchmark.publish.runs import LATEST, RunSet, result_rows

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
    ("value", "float64", "metric value on the 0–1 scale; null when undefined (zero denominator)"),
    ("ci_low", "float64", "lower end of the percentile bootstrap confidence interval"),
    ("ci_high", "float64", "upper end of the interval"),
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


def card_metadata(runs: RunSet, *, license_id: str, pretty_name: str,
                  dataset_repo_id: str | None) -> dict[str, Any]:
    """The card's YAML metadata: license, tags and one ``configs`` entry per system."""
    configs = []
    for system, records in runs.by_system.items():
        files = [{"split": r.split, "path": f"data/{system}/{r.split}.parquet"} for r in records]
        latest = runs.latest(system)
        if latest is not None:
            files.append({"split": LATEST, "path": f"data/{system}/{latest.split}.parquet"})
        configs.append({"config_name": system, "data_files": files})
    meta: dict[str, Any] = {
        "pretty_name": pretty_name,
        "license": license_id,
        "language": ["ar", "en"],
        "tags": ["evaluation", "leaderboard", "benchmark-results", "quote-attribution", "arabic"],
        "size_categories": ["n<1K"],
    }
    if dataset_repo_id:
        meta["source_datasets"] = [dataset_repo_id]
    meta["configs"] = configs
    return meta


def _signature_section(runs: RunSet) -> str:
    example = next((r.metrics["tasks"][t][0]["signature"] for rs in runs.by_system.values() for r in rs
                    for t in r.metrics["tasks"] if r.metrics["tasks"][t]), None)
    text = """## Reading a signature
A signature lists, in one line, the metric and every setting that changes its
value: `metric|key:value|…`. After the metric's own options (scheme, level,
normalisation) come the bootstrap settings behind the interval (`boot`,
`conf`, `seed`), the first 12 hex characters of the gold checksum (`gold`), the
harness version (`benchmark`) and the versions of the packages that computed
it. A sacrebleu metric keeps sacrebleu's own signature whole as the value of
`sacrebleu_sig`. A backslash escapes `\\`, `|`, `[` and `]` inside a value.
Two numbers are comparable only when their signatures agree apart from
package versions; `benchmark.scoring.signature.parse_signature` splits one
into a dict.
"""
    if example:
        parsed = parse_signature(example)
        text += f"\nExample: `{example}`\n\n| key | value |\n|---|---|\n"
        text += "\n".join(f"| `{k}` | `{v}` |" for k, v in parsed.items()) + "\n"
    return text


def results_card(runs: RunSet, *, license_id: str, pretty_name: str,
                 dataset_repo_id: str | None, leaderboard: tuple[str, ...], run_files: bool) -> str:
    """The ``README.md`` text of the results repo."""
    meta = card_metadata(runs, license_id=license_id, pretty_name=pretty_name, dataset_repo_id=dataset_repo_id)
    gold = f"[`{dataset_repo_id}`](https://huggingface.co/datasets/{dataset_repo_id})" if dataset_repo_id else "the gold"
    first = next((s for s in runs.by_system if runs.latest(s) is not None), "<system>")
    rows = []
    without = []
    for system, records in runs.by_system.items():
        latest = runs.latest(system)
        newest = latest or records[-1]
        shas = sorted({r.gold_sha256[:12] for r in records})
        rows.append(f"| `{system}` | {newest.label} | {'yes' if newest.ranked else 'no (sanity check)'} | "
                    f"{len(records)} | {f'`{latest.split}`' if latest else 'none'} | "
                    f"{', '.join(f'`{s}`' for s in shas)} |")
        if latest is None:
            without.append(f"`{system}`")
    current = runs.gold_sha256[:12]
    no_latest = ""
    if without:
        whose = "its" if len(without) == 1 else "their"
        no_latest = (f"\n**No `latest` split** for {', '.join(without)}: none of {whose} runs was scored "
                     f"against the current gold (`{current}`); {whose} runs are kept as history splits only.\n")
    columns = "\n".join(f"| `{name}` | {kind} | {doc} |" for name, kind, doc in COLUMNS)
    body = f"""# {pretty_name}

Scores of every published system on {gold}, one row per (task, metric) of
each run, with percentile bootstrap confidence intervals and the signature of
every number. Written by `python -m benchmark publish`.

- **Configs**: one per system.
- **Splits**: one per run (the run folder name, made a legal split name), plus
  `latest`, the system's newest run against the current gold (`{runs.gold_sha256[:12]}`), the
  run the leaderboard uses. Runs against an older gold stay as history splits.

```python
from datasets import load_dataset
rows = load_dataset("<this repo>", "{first}", split="latest")
main = rows.filter(lambda r: r["is_main"])
```

Tasks a system did not attempt have no rows (never zeros). Values are on the
0–1 scale; leaderboards and model cards show them ×100.

## Systems
| config | label | ranked | runs | latest | gold (sha256[:12]) |
|---|---|---|---|---|---|
{chr(10).join(rows)}
{no_latest}
## Columns
| column | type | meaning |
|---|---|---|
{columns}

{_signature_section(runs)}"""
    if leaderboard:
        body += "\n## Leaderboard\n" + "Built by `python -m benchmark leaderboard` from these runs: " + \
                ", ".join(f"[`{f}`]({f})" for f in leaderboard) + ".\n"
    if run_files:
        body += ("\n## Run folders\n`runs/<system>/<run>/` holds each run folder as the harness wrote it: "
                 "`metrics.json`, `per_item.jsonl` (per-item sufficient statistics: bootstrap intervals and "
                 "paired tests can be recomputed from them), `predictions.jsonl`, `manifest.json` "
                 "(command, seeds, versions, git state) and the reports.\n")
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def write_results_folder(runs: RunSet, out: Path, *, license_id: str, pretty_name: str,
                         dataset_repo_id: str | None, leaderboard_dir: Path | None,
                         include_run_files: bool) -> dict[str, dict[str, int]]:
    """Write the results dataset into ``out`` (a fresh folder); return rows per system and split."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema()
    counts: dict[str, dict[str, int]] = {}
    for system, records in runs.by_system.items():
        counts[system] = {}
        for r in records:
            rows = result_rows(r)
            path = out / "data" / system / f"{r.split}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression="zstd")
            counts[system][r.split] = len(rows)
            if include_run_files:
                shutil.copytree(r.path, out / "runs" / system / r.run_name)
        latest = runs.latest(system)
        if latest is not None:
            counts[system][LATEST] = counts[system][latest.split]
    copied = []
    if leaderboard_dir is not None:
        for name in LEADERBOARD_FILES:
            src = Path(leaderboard_dir) / name
            if src.is_file():
                shutil.copyfile(src, out / name)
                copied.append(name)
    card = results_card(runs, license_id=license_id, pretty_name=pretty_name, dataset_repo_id=dataset_repo_id,
                        leaderboard=tuple(copied), run_files=include_run_files)
    (out / "README.md").write_text(card, encoding="utf-8")
    return counts
