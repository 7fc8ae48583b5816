"""The round trip through a real Label Studio server (marker ``labelstudio``).

One server for the module, on a free loopback port with a temporary data
folder, started with the default organisation settings (legacy tokens off),
so the client authenticates as a user does: a personal access token. Skipped
only when the ``label-studio`` command is not installed
(``pip install -e '.[annotate]'``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmark.annotate.client import TOKEN_ENV, LabelStudio
from benchmark.cli.main import main
from benchmark.errors import ServiceError
from benchmark.gold.loading import default_data_dir, load_corpus
from labelstudio_server import LEGACY_TOKEN, label_studio_command, label_studio_server, personal_access_token
from review_helpers import ARTICLE, DOC_ID, reviewed_result

DOC = "000_d60cf795c66ab44c"
pytestmark = [
    pytest.mark.labelstudio,
    pytest.mark.skipif(label_studio_command() is None,
                       reason="the label-studio command is not installed (pip install -e '.[annotate]')"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with label_studio_server(tmp_path_factory.mktemp("label-studio")) as s:
        yield s


@pytest.fixture(scope="module")
def token(server) -> str:
    return personal_access_token(server.url)


@pytest.fixture()
def client(server, token, monkeypatch) -> LabelStudio:
    monkeypatch.setenv(TOKEN_ENV, token)  # for the push / pull commands
    return LabelStudio(server.url, token)


def test_a_legacy_token_is_refused_by_a_new_organisation(server):
    with pytest.raises(ServiceError, match="401.*legacy token"):
        LabelStudio(server.url, LEGACY_TOKEN).request("GET", "/api/projects")


def _export_and_push(server, tmp_path: Path, capsys, *extra: str) -> int:
    assert main(["annotate", "export", "--out", str(tmp_path / "tasks"), *extra]) == 0
    assert main(["annotate", "push", str(tmp_path / "tasks"), "--url", server.url, "--title", f"review {tmp_path.name}"]) == 0
    out = capsys.readouterr().out
    return int(out.split("project ")[1].split(":")[0])


def test_gold_round_trip_through_the_server(server, client, tmp_path, capsys):
    project = _export_and_push(server, tmp_path, capsys)
    (task_id,) = client.task_ids(project)
    # the pre-annotation reads back exactly as exported
    ours = json.loads((tmp_path / "tasks" / "tasks.json").read_text(encoding="utf-8"))[0]
    stored = client.request("GET", f"/api/predictions?task={task_id}")
    assert [p["result"] for p in stored] == [ours["predictions"][0]["result"]]
    # a reviewer accepts it unchanged; the export API returns it as an annotation
    client.annotate(task_id, stored[0]["result"])
    assert main(["annotate", "pull", str(project), "--url", server.url, "--out", str(tmp_path / "export.json")]) == 0
    exported = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert exported[0]["data"] == ours["data"] and exported[0]["annotations"][0]["result"] == stored[0]["result"]
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(tmp_path / "gold")]) == 0
    gold_file = default_data_dir() / "gold" / f"{DOC}.json"
    assert (tmp_path / "gold" / f"{DOC}.json").read_bytes() == gold_file.read_bytes()


def test_two_reviewers_and_agreement(server, client, tmp_path, capsys):
    """Two reviewers' projects; the second changes one stance label: 41 of 42 labels agree."""
    for reviewer in ("r1", "r2"):
        project = _export_and_push(server, tmp_path / reviewer, capsys)
        (task_id,) = client.task_ids(project)
        result = client.request("GET", f"/api/predictions?task={task_id}")[0]["result"]
        if reviewer == "r2":
            item = next(i for i in result if i.get("id") == "st39" and i["from_name"] == "stance_label")
            item["value"]["choices"] = ["AGAINST"]
        client.annotate(task_id, result)
        export = tmp_path / f"{reviewer}.json"
        assert main(["annotate", "pull", str(project), "--url", server.url, "--out", str(export)]) == 0
        assert main(["annotate", "import", str(export), "--out", str(tmp_path / reviewer / "gold")]) == 0
    capsys.readouterr()
    assert main(["agreement", "--a", str(tmp_path / "r1" / "gold"), "--b", str(tmp_path / "r2" / "gold"), "--json"]) == 0
    agr = json.loads(capsys.readouterr().out)
    assert agr["stance_label_agreement"] == pytest.approx(41 / 42) and agr["quote_content_f1_exact"] == 1.0


def test_a_new_article_through_the_server(server, client, tmp_path, capsys):
    src = default_data_dir()
    data = tmp_path / "data"
    (data / "gold").mkdir(parents=True)
    shutil.copytree(src / "articles", data / "articles")
    shutil.copy(src / "targets.json", data / "targets.json")
    shutil.copy(src / "gold" / f"{DOC}.json", data / "gold" / f"{DOC}.json")
    (tmp_path / "new.txt").write_bytes(ARTICLE.encode("utf-8"))
    assert main(["add-article", str(tmp_path / "new.txt"), "--doc-id", DOC_ID, "--data-dir", str(data),
                 "--tasks-out", str(tmp_path / "tasks")]) == 0
    assert main(["annotate", "push", str(tmp_path / "tasks"), "--url", server.url]) == 0
    project = int(capsys.readouterr().out.split("project ")[1].split(":")[0])
    (task_id,) = client.task_ids(project)
    skeleton = client.request("GET", f"/api/predictions?task={task_id}")[0]["result"]
    client.annotate(task_id, reviewed_result(skeleton))
    assert main(["annotate", "pull", str(project), "--url", server.url, "--out", str(tmp_path / "export.json")]) == 0
    assert main(["annotate", "import", str(tmp_path / "export.json"), "--out", str(data / "gold"),
                 "--data-dir", str(data)]) == 0
    assert main(["check-data", "--data-dir", str(data)]) == 0
    doc = load_corpus(data).document(DOC_ID)
    assert [(q.id, q.speaker, q.type) for q in doc.quotes] == [("q01", "lavrov", "mixed"), ("q02", "lavrov", "indirect")]
    assert main(["run", "system=oracle", "task=stance", f"paths.data_dir={data}",
                 f"paths.results_dir={tmp_path / 'runs'}", "scoring.n_resamples=10"]) == 0
    (run,) = (tmp_path / "runs" / "oracle").iterdir()
    metric = json.loads((run / "metrics.json").read_text(encoding="utf-8"))["tasks"]["stance"][0]
    # 42 gold stances plus the reviewer's one, all predicted by the oracle
    assert (metric["name"], metric["value"], metric["n_items"]) == ("stance_f_avg", 1.0, 43)
