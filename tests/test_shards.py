"""Sharded runs (shard.index / shard.count) and `merge-shards`: the joined run is the unsharded run, byte for byte."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml

from benchmark.cli.main import main
from benchmark.errors import ConfigError
from benchmark.harness.shards import Shard, shard_from_config, shard_slice
from corpus_copies import copy_corpus

DETERMINISTIC = ("metrics.json", "per_item.jsonl.gz", "predictions.jsonl")
N_DOCS = 4


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return copy_corpus(tmp_path_factory.mktemp("corpus") / "data", N_DOCS)


def _run(results: Path, data: Path, *extra: str) -> None:
    assert main(["run", f"paths.results_dir={results}", f"paths.data_dir={data}", "scoring.n_resamples=40",
                 *extra]) == 0


def _one(parent: Path) -> Path:
    (found,) = [p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return found


def _per_item_lines(run_dir: Path) -> list[bytes]:
    """The decompressed lines of a run folder's per_item.jsonl.gz (the standard library's gzip)."""
    return gzip.decompress((run_dir / "per_item.jsonl.gz").read_bytes()).splitlines()


def _shard_dirs(results: Path, label: str) -> list[Path]:
    (group,) = (results / ".shards" / label).iterdir()
    return sorted(group.iterdir())


# ------------------------------------------------------------------ partition

def test_shards_partition_the_corpus_contiguously_and_evenly():
    # 10 documents in 4 parts: 10 = 3 + 3 + 2 + 2 (the first 10 % 4 = 2 parts get one more).
    parts = [list(range(10))[shard_slice(10, Shard(index=i, count=4))] for i in range(4)]
    assert parts == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    for n in range(1, 30):
        for count in range(2, n + 1):
            joined = [k for i in range(count) for k in range(n)[shard_slice(n, Shard(index=i, count=count))]]
            sizes = [len(range(n)[shard_slice(n, Shard(index=i, count=count))]) for i in range(count)]
            assert joined == list(range(n)) and max(sizes) - min(sizes) <= 1, (n, count)


@pytest.mark.parametrize("index,count,message", [
    (3, 3, "shard.index: must be below shard.count=3"),
    (-1, 3, "shard.index: must be an integer >= 0"),
    (1, 1, "shard.index: is 1 but shard.count is 1"),
    (0, 0, "shard.count: must be an integer >= 1"),
])
def test_bad_shard_settings_are_refused(index, count, message):
    with pytest.raises(ConfigError) as err:
        shard_from_config(index, count)
    assert message in str(err.value)


# ------------------------------------------------------------------ sharded = unsharded

@pytest.mark.parametrize("system", ["rules", "copy", "oracle"])  # oracle: every task, stance included
def test_merged_shards_are_byte_identical_to_the_unsharded_run(system, corpus_dir, tmp_path, capsys):
    whole, parts, merged = tmp_path / "whole", tmp_path / "parts", tmp_path / "merged"
    _run(whole, corpus_dir, f"system={system}")
    for i in range(3):  # 4 documents in 3 shards: 2 + 1 + 1
        _run(parts, corpus_dir, f"system={system}", "shard.count=3", f"shard.index={i}")
    assert "python -m benchmark merge-shards" in capsys.readouterr().out
    shards = _shard_dirs(parts, system)
    assert [json.loads((d / "metrics.json").read_text())["shard"]["documents"] for d in shards] == [
        ["doc000", "doc001"], ["doc002"], ["doc003"]]
    assert not (parts / system).exists()  # shards never sit where complete runs do
    assert main(["merge-shards", str(shards[0].parent), "--out", str(merged)]) == 0
    one, joined = _one(whole / system), _one(merged / system)
    for name in DETERMINISTIC:
        assert (joined / name).read_bytes() == (one / name).read_bytes(), name
    assert _per_item_lines(joined) == _per_item_lines(one) and _per_item_lines(one)
    configs = [yaml.safe_load((d / "config.yaml").read_text(encoding="utf-8")) for d in (one, joined)]
    for c in configs:
        c["paths"].pop("results_dir")  # the only setting that differs: where each went
    assert configs[0] == configs[1] and configs[1]["shard"] == {"index": 0, "count": 1}
    assert {"report.md", "report.html", "manifest.json"} <= {p.name for p in joined.iterdir()}
    manifest = json.loads((joined / "manifest.json").read_text())
    assert manifest["documents"] == [f"doc{k:03d}" for k in range(N_DOCS)]
    assert [s["index"] for s in manifest["shards"]] == [0, 1, 2] and "shard" not in manifest


def test_a_task_predicted_in_some_shards_only_is_attempted_as_in_one_run(corpus_dir, tmp_path, monkeypatch):
    """A shard none of whose documents got a translation keeps its rows (empty predictions); the merge
    counts the task as attempted because another shard predicted it, exactly as the unsharded run does."""
    import benchmark.systems.registry as registry

    real = registry.make_system

    class SkipsTwoDocuments:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def predict(self, docs, *, tasks, gold=None):
            out = self.inner.predict(docs, tasks=tasks, gold=gold)
            return [{"doc_id": o["doc_id"]} if o["doc_id"] in ("doc000", "doc001") else o for o in out]

    monkeypatch.setattr(registry, "make_system", lambda name, **kw: SkipsTwoDocuments(real(name, **kw)))
    whole, parts, merged = tmp_path / "whole", tmp_path / "parts", tmp_path / "merged"
    _run(whole, corpus_dir, "system=copy")
    for i in range(3):
        _run(parts, corpus_dir, "system=copy", "shard.count=3", f"shard.index={i}")
    first = json.loads((_shard_dirs(parts, "copy")[0] / "metrics.json").read_text())
    assert "translation" in first["not_attempted"] and not first["tasks"] and first["shard"]["predicted"] == []
    assert main(["merge-shards", str(_shard_dirs(parts, "copy")[0].parent), "--out", str(merged)]) == 0
    one, joined = _one(whole / "copy"), _one(merged / "copy")
    assert "translation" in json.loads((one / "metrics.json").read_text())["tasks"]
    for name in DETERMINISTIC:
        assert (joined / name).read_bytes() == (one / name).read_bytes(), name
    assert _per_item_lines(joined) == _per_item_lines(one) and _per_item_lines(one)


def test_a_shard_report_shows_only_its_documents(corpus_dir, tmp_path, capsys):
    _run(tmp_path, corpus_dir, "system=rules", "shard.count=2", "shard.index=1")
    (shard,) = _shard_dirs(tmp_path, "rules")
    written = {name: (shard / name).read_bytes() for name in ("report.md", "report.html")}
    assert "doc002" in written["report.md"].decode() and "doc000" not in written["report.md"].decode()
    assert main(["report", str(shard)]) == 0  # re-rendered from the folder: the same two shard documents
    assert {name: (shard / name).read_bytes() for name in written} == written
    predictions = [json.loads(x)["doc_id"] for x in (shard / "predictions.jsonl").read_text().splitlines()]
    assert predictions == ["doc002", "doc003"]
    assert {json.loads(x)["doc_id"] for x in _per_item_lines(shard)} == {"doc002", "doc003"}
    assert json.loads((shard / "manifest.json").read_text())["documents"] == ["doc002", "doc003"]


# ------------------------------------------------------------------ what cannot be sharded

@pytest.mark.parametrize("overrides,message", [
    (["system=sklearn", "task=stance"], "system 'sklearn' cannot be sharded"),
    (["system=majority"], "system 'majority' cannot be sharded"),
    (["system=all"], "cannot shard system=all"),
    (["system=predictions", "system.path=x.jsonl"], "cannot shard system=predictions"),
])
def test_systems_that_cannot_be_split_by_document_are_refused(overrides, message, corpus_dir, tmp_path, capsys):
    assert main(["run", f"paths.results_dir={tmp_path}", f"paths.data_dir={corpus_dir}", *overrides,
                 "shard.count=2", "shard.index=0"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not any(tmp_path.rglob("metrics.json"))


def test_more_shards_than_documents_is_refused(corpus_dir, tmp_path, capsys):
    assert main(["run", f"paths.results_dir={tmp_path}", f"paths.data_dir={corpus_dir}", "system=rules",
                 f"shard.count={N_DOCS + 1}", "shard.index=0"]) == 2
    assert f"shard.count: is {N_DOCS + 1}, more than the {N_DOCS} document(s)" in capsys.readouterr().err


# ------------------------------------------------------------------ merge refusals

@pytest.fixture(scope="module")
def sharded(corpus_dir, tmp_path_factory) -> Path:
    """Three shards of `rules`, a complete run beside them, and a shard of another config."""
    root = tmp_path_factory.mktemp("sharded")
    for i in range(3):
        _run(root, corpus_dir, "system=rules", "shard.count=3", f"shard.index={i}")
    _run(root, corpus_dir, "system=rules")
    _run(root / "other", corpus_dir, "system=rules", "shard.count=3", "shard.index=1", "scoring.confidence=0.9")
    return root


def _merge_error(capsys, *argv: str) -> str:
    assert main(["merge-shards", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_merge_refuses_an_incomplete_set(sharded, tmp_path, capsys):
    s = _shard_dirs(sharded, "rules")
    err = _merge_error(capsys, str(s[0]), str(s[2]), "--out", str(tmp_path))
    assert "incomplete: shard.index 1 of shard.count=3 missing (2 of 3 shards given)" in err
    assert not any(tmp_path.iterdir())


def test_merge_refuses_a_shard_given_twice(sharded, tmp_path, capsys):
    s = _shard_dirs(sharded, "rules")
    again = tmp_path / "again"
    shutil.copytree(s[1], again)
    err = _merge_error(capsys, *map(str, s), str(again), "--out", str(tmp_path / "out"))
    assert "shard.index=1 is there 2 times" in err


def test_merge_refuses_shards_of_different_runs(sharded, tmp_path, capsys):
    s = _shard_dirs(sharded, "rules")
    (other,) = _shard_dirs(sharded / "other", "rules")
    err = _merge_error(capsys, str(s[0]), str(other), str(s[2]), "--out", str(tmp_path))
    assert "not a shard of the same run as" in err and "config_hash" in err


def test_merge_refuses_a_complete_run(sharded, tmp_path, capsys):
    err = _merge_error(capsys, str(_one(sharded / "rules")), "--out", str(tmp_path))
    assert 'a complete run, not a shard (its metrics.json has no "shard" record)' in err


def test_merge_refuses_another_gold(sharded, tmp_path, capsys):
    err = _merge_error(capsys, str(_shard_dirs(sharded, "rules")[0].parent), "--out", str(tmp_path),
                       "--data-dir", str(copy_corpus(tmp_path / "five", N_DOCS + 1)))
    assert "scored against gold" in err and "pass the shards' data folder with --data-dir" in err


def test_merge_refuses_a_shard_whose_rows_are_not_its_documents(sharded, tmp_path, capsys):
    group = tmp_path / "group"
    shutil.copytree(_shard_dirs(sharded, "rules")[0].parent, group)
    bad = sorted(group.iterdir())[2]
    lines = (bad / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["doc_id"] = "doc000"  # shard 2 holds doc003 only
    (bad / "predictions.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    err = _merge_error(capsys, str(group), "--out", str(tmp_path / "out"))
    assert "predictions.jsonl:1: document 'doc000' is not one of this shard's" in err


def test_merge_refuses_shards_whose_documents_are_not_their_part(sharded, tmp_path, capsys):
    group = tmp_path / "group"
    shutil.copytree(_shard_dirs(sharded, "rules")[0].parent, group)
    first = sorted(group.iterdir())[0] / "metrics.json"
    doc = json.loads(first.read_text())
    doc["shard"]["documents"] = ["doc000"]
    first.write_text(json.dumps(doc), encoding="utf-8")
    err = _merge_error(capsys, str(group), "--out", str(tmp_path / "out"))
    assert "holds documents [doc000], but shard.index=0 of shard.count=3 of this gold is [doc000, doc001]" in err


# ------------------------------------------------------------------ leaderboard never ranks a shard

def test_leaderboard_skips_shard_folders(sharded, corpus_dir, tmp_path):
    from benchmark.gold.loading import load_corpus
    from benchmark.leaderboard.collect import collect

    gold = load_corpus(corpus_dir).sha256
    sel = collect(sharded, gold_sha256=gold)  # .shards is hidden: not entered
    assert {r.run_dir.parent.name for r in sel.chosen.values()} == {"rules"} and not sel.skipped
    assert all(".shards" not in r.run_dir.parts for r in sel.chosen.values())
    pointed = collect(sharded / ".shards", gold_sha256=gold)  # pointed at the shards themselves
    assert not pointed.chosen and len(pointed.skipped) == 3
    assert all("of a sharded run, not a complete run" in why for _, why in pointed.skipped)


# ------------------------------------------------------------------ manifests of model-backed systems

def test_system_manifests_sum_counters_and_refuse_different_models():
    from benchmark.errors import ShardMergeError
    from benchmark.harness.merge import merge_system_manifests

    def llm(tokens, failures, commit="abc"):
        return {"name": "llm", "llm": {"model": "m", "signature": commit, "temperature": 0.0,
                                       "usage": {"prompt_tokens": tokens, "completion_tokens": 2 * tokens},
                                       "cost": {"price_prompt_per_m": 1.0, "this_run": tokens / 1e6},
                                       "failures": {"items": len(failures), "records": failures}}}

    merged = merge_system_manifests([llm(10, []), llm(5, [{"doc_id": "d2"}]), llm(10, [])])
    # By hand: 10 + 5 + 10 prompt tokens; a price stays a price; failure records are joined.
    assert merged["llm"]["usage"] == {"prompt_tokens": 25, "completion_tokens": 50}
    assert merged["llm"]["cost"] == {"price_prompt_per_m": 1.0, "this_run": 2.5e-05}
    assert merged["llm"]["failures"] == {"items": 1, "records": [{"doc_id": "d2"}]}
    assert merged["llm"]["temperature"] == 0.0
    with pytest.raises(ShardMergeError, match="system.llm.signature is 'abc' in shard.index=0 and 'xyz' in "
                                              "shard.index=1"):
        merge_system_manifests([llm(1, []), llm(1, [], commit="xyz")])


# ------------------------------------------------------------------ a model-backed system over a corpus

def test_a_sharded_llm_run_equals_the_whole_run_and_sums_its_usage(tmp_path):
    """system=llm against a fake OpenAI-compatible server on loopback, three documents in three shards."""
    from llm_server import FakeLLMServer

    data = copy_corpus(tmp_path / "data", 3)
    whole, parts, merged = tmp_path / "whole", tmp_path / "parts", tmp_path / "merged"
    with FakeLLMServer() as server:
        llm = ["system=llm", "system.model=fake", f"system.base_url={server.base_url}", "system.api_key_env=null",
               "system.cache_path=null", "system.price_prompt_per_m=1.0", "system.price_completion_per_m=2.0"]
        _run(whole, data, *llm)
        asked_whole = server.received
        for i in range(3):
            _run(parts, data, *llm, "shard.count=3", f"shard.index={i}")
        asked_shards = server.received - asked_whole
    (group,) = (parts / ".shards" / "llm-fake").iterdir()
    shard_usage = [json.loads((d / "manifest.json").read_text())["system"]["llm"] for d in sorted(group.iterdir())]
    assert main(["merge-shards", str(group), "--out", str(merged)]) == 0
    one, joined = _one(whole / "llm-fake"), _one(merged / "llm-fake")
    for name in DETERMINISTIC:
        assert (joined / name).read_bytes() == (one / name).read_bytes(), name
    m_one, m_joined = (json.loads((d / "manifest.json").read_text())["system"]["llm"] for d in (one, joined))
    # The same jobs; the copies' identical prompts are asked once per run, so once per shard here.
    assert m_joined["requests"]["jobs"] == m_one["requests"]["jobs"]
    assert m_one["requests"]["unique"] == asked_whole and m_joined["requests"]["unique"] == asked_shards
    # Tokens and cost are the shards' added up (by hand, from each shard's manifest).
    for key in ("prompt_tokens", "completion_tokens"):
        assert m_joined["usage"][key] == sum(u["usage"][key] for u in shard_usage) > 0
    assert m_joined["cost"]["this_run"] == pytest.approx(sum(u["cost"]["this_run"] for u in shard_usage))
    assert m_joined["model"] == "fake" and m_joined["cost"]["price_prompt_per_m"] == 1.0
