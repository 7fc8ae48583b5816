"""The exported Hugging Face dataset folder loads offline with `datasets`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmark.cli.main import main
from benchmark.publish.parquet import CONFIGS
from benchmark.gold.loading import load_corpus


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hub") / "dataset"
    assert main(["export", "--out", str(out)]) == 0
    return out


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))


def test_every_config_loads_with_gold_row_counts(exported):
    from datasets import load_dataset

    corpus = load_corpus()
    docs = corpus.documents
    expected = {
        "documents": len(docs),
        "entities": sum(len(d.entities) for d in docs),
        "mentions": sum(len(d.mentions) for d in docs),
        "quotes": sum(len(d.quotes) for d in docs),
        "stances": sum(len(d.stances) for d in docs),
        "targets": len(corpus.targets),
        "translation": sum(len(d.segments) for d in docs),
    }
    assert set(expected) == set(CONFIGS)
    for config in CONFIGS:
        ds = load_dataset(str(exported), config, split="test")
        assert ds.num_rows == expected[config], config


def test_rows_keep_offsets_and_text(exported):
    from datasets import load_dataset

    doc = load_corpus().documents[0]
    quotes = load_dataset(str(exported), "quotes", split="test")
    for row, q in zip(quotes, doc.quotes):
        assert row["quote_id"] == q.id
        # A span is a struct {start, end, text}; a quote's content is a list of them.
        assert [doc.text[c["start"]:c["end"]] for c in row["content"]] == [c["text"] for c in row["content"]]
        assert [(c["start"], c["end"]) for c in row["content"]] == [(c.start, c.end) for c in q.content]
        assert row["cue"] == {"start": q.cue.start, "end": q.cue.end, "text": q.cue.text}
        assert row["source"] == (None if q.source is None else
                                 {"start": q.source.start, "end": q.source.end, "text": q.source.text})
        assert quotes.features["type"].int2str(row["type"]) == q.type  # a class label
        assert row["speaker_id"] == q.speaker
    mentions = load_dataset(str(exported), "mentions", split="test")
    assert all(doc.text[r["start"]:r["end"]] == r["text"] for r in mentions)
    tr = load_dataset(str(exported), "translation", split="test")
    assert all(r["en"] for r in tr)


def test_card_metadata_and_counts(exported):
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(exported / "README.md")
    data = card.data.to_dict()
    assert data["language"] == ["ar", "en"]
    assert {c["config_name"] for c in data["configs"]} == set(CONFIGS)
    for key in ("license", "task_categories", "annotations_creators", "source_datasets", "size_categories"):
        assert data[key], key
    corpus = load_corpus()
    n_quotes = sum(len(d.quotes) for d in corpus.documents)
    assert f"quotes: {n_quotes}" in card.text
    assert "Cohen" in card.text and "kappa" in card.text
    assert "SeaPRwire" in card.text
    assert (exported / "GUIDELINES.md").exists()
    assert os.listdir(exported / "data") and sorted(os.listdir(exported / "data")) == sorted(CONFIGS)


# --- the output folder is replaced only when export built it -------------------------------------

def empty_corpus():
    from benchmark.gold.schema import Corpus

    return Corpus(documents=(), targets=(), sha256="0" * 64)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (hidden ones too) with file contents: what a refusal must leave alone."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_export_refuses_a_folder_holding_a_user_file(tmp_path, capsys):
    from benchmark.errors import InputError
    from benchmark.publish.export import build_dataset_folder

    out = tmp_path / "out"
    (out / "data" / "quotes").mkdir(parents=True)
    (out / "data" / "quotes" / "test.parquet").write_bytes(b"old")
    (out / "thesis.tex").write_text("years of work", encoding="utf-8")
    before = tree(tmp_path)
    assert main(["export", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out}: refusing to replace this folder: it is not a folder built by `export` (found: thesis.tex)" in err
    assert "choose an empty or new folder" in err
    with pytest.raises(InputError) as exc:
        build_dataset_folder(empty_corpus(), out, card="card")
    assert exc.value.file == str(out)
    assert tree(tmp_path) == before  # nothing deleted, nothing staged


@pytest.mark.parametrize("entry, found", [
    ("data/quotes/notes.txt", "data/quotes/notes.txt"),
    ("data/my_layer/test.parquet", "data/my_layer/"),
    (".git/HEAD", ".git/"),
    ("data/README.md", "data/README.md"),
])
def test_foreign_entries_anywhere_in_the_tree_are_refused(tmp_path, entry, found):
    from benchmark.errors import InputError
    from benchmark.publish.export import build_dataset_folder

    out = tmp_path / "out"
    (out / entry).parent.mkdir(parents=True)
    (out / entry).write_text("mine", encoding="utf-8")
    (out / "README.md").write_text("card", encoding="utf-8")
    with pytest.raises(InputError, match=f"found: {found}\\)") as exc:
        build_dataset_folder(empty_corpus(), out, card="new card")
    assert "not a folder built by `export`" in exc.value.message
    assert (out / entry).read_text(encoding="utf-8") == "mine" and (out / "README.md").read_text() == "card"


def test_a_symbolic_link_entry_is_refused(tmp_path):
    from benchmark.errors import InputError
    from benchmark.publish.export import build_dataset_folder

    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "data").symlink_to(precious)
    with pytest.raises(InputError, match=r"found: data\)"):
        build_dataset_folder(empty_corpus(), out, card="card")
    (tmp_path / "link").symlink_to(precious, target_is_directory=True)
    with pytest.raises(InputError, match="refusing to replace a symbolic link"):
        build_dataset_folder(empty_corpus(), tmp_path / "link", card="card")
    assert (precious / "keep.txt").read_text() == "keep"


def test_export_refuses_the_current_directory_and_its_parents(tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("keep", encoding="utf-8")
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    for out in (".", "..", str(work), "sub/../.", ""):
        assert main(["export", "--out", out]) == 2, out
        assert "refusing to replace the current directory or one of its parents" in capsys.readouterr().err
    assert tree(tmp_path) == before


def test_export_onto_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "README.md"
    target.write_text("my readme", encoding="utf-8")
    assert main(["export", "--out", str(target)]) == 2
    assert "refusing to replace a file with a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "my readme"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "hf") == ["README.md"]


def test_reexport_replaces_a_previous_export_or_an_empty_folder(tmp_path):
    from benchmark.publish.export import build_dataset_folder

    out = tmp_path / "out"
    out.mkdir()  # empty: accepted
    counts = build_dataset_folder(empty_corpus(), out, card="first")
    assert counts == {c: 0 for c in CONFIGS}
    (out / "eval.yaml").write_text("name: x\n", encoding="utf-8")  # publish adds it: still an export
    build_dataset_folder(empty_corpus(), out, card="second")
    assert (out / "README.md").read_text(encoding="utf-8") == "second"
    assert not (out / "eval.yaml").exists()  # the folder was replaced, not merged
    assert sorted(os.listdir(out / "data")) == sorted(CONFIGS)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "hf") == ["out"]  # no staging left behind


def test_reexport_through_the_cli(exported, capsys):
    before = (exported / "data" / "quotes" / "test.parquet").read_bytes()
    assert main(["export", "--out", str(exported)]) == 0
    assert (exported / "data" / "quotes" / "test.parquet").read_bytes() == before
    assert f"wrote {exported}" in capsys.readouterr().out


# --- the card's metadata and the Parquet schema load without a warning -----------------------------

def test_loading_every_config_prints_no_warning(exported, tmp_path):
    """`datasets` reads the card's dataset_info and each file's embedded schema without complaint."""
    import logging
    import warnings

    from datasets import load_dataset

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("datasets")  # the library logs "Ignoring part of dataset_info…" here
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for config in CONFIGS:
                load_dataset(str(exported), config, split="test", cache_dir=str(tmp_path / "cache"))
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []
    assert [str(w.message) for w in caught] == []


def test_card_dataset_info_and_embedded_schema_agree(exported):
    """Spans are {start, end, text} structs, label sets are class labels, in the card and in each file."""
    import pyarrow.parquet as pq
    from datasets import ClassLabel, Features
    from huggingface_hub import DatasetCard

    from benchmark.gold.schema import ENTITY_TYPES, MENTION_KINDS, QUOTE_TYPES, SEGMENT_KINDS, STANCE_LABELS

    info = {x["config_name"]: x for x in DatasetCard.load(exported / "README.md").data.to_dict()["dataset_info"]}
    corpus = load_corpus()
    for config in CONFIGS:
        split = info[config]["splits"][0]
        assert set(split) == {"name", "num_bytes", "num_examples"} and split["num_bytes"] > 0
        from_card = Features._from_yaml_list(info[config]["features"])
        from_file = Features.from_arrow_schema(pq.read_schema(exported / "data" / config / "test.parquet"))
        assert from_card == from_file, config
    feats = {c: Features._from_yaml_list(info[c]["features"]) for c in CONFIGS}
    span = {"start": "int64", "end": "int64", "text": "string"}
    assert {k: v.dtype for k, v in feats["quotes"]["content"].feature.items()} == span
    assert {k: v.dtype for k, v in feats["quotes"]["cue"].items()} == span
    assert {k: v.dtype for k, v in feats["stances"]["evidence"].items()} == span
    for config, column, names in (("entities", "type", ENTITY_TYPES), ("mentions", "kind", MENTION_KINDS),
                                  ("quotes", "type", QUOTE_TYPES), ("stances", "label", STANCE_LABELS),
                                  ("translation", "kind", SEGMENT_KINDS)):
        assert feats[config][column] == ClassLabel(names=list(names)), (config, column)
    assert info["quotes"]["splits"][0]["num_examples"] == sum(len(d.quotes) for d in corpus.documents)
