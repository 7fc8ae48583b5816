"""`leaderboard` and `publish` rank and publish runs against the corpus they were made on, never a mix.

Real runs (`python -m benchmark run`, few resamples) on two corpora: the
repository's data/ and a copy of it whose target inventory differs by one
description, so its gold checksum differs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.gold.loading import default_data_dir, load_corpus
from test_publish import offline_env


def make_corpus(folder: Path) -> Path:
    """A copy of the gold data with one target described differently: another corpus, another checksum."""
    shutil.copytree(default_data_dir(), folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    targets = json.loads((folder / "targets.json").read_text(encoding="utf-8"))
    targets[0]["description_en"] += " (second corpus)"
    (folder / "targets.json").write_text(json.dumps(targets, ensure_ascii=False), encoding="utf-8")
    return folder


def run(results: Path, data_dir: Path | None, system: str = "oracle") -> Path:
    args = ["run", f"system={system}", "task=attribution", f"paths.results_dir={results}", "scoring.n_resamples=10"]
    if data_dir is not None:
        args.append(f"paths.data_dir={data_dir}")
    assert main(args) == 0
    return max((results / system).iterdir())


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpora")
    other = make_corpus(tmp / "other-corpus")
    only_other = tmp / "only-other"
    run(only_other, other, "oracle")
    run(only_other, other, "rules")
    mixed = tmp / "mixed"
    run(mixed, other, "rules")
    run(mixed, None, "rules")
    return tmp, other


def leaderboard(runs: Path, out: Path, *extra: str) -> int:
    return main(["leaderboard", "--runs", str(runs), "--out", str(out), "--n-resamples", "10", *extra])


def test_runs_on_a_custom_corpus_are_ranked_without_options(corpora, capsys):
    tmp, other = corpora
    sha = load_corpus(other).sha256
    assert sha != load_corpus().sha256
    assert leaderboard(tmp / "only-other", tmp / "lb1") == 0
    assert f"corpus: {other.resolve()} (paths.data_dir recorded by the runs); gold {sha[:12]}" in capsys.readouterr().out
    lb = json.loads((tmp / "lb1" / "leaderboard.json").read_text(encoding="utf-8"))
    assert lb["gold_sha256"] == sha and lb["stale_runs"] == []
    (task,) = lb["tasks"]
    assert [r["system"] for r in task["rows"]] == ["rules"] and [r["system"] for r in task["not_ranked"]] == ["oracle"]


def test_runs_of_two_corpora_are_refused_in_one_line(corpora, capsys):
    tmp, other = corpora
    assert leaderboard(tmp / "mixed", tmp / "lb2") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    for sha in (load_corpus(other).sha256, load_corpus().sha256):
        assert f"(gold {sha[:12]}: rules/" in err
    assert "were made on 2 corpora, refusing to mix them" in err and "pass --data-dir to choose one" in err
    assert not (tmp / "lb2").exists()


def test_data_dir_chooses_one_corpus(corpora, capsys):
    tmp, other = corpora
    assert leaderboard(tmp / "mixed", tmp / "lb3", "--data-dir", str(other)) == 0
    lb = json.loads((tmp / "lb3" / "leaderboard.json").read_text(encoding="utf-8"))
    assert lb["gold_sha256"] == load_corpus(other).sha256
    assert [r["system"] for r in lb["tasks"][0]["rows"]] == ["rules"]
    assert [s["gold_sha256"] for s in lb["stale_runs"]] == [load_corpus().sha256]  # the other corpus: not ranked


def test_publish_takes_the_corpus_of_the_runs_and_refuses_a_mix(corpora, monkeypatch, capsys):
    tmp, other = corpora
    offline_env(monkeypatch, tmp)
    sha = load_corpus(other).sha256
    assert main(["publish", f"paths.results_dir={tmp / 'mixed'}", f"hub.out_dir={tmp / 'hub1'}"]) == 2
    err = capsys.readouterr().err
    assert "paths.data_dir: " in err and "refusing to mix them" in err and f"gold {sha[:12]}" in err
    assert not (tmp / "hub1").exists()
    assert main(["publish", f"paths.results_dir={tmp / 'only-other'}", f"hub.out_dir={tmp / 'hub2'}"]) == 0
    manifest = json.loads((tmp / "hub2" / "publish_manifest.json").read_text(encoding="utf-8"))
    assert manifest["gold_sha256"] == sha and manifest["corpus"]["data_dir"] == str(other.resolve())
    assert f"`{sha}`" in (tmp / "hub2" / "dataset" / "README.md").read_text(encoding="utf-8")
    assert sorted(manifest["runs"]) == ["oracle", "rules"]
    assert main(["publish", f"paths.results_dir={tmp / 'mixed'}", f"hub.out_dir={tmp / 'hub3'}",
                 f"paths.data_dir={other}"]) == 0
    manifest = json.loads((tmp / "hub3" / "publish_manifest.json").read_text(encoding="utf-8"))
    assert manifest["gold_sha256"] == sha and manifest["runs"] == {"rules": [manifest["runs"]["rules"][0]]}
    (left_out,) = manifest["selection"]["not_selected"]
    assert left_out["why"] == f"scored against another gold ({load_corpus().sha256[:12]}, current {sha[:12]})"
