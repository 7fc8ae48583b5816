"""``python -m benchmark leaderboard``: run selection, ranking, rank groups, files.

Run folders are built in ``tmp_path`` from predictions actually scored by the
task registry (see ``test_leaderboard_helpers``): "strong" and "close" differ
by a few damaged translations, "weak" drops half of every translation, and
the oracle is the gold itself (not ranked).
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import pytest

from benchmark.leaderboard import build_leaderboard, write_leaderboard
from benchmark.leaderboard.collect import read_run
from benchmark.submission.predictions import PredQuote
from benchmark.scoring.result import UndefinedMetricWarning
from sacrebleu.metrics import CHRF
from sacrebleu.significance import PairedTest

from test_leaderboard_helpers import DOC, GOLD, OLD_GOLD, SYSTEMS, write_all, write_run

pytestmark = pytest.mark.filterwarnings("ignore", category=UndefinedMetricWarning)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lb") / "runs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_all(root)
    return root


@pytest.fixture(scope="module")
def lb(runs):
    return build_leaderboard(runs, gold_sha256=GOLD, n_resamples=1000, seed=12345)


@pytest.fixture(autouse=True)
def _default_sacrebleu_seed(monkeypatch):
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)  # sacrebleu then uses 12345, as the leaderboard


def sacrebleu_p_values(metric: str, labels: list[str]) -> dict[str, float]:
    """sacrebleu's PairedTest p-values (bs, ar) of ``labels[1]`` against ``labels[0]``, seed 12345."""
    refs = [[s.translation_en for s in DOC.segments]]
    hyps = [(lb, [t.text for t in SYSTEMS[lb][1].translations]) for lb in labels]
    out = {}
    for test_type, n in (("bs", 1000), ("ar", 10000)):
        _, scores = PairedTest(hyps, {metric: CHRF(word_order=2)}, refs, test_type=test_type, n_samples=n)()
        (results,) = [v for k, v in scores.items() if k != "System"]
        out[test_type] = results[1].p_value
    return out


def board(lb, task):
    return next(b for b in lb.boards if b.task == task)


def test_translation_ranking_groups_and_p_values(lb):
    b = board(lb, "translation")
    assert b.main_metric == "chrf++" and b.higher_is_better
    assert [r.label for r in b.rows] == ["strong", "close", "weak"]
    refs = [s.translation_en for s in DOC.segments]
    for r in b.rows:  # the values are sacrebleu's corpus chrF++ of each system's translations
        hyps = [t.text for t in SYSTEMS[r.label][1].translations]
        assert r.value == pytest.approx(CHRF(word_order=2).corpus_score(hyps, [refs]).score, abs=1e-9)
    # close is 1.5 chrF++ below strong: not significant, so it shares rank 1;
    # weak is 64 points below: every resample agrees, p = 1/(1000+1) and 1/(10000+1).
    assert [r.rank for r in b.rows] == [1, 1, 2]
    assert [r.significant for r in b.rows] == [None, False, True]
    close, weak = b.rows[1], b.rows[2]
    # close's p-values are sacrebleu's on the same draws (float32 sums can move
    # one or two resamples; ties have no weight for chrF++).
    theirs = sacrebleu_p_values("chrf++", ["strong", "close"])
    assert close.vs_best.p_bootstrap == pytest.approx(theirs["bs"], abs=2 / 1001)
    # AR counts ties (>=) where sacrebleu counts only >, so ours is never
    # smaller; a few of 10,000 shuffles tie exactly on these 60 segments.
    assert theirs["ar"] <= close.vs_best.p_ar <= theirs["ar"] + 5 / 10001
    assert weak.vs_best.p_bootstrap == 1 / 1001
    assert weak.vs_best.p_ar == 1 / 10001
    # Paired scores come from the same rows as the reported values.
    assert close.vs_best.difference == pytest.approx(close.value - b.rows[0].value)
    assert close.vs_best.n_items == 60
    assert weak.leader == "weak" and close.leader == "strong"
    assert b.secondary_names == ("chrf", "bleu", "ter")


