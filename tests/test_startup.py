"""Start-up of ``python -m benchmark run``: what it imports, how often it composes its config.

Functional checks, not timings (those are ``benchmarks/bench_startup.py``'s):
the default run's process never imports the heavy optional libraries,
``system=rules`` not even scikit-learn; the usual command composes its
Hydra config once, into the same config ``hydra.main`` composes; the
scikit-learn system's features are those of scikit-learn's own
``ColumnTransformer``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmark.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "datasets", "evaluate", "torch", "transformers", "matplotlib", "jsonschema")
"""Never needed by a run of the built-in systems (jsonschema checks external files only)."""

SHOW = ("import json, sys; from benchmark.cli.main import main; code = main(sys.argv[1:]); "
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr); sys.exit(code)")


def modules_of_run(tmp_path: Path, *overrides: str) -> set[str]:
    """Every module in ``sys.modules`` at the end of ``python -m benchmark run`` (a fresh process)."""
    proc = subprocess.run([sys.executable, "-c", SHOW, "run", f"paths.results_dir={tmp_path}", *overrides],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_default_run_imports_no_heavy_optional_library(tmp_path):
    # One process (scoring.workers=1): side by side, the systems' libraries load in forked workers.
    imported = modules_of_run(tmp_path, "scoring.workers=1")
    assert "sklearn.linear_model" in imported  # the run did fit the sklearn system (so it did run)
    assert len(list(tmp_path.glob("*/*/metrics.json"))) == 6  # oracle, rules, lexicon, majority, sklearn, copy
    assert not set(HEAVY) & tops(imported)


def test_rules_run_does_not_import_scikit_learn(tmp_path):
    imported = modules_of_run(tmp_path, "system=rules", "scoring.n_resamples=50")
    assert (tmp_path / "rules").is_dir()
    assert not {"sklearn", "scipy", *HEAVY} & tops(imported)


def test_pandas_is_importable_after_the_sklearn_system_and_sklearn_sees_dataframes():
    # The system imports scikit-learn with pandas blocked; afterwards pandas imports as usual and
    # scikit-learn recognises its DataFrames (it looks pandas up in sys.modules when asked).
    code = ("from benchmark.gold.loading import load_corpus, default_data_dir\n"
            "from benchmark.systems.registry import make_system\n"
            "from benchmark.tasks.inputs import make_input\n"
            "import sys\n"
            "corpus = load_corpus(default_data_dir())\n"
            "docs = [make_input(d, corpus.targets, tasks=('stance',)) for d in corpus.documents]\n"
            "out = make_system('sklearn', seed=1).predict(docs, tasks={'stance'}, gold=corpus)\n"
            "before = 'pandas' in sys.modules\n"
            "import pandas as pd\n"
            "from sklearn.utils._dataframe import is_pandas_df\n"
            "print(before, len(out[0]['stance']) > 0, is_pandas_df(pd.DataFrame({'a': [1]})))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["False", "True", "True"]


def _count_compositions(monkeypatch) -> list[int]:
    from hydra._internal.hydra import Hydra

    calls: list[int] = []
    compose = Hydra.compose_config

    def counting(self, *args, **kwargs):
        calls.append(1)
        return compose(self, *args, **kwargs)

    monkeypatch.setattr(Hydra, "compose_config", counting)
    return calls


def test_the_usual_run_composes_its_config_once(tmp_path, monkeypatch, capsys):
    calls = _count_compositions(monkeypatch)
    assert main(["run", "system=rules", "task=quotes", "scoring.n_resamples=50", f"paths.results_dir={tmp_path}"]) == 0
    assert len(calls) == 1
    assert "rules" in capsys.readouterr().out
    # A sweep goes through the full pre-check and hydra.main (one composition per job, plus Hydra's own).
    calls.clear()
    assert main(["run", "-m", "system=rules", "task=quotes", "scoring.n_resamples=50",
                 f"paths.results_dir={tmp_path / 'm'}"]) == 0
    assert len(calls) > 1


def _seen_by_task_function(monkeypatch, argv: list[str], *, single: bool) -> dict:
    """The job config and Hydra's config the task function gets, through one path or the other."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    import benchmark.cli.run as run
    import benchmark.cli.single_run as single_run

    seen: dict = {}

    def task(cfg) -> None:
        seen["job"] = OmegaConf.to_container(cfg, resolve=True)
        seen["hydra"] = OmegaConf.to_container(HydraConfig.get(), resolve=False)
        seen["argv"] = list(sys.argv)

    task.__module__ = run.__name__  # Hydra names the job after the task function's module, as for run._main
    monkeypatch.setattr(run, "_main", task)
    if not single:
        monkeypatch.setattr(single_run, "compose_single_run", lambda args: None)
    assert run.run_cli(argv) == 0
    return seen


