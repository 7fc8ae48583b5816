"""Third-party systems register through the ``benchmark.systems`` entry-point group.

A tiny distribution is written into a temporary folder (a package plus its
``.dist-info`` with ``entry_points.txt``), which is how pip lays out an
installed plugin; putting the folder on ``sys.path`` installs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmark.errors import UnknownNameError
from benchmark.systems import registry

PLUGIN = textwrap.dedent('''
    """A plugin system: translates every segment as a fixed English sentence."""

    class Tiny:
        name = "tiny"
        description = "plugin test system"
        supported_tasks = frozenset({"translation"})
        ranked = True

        def __init__(self, sentence):
            self.sentence = sentence

        def predict(self, docs, *, tasks, gold=None):
            return [{"doc_id": d.doc_id,
                     "translations": [{"segment_id": s.id, "text": self.sentence} for s in d.segments]}
                    for d in docs]


    def build(*, seed=0, sentence="Lavrov said the talks were useful."):
        return Tiny(sentence)
''')


def _install(folder: Path, entry_points: str) -> Path:
    (folder / "tiny_benchmark_plugin").mkdir(parents=True)
    (folder / "tiny_benchmark_plugin" / "__init__.py").write_text(PLUGIN)
    info = folder / "tiny_benchmark_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-benchmark-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(entry_points)
    return folder


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    folder = _install(tmp_path / "site", "[benchmark.systems]\ntiny = tiny_benchmark_plugin:build\n"
                                         "rules = tiny_benchmark_plugin:build\n")
    monkeypatch.syspath_prepend(str(folder))
    registry.systems.cache_clear()
    yield folder
    registry.systems.cache_clear()


def test_a_plugin_is_listed_and_built_with_its_options(plugin):
    with pytest.warns(UserWarning, match="ignored system 'rules' from tiny-benchmark-plugin"):
        names = registry.systems().names()
    assert names[-1] == "tiny" and names.count("rules") == 1  # a plugin cannot replace a built-in
    assert registry.plugin_names() == ["tiny"]
    system = registry.make_system("tiny", sentence="Hello.")
    assert system.sentence == "Hello." and system.name == "tiny"
    assert type(registry.make_system("rules")).__module__ == "benchmark.systems.rules"
    with pytest.raises(Exception, match="Unknown option 'sentense' of system 'tiny'. Did you mean 'sentence'"):
        registry.make_system("tiny", sentense="x")


def test_without_the_plugin_the_name_is_unknown():
    registry.systems.cache_clear()
    with pytest.raises(UnknownNameError, match="Unknown system 'tiny'"):
        registry.make_system("tiny")


def test_a_plugin_runs_through_the_harness(plugin, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "runs"
    res = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "benchmark", "run", "system=tiny", "system.sentence=Talks in Riyadh.",
         "task=translation", f"paths.results_dir={out}", "scoring.n_resamples=20", "report.html=false"],
        capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    (run_dir,) = (out / "tiny").iterdir()
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["system_name"] == "tiny" and metrics["tasks"]["translation"][0]["name"] == "chrf++"
    config = (run_dir / "config.yaml").read_text(encoding="utf-8")
    assert "sentence: Talks in Riyadh." in config


@pytest.fixture
def plugin_in_config_store(plugin):
    """The plugin registered as a `system=tiny` config choice, removed again afterwards."""
    from hydra.core.config_store import ConfigStore

    yield plugin
    ConfigStore.instance().repo.get("system", {}).pop("tiny.yaml", None)


def test_plugin_options_are_checked_before_the_run(plugin_in_config_store, tmp_path, capsys):
    import warnings

    import yaml

    from benchmark.cli.main import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixture's plugin also tries to take the name 'rules'
        assert main(["run", "system=tiny", "system.sentense=Hi.", f"paths.results_dir={tmp_path / 'runs'}"]) == 2
        assert "Unknown option 'sentense' of system 'tiny'. Did you mean 'sentence'?" in capsys.readouterr().err
        assert main(["run", "system=tiny", "system.sentence=Hi.", "--cfg", "job"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["system"] == {"name": "tiny", "seed": 0, "sentence": "Hi."}
    assert not (tmp_path / "runs").exists()