def test_oracle_is_shown_apart_and_never_ranked(lb):
    for b in lb.boards:
        assert "oracle" not in [r.label for r in b.rows]
        assert [r.label for r in b.not_ranked] == ["oracle"]
        assert b.not_ranked[0].rank is None and b.not_ranked[0].vs_best is None
    assert board(lb, "translation").not_ranked[0].value == 100.0


def test_lower_is_better_main_metric(tmp_path):
    # TER as the main metric: the lowest TER is best.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for label in ("strong", "weak", "close"):
            write_run(tmp_path, label, SYSTEMS[label][1], tasks=("translation",), main_first={"translation": "ter"})
    b = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=500, seed=3).boards[0]
    assert b.main_metric == "ter" and not b.higher_is_better
    assert [r.label for r in b.rows] == ["strong", "close", "weak"]
    assert [round(r.value, 1) for r in b.rows] == [4.9, 5.8, 52.0]
    assert b.rows[2].rank == 2 and b.rows[2].significant


def test_quotes_ranking(lb):
    b = board(lb, "quotes")
    assert b.main_metric == "quote_content_f1.proportional.char" and b.notes == ()
    assert [r.label for r in b.rows] == ["strong", "close", "weak"]
    assert [round(r.value, 4) for r in b.rows] == [0.9736, 0.9690, 0.5441]
    assert [r.rank for r in b.rows] == [1, 1, 2]
    # close differs from strong in one segment only: the bootstrap cannot tell them apart.
    assert b.rows[1].vs_best.p_bootstrap == pytest.approx(0.1608, abs=1e-4)
    assert b.rows[2].vs_best.p_bootstrap == pytest.approx(1 / 1001) and b.rows[2].significant
    assert b.secondary_names == ("quote_content_precision.proportional.char",
                                 "quote_content_recall.proportional.char", "quote_content_f1.strict.char")
    assert [m["value"] for m in b.rows[2].secondary] == [1.0, pytest.approx(0.3737, abs=1e-4), 1 / 3]


def test_unaligned_pseudo_item_counts_in_paired_test(tmp_path):
    # Three quotes without spans land in the "unaligned" pseudo-item, present in
    # one run only; it must count (as zeros in the other run), else the paired
    # test would compare strong with strong.
    strong = SYSTEMS["strong"][1]
    noisy = dataclasses.replace(strong, quotes=strong.quotes + (PredQuote(content=()),) * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "strong", strong, tasks=("quotes",))
        write_run(tmp_path, "noisy", noisy, tasks=("quotes",))
    (b,) = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=1000, seed=12345).boards
    best, row = b.rows
    assert (best.label, row.label) == ("strong", "noisy")
    assert row.vs_best.n_items == 61
    assert row.vs_best.scores == (pytest.approx(best.value), pytest.approx(row.value))
    assert row.vs_best.difference == pytest.approx(0.9504289 - 0.9735614, abs=1e-6)
    assert b.notes == ()


def test_value_not_reproducible_from_rows_is_noted(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "strong", SYSTEMS["strong"][1], tasks=("translation",))
        close = write_run(tmp_path, "close", SYSTEMS["close"][1], tasks=("translation",))
    doc = json.loads((close / "metrics.json").read_text(encoding="utf-8"))
    doc["tasks"]["translation"][0]["value"] = 90.0  # as if scored by older scoring code
    (close / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    (b,) = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=100, seed=1).boards
    assert b.notes == ("close: chrf++ recomputed from per_item.jsonl.gz is 93.421, metrics.json says 90; the run was "
                       "scored by other scoring code, re-score it",)


