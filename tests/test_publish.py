"""`python -m benchmark publish`: settings, the built folders, and that they load offline.

Run folders are written here in the harness's format (metrics.json,
manifest.json, per_item.jsonl.gz) so these tests do not depend on any system;
``test_publish_upload.py`` covers the upload path with a fake HfApi.
Nothing here touches the network: get_token is patched to None (dry run),
HF_HUB_OFFLINE is set and no HfApi is ever created.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from benchmark.cli.main import main
from benchmark.errors import ConfigError
from benchmark.harness.rundir import PER_ITEM, gzip_jsonl, jsonl_bytes
from benchmark.publish.parquet import CONFIGS
from benchmark.gold.loading import load_corpus
from benchmark.publish import load_settings
from benchmark.publish.dataset_folder import TASK_CONFIGS
from benchmark.publish.runs import candidates, read_runs, select, split_name, unique_split_names
from benchmark.scoring.signature import metric_signature

GOLD_SHA = load_corpus().sha256
RUNS = {  # system folder → (label, ranked, run folder names oldest first)
    "rules": ("rules", True, ["20250218T093000Z-aaaa1111", "20250219T101500Z-bbbb2222"]),
    "oracle": ("oracle", False, ["20250218T093100Z-cccc3333"]),
    "my-tagger": ("org/my-tagger", True, ["20250220T080000Z-dddd4444"]),
}


SACREBLEU = (("sacrebleu_sig", "[chrF2++|nrefs:1]"), ("scale", "0-100"))
"""Signature fields of a sacrebleu metric, as benchmark/scoring/translation.py writes them."""
PER_ITEM_ROW = {"task": "stance", "doc_id": "d", "item": "s1", "stats": {"f": [1, 0]}}
"""A per-item row of the fake runs (what a run folder's per_item.jsonl.gz holds)."""


def _metric(name: str, value: float | None, *, n: int = 12, fields=(("scheme", "strict"),)) -> dict:
    sig = metric_signature(name.split(".")[0], fields=fields, n_resamples=1000, seed=12345, confidence=0.95,
                           gold_sha256=GOLD_SHA, packages=("numpy",))
    top = 100.0 if ("scale", "0-100") in fields else 1.0  # sacrebleu scores are 0-100, the rest 0-1
    lo = None if value is None else max(0.0, value - 0.1 * top)
    hi = None if value is None else min(top, value + 0.1 * top)
    return {"name": name, "value": value, "ci_low": lo, "ci_high": hi, "signature": sig, "n_items": n,
            "higher_is_better": True, "details": {"tp": 3, "pos": 4}}


def run_metrics(system: str, k: int) -> dict[str, list[dict]]:
    """Task → metrics (main first); values differ per system and run index ``k``."""
    def v(base: float) -> float:
        return 1.0 if system == "oracle" else round(base + 0.05 * k, 4)

    tasks = {
        "speakers": [_metric("speaker_f1", v(0.5))],
        "quotes": [_metric("quote_content_f1.proportional.char", v(0.6)),
                   _metric("quote_content_f1.strict.char", v(0.4))],
        "attribution": [_metric("attribution_accuracy", v(0.7), n=33)],
        "end2end": [_metric("end2end_f1.proportional.char", v(0.35))],
        "stance": [_metric("stance_f_avg", v(0.3), n=20), _metric("stance_f_favor", None, n=20)],
    }
    if system != "rules":
        tasks["translation"] = [_metric("chrf++", round(100 * v(0.45), 2), fields=SACREBLEU)]
    return tasks


def write_run(results_dir: Path, system: str, label: str, ranked: bool, name: str, k: int,
              extra: dict | None = None) -> Path:
    """A run folder in the harness's format (what benchmark/harness/runner.py writes)."""
    d = results_dir / system / name
    d.mkdir(parents=True)
    tasks = run_metrics(system, k)
    metrics = {"system": label, "system_name": system, "ranked": ranked, "gold_sha256": GOLD_SHA,
               "config_hash": name[-8:], "tasks": tasks,
               "not_attempted": [t for t in TASK_CONFIGS if t not in tasks],
               "scoring": {"n_resamples": 1000, "confidence": 0.95, "seed": 12345}}
    manifest = {"system": {"label": label, "name": system, "ranked": ranked}, "gold_sha256": GOLD_SHA,
                "config_hash": name[-8:], "started_utc": name[:16], "seed": 12345,
                "environment": {"python": "3.11.9", "packages": {"arabic-quote-benchmark": "0.1.0",
                                                                  "numpy": "2.1.0", "sacrebleu": "2.4.3"},
                                "git": {"commit": "0123abcd" * 5, "dirty": False}},
                **(extra or {})}
    (d / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    (d / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (d / PER_ITEM).write_bytes(gzip_jsonl([jsonl_bytes([PER_ITEM_ROW, {**PER_ITEM_ROW, "item": "s2"}])]))
    return d


def make_runs(results_dir: Path) -> Path:
    for system, (label, ranked, names) in RUNS.items():
        for k, name in enumerate(names):
            write_run(results_dir, system, label, ranked, name, k)
    # A half-written run (hidden temporary folder) must be ignored.
    (results_dir / "rules" / ".tmp-20250301T000000Z-eeee5555").mkdir()
    return results_dir


def offline_env(mp: pytest.MonkeyPatch, tmp: Path, *, token: str | None = None) -> None:
    """No network, no real login cache; ``token`` (if any) in HF_TOKEN, else no token at all."""
    import datasets
    import huggingface_hub
    from huggingface_hub import constants

    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("HF_DATASETS_OFFLINE", "1")
    mp.setenv("HF_HOME", str(tmp / "hf"))
    mp.setattr(constants, "HF_HUB_OFFLINE", True)
    mp.setattr(constants, "HF_TOKEN_PATH", str(tmp / "hf" / "token"))
    mp.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    # A fresh datasets cache: its fingerprint of a local folder can match a
    # folder of an earlier test session and return stale rows.
    mp.setattr(datasets.config, "HF_DATASETS_CACHE", tmp / "hf" / "datasets")
    mp.delenv("HF_OIDC_RESOURCE", raising=False)
    mp.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    if token is None:
        mp.delenv("HF_TOKEN", raising=False)
        mp.setattr(huggingface_hub, "get_token", lambda: None)
    else:
        mp.setenv("HF_TOKEN", token)
    if importlib.util.find_spec("benchmark.scoring.agreement") is None:
        # The dataset card's agreement section needs benchmark.scoring.agreement, written
        # separately; until it lands, the card is built without that section.
        mp.setattr("benchmark.publish.dataset_card._agreement_section", lambda data_dir: "(agreement not computed)\n")


def publish_args(tmp: Path, *extra: str) -> list[str]:
    return ["publish", f"paths.results_dir={tmp / 'runs'}", f"hub.out_dir={tmp / 'hub'}",
            f"hub.leaderboard_dir={tmp}", *extra]


class NoHfApi:
    """Fails the test if anything tries to talk to the Hub."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("HfApi must not be created in a dry run")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One dry-run publish with repo ids, a model card and leaderboard files."""
    import huggingface_hub

    tmp = tmp_path_factory.mktemp("publish")
    make_runs(tmp / "runs")
    (tmp / "leaderboard.md").write_text("| rank | system |\n|---|---|\n| 1 | rules |\n", encoding="utf-8")
    (tmp / "leaderboard.csv").write_text("rank,system\n1,rules\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        offline_env(mp, tmp)
        mp.setattr(huggingface_hub, "HfApi", NoHfApi)
        code = main(publish_args(tmp, "hub.repo_id=org/arabic-quotes", "hub.results_repo_id=org/arabic-quotes-results",
                                 "hub.model_id=org/my-tagger", "hub.system=my-tagger"))
    assert code == 0
    return tmp / "hub"


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    offline_env(monkeypatch, tmp_path)


# --- settings ---------------------------------------------------------------------------------

def test_settings_defaults_and_typed_overrides():
    s = load_settings([])
    assert (s.repo_id, s.results_repo_id, s.dry_run, s.out_dir, s.results_dir) == (
        None, None, None, "results/hub", "results/runs")
    s = load_settings(["hub.dry_run=false", "hub.private=true", "hub.systems=[rules,oracle]", "paths.data_dir=/x"])
    assert (s.dry_run, s.private, s.systems, s.data_dir) == (False, True, ("rules", "oracle"), "/x")


@pytest.mark.parametrize("override, message", [
    ("hub.repo_idd=org/x", "Unknown publish setting 'hub.repo_idd'. Did you mean 'hub.repo_id'?"),
    ("hub.dryrun=true", "Did you mean 'hub.dry_run'?"),
    ("paths.result_dir=x", "Did you mean 'paths.results_dir'?"),
    ("hub.repo_id=not-a-repo-id", "expected a Hub repo id 'owner/name'"),
    ("hub.dry_run=maybe", "expected true, false or null"),
    ("hub.model_index_metrics=some", "Unknown model_index_metrics value 'some'"),
    ("hub.model_id=org/m", "hub.system is missing"),
    ("repo_id", "expected key=value"),
])
def test_bad_settings_name_the_problem(override, message):
    with pytest.raises(ConfigError) as err:
        load_settings([override])
    assert message in str(err.value)


def test_a_token_setting_is_refused_without_echoing_it(capsys):
    secret = "hf_SECRETtoken123"
    for key in ("hub.token", "hub.hf_token"):
        with pytest.raises(ConfigError) as err:
            load_settings([f"{key}={secret}"])
        assert "HF_TOKEN" in str(err.value) and secret not in str(err.value)
    assert main(["publish", f"hub.token={secret}"]) == 2
    out = capsys.readouterr()
    assert "never read from settings" in out.err and secret not in out.out + out.err


def test_every_harness_task_has_a_dataset_config():
    from importlib import resources

    names = yaml.safe_load((resources.files("benchmark.configs") / "task" / "all.yaml").read_text())["names"]
    assert list(TASK_CONFIGS) == names
    assert set(TASK_CONFIGS.values()) <= set(CONFIGS)


# --- runs and split names -----------------------------------------------------------------------

@pytest.mark.parametrize("run_name, split", [
    ("20250218T093000Z-ab12cd34", "20250218T093000Z_ab12cd34"),
    ("20250218T093000Z-ab12cd34-2", "20250218T093000Z_ab12cd34_2"),
    ("run.v1 (copy)", "run_v1__copy_"),
    ("نتيجة", "_____"),
    ("", "run"),
])
def test_split_names_follow_the_hub_rule(run_name, split):
    import re

    assert split_name(run_name) == split
    assert re.fullmatch(r"\w+(\.\w+)*", split, flags=re.ASCII)


def test_split_names_are_unique_and_never_latest():
    assert unique_split_names(["a-b", "a_b", "a.b", "latest"]) == ["a_b", "a_b_2", "a_b_3", "latest_run"]


def selected(results_dir: Path, *, systems=None, runs=None, gold=GOLD_SHA):
    records, skipped = read_runs(results_dir)
    pool = candidates(records, systems=systems, runs=runs)
    return select(records, pool, gold_sha256=gold, explicit=runs is not None, skipped=skipped)


def test_runs_are_read_in_time_order_and_hidden_folders_skipped(tmp_path):
    make_runs(tmp_path / "runs")
    records, skipped = read_runs(tmp_path / "runs")
    assert [r.run_id for r in records if r.system == "rules"] == [f"rules/{n}" for n in RUNS["rules"][2]]
    assert skipped == []
    runs = selected(tmp_path / "runs")
    assert sorted(runs.by_system) == ["my-tagger", "oracle", "rules"]
    # The leaderboard's rule: only the newest rules run is published; the older one is accounted for.
    assert [r.run_name for r in runs.by_system["rules"]] == ["20250219T101500Z-bbbb2222"]
    assert {t: r.started_utc for t, r in runs.latest("rules").items()} == {
        t: "2025-02-19T10:15:00Z" for t in ("attribution", "end2end", "quotes", "speakers", "stance")}
    assert runs.not_selected == (("rules/20250218T093000Z-aaaa1111",
                                  "a newer run is used for each of its tasks: rules/20250219T101500Z-bbbb2222"),)
    with pytest.raises(ConfigError, match="Did you mean 'rules'"):
        selected(tmp_path / "runs", systems=("rulez",))


# --- the benchmark dataset folder -----------------------------------------------------------------

def test_dataset_configs_load_with_gold_row_counts(published):
    from datasets import load_dataset

    corpus = load_corpus()
    docs = corpus.documents
    expected = {"documents": len(docs), "entities": sum(len(d.entities) for d in docs),
                "mentions": sum(len(d.mentions) for d in docs), "quotes": sum(len(d.quotes) for d in docs),
                "stances": sum(len(d.stances) for d in docs), "targets": len(corpus.targets),
                "translation": sum(len(d.segments) for d in docs)}
    for config in CONFIGS:
        ds = load_dataset(str(published / "dataset"), config, split="test")
        assert ds.num_rows == expected[config], config
    quotes = load_dataset(str(published / "dataset"), "quotes", split="test")
    assert quotes.features["content"].feature["start"].dtype == "int64"
    assert quotes["quote_id"] == [q.id for d in docs for q in d.quotes]

def test_dataset_card_metadata_and_benchmark_section(published):
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(published / "dataset" / "README.md")
    data = card.data.to_dict()
    assert data["language"] == ["ar", "en"]
    for key in ("license", "task_categories", "annotations_creators", "source_datasets", "size_categories",
                "pretty_name"):
        assert data[key], key
    assert {c["config_name"] for c in data["configs"]} == set(CONFIGS)
    assert "## Benchmark tasks (`eval.yaml`)" in card.text
    assert "org/arabic-quotes-results" in card.text
    assert (published / "dataset" / "GUIDELINES.md").is_file()


def test_eval_yaml_tasks_refer_to_existing_configs_and_splits(published):
    from huggingface_hub import DatasetCard

    doc = yaml.safe_load((published / "dataset" / "eval.yaml").read_text(encoding="utf-8"))
    assert set(doc) == {"name", "description", "evaluation_framework", "tasks"}
    assert doc["evaluation_framework"] == "arabic-quote-benchmark"
    assert doc["name"].startswith("Arabic Quote Attribution")
    card = DatasetCard.load(published / "dataset" / "README.md").data.to_dict()
    splits = {c["config_name"]: {f["split"] for f in c["data_files"]} for c in card["configs"]}
    assert [t["id"] for t in doc["tasks"]] == list(TASK_CONFIGS)
    for task in doc["tasks"]:
        assert set(task) == {"id", "config", "split"}
        assert task["split"] in splits[task["config"]], task


# --- the results folder ---------------------------------------------------------------------------

def test_results_configs_and_splits_load(published):
    from datasets import load_dataset

    folder = published / "results"
    runs = selected(published.parent / "runs").by_system
    for system, records in runs.items():
        for record in records:
            ds = load_dataset(str(folder), system, split=record.split)
            expected = sum(len(ms) for ms in record.metrics["tasks"].values())
            assert ds.num_rows == expected, (system, record.split)
            assert set(ds["run_id"]) == {record.run_id}
        latest = load_dataset(str(folder), system, split="latest")
        assert set(latest["run_id"]) == {records[-1].run_id}


def test_results_rows_carry_values_intervals_and_signatures(published):
    from datasets import load_dataset

    rows = load_dataset(str(published / "results"), "rules", split="latest").to_list()
    by_key = {(r["task"], r["metric"]): r for r in rows}
    main = by_key[("quotes", "quote_content_f1.proportional.char")]
    assert main["is_main"] and not by_key[("quotes", "quote_content_f1.strict.char")]["is_main"]
    assert main["value"] == pytest.approx(0.65) and main["ci_low"] == pytest.approx(0.55)
    assert main["signature"].startswith("quote_content_f1|scheme:strict|boot:1000|conf:0.95|seed:12345|gold:")
    assert main["gold_sha256"] == GOLD_SHA and main["config_hash"] == "bbbb2222" and main["n_items"] == 12
    assert main["scale"] == "0-1"
    assert json.loads(main["versions"])["sacrebleu"] == "2.4.3" and main["benchmark_version"] == "0.1.0"
    assert main["started_utc"] == "2025-02-19T10:15:00Z" and main["ranked"] is True
    undefined = by_key[("stance", "stance_f_favor")]
    assert undefined["value"] is None and undefined["ci_low"] is None
    assert "translation" not in {r["task"] for r in rows}  # not attempted: no rows, never zeros
    oracle = load_dataset(str(published / "results"), "oracle", split="latest")
    assert set(oracle["ranked"]) == {False}
    # Perfect scores: 1.0 on the proportions, 100.0 on sacrebleu's chrF++ (its own scale, stated per row).
    assert {(r["value"], r["scale"]) for r in oracle if r["is_main"]} == {(1.0, "0-1"), (100.0, "0-100")}


def test_results_card_leaderboard_and_run_files(published):
    from huggingface_hub import DatasetCard

    folder = published / "results"
    card = DatasetCard.load(folder / "README.md")
    data = card.data.to_dict()
    # The run folders quote the article: the licence is not plain CC BY (see test_licensing.py).
    assert (data["license"], data["license_link"]) == ("other", "LICENSE.md")
    assert (folder / "LICENSE.md").is_file() and data["source_datasets"] == ["org/arabic-quotes"]
    configs = {c["config_name"]: c["data_files"] for c in data["configs"]}
    assert set(configs) == set(RUNS)
    rules = {f["split"]: f["path"] for f in configs["rules"]}
    assert rules == {"20250219T101500Z_bbbb2222": "data/rules/20250219T101500Z_bbbb2222.parquet",
                     "latest": "data/rules/latest.parquet"}  # the older rules run was not selected
    for name in ("## Columns", "## Reading a signature", "`gold_sha256`", "## Leaderboard", "## Scale of each metric"):
        assert name in card.text, name
    assert (folder / "leaderboard.md").read_text() == (published.parent / "leaderboard.md").read_text()
    assert (folder / "leaderboard.csv").is_file() and not (folder / "leaderboard.json").exists()
    copied = folder / "runs" / "rules" / "20250219T101500Z-bbbb2222" / "per_item.jsonl.gz"
    source = published.parent / "runs" / "rules" / "20250219T101500Z-bbbb2222" / "per_item.jsonl.gz"
    assert copied.read_bytes() == source.read_bytes()
    run_folders = card.text.split("## Run folders", 1)[1]
    for how in ('`pandas.read_json("per_item.jsonl.gz", lines=True)`', "`zcat per_item.jsonl.gz | head`",
                '`datasets.load_dataset("json", data_files="runs/<system>/<run>/per_item.jsonl.gz")`'):
        assert how in run_folders, how
    assert not (folder / "runs" / "rules" / "20250218T093000Z-aaaa1111").exists()
    assert not list(folder.rglob(".tmp-*"))


# --- model card entries ---------------------------------------------------------------------------

def test_eval_results_entries_follow_the_hub_format(published):
    entries = yaml.safe_load((published / "model_card" / ".eval_results" / "arabic-quotes.yaml").read_text())
    eval_tasks = {t["id"] for t in yaml.safe_load((published / "dataset" / "eval.yaml").read_text())["tasks"]}
    by_task = {e["dataset"]["task_id"]: e for e in entries}
    assert set(by_task) <= eval_tasks and set(by_task) == set(TASK_CONFIGS)
    for e in entries:
        assert e["dataset"]["id"] == "org/arabic-quotes"
        assert e["source"]["url"] == "https://huggingface.co/datasets/org/arabic-quotes-results"
        assert e["evaluation_framework"] == "arabic-quote-benchmark"
        assert e["date"] == "2025-02-20T08:00:00Z"
    # by hand: my-tagger's run k=0 has quotes 0.6 and stance 0.3 (proportions, ×100) and chrF++ 45.0
    # (sacrebleu points, already 0-100: never ×100 again).
    assert by_task["quotes"]["value"] == 60.0 and by_task["stance"]["value"] == 30.0
    assert by_task["translation"]["value"] == 45.0
    assert by_task["translation"]["notes"] == "metric chrf++, 95% bootstrap CI 35.00-55.00"
    assert "quote_content_f1.proportional.char" in by_task["quotes"]["notes"]
    import huggingface_hub

    parse_eval_result_entries = getattr(huggingface_hub, "parse_eval_result_entries", None)
    if parse_eval_result_entries is None:  # an older huggingface_hub: say so, never pass silently
        pytest.skip(f"huggingface_hub {huggingface_hub.__version__} has no parse_eval_result_entries")
    parsed = parse_eval_result_entries(entries)
    assert [p.task_id for p in parsed] == [e["dataset"]["task_id"] for e in entries]
    assert parsed[0].source_url.endswith("org/arabic-quotes-results")


def evaluate_allowed_tasks() -> list[str]:
    """``evaluate.config.HF_HUB_ALLOWED_TASKS``, read from the source: importing evaluate takes seconds."""
    import ast

    spec = importlib.util.find_spec("evaluate")
    tree = ast.parse((Path(spec.origin).parent / "config.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "HF_HUB_ALLOWED_TASKS":
            return ast.literal_eval(node.value)
    raise AssertionError("HF_HUB_ALLOWED_TASKS not found in evaluate/config.py")


def test_model_index_parses_like_evaluate_writes_it(published):
    from huggingface_hub.repocard_data import model_index_to_eval_results

    allowed = evaluate_allowed_tasks()

    meta = yaml.safe_load((published / "model_card" / "model-index.yaml").read_text())
    name, results = model_index_to_eval_results(meta["model-index"])
    assert name == "my-tagger"
    assert {r.task_type for r in results} <= set(allowed) and "translation" in allowed
    by_task = {r.task_name: r for r in results}
    assert set(by_task) == set(TASK_CONFIGS)  # main metric only (hub.model_index_metrics=main)
    quotes = by_task["quotes"]
    assert (quotes.dataset_type, quotes.dataset_config, quotes.dataset_split) == ("org/arabic-quotes", "quotes", "test")
    assert (quotes.metric_type, quotes.metric_value) == ("quote_content_f1.proportional.char", 60.0)


def test_publish_manifest_of_a_dry_run(published):
    manifest = json.loads((published / "publish_manifest.json").read_text())
    assert manifest["dry_run"] is True and manifest["mode"].startswith("no token found")
    repos = {r["role"]: r for r in manifest["repos"]}
    assert repos["dataset"]["repo_id"] == "org/arabic-quotes"
    assert all(r["status"] == "dry_run" and r["commit_sha"] is None for r in repos.values())
    files = {f["path"] for f in repos["dataset"]["files"]}
    assert {"README.md", "eval.yaml", "GUIDELINES.md", "data/quotes/test.parquet"} <= files
    assert repos["results"]["n_files"] == len([p for p in (published / "results").rglob("*") if p.is_file()])
    assert set(manifest["model_card"]["runs"].values()) == {"my-tagger/20250220T080000Z-dddd4444"}
    assert [x["run_id"] for x in manifest["selection"]["selected"]] == [
        "my-tagger/20250220T080000Z-dddd4444", "oracle/20250218T093100Z-cccc3333", "rules/20250219T101500Z-bbbb2222"]
    assert manifest["selection"]["not_selected"] == [
        {"run_id": "rules/20250218T093000Z-aaaa1111",
         "why": "a newer run is used for each of its tasks: rules/20250219T101500Z-bbbb2222"}]
    assert manifest["gold_sha256"] == GOLD_SHA


def test_dry_run_lists_files_and_never_creates_a_client(tmp_path, monkeypatch, capsys):
    import huggingface_hub

    make_runs(tmp_path / "runs")
    monkeypatch.setattr(huggingface_hub, "HfApi", NoHfApi)
    assert main(publish_args(tmp_path, "hub.repo_id=org/q", "hub.results_repo_id=org/q-results")) == 0
    out = capsys.readouterr().out
    assert "dry run (no token found" in out and "nothing uploaded" in out
    assert "dataset -> org/q:" in out and "results -> org/q-results:" in out
    assert "eval.yaml" in out and "data/rules/latest.parquet" in out
    assert "data/rules/20250219T101500Z_bbbb2222.parquet" in out and "aaaa1111" not in out
    assert "selected 3 run(s) by the leaderboard's rule" in out
    assert "  rules/20250219T101500Z-bbbb2222: newest run against gold" in out
    assert "not selected: 1 run(s) (1 superseded by a newer run)" in out


def test_without_runs_only_the_dataset_is_built(tmp_path, capsys):
    assert main(publish_args(tmp_path)) == 0
    assert (tmp_path / "hub" / "dataset" / "eval.yaml").is_file()
    assert not (tmp_path / "hub" / "results").exists()
    assert "no finished run folders" in capsys.readouterr().out


def test_a_failed_build_keeps_the_previous_folders(tmp_path, monkeypatch, capsys):
    make_runs(tmp_path / "runs")
    assert main(publish_args(tmp_path)) == 0
    before = (tmp_path / "hub" / "results" / "README.md").read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("benchmark.publish.results_folder.write_results_folder", boom)
    assert main(publish_args(tmp_path)) == 2  # an OSError is reported in one line, no traceback
    assert "disk full" in capsys.readouterr().err
    assert (tmp_path / "hub" / "results" / "README.md").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "hub").iterdir()) == ["dataset", "publish_manifest.json", "results"]


def test_the_real_harness_output_publishes(tmp_path):
    """End to end with run folders written by `python -m benchmark run`."""
    from datasets import load_dataset

    assert main(["run", "system=rules", f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=50"]) == 0
    assert main(publish_args(tmp_path)) == 0
    rows = load_dataset(str(tmp_path / "hub" / "results"), "rules", split="latest")
    metrics = json.loads(next((tmp_path / "runs" / "rules").glob("*/metrics.json")).read_text())
    assert rows.num_rows == sum(len(ms) for ms in metrics["tasks"].values())


# --- hub.out_dir is replaced only when publish built it -------------------------------------------

def tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_publish_refuses_an_out_dir_it_did_not_build(tmp_path, capsys):
    make_runs(tmp_path / "runs")
    user = tmp_path / "hub" / "results" / "runs" / "x" / "file"
    user.parent.mkdir(parents=True)
    user.write_text("a week of GPU time", encoding="utf-8")
    before = tree(tmp_path / "hub")
    assert main(publish_args(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'hub'}: hub.out_dir: refusing to publish into this folder" in err
    assert "holds no publish_manifest.json" in err and "(found: results)" in err
    assert tree(tmp_path / "hub") == before  # nothing built, nothing deleted


def test_publish_refuses_a_foreign_subfolder_even_with_a_manifest(tmp_path, capsys):
    make_runs(tmp_path / "runs")
    assert main(publish_args(tmp_path)) == 0
    user = tmp_path / "hub" / "results" / "runs" / "x" / "file"
    user.parent.mkdir(parents=True)
    user.write_text("mine", encoding="utf-8")
    before = tree(tmp_path / "hub")
    assert main(publish_args(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'hub' / 'results'}: hub.out_dir: refusing to replace this folder: it is not a 'results' " \
           "folder built by `publish` (found: runs/x/file)" in err
    assert tree(tmp_path / "hub") == before


def test_publish_refuses_the_current_directory(tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    make_runs(work / "results" / "runs")
    (work / "results" / "llm_cache.sqlite").write_bytes(b"cache")
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    for out_dir in (".", "..", str(work)):
        assert main(["publish", "paths.results_dir=results/runs", f"hub.out_dir={out_dir}"]) == 2, out_dir
        assert "refusing to replace the current directory or one of its parents" in capsys.readouterr().err
    assert tree(tmp_path) == before
    (work / "publish_manifest.json").write_text("{}", encoding="utf-8")  # a manifest does not make `.` safe
    before = tree(tmp_path)
    assert main(["publish", "paths.results_dir=results/runs", "hub.out_dir=."]) == 2
    assert tree(tmp_path) == before


def test_a_second_publish_into_the_same_out_dir_works(tmp_path):
    make_runs(tmp_path / "runs")
    assert main(publish_args(tmp_path, "hub.repo_id=org/q", "hub.model_id=org/my-tagger", "hub.system=my-tagger")) == 0
    first = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert (tmp_path / "hub" / "model_card" / "model-index.yaml").is_file()
    write_run(tmp_path / "runs", "rules", "rules", True, "20250301T120000Z-ffff6666", 2)
    assert main(publish_args(tmp_path)) == 0
    second = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert set(second["latest"]["rules"].values()) == {"rules/20250301T120000Z-ffff6666"}
    assert set(first["latest"]["rules"].values()) == {"rules/20250219T101500Z-bbbb2222"}
    assert sorted(p.name for p in (tmp_path / "hub").iterdir()) == ["dataset", "publish_manifest.json", "results"]


# --- runs are selected like the leaderboard selects them ------------------------------------------

def make_stale(run_dir: Path) -> None:
    """Rewrite a run as if scored against an older gold version."""
    for name in ("metrics.json", "manifest.json"):
        doc = json.loads((run_dir / name).read_text())
        doc["gold_sha256"] = "f" * 64
        (run_dir / name).write_text(json.dumps(doc), encoding="utf-8")


def test_latest_is_the_newest_run_against_the_current_gold(tmp_path, capsys):
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    from benchmark.leaderboard.collect import collect

    make_runs(tmp_path / "runs")
    newer = write_run(tmp_path / "runs", "rules", "rules", True, "20250305T000000Z-9999aaaa", 5)
    make_stale(newer)  # the newest rules run is stale
    only_stale = write_run(tmp_path / "runs", "old-sys", "old-sys", True, "20250101T000000Z-0000bbbb", 0)
    make_stale(only_stale)
    assert main(publish_args(tmp_path, "hub.repo_id=org/q")) == 0
    out = capsys.readouterr().out
    assert "not selected: 3 run(s) (2 against another gold, 1 superseded by a newer run)" in out

    # The leaderboard ranks rules by its bbbb2222 run; that is the one run of rules published.
    chosen = {run.run_dir.name for (label, _), run in collect(tmp_path / "runs", gold_sha256=GOLD_SHA).chosen.items()
              if label == "rules"}
    assert chosen == {"20250219T101500Z-bbbb2222"}
    card = DatasetCard.load(tmp_path / "hub" / "results" / "README.md")
    configs = {c["config_name"]: {f["split"]: f["path"] for f in c["data_files"]} for c in card.data.configs}
    assert set(configs) == {"my-tagger", "oracle", "rules"}  # old-sys has no current run: nothing of it is uploaded
    assert list(configs["rules"]) == ["20250219T101500Z_bbbb2222", "latest"]
    rows = load_dataset(str(tmp_path / "hub" / "results"), "rules", split="latest")
    assert set(rows["run_id"]) == {"rules/20250219T101500Z-bbbb2222"} and set(rows["gold_sha256"]) == {GOLD_SHA}
    assert not (tmp_path / "hub" / "results" / "runs" / "old-sys").exists()
    manifest = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert {s: set(m.values()) for s, m in manifest["latest"].items()} == {
        "my-tagger": {"my-tagger/20250220T080000Z-dddd4444"}, "oracle": {"oracle/20250218T093100Z-cccc3333"},
        "rules": {"rules/20250219T101500Z-bbbb2222"}}
    why = dict((x["run_id"], x["why"]) for x in manifest["selection"]["not_selected"])
    assert why["old-sys/20250101T000000Z-0000bbbb"] == why["rules/20250305T000000Z-9999aaaa"] == \
        f"scored against another gold (ffffffffffff, current {GOLD_SHA[:12]})"


def test_explicit_runs_publish_exactly_those(tmp_path, capsys):
    make_runs(tmp_path / "runs")
    for k in range(3):  # a seed sweep and a throwaway submission nobody asked to publish
        write_run(tmp_path / "runs", "rules", "rules", True, f"2025030{k + 1}T000000Z-5eed000{k}", k)
    write_run(tmp_path / "runs", "scratch", "scratch", True, "20250310T000000Z-7e577e57", 0)
    assert main(publish_args(tmp_path, "hub.runs=[rules/20250218T093000Z-aaaa1111,oracle/20250218T093100Z-cccc3333]",
                             "hub.include_run_files=true")) == 0
    out = capsys.readouterr().out
    assert "selected 2 run(s) listed in hub.runs:" in out
    assert "not selected: 6 run(s) (6 not listed in hub.runs)" in out
    results = tmp_path / "hub" / "results"
    assert sorted(p.relative_to(results / "runs").as_posix() for p in (results / "runs").glob("*/*")) == [
        "oracle/20250218T093100Z-cccc3333", "rules/20250218T093000Z-aaaa1111"]
    assert sorted(p.relative_to(results / "data").as_posix() for p in (results / "data").rglob("*.parquet")) == [
        "oracle/20250218T093100Z_cccc3333.parquet", "oracle/latest.parquet",
        "rules/20250218T093000Z_aaaa1111.parquet", "rules/latest.parquet"]
    manifest = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert len(manifest["selection"]["not_selected"]) == 6 and manifest["selection"]["rule"] == "hub.runs"
    # hub.systems keeps the leaderboard's rule for the named systems only (label or folder name).
    assert main(publish_args(tmp_path, "hub.systems=[org/my-tagger]")) == 0
    assert "selected 1 run(s) by the leaderboard's rule" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "hub" / "results" / "data").iterdir()) == ["my-tagger"]
    assert main(publish_args(tmp_path, "hub.runs=[rules/20250218T093000Z-aaaa111]")) == 2
    assert "Unknown run folder (<system>/<run>) 'rules/20250218T093000Z-aaaa111'. Did you mean " \
           "'rules/20250218T093000Z-aaaa1111'?" in capsys.readouterr().err


def test_model_card_entries_never_come_from_a_stale_run(tmp_path, capsys):
    make_runs(tmp_path / "runs")
    make_stale(write_run(tmp_path / "runs", "old-sys", "old-sys", True, "20250101T000000Z-0000bbbb", 0))
    assert main(publish_args(tmp_path, "hub.repo_id=org/q", "hub.model_id=org/old", "hub.system=old-sys")) == 2
    assert f"Unknown system with a published run against gold {GOLD_SHA[:12]} 'old-sys'" in capsys.readouterr().err
    stale = write_run(tmp_path / "runs", "rules", "rules", True, "20250305T000000Z-9999aaaa", 5)
    make_stale(stale)
    assert main(publish_args(tmp_path, "hub.repo_id=org/q", "hub.model_id=org/r", "hub.system=rules",
                             "hub.run=20250305T000000Z-9999aaaa")) == 2
    assert "Unknown published run of rules '20250305T000000Z-9999aaaa'" in capsys.readouterr().err
    assert main(publish_args(tmp_path, "hub.runs=[rules/20250305T000000Z-9999aaaa]")) == 2
    err = capsys.readouterr().err
    assert "rules/20250305T000000Z-9999aaaa (gold ffffffffffff): scored against another gold than the corpus " \
           f"being published (gold {GOLD_SHA[:12]}); publish one corpus at a time" in err
    assert main(publish_args(tmp_path, "hub.repo_id=org/q", "hub.model_id=org/r", "hub.system=rules")) == 0
    manifest = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert set(manifest["model_card"]["runs"].values()) == {"rules/20250219T101500Z-bbbb2222"}


def test_broken_run_folders_are_skipped_with_a_note(tmp_path, capsys):
    from datasets import load_dataset

    from benchmark.leaderboard.collect import collect

    make_runs(tmp_path / "runs")
    truncated = tmp_path / "runs" / "rules" / "20250301T000000Z-ffff6666"
    truncated.mkdir()
    (truncated / "metrics.json").write_text('{"system": "rules", "tasks": {"stance": [{"na', encoding="utf-8")
    incomplete = write_run(tmp_path / "runs", "oracle", "oracle", False, "20250302T000000Z-eeee7777", 1)
    doc = json.loads((incomplete / "metrics.json").read_text())
    del doc["gold_sha256"]
    (incomplete / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(publish_args(tmp_path)) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("note: skipped run folder")]
    assert len(notes) == 2
    assert notes[0].startswith(f"note: skipped run folder {incomplete}: ") and "gold_sha256: missing" in notes[0]
    assert notes[1].startswith(f"note: skipped run folder {truncated}: ") and "not valid JSON" in notes[1]
    manifest = json.loads((tmp_path / "hub" / "publish_manifest.json").read_text())
    assert [s["path"] for s in manifest["skipped"]] == [str(incomplete), str(truncated)]
    # Exactly the folders the leaderboard skips.
    assert sorted(str(p) for p, _ in collect(tmp_path / "runs", gold_sha256=GOLD_SHA).skipped) == \
           [s["path"] for s in manifest["skipped"]]
    assert manifest["runs"]["rules"] == ["rules/20250219T101500Z-bbbb2222"]
    rows = load_dataset(str(tmp_path / "hub" / "results"), "rules", split="latest")
    assert set(rows["run_id"]) == {"rules/20250219T101500Z-bbbb2222"}


def test_a_run_missing_what_the_results_rows_need_is_skipped(tmp_path):
    make_runs(tmp_path / "runs")
    d = write_run(tmp_path / "runs", "rules", "rules", True, "20250301T000000Z-ffff6666", 2)
    doc = json.loads((d / "metrics.json").read_text())
    del doc["tasks"]["stance"][0]["signature"]
    (d / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    runs = selected(tmp_path / "runs")
    assert [(p, why) for p, why in runs.skipped] == [
        (d, f"{d / 'metrics.json'}: tasks.stance[0]: missing key 'signature'")]
    assert {r.run_name for r in runs.latest("rules").values()} == {"20250219T101500Z-bbbb2222"}


def test_the_cards_ways_of_reading_per_item_jsonl_gz_work(published, tmp_path, monkeypatch):
    """The results card says pandas and datasets read the published per-item file: they do, offline."""
    import pandas
    from datasets import load_dataset

    offline_env(monkeypatch, tmp_path)
    path = published / "results" / "runs" / "rules" / "20250219T101500Z-bbbb2222" / "per_item.jsonl.gz"
    expected = [PER_ITEM_ROW, {**PER_ITEM_ROW, "item": "s2"}]  # as write_run wrote them
    assert pandas.read_json(path, lines=True).to_dict("records") == expected
    ds = load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    assert ds.to_list() == expected
