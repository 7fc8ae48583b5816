"""The Label Studio round trip without a server: export, import, problems, new articles.

tests/test_labelstudio.py repeats the round trip through a real server.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from benchmark.annotate.config import label_config
from benchmark.annotate.importing import import_task
from benchmark.annotate.tasks import annotation_result, document_task
from benchmark.cli.main import main
from benchmark.gold.loading import default_data_dir, load_corpus, load_targets
from benchmark.gold.schema import Document, Entity, Mention, Quote, Segment, Span, Stance
from review_helpers import ARTICLE, DOC_ID, reviewed_result

DOC = "000_d60cf795c66ab44c"
REPO = Path(__file__).resolve().parents[1]


def records(doc: Document) -> dict:
    """Every field of every record, span texts included (Span equality ignores them)."""
    return dataclasses.asdict(doc)


def accept(tasks: list[dict], **who) -> list[dict]:
    """What Label Studio exports after a reviewer submits each pre-annotation unchanged."""
    out = copy.deepcopy(tasks)
    for i, t in enumerate(out):
        t["id"] = i + 1
        t["annotations"] = [{"id": i + 1, "completed_by": who.get("completed_by", 1), "was_cancelled": False,
                             "result": copy.deepcopy(t["predictions"][0]["result"])}]
    return out


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    src, dst = default_data_dir(), tmp_path / "data"
    (dst / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", dst / "articles")
    shutil.copy(src / "targets.json", dst / "targets.json")
    shutil.copy(src / "gold" / f"{DOC}.json", dst / "gold" / f"{DOC}.json")
    return dst


def test_gold_to_tasks_to_import_is_lossless(tmp_path, capsys):
    assert main(["annotate", "export", "--out", str(tmp_path / "tasks")]) == 0
    tasks = json.loads((tmp_path / "tasks" / "tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 1 and tasks[0]["predictions"][0]["model_version"].startswith("gold ")
    (tmp_path / "export.json").write_text(json.dumps(accept(tasks), ensure_ascii=False), encoding="utf-8")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "gold")]) == 0
    assert "(annotated): 23 entities, 134 mentions, 34 quotes, 42 stances, 47 segments" in capsys.readouterr().out
    gold = load_corpus().documents[0]
    back = load_corpus(default_data_dir(), layer=str(tmp_path / "gold")).documents[0]
    want, got = records(gold), records(back)
    for layer in ("entities", "mentions", "quotes", "stances", "segments"):
        assert len(got[layer]) == len(want[layer]), layer
        for a, b in zip(want[layer], got[layer]):
            assert a == b, (layer, a["id"])
    assert got == want
    # and byte for byte: the file the import writes is the gold file
    assert (tmp_path / "gold" / f"{DOC}.json").read_bytes() == (default_data_dir() / "gold" / f"{DOC}.json").read_bytes()


def _synthetic() -> Document:
    """Every feature the representation must carry: astral characters before spans (UTF-16 offsets),
    a discontinuous and a nested quote, a quote without cue or source, a stance without evidence,
    an entity without variants, and metadata without a status."""
    text = "😀 قال لافروف إن الاجتماع “مفيد” جدًا، وأضاف 𝔸 أن العمل سيبدأ.\n\nعنوان"
    def sp(s, start=0):
        i = text.index(s, start)
        return Span(i, i + len(s), s)
    ents = (Entity("lavrov", "PER", "سيرغي لافروف", "Sergei Lavrov", ("Lavrov",), ("لافروف",)),
            Entity("nobody", "GROUP", "أحد", "someone"))
    mentions = (Mention("m001", "lavrov", sp("لافروف"), "named"),)
    quotes = (Quote("q01", (sp("الاجتماع"), sp("مفيد")), sp("قال"), sp("لافروف"), "lavrov", "mixed", None, "the meeting ... useful"),
              Quote("q02", (sp("العمل سيبدأ"),), None, None, "lavrov", "indirect", "q01", ""))
    stances = (Stance("st01", "q01", "lavrov", "riyadh_talks", "FAVOR", sp("مفيد")),
               Stance("st02", "q02", "lavrov", "relations_normalisation", "NONE", None))
    segments = (Segment("s01", sp(text.split("\n")[0].strip()), "body", 0, "Lavrov said …"),
                Segment("s02", sp("عنوان"), "headline", 1, ""))
    return Document("synthetic", text, "0" * 64, (("publisher", "x"),), ents, mentions, quotes, stances, segments)


def test_every_feature_survives_the_round_trip():
    doc = _synthetic()
    task = accept([document_task(doc, text_file="articles/synthetic.txt", model_version="test")])[0]
    mention = next(i for i in task["annotations"][0]["result"] if i.get("id") == "m001" and i["type"] == "labels")
    i = doc.text.index("لافروف")
    assert (mention["value"]["start"], mention["value"]["end"]) == (i + 1, i + 7)  # 😀 is two UTF-16 units
    imported, problems = import_task(task, 0, targets=load_targets(default_data_dir()), file="x.json")
    # the checksum and the reference rules are check-data's business, reported by region; nothing else
    assert all("text_sha256" in p.field or "translation_en" in p.field for p in problems), problems
    assert records(imported.doc) == records(doc)


def _gold_task() -> dict:
    doc = load_corpus().documents[0]
    return accept([document_task(doc, text_file=f"articles/{DOC}.txt", model_version="gold")])[0]


def _import(task) -> list[str]:
    _, problems = import_task(task, 0, targets=load_targets(default_data_dir()), file="export.json")
    return [str(p) for p in problems]


def _items(task, rid, name=None):
    return [i for i in task["annotations"][0]["result"] if i.get("id") == rid and (name is None or i["from_name"] == name)]


CORRUPTIONS = [
    ("quote without speaker", lambda t: t["annotations"][0]["result"].remove(_items(t, "q05", "speaker")[0]),
     "region 'q05', speaker: missing (Content regions need it)"),
    ("unknown entity id", lambda t: _items(t, "m012", "entity")[0]["value"].update(text=["trum"]),
     # m012 is the 14th mention in text order: two russia_us mentions (m115, m116) come before it
     "region 'm012' (mentions[13].entity): dangling reference to entity 'trum'"),
    ("bad stance label", lambda t: _items(t, "st03", "stance_label")[0]["value"].update(choices=["PRO"]),
     "region 'st03' (stances[2].label): 'PRO' is not one of FAVOR, AGAINST, NONE"),
    ("unknown span label", lambda t: _items(t, "m001", "label")[0]["value"].update(labels=["Person"]),
     "region 'm001', labels: expected one of Mention, Content, Cue, Stance, Segment, got ['Person']"),
    ("offsets past the text", lambda t: _items(t, "s47", "label")[0]["value"].update(end=10**6),
     "region 's47', start/end: offsets [5560, 1000000) are not a span"),
    ("surface text differs", lambda t: _items(t, "m001", "label")[0]["value"].update(text="لافروف"),
     "region 'm001', text: the region says 'لافروف' but the article has"),
    ("cue not linked", lambda t: t["annotations"][0]["result"].remove(
        next(i for i in t["annotations"][0]["result"] if i.get("from_id") == "q07_cue")),
     "region 'q07_cue', relation cue: a Cue region must be linked"),
    ("span inside a word", lambda t: [i["value"].update(start=i["value"]["start"] + 2) for i in _items(t, "q02")],
     "region 'q02' (quotes[1].content[0]): span start"),
    ("two sources", lambda t: t["annotations"][0]["result"].append(
        {"type": "relation", "from_id": "m001", "to_id": "q02", "direction": "right", "labels": ["source"]}),
     "region 'q02', relation source: 2 source regions linked"),
    ("quote reference not in its segment",
     lambda t: _items(t, "q02", "quote_translation")[0]["value"].update(text=["the talks were very useful"]),
     "region 'q02' (quotes[1].translation_en): quote 'q02': 'the talks were very useful' is not words"),
]


@pytest.mark.parametrize("name,corrupt,message", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_each_problem_names_region_and_field(name, corrupt, message):
    task = _gold_task()
    assert _import(task) == []
    corrupt(task)
    problems = _import(task)
    assert any(message in p for p in problems), problems
    assert all(p.startswith("export.json: task 0 (000_d60cf795c66ab44c)") for p in problems)


def test_a_refused_import_writes_nothing(tmp_path, capsys):
    task = _gold_task()
    _items(task, "q05", "quote_type")[0]["value"]["choices"] = ["reported"]
    (tmp_path / "export.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "region 'q05' (quotes[5].type): 'reported' is not one of direct, indirect, mixed" in err
    assert "1 problem(s); nothing was written" in err and not (tmp_path / "out").exists()


def test_several_reviewers_need_a_choice(tmp_path, capsys):
    task = _gold_task()
    task["annotations"].append(dict(task["annotations"][0], id=2, completed_by=7))
    (tmp_path / "export.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "out")]) == 1
    assert "2 annotations; choose one reviewer with --annotator (one of: 1, 7)" in capsys.readouterr().err
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "out"),
                 "--annotator", "7"]) == 0


def test_two_reviewers_through_agreement(tmp_path, capsys):
    """Reviewer 2 flips one stance label (st39 FAVOR → AGAINST): 41 of 42 labels agree."""
    tasks = [_gold_task()]
    (tmp_path / "r1.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    _items(tasks[0], "st39", "stance_label")[0]["value"]["choices"] = ["AGAINST"]
    (tmp_path / "r2.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    for r in ("r1", "r2"):
        assert main(["annotate", "import", str(tmp_path / f"{r}.json"), "--out", str(tmp_path / r)]) == 0
    capsys.readouterr()
    assert main(["agreement", "--a", str(tmp_path / "r1"), "--b", str(tmp_path / "r2"), "--json"]) == 0
    agr = json.loads(capsys.readouterr().out)
    assert agr["stance_label_agreement"] == pytest.approx(41 / 42)
    assert agr["stance_pair_f1"] == 1.0 and agr["quote_content_f1_exact"] == 1.0 and agr["mention_f1_exact"] == 1.0


def test_label_config_has_every_control_the_tasks_use():
    targets = load_targets(default_data_dir())
    xml = label_config(targets)
    root = ET.fromstring(xml)
    controls = {el.get("name"): el.tag for el in root.iter() if el.get("name")}
    kinds = {"labels": "Labels", "choices": "Choices", "textarea": "TextArea"}
    for item in annotation_result(load_corpus().documents[0]):
        if item["type"] == "relation":
            assert item["labels"][0] in {el.get("value") for el in root.iter("Relation")}
        else:
            assert controls[item["from_name"]] == kinds[item["type"]], item["from_name"]
    assert {el.get("value") for el in root.find(".//Choices[@name='stance_target']")} == {t.id for t in targets}
    assert "direction: rtl" in root.find("View[Text]").get("style")
    shipped = (REPO / "benchmark" / "annotate" / "label_studio.xml").read_text(encoding="utf-8")
    assert shipped == xml, "regenerate with: python -m benchmark annotate config > benchmark/annotate/label_studio.xml"


def _run_folder(tmp_path: Path, line: dict) -> Path:
    run = tmp_path / "runs" / "mysys" / "20250101T000000Z-abcdef12"
    run.mkdir(parents=True)
    (run / "predictions.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    return run


def test_a_runs_predictions_become_the_pre_annotation(tmp_path, capsys):
    gold = load_corpus().documents[0]
    q, m = gold.quote("q03"), gold.mentions[0]
    line = {"doc_id": DOC, "speakers": [{"start": m.span.start, "end": m.span.end, "entity": "lavrov"}],
            "quotes": [{"content": [[q.content[0].start, q.content[0].end]], "cue": [q.cue.start, q.cue.end],
                        "source": None, "speaker": "Lavrov", "type": "direct"}],
            "stance": [{"quote_id": "q03", "target": "diplomatic_missions", "label": "FAVOR"}],
            "translations": [{"segment_id": "s11", "text": "A system's translation."}]}
    run = _run_folder(tmp_path, line)
    assert main(["annotate", "export", "--run", str(run), "--out", str(tmp_path / "tasks")]) == 0
    task = json.loads((tmp_path / "tasks" / "tasks.json").read_text(encoding="utf-8"))[0]
    pre = task["predictions"][0]
    assert pre["model_version"] == "mysys 20250101T000000Z-abcdef12"
    labels = [(i["id"], i["value"]["labels"][0]) for i in pre["result"] if i["type"] == "labels" and
              i["value"]["labels"][0] != "Segment"]
    assert labels == [("m001", "Mention"), ("q01", "Content"), ("q01_cue", "Cue"), ("st01", "Stance")]
    values = {(i["id"], i["from_name"]): i["value"] for i in pre["result"] if i["type"] != "relation"}
    assert values[("q01", "speaker")]["text"] == ["lavrov"] and values[("q01", "quote_type")]["choices"] == ["direct"]
    assert values[("status", "status")]["choices"] == ["unannotated"]
    assert values[("s11", "segment_translation")]["text"] == ["A system's translation."]
    assert values[("st01", "stance_target")]["choices"] == ["diplomatic_missions"]
    assert ("m001", "mention_kind") not in values  # a system does not predict it: the reviewer adds it
    (tmp_path / "export.json").write_text(json.dumps(accept([task]), ensure_ascii=False), encoding="utf-8")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "region 'm001', mention_kind: missing" in err and "1 problem(s)" in err


def test_new_article_export_review_import_check_run(data_copy, tmp_path, capsys):
    """add-article → check-data (unannotated, not scored) → review in the task → import → check-data → run."""
    (tmp_path / "new.txt").write_bytes(ARTICLE.encode("utf-8"))
    sha_before = load_corpus(data_copy).sha256
    assert main(["add-article", str(tmp_path / "new.txt"), "--doc-id", DOC_ID, "--meta", "source=test",
                 "--data-dir", str(data_copy), "--tasks-out", str(tmp_path / "tasks")]) == 0
    assert (data_copy / "articles" / f"{DOC_ID}.txt").read_bytes() == ARTICLE.encode("utf-8")
    assert main(["check-data", "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert f"{DOC_ID}: 0 entities, 0 mentions, 0 quotes, 0 stances, 2 segments (unannotated: checked, not scored)" in out
    assert "1 annotated document(s), 1 unannotated" in out
    corpus = load_corpus(data_copy)
    assert corpus.unannotated == (DOC_ID,) and corpus.sha256 == sha_before  # not scored, not in the checksum

    task = json.loads((tmp_path / "tasks" / "tasks.json").read_text(encoding="utf-8"))[0]
    task["annotations"] = [{"id": 1, "completed_by": 1, "result": reviewed_result(task["predictions"][0]["result"])}]
    (tmp_path / "export.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(data_copy / "gold"),
                 "--data-dir", str(data_copy)]) == 0
    assert f"{DOC_ID} (annotated): 1 entities, 1 mentions, 2 quotes, 1 stances, 2 segments" in capsys.readouterr().out
    doc = load_corpus(data_copy).document(DOC_ID)
    # the regions Label Studio named at random got the next free ids, in text order
    assert [q.id for q in doc.quotes] == ["q01", "q02"] and [m.id for m in doc.mentions] == ["m001"]
    assert (doc.quotes[0].source.text, doc.quotes[0].cue.text, doc.stances[0].evidence.text) == ("لافروف", "قال", "مفيدة")
    assert main(["check-data", "--data-dir", str(data_copy)]) == 0
    assert "OK (2 annotated document(s)" in capsys.readouterr().out
    assert main(["run", "system=oracle", "task=quotes", f"paths.data_dir={data_copy}",
                 f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10"]) == 0
    (run,) = (tmp_path / "runs" / "oracle").iterdir()
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == [DOC, DOC_ID]
    main_metric = json.loads((run / "metrics.json").read_text(encoding="utf-8"))["tasks"]["quotes"][0]
    # the gold scored against itself: 100%, over the 34 + 2 quotes of both documents
    assert (main_metric["name"], main_metric["value"]) == ("quote_content_f1.proportional.char", 1.0)


@pytest.mark.parametrize("args,message", [
    (["--doc-id", DOC], "is already in"),
    (["--doc-id", "../evil"], "is not a document id"),
    (["--doc-id", "x", "--meta", "status=annotated"], "'status' is set by add-article"),
    (["--doc-id", "x", "--boilerplate-from", "لا يوجد"], "does not occur in the text"),
])
def test_add_article_refuses_and_writes_nothing(data_copy, tmp_path, capsys, args, message):
    (tmp_path / "new.txt").write_bytes(ARTICLE.encode("utf-8"))
    before = sorted(p.relative_to(data_copy) for p in data_copy.rglob("*"))
    assert main(["add-article", str(tmp_path / "new.txt"), *args, "--data-dir", str(data_copy),
                 "--tasks-out", str(tmp_path / "tasks")]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.relative_to(data_copy) for p in data_copy.rglob("*")) == before
    assert not (tmp_path / "tasks").exists()


def test_add_article_refuses_bytes_that_are_not_utf8(data_copy, tmp_path, capsys):
    (tmp_path / "new.txt").write_bytes("قال".encode("cp1256"))
    assert main(["add-article", str(tmp_path / "new.txt"), "--doc-id", "x", "--data-dir", str(data_copy)]) == 2
    # ق is the byte 0xDE in cp1256
    assert "not UTF-8: byte 0xde at offset 0" in capsys.readouterr().err


def test_annotation_outputs_are_git_ignored():
    """`annotate export` and `add-article` write their tasks under results/annotation/ by default."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "check-ignore", "-q", "results/annotation/x/tasks.json"], cwd=REPO)
    assert done.returncode == 0