def test_newest_current_run_per_system_and_task(tmp_path):
    strong, weak = SYSTEMS["strong"][1], SYSTEMS["weak"][1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "sys", weak, stamp="20250101T000000Z")
        same_second = write_run(tmp_path, "sys", weak, stamp="20250301T000000Z", tasks=("translation",))
        newest_tr = write_run(tmp_path, "sys", strong, stamp="20250301T000000Z", suffix="-2", tasks=("translation",))
        # Newer but only quotes: the quotes task comes from here, translation from newest_tr.
        newest_q = write_run(tmp_path, "sys", strong, stamp="20250402T000000Z", tasks=("quotes",))
        # Newest of all, but against another gold: stale.
        stale = write_run(tmp_path, "sys", weak, stamp="20250501T000000Z", gold=OLD_GOLD)
        # The manifest stamp wins over the folder name.
        write_run(tmp_path, "sys", weak, stamp="20241231T000000Z", folder_stamp="20991231T000000Z",
                  tasks=("translation",))
    lb = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=100, seed=1)
    sel = lb.selection
    assert sel.n_runs == 6
    assert sel.chosen[("sys", "translation")].run_dir == newest_tr
    assert sel.chosen[("sys", "quotes")].run_dir == newest_q
    assert [r.run_dir for r in sel.stale] == [stale]
    assert read_run(same_second).order_key < read_run(newest_tr).order_key
    assert board(lb, "translation").rows[0].value == pytest.approx(94.892, abs=1e-3)


def test_stale_runs_listed_not_ranked(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "strong", SYSTEMS["strong"][1], tasks=("translation",))
        write_run(tmp_path, "legacy", SYSTEMS["weak"][1], tasks=("translation",), gold=OLD_GOLD,
                  stamp="20250601T000000Z")
    lb = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=100, seed=1)
    assert [r.label for r in board(lb, "translation").rows] == ["strong"]
    assert [r.label for r in lb.selection.stale] == ["legacy"]
    out = tmp_path / "out"
    md, csv_, js, _ = write_leaderboard(lb, out_dir=out)
    text = md.read_text(encoding="utf-8")
    stale_part = text.split("## Stale runs", 1)[1]
    assert "legacy" in stale_part and "`bbbbbbbbbbbb`" in stale_part and "legacy" not in text.split("## Stale")[0]
    assert "legacy" not in csv_.read_text(encoding="utf-8")
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["stale_runs"][0]["system"] == "legacy" and data["stale_runs"][0]["gold_sha256"] == OLD_GOLD


def test_hidden_broken_and_unattempted(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "strong", SYSTEMS["strong"][1])
        write_run(tmp_path, "quotes-only", SYSTEMS["weak"][1], tasks=("quotes",))
        tmp = write_run(tmp_path, "strong", SYSTEMS["weak"][1], stamp="20990101T000000Z")
    tmp.rename(tmp.parent / ".tmp-20990101T000000Z-abcd1234-xyz")  # an unfinished run
    broken = tmp_path / "broken" / "20250301T120000Z-00000000"
    broken.mkdir(parents=True)
    (broken / "metrics.json").write_text('{"system": "broken", "tasks": {}}', encoding="utf-8")
    lb = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=100, seed=1)
    assert lb.selection.n_runs == 2
    assert [r.label for r in board(lb, "translation").rows] == ["strong"]
    assert sorted(r.label for r in board(lb, "quotes").rows) == ["quotes-only", "strong"]
    ((path, why),) = lb.selection.skipped
    assert path == broken and "gold_sha256: missing required key" in why


def test_missing_per_item_file_is_noted(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        write_run(tmp_path, "strong", SYSTEMS["strong"][1], tasks=("translation",))
        close = write_run(tmp_path, "close", SYSTEMS["close"][1], tasks=("translation",))
    (close / "per_item.jsonl.gz").unlink()
    b = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=100, seed=1).boards[0]
    row = b.rows[1]
    assert row.label == "close" and row.vs_best.p_bootstrap is None and row.significant is None
    assert row.rank == 2  # an untested system starts a new group
    assert f"{close / 'per_item.jsonl.gz'}: file not found (needed for paired tests)" in b.notes[0]


