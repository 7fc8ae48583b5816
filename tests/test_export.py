"""The exported Hugging Face dataset folder loads offline with `datasets`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmark.cli import main
from benchmark.export import CONFIGS
from benchmark.gold import load_corpus


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
        assert [doc.text[s:e] for s, e in zip(row["content_starts"], row["content_ends"])] == row["content_texts"]
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