def test_a_human_review_is_recorded_and_shown_on_the_dataset_card(tmp_path, capsys):
    from benchmark.publish.dataset_card import dataset_card

    card = dataset_card(load_corpus(), data_dir=default_data_dir())
    assert "**Reviewed by people: none yet.**" in card and "python -m benchmark annotate import" in card
    tasks = [_gold_task()]
    (tmp_path / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "data"
    shutil.copytree(default_data_dir() / "articles", out / "articles")
    shutil.copy(default_data_dir() / "targets.json", out / "targets.json")
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(out / "gold"),
                 "--reviewed-by", "Jane Doe (native speaker, 2025-03-01)"]) == 0
    corpus = load_corpus(out)
    assert dict(corpus.documents[0].metadata)["reviewed_by"] == "Jane Doe (native speaker, 2025-03-01)"
    assert f"**Reviewed by people: {DOC}: Jane Doe (native speaker, 2025-03-01).**" in dataset_card(corpus, data_dir=out)


@pytest.mark.parametrize("content,code,message", [
    (b"\xff\xfe", 2, "not a Label Studio JSON export"),           # a bad file: one error, exit 2
    (b'{"tasks": []}', 2, "expected a JSON list of tasks, each with a 'data' object"),
    (b'[{"data": {"text": "x"}}]', 1, "task 0 (?), data: missing doc_id, text_file"),  # listed problems: exit 1
])
def test_an_export_that_is_not_one_is_refused(tmp_path, capsys, content, code, message):
    (tmp_path / "e.json").write_bytes(content)
    assert main(["annotate", "import", str(tmp_path / "e.json"), "--out", str(tmp_path / "out")]) == code
    assert message in capsys.readouterr().err and not (tmp_path / "out").exists()