def test_files_links_and_determinism(runs, lb, tmp_path):
    out = tmp_path / "site"
    paths = write_leaderboard(lb, out_dir=out)
    assert [p.name for p in paths] == ["leaderboard.md", "leaderboard.csv", "leaderboard.json", "leaderboard.html"]
    first = {p.name: p.read_bytes() for p in paths}
    # Rebuilt from scratch and rewritten in place: the same bytes, no temp files left.
    again = build_leaderboard(runs, gold_sha256=GOLD, n_resamples=1000, seed=12345)
    write_leaderboard(again, out_dir=out)
    assert {p.name: p.read_bytes() for p in paths} == first
    assert sorted(p.name for p in out.iterdir()) == sorted(first)
    data = json.loads(first["leaderboard.json"])
    assert data["significance"]["n_resamples"] == 1000 and data["significance"]["seed"] == 12345
    tr = next(t for t in data["tasks"] if t["task"] == "translation")
    for row in tr["rows"] + tr["not_ranked"]:
        link = out / row["run"]["report"]
        assert link.resolve() == (runs / row["system"]).resolve() / Path(row["run"]["dir"]).name / "report.html"
        assert link.read_text(encoding="utf-8") == f"<p>{row['system']}</p>\n"
    md = first["leaderboard.md"].decode("utf-8")
    weak = next(r for r in tr["rows"] if r["system"] == "weak")["run"]["report"]
    assert weak.endswith("/runs/weak/20250301T120000Z-abcd1234/report.html") and not Path(weak).is_absolute()
    # The Markdown row shows the JSON's numbers (p = 1/1001 and 1/10001: every resample agrees).
    w = next(r for r in tr["rows"] if r["system"] == "weak")
    main = w["main"]
    sec = [f"{w['secondary'][name]:.1f}" for name in tr["secondary_metrics"]]
    expected = (f"| 2 | [weak]({weak}) | {main['value']:.1f} | [{main['ci_low']:.1f}, {main['ci_high']:.1f}] | "
                f"{w['vs_best']['difference']:+.1f} | 0.0010* | 0.0001* | {' | '.join(sec)} |")
    assert expected in md
    assert "1000 resamples and seed 12345" in md and "Not ranked: sanity check." in md
    lines = first["leaderboard.csv"].decode("utf-8").splitlines()
    assert lines[0].startswith("task,rank,system,ranked,main_metric")
    assert sum(line.startswith("translation,") for line in lines) == 4


def test_different_seed_changes_only_the_tests(runs, lb):
    other = build_leaderboard(runs, gold_sha256=GOLD, n_resamples=1000, seed=99)
    a, b = board(lb, "translation").rows, board(other, "translation").rows
    assert [r.value for r in a] == [r.value for r in b]
    assert a[1].vs_best.p_bootstrap != b[1].vs_best.p_bootstrap


def test_cli_with_real_gold(tmp_path, capsys):
    from benchmark.cli.main import main
    from benchmark.gold.loading import gold_files, load_corpus, default_data_dir

    assert gold_files(default_data_dir())
    sha = load_corpus().sha256
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for label in ("strong", "weak"):
            write_run(tmp_path / "runs", label, SYSTEMS[label][1], tasks=("translation",), gold=sha)
    rc = main(["leaderboard", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "out"),
               "--n-resamples", "200", "--seed", "5"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "translation: 2 ranked system(s); rank 1: strong" in printed
    assert json.loads((tmp_path / "out" / "leaderboard.json").read_text())["significance"]["seed"] == 5


def test_empty_runs_folder_and_bad_options(tmp_path):
    from benchmark.errors import ConfigError, InputError

    lb = build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=10, seed=1)
    assert lb.boards == ()
    with pytest.raises(InputError, match="runs folder not found"):
        build_leaderboard(tmp_path / "nope", gold_sha256=GOLD)
    with pytest.raises(ConfigError, match="n_resamples: must be a positive integer"):
        build_leaderboard(tmp_path, gold_sha256=GOLD, n_resamples=0)
