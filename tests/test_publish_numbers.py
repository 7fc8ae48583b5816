"""Every number that leaves the project equals the run's metrics.json, on a stated scale.

One real `python -m benchmark run` of every built-in system (few resamples)
feeds every writer in the leaderboard and publish stages: the leaderboard's
Markdown, CSV and JSON, the results dataset (Parquet rows and card) and the
model-card entries (`.eval_results` and `model-index`).  Expected values are
derived here, independently of the package's scale function: sacrebleu's
metrics (chrF, chrF++, BLEU, TER and their quote-content variants) are on
sacrebleu's 0-100 scale by definition; every other metric of the harness is a
proportion, which a 0-100 display multiplies by 100 exactly once.

The licensing of both built repos is checked here too, on the same real
run: every file that holds article text must be one that LICENSE.md declares.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from benchmark.cli.main import main
from benchmark.gold.loading import load_corpus
from test_publish import offline_env

SACREBLEU_METRICS = {"chrf", "chrf++", "bleu", "ter", "quote_chrf++"}
"""By sacrebleu's definition these are 0-100 scores; the harness's own metrics are proportions."""


def hundred(name: str, value: float | None) -> float | None:
    """``value`` of metric ``name`` on a 0-100 display scale (independent of benchmark.scoring.scale)."""
    if value is None:
        return None
    return float(value) if name in SACREBLEU_METRICS else 100.0 * float(value)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Run every built-in system once, build the leaderboard, publish (dry run) with a model card for `copy`."""
    tmp = tmp_path_factory.mktemp("real")
    with pytest.MonkeyPatch.context() as mp:
        offline_env(mp, tmp)
        assert main(["run", f"paths.results_dir={tmp / 'runs'}", "scoring.n_resamples=20"]) == 0
        assert main(["leaderboard", "--runs", str(tmp / "runs"), "--out", str(tmp / "lb"), "--n-resamples", "20"]) == 0
        assert main(["publish", f"paths.results_dir={tmp / 'runs'}", f"hub.out_dir={tmp / 'hub'}",
                     f"hub.leaderboard_dir={tmp / 'lb'}", "hub.repo_id=org/q", "hub.results_repo_id=org/q-results",
                     "hub.model_id=org/mt", "hub.system=copy", "hub.model_index_metrics=all"]) == 0
    metrics = {}
    for path in sorted((tmp / "runs").glob("*/*/metrics.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        metrics[doc["system"]] = doc
    return tmp, metrics


def metric_of(metrics: dict, system: str, task: str, name: str) -> dict:
    return next(m for m in metrics[system]["tasks"][task] if m["name"] == name)


# --- model cards (.eval_results and model-index) --------------------------------------------------

def model_card(tmp: Path, system: str) -> tuple[list[dict], dict]:
    out = tmp / f"hub-{system}"
    assert main(["publish", f"paths.results_dir={tmp / 'runs'}", f"hub.out_dir={out}", "hub.repo_id=org/q",
                 f"hub.model_id=org/{system}", f"hub.system={system}", "hub.model_index_metrics=all",
                 "hub.include_run_files=false"]) == 0
    entries = yaml.safe_load((out / "model_card" / ".eval_results" / "q.yaml").read_text(encoding="utf-8"))
    index = yaml.safe_load((out / "model_card" / "model-index.yaml").read_text(encoding="utf-8"))
    return entries, index


def test_copy_chrf_is_not_multiplied_twice(real):
    tmp, metrics = real
    entries = yaml.safe_load((tmp / "hub" / "model_card" / ".eval_results" / "q.yaml").read_text(encoding="utf-8"))
    (entry,) = entries
    chrf = metric_of(metrics, "copy", "translation", "chrf++")
    assert 0 < chrf["value"] < 10  # the source as its own translation scores a few chrF++ points
    assert entry["value"] == round(chrf["value"], 2)
    assert entry["notes"] == f"metric chrf++, 95% bootstrap CI {chrf['ci_low']:.2f}-{chrf['ci_high']:.2f}"


@pytest.mark.parametrize("system", ["copy", "rules", "sklearn", "lexicon"])
def test_model_card_values_equal_metrics_json_for_every_metric_family(real, monkeypatch, system):
    tmp, metrics = real
    offline_env(monkeypatch, tmp)
    entries, index = model_card(tmp, system)
    doc = metrics[system]
    assert {e["dataset"]["task_id"] for e in entries} == set(doc["tasks"])
    for e in entries:
        main_metric = doc["tasks"][e["dataset"]["task_id"]][0]
        assert e["value"] == round(hundred(main_metric["name"], main_metric["value"]), 2), e
    (model,) = index["model-index"]
    seen = 0
    for result in model["results"]:
        task = result["task"]["name"]
        for m in result["metrics"]:
            expected = metric_of(metrics, system, task, m["type"])
            assert m["value"] == round(hundred(m["type"], expected["value"]), 2), (task, m)
            seen += 1
    defined = sum(m["value"] is not None for ms in doc["tasks"].values() for m in ms)
    assert seen == defined  # every defined metric, none invented


def test_every_metric_family_was_checked(real):
    _, metrics = real
    names = {m["name"].split(".")[0] for doc in metrics.values() for ms in doc["tasks"].values() for m in ms}
    for family in ("speaker_mention_f1", "quote_content_f1", "attribution_accuracy", "e2e_attribution_f1",
                   "stance_f_avg", "chrf++", "bleu", "ter", "quote_chrf++"):
        assert family in names, family


# --- the results dataset ---------------------------------------------------------------------------

def test_results_rows_equal_metrics_json_and_state_their_scale(real):
    import pyarrow.parquet as pq

    tmp, metrics = real
    data = tmp / "hub" / "results" / "data"
    checked = 0
    for path in sorted(data.glob("*/*.parquet")):
        for row in pq.read_table(path).to_pylist():
            m = metric_of(metrics, row["system_label"], row["task"], row["metric"])
            assert (row["value"], row["ci_low"], row["ci_high"]) == (m["value"], m["ci_low"], m["ci_high"])
            assert row["scale"] == ("0-100" if row["metric"] in SACREBLEU_METRICS else "0-1"), row["metric"]
            checked += 1
    assert checked > 100


def test_results_card_states_each_metrics_scale(real):
    from huggingface_hub import DatasetCard

    tmp, metrics = real
    text = DatasetCard.load(tmp / "hub" / "results" / "README.md").text
    assert "0–1 scale" not in text and "Values are on the" not in text  # no single scale claimed
    lines = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `0-")}
    names = {m["name"] for doc in metrics.values() for ms in doc["tasks"].values() for m in ms}
    for name in names:
        scale = "`0-100`" if name in SACREBLEU_METRICS else "`0-1`"
        other = "`0-1`" if scale == "`0-100`" else "`0-100`"
        shown = f"`{name.split('.')[0]}.*`" if "." in name else f"`{name}`"  # variants listed as a family
        assert shown in {c.strip() for c in lines[scale].split("|")[3].split(",")}, name
        assert shown not in {c.strip() for c in lines[other].split("|")[3].split(",")}, name


# --- the leaderboard files -------------------------------------------------------------------------

def test_leaderboard_files_equal_metrics_json(real):
    tmp, metrics = real
    lb = json.loads((tmp / "lb" / "leaderboard.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((tmp / "lb" / "leaderboard.csv").open(encoding="utf-8")))
    md = (tmp / "lb" / "leaderboard.md").read_text(encoding="utf-8")
    checked = 0
    for task in lb["tasks"]:
        for row in task["rows"] + task["not_ranked"]:
            m = metric_of(metrics, row["system"], task["task"], task["main_metric"])
            assert (row["main"]["value"], row["main"]["ci_low"], row["main"]["ci_high"]) == (
                m["value"], m["ci_low"], m["ci_high"])
            line = next(r for r in rows if (r["task"], r["system"]) == (task["task"], row["system"]))
            assert float(line["value"]) == m["value"] and float(line["ci_low"]) == m["ci_low"]
            shown = f"{hundred(m['name'], m['value']):.1f}" + ("" if m["name"] in SACREBLEU_METRICS else "%")
            ci = f"[{hundred(m['name'], m['ci_low']):.1f}, {hundred(m['name'], m['ci_high']):.1f}]"
            assert f"| {shown} | {ci} |" in md, (task["task"], row["system"])
            checked += 1
    assert checked == sum(len(doc["tasks"]) for doc in metrics.values())


# --- licensing: every file that holds article text is declared ---------------------------------------

WINDOW = 24
"""Characters of the article that count as a quotation of it (longer than any name or short phrase)."""


def article_windows() -> set[str]:
    return {d.text[i:i + WINDOW] for d in load_corpus().documents for i in range(len(d.text) - WINDOW)
            if not d.text[i:i + WINDOW].isascii()}


def file_text(path: Path) -> str:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False)
    if path.suffix == ".gz":  # per_item.jsonl.gz: what it holds, not its compressed bytes
        import gzip

        return gzip.decompress(path.read_bytes()).decode("utf-8")
    text = path.read_text(encoding="utf-8")
    return json.dumps(json.loads(text), ensure_ascii=False) if path.suffix == ".json" else text


def holds_article_text(path: Path, windows: set[str]) -> bool:
    text = file_text(path)
    return any(text[i:i + WINDOW] in windows for i in range(len(text) - WINDOW + 1))


def declared(folder: Path) -> list[str]:
    """The file patterns LICENSE.md lists as holding article text."""
    text = (folder / "LICENSE.md").read_text(encoding="utf-8")
    section = text.split("## 2.")[1].split("## 3.")[0]
    if "| file | where |" not in section:
        return []
    table = section.split("| file | where |")[1]
    return [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]


@pytest.mark.parametrize("repo", ["dataset", "results"])
def test_every_file_with_article_text_is_declared_in_the_licence(real, repo):
    import fnmatch

    from huggingface_hub import DatasetCard

    tmp, _ = real
    folder = tmp / "hub" / repo
    windows = article_windows()
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.name != "LICENSE.md" and holds_article_text(p, windows))
    patterns = declared(folder)
    assert found, "the built repo quotes the article somewhere (sanity check of the detector)"
    undeclared = [f for f in found if not any(fnmatch.fnmatchcase(f, p) for p in patterns)]
    assert undeclared == []
    card = DatasetCard.load(folder / "README.md").data.to_dict()
    assert (card["license"], card["license_link"]) == ("other", "LICENSE.md")
    assert card["license_name"] == "cc-by-4.0-with-third-party-article-text"
    assert "license_details" not in card


def test_results_without_run_files_hold_no_article_text_and_are_cc_by(real, monkeypatch):
    from huggingface_hub import DatasetCard

    tmp, _ = real
    offline_env(monkeypatch, tmp)
    out = tmp / "hub-scores-only"
    assert main(["publish", f"paths.results_dir={tmp / 'runs'}", f"hub.out_dir={out}",
                 f"hub.leaderboard_dir={tmp / 'lb'}", "hub.include_run_files=false"]) == 0
    folder = out / "results"
    windows = article_windows()
    assert [p for p in folder.rglob("*") if p.is_file() and holds_article_text(p, windows)] == []
    assert DatasetCard.load(folder / "README.md").data.to_dict()["license"] == "cc-by-4.0"
    assert "This repository holds none of it" in (folder / "LICENSE.md").read_text(encoding="utf-8")
    assert declared(folder) == []


def test_a_corpus_run_folder_holds_article_text_only_where_the_licence_says(tmp_path):
    """Every file of a 2-article run that quotes the article matches a RESULTS_ARTICLE_FILES pattern.

    A corpus run writes one page per article (articles/*.html) besides report.html.
    """
    import fnmatch

    from benchmark.publish.licensing import RESULTS_ARTICLE_FILES
    from corpus_copies import copy_corpus

    data = copy_corpus(tmp_path / "data", 2)
    runs = tmp_path / "runs"
    assert main(["run", "system=oracle", f"paths.data_dir={data}", f"paths.results_dir={runs}",
                 "scoring.n_resamples=20"]) == 0
    windows = article_windows()
    found = sorted(p.relative_to(tmp_path).as_posix() for p in runs.rglob("*")
                   if p.is_file() and holds_article_text(p, windows))
    assert any("/articles/" in f for f in found)  # the article pages do quote it (the detector works)
    patterns = [pattern for pattern, _ in RESULTS_ARTICLE_FILES]
    assert [f for f in found if not any(fnmatch.fnmatchcase(f, p) for p in patterns)] == []
