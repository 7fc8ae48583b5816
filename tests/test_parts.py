"""PartsTable (scoring.parts) scores as one RowTable of all the rows, however the documents are cut into parts.

The expected values are the metrics of the rows themselves: Task.score_rows
on the plain list of every document's rows (the RowTable path that
merge-shards and re-scoring use).  The documents are three copies of the
article with the predictions of real systems (rules for the span tasks,
majority for stance, copy for translation), one copy without any prediction.
"""

from __future__ import annotations

import json
import random

import pytest

from benchmark.harness.runner import StageTimer, predict_documents
from benchmark.harness.config import SystemSpec
from benchmark.gold.loading import load_corpus
from benchmark.scoring.parts import PartsTable, table_part
from benchmark.tasks.registry import TASKS
from corpus_copies import copy_corpus

TASK_SYSTEM = {"speakers": "rules", "quotes": "rules", "attribution": "rules", "end2end": "rules",
               "stance": "majority", "translation": "copy"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_corpus(copy_corpus(tmp_path_factory.mktemp("parts") / "data", 3))


def _pairs(corpus, system):
    _, preds, _ = predict_documents(SystemSpec(system), corpus, tuple(TASKS.names()), fuzzy_threshold=0.9,
                                    timer=StageTimer())
    preds.pop("doc001", None)  # a document without any prediction: scored as an empty one
    return [(d, preds.get(d.doc_id)) for d in corpus.documents]


def _metrics(task, table_or_rows, corpus):
    result = TASKS.get(task).score_rows(table_or_rows, gold_sha256=corpus.sha256, n_resamples=60, seed=5)
    return json.dumps([m.to_json() for m in result.metrics], sort_keys=True)


@pytest.mark.parametrize("task", sorted(TASK_SYSTEM))
def test_any_cut_of_the_documents_scores_as_all_the_rows(corpus, task):
    spec = TASKS.get(task)
    pairs = _pairs(corpus, TASK_SYSTEM[task])
    per_doc = [spec.corpus_rows([p]) for p in pairs]
    expected = _metrics(task, [r for rows in per_doc for r in rows], corpus)
    rng = random.Random(task)
    cuts = [
        [per_doc],  # one part holding every document
        [[rows] for rows in per_doc],  # one part per document
        [[], per_doc[:1], [], per_doc[1:]],  # empty parts in between
        [per_doc[2:], per_doc[:1], per_doc[1:2]],  # parts out of document order: the joined table sorts as RowTable
    ]
    for _ in range(4):  # random contiguous cuts
        points = sorted(rng.sample(range(1, len(per_doc)), rng.randint(0, len(per_doc) - 1)))
        bounds = [0, *points, len(per_doc)]
        cuts.append([per_doc[a:b] for a, b in zip(bounds, bounds[1:])])
    for cut in cuts:
        parts = [table_part(spec.specs, [r for rows in group for r in rows]) for group in cut]
        assert _metrics(task, PartsTable(parts), corpus) == expected, cut
