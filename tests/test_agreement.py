"""Inter-annotator agreement: real figures of the two passes, pooling over documents."""

from __future__ import annotations

import json
import shutil

import pytest

from benchmark.gold.loading import default_data_dir, load_passes
from benchmark.scoring.agreement import compute_agreement

DOC = "000_d60cf795c66ab44c"


def test_figures_of_the_two_passes():
    agr = compute_agreement(*load_passes())
    assert (agr["mentions_a"], agr["mentions_b"], agr["quotes_matched"]) == (111, 107, 33)
    assert agr["mention_f1_exact"] == pytest.approx(2 * 104 / (111 + 107))
    assert agr["speaker_agreement"] == 1.0 and agr["quote_type_kappa"] == pytest.approx(1.0)


def test_pooling_over_documents(tmp_path):
    """A second document (a copy under another id) doubles the counts and keeps F1; per-document figures stay."""
    src = default_data_dir()
    data = tmp_path / "data"
    shutil.copytree(src / "articles", data / "articles")
    shutil.copy(src / "targets.json", data / "targets.json")
    for p in ("annotator_a", "annotator_b"):
        (data / "passes" / p).mkdir(parents=True)
        obj = json.loads((src / "passes" / p / f"{DOC}.json").read_text(encoding="utf-8"))
        (data / "passes" / p / f"{DOC}.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        obj["doc_id"] = "copy"
        (data / "passes" / p / "copy.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    one, two = compute_agreement(*load_passes()), compute_agreement(*load_passes(data))
    assert two["n_documents"] == 2 and set(two["documents"]) == {DOC, "copy"}
    assert (two["mentions_a"], two["quotes_matched"]) == (2 * one["mentions_a"], 2 * one["quotes_matched"])
    for key in ("mention_f1_exact", "quote_content_f1_exact", "speaker_agreement", "stance_pair_f1"):
        assert two[key] == pytest.approx(one[key]), key
