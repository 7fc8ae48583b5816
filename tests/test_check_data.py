"""check-data: the gold passes, and each kind of corruption fails with its message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.gold.loading import default_data_dir, load_corpus
from benchmark.gold.check import check_data

DOC = "000_d60cf795c66ab44c"


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    src = default_data_dir()
    dst = tmp_path / "data"
    (dst / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", dst / "articles")
    shutil.copy(src / "targets.json", dst / "targets.json")
    shutil.copy(src / "gold" / f"{DOC}.json", dst / "gold" / f"{DOC}.json")
    return dst


def _edit(data_dir: Path, fn) -> Path:
    path = data_dir / "gold" / f"{DOC}.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    fn(obj)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def test_gold_passes(capsys):
    assert check_data(default_data_dir()) == []
    assert main(["check-data"]) == 0
    assert "check-data: OK" in capsys.readouterr().out


def test_raw_passes_pass():
    for layer in ("passes/annotator_a", "passes/annotator_b"):
        assert check_data(default_data_dir(), layer=layer) == []


def _shift_mention(obj, start_delta, end_delta, fix_text=True):
    text = (default_data_dir() / "articles" / f"{DOC}.txt").read_text(encoding="utf-8")
    m = obj["mentions"][0]
    m["start"] += start_delta
    m["end"] += end_delta
    if fix_text:
        m["text"] = text[m["start"]:m["end"]]


def _find_mention(obj, surface):
    return next(m for m in obj["mentions"] if m["text"] == surface)


CASES = [
    ("offset out of range", lambda o: o["mentions"][0].update(end=10**6), "mentions[0]", "out of range"),
    ("text mismatch", lambda o: o["mentions"][0].update(text="xyz"), "mentions[0]", "does not match the text"),
    ("inside a word", lambda o: _shift_mention(o, 2, 0), "mentions[0]", "falls inside the word"),
    ("trailing whitespace", lambda o: _shift_mention(o, 0, 1), "mentions[0]", "leading or trailing whitespace"),
    ("duplicate id", lambda o: o["quotes"][1].update(id=o["quotes"][0]["id"]), "quotes[1].id", "duplicate id"),
    ("dangling speaker", lambda o: o["quotes"][0].update(speaker="nobody"), "quotes[0].speaker", "dangling reference to entity 'nobody'"),
    ("dangling nested_in", lambda o: o["quotes"][0].update(nested_in="q99"), "quotes[0].nested_in", "dangling reference to quote 'q99'"),
    ("dangling target", lambda o: o["stances"][0].update(target="mars"), "stances[0].target", "dangling reference to target 'mars'"),
    ("dangling quote", lambda o: o["stances"][0].update(quote="q99"), "stances[0].quote", "dangling reference to quote 'q99'"),
    ("dangling mention entity", lambda o: o["mentions"][0].update(entity="ghost"), "mentions[0].entity", "dangling reference to entity 'ghost'"),
    ("quote without speaker", lambda o: o["quotes"][0].update(speaker=None), "quotes[0].speaker", "has no speaker"),
    ("bad stance label", lambda o: o["stances"][0].update(label="PRO"), "stances[0].label", "'PRO' is not one of FAVOR, AGAINST, NONE"),
    ("checksum mismatch", lambda o: o.update(text_sha256="0" * 64), "text_sha256", "checksum mismatch"),
    ("bad quote type", lambda o: o["quotes"][0].update(type="reported"), "quotes[0].type", "'reported' is not one of"),
]


@pytest.mark.parametrize("name,corrupt,field,message", CASES, ids=[c[0] for c in CASES])
def test_corruption_is_reported(data_copy, capsys, name, corrupt, field, message):
    path = _edit(data_copy, corrupt)
    problems = [str(p) for p in check_data(data_copy)]
    assert any(str(path) in p and f": {field}: " in p and message in p for p in problems), problems
    assert main(["check-data", "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err
    assert "Traceback" not in err


def test_proclitic_boundary_is_allowed(data_copy):
    # «لوزير الخارجية الروسي سيرغي لافروف»: the mention starts after the proclitic ل.
    obj = json.loads((data_copy / "gold" / f"{DOC}.json").read_text(encoding="utf-8"))
    m = _find_mention(obj, "وزير الخارجية الروسي سيرغي لافروف")
    text = load_corpus(data_copy).documents[0].text
    assert any(text[m["start"] - 1] == "ل" for m in obj["mentions"] if m["text"] == "وزير الخارجية الروسي سيرغي لافروف")
    assert check_data(data_copy) == []
    assert m["start"] > 0


def test_changed_text_breaks_checksum(data_copy):
    p = data_copy / "articles" / f"{DOC}.txt"
    p.write_bytes(p.read_bytes() + b"\n")
    problems = [str(p) for p in check_data(data_copy)]
    assert any("text_sha256" in p and "checksum mismatch" in p for p in problems)


def test_malformed_json_names_file_and_line(data_copy, capsys):
    path = data_copy / "gold" / f"{DOC}.json"
    path.write_text('{"schema_version": 1,\n "doc_id": }', encoding="utf-8")
    assert main(["check-data", "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: invalid JSON" in err
    assert "Traceback" not in err


def test_wrong_json_type_names_field(data_copy):
    path = _edit(data_copy, lambda o: o["quotes"][2].update(content="oops"))
    problems = [str(p) for p in check_data(data_copy)]
    assert problems == [f"{path}: quotes[2].content: expected list, got str"]


def test_guidelines_example_is_the_real_gold():
    """The JSON example in GUIDELINES.md section 6 shows the gold's first records, offsets included."""
    import re

    text = (default_data_dir() / "GUIDELINES.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text.split("## 6. JSON layout")[1], re.S).group(1))
    gold = json.loads((default_data_dir() / "gold" / f"{DOC}.json").read_text(encoding="utf-8"))
    assert example["mentions"][0] == gold["mentions"][0]
    for key in ("id", "content", "cue", "source", "speaker", "type", "nested_in"):
        assert example["quotes"][0][key] == gold["quotes"][0][key], key
    assert example["stances"][0] == gold["stances"][0]
    assert {k: example["entities"][0][k] for k in ("id", "type", "name_ar", "name_en")} == \
        {k: gold["entities"][0][k] for k in ("id", "type", "name_ar", "name_en")}


def test_run_and_validate_refuse_a_broken_gold(data_copy, capsys, tmp_path):
    _edit(data_copy, lambda o: o["stances"][0].update(label="PRO"))
    assert main(["run", "system=oracle", f"paths.data_dir={data_copy}", f"paths.results_dir={tmp_path}"]) == 2
    err = capsys.readouterr().err
    assert "the gold data fails check-data" in err and "'PRO' is not one of" in err
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"doc_id": "%s"}\n' % DOC, encoding="utf-8")
    assert main(["validate", str(preds), "--data-dir", str(data_copy)]) == 2
    assert "the gold data fails check-data" in capsys.readouterr().err
