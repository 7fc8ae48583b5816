"""`python -m benchmark inputs`: what each task gives a system, never the answers;
and the example submission of docs/SUBMISSION.md, which `validate` and `score` accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.gold.loading import load_corpus

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "submission.jsonl"
# Sizes of the gold layers, counted in the gold JSON itself (not through the code under test).
_GOLD = json.loads(next((ROOT / "data" / "gold").glob("*.json")).read_text(encoding="utf-8"))
N_QUOTES, N_STANCES, N_SEGMENTS = len(_GOLD["quotes"]), len(_GOLD["stances"]), len(_GOLD["segments"])

# Every key the file may hold: nothing else can leak (no speaker, label, type, cue, source, entity, reference).
KEYS = {
    "document": {"doc_id", "text", "segments", "quotes", "stance_items", "targets"},
    "segment": {"id", "start", "end", "kind", "paragraph", "text"},
    "quote": {"id", "content", "paragraph", "text"},
    "stance_item": {"quote_id", "target", "paragraph"},
    "target": {"id", "description_en", "description_ar"},
}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _inputs(tmp_path: Path, *tasks: str) -> list[dict]:
    out = tmp_path / ("_".join(tasks) or "all") / "inputs.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = ["inputs", "--out", str(out)]
    for t in tasks:
        argv += ["--task", t]
    assert main(argv) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _check_keys(row: dict) -> None:
    assert set(row) == KEYS["document"]
    for name, field in (("segment", "segments"), ("quote", "quotes"), ("stance_item", "stance_items"),
                        ("target", "targets")):
        for item in row[field]:
            assert set(item) == KEYS[name], (name, item)


def test_attribution_inputs_are_the_gold_quote_spans_and_nothing_else(tmp_path, corpus):
    (row,) = _inputs(tmp_path, "attribution")
    doc = corpus.documents[0]
    _check_keys(row)
    assert row["doc_id"] == doc.doc_id and row["text"] == doc.text
    assert [q["id"] for q in row["quotes"]] == [q.id for q in doc.quotes]
    assert [q["content"] for q in row["quotes"]] == [[[s.start, s.end] for s in q.content] for q in doc.quotes]
    # q01 is discontinuous: its text is its two parts joined by a space.
    q01 = row["quotes"][0]
    assert q01["text"] == " ".join(doc.text[a:b] for a, b in q01["content"]) and len(q01["content"]) == 2
    assert row["stance_items"] == []  # stance pairs only for the stance task


def test_extraction_tasks_never_see_gold_quotes(tmp_path):
    for task in ("speakers", "quotes", "end2end"):
        (row,) = _inputs(tmp_path, task)
        assert row["quotes"] == [] and row["stance_items"] == []


def test_stance_inputs_are_the_gold_pairs(tmp_path, corpus):
    (row,) = _inputs(tmp_path, "stance")
    doc = corpus.documents[0]
    _check_keys(row)
    assert [(s["quote_id"], s["target"]) for s in row["stance_items"]] == [(s.quote, s.target) for s in doc.stances]
    assert len(row["stance_items"]) == N_STANCES
    assert {t["id"] for t in row["targets"]} == {t.id for t in corpus.targets}


def test_translation_inputs_are_the_segments_and_quotes(tmp_path, corpus):
    (row,) = _inputs(tmp_path, "translation")
    doc = corpus.documents[0]
    assert [s["id"] for s in row["segments"]] == [s.id for s in doc.segments]
    assert all(s["text"] == doc.text[s["start"]:s["end"]] for s in row["segments"])
    assert len(row["quotes"]) == N_QUOTES  # each gold quote's content is translated on its own too


def test_the_file_is_what_a_built_in_system_is_given(tmp_path, monkeypatch):
    # Record the DocInput the lexicon system receives in a real run, and compare.
    from benchmark.systems import lexicon
    from benchmark.tasks.inputs import input_to_json

    seen = []
    original = lexicon.LexiconSystem.predict

    def recording(self, docs, **kwargs):
        seen.extend(docs)
        return original(self, docs, **kwargs)

    monkeypatch.setattr(lexicon.LexiconSystem, "predict", recording)
    assert main(["run", "system=lexicon", "task=stance", f"paths.results_dir={tmp_path / 'runs'}",
                 "scoring.n_resamples=20"]) == 0
    assert [input_to_json(d) for d in seen] == _inputs(tmp_path, "stance")


def test_inputs_suffice_to_write_a_complete_submission(tmp_path, capsys):
    rows = _inputs(tmp_path)  # all tasks (stdout too, below)
    sub = tmp_path / "complete.jsonl"
    sub.write_text("".join(json.dumps({
        "doc_id": r["doc_id"],
        "attribution": [{"quote_id": q["id"], "speaker": None} for q in r["quotes"]],
        "stance": [{"quote_id": s["quote_id"], "target": s["target"], "label": "NONE"} for s in r["stance_items"]],
        "translations": [{"segment_id": s["id"], "text": s["text"]} for s in r["segments"]],
    }, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(sub)]) == 0
    assert (f"gold items covered: attribution {N_QUOTES}/{N_QUOTES}; stance {N_STANCES}/{N_STANCES}; "
            f"translations: segments {N_SEGMENTS}/{N_SEGMENTS}") in capsys.readouterr().out
    assert main(["inputs"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == rows


def test_unknown_task_and_system_folders_are_refused(tmp_path, capsys):
    assert main(["inputs", "--task", "stanse"]) == 2
    assert "Unknown task 'stanse'. Did you mean 'stance'?" in capsys.readouterr().err
    assert main(["inputs", "--out", "/etc/inputs.jsonl"]) == 2
    assert "system directory /etc" in capsys.readouterr().err


def test_the_example_submission_validates_and_scores(tmp_path, capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "valid, 1 document(s)" in out and "unaligned=0" in out and "unresolved speakers=0" in out
    assert main(["score", str(EXAMPLE), "--name", "example", "--out", str(tmp_path)]) == 0
    (run_dir,) = (tmp_path / "example").iterdir()
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert sorted(metrics["tasks"]) == ["attribution", "end2end", "quotes", "speakers", "stance", "translation"]
    # By hand: q01-q03 name Lavrov (their gold speaker), q04 names Ushakov (gold: Lavrov);
    # every other gold quote is unanswered and counts as wrong: 3/N_QUOTES.
    accuracy = metrics["tasks"]["attribution"][0]
    assert accuracy["name"] == "attribution_accuracy" and accuracy["value"] == pytest.approx(3 / N_QUOTES)