@pytest.mark.parametrize("argv", [[], ["system=sklearn", "task=stance", "seed=3", "scoring.n_resamples=20"]],
                         ids=["default", "overrides"])
def test_composed_once_is_what_hydra_main_composes(argv, tmp_path, monkeypatch):
    argv = [*argv, f"paths.results_dir={tmp_path}"]
    once = _seen_by_task_function(monkeypatch, argv, single=True)
    monkeypatch.undo()
    via_hydra = _seen_by_task_function(monkeypatch, argv, single=False)
    assert once == via_hydra
    assert str(once["hydra"]["mode"]) == "RunMode.RUN" and once["hydra"]["overrides"]["task"] == argv


@pytest.mark.parametrize("argv,message", [
    (["scoring.n_resample=10"], "Did you mean 'scoring.n_resamples'?"),
    (["system=rulez"], "Did you mean 'rules'?"),
    (["scoring.n_resamples=-1"], "scoring.n_resamples"),
    (["system=predictions", "system.path=missing.jsonl"], "missing.jsonl: file not found"),
])
def test_the_usual_run_still_explains_mistakes_in_one_line(argv, message, tmp_path, capsys):
    assert main(["run", *argv, f"paths.results_dir={tmp_path}"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.glob("*/*"))


def test_side_by_side_features_are_column_transformers():
    # The peer: scikit-learn's ColumnTransformer over the same vectorizers (what the system used before).
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer

    from benchmark.systems.sklearn_system import SideBySide

    texts = ["المحادثات كانت مفيدة جدا", "“المحادثات ناجحة”", "الاجتماع “مثمر” وبناء", "لم تحسم شيئا بعد",
             "من الصعب القول ما ستؤول إليه", "نشر القوات غير مقبول إطلاقا", "القمة قد تعقد لاحقا"]
    targets = ["riyadh محادثات الرياض", "nato_troops نشر قوات الناتو", "trump ترامب"]
    rows = np.array([(t, targets[i % 3]) for i, t in enumerate(texts)], dtype=object)
    new = np.array([("الاجتماع مفيد", "nato_troops نشر قوات الناتو")], dtype=object)

    def vectorizers():
        return [TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)) for _ in range(2)]

    peer = ColumnTransformer([(f"col{c}", v, c) for c, v in enumerate(vectorizers())])
    ours = SideBySide(vectorizers())
    expected, got = peer.fit_transform(rows), ours.fit_transform(rows)
    assert ours.sparse and hasattr(expected, "toarray")  # 2-5 grams of short texts: sparse, as the peer decides
    assert got.shape == expected.shape and (got != expected).nnz == 0
    assert (ours.transform(new) != peer.transform(new)).nnz == 0


def test_side_by_side_goes_dense_where_column_transformer_does():
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    from benchmark.systems.sklearn_system import SideBySide

    rows = np.array([["ab"], ["ab"], ["ba"]], dtype=object)  # two bigram features, half of them non-zero
    peer = ColumnTransformer([("col0", CountVectorizer(analyzer="char", ngram_range=(2, 2)), 0)])
    ours = SideBySide([CountVectorizer(analyzer="char", ngram_range=(2, 2))])
    expected, got = peer.fit_transform(rows), ours.fit_transform(rows)
    assert not ours.sparse and not hasattr(expected, "toarray")
    assert np.array_equal(got, expected)


def test_bench_startup_prints_the_ratio_and_needs_nothing_unlisted():
    proc = subprocess.run([sys.executable, "benchmarks/bench_startup.py", "--repeat", "1", "system=rules",
                           "task=quotes", "scoring.n_resamples=20"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    run_s = float(re.search(r"^  run +([\d.]+) s", out, re.M).group(1))
    imports_s = float(re.search(r"^  imports +([\d.]+) s", out, re.M).group(1))
    ratio = float(re.search(r"ratio run / imports: ([\d.]+) \(wall\)", out).group(1))
    assert ratio == pytest.approx(run_s / imports_s, rel=0.05)  # the printed seconds are rounded
    assert "import hydra, omegaconf, yaml, numpy, sacrebleu, jinja2, rapidfuzz, rich\n" in out  # no sklearn
    assert "third-party packages the run imports beyond the import line: none" in out


def test_readme_quotes_the_start_up_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Performance"):]
    assert "`python benchmarks/bench_startup.py`" in section
    assert re.search(r"\*\*Start-up\.\*\*.*?\d\.\d+ s.*?\d\.\d+ s.*?\d\.\d+×", section, re.S)
