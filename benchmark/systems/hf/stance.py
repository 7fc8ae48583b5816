"""Stance of a gold quote towards a gold target with a zero-shot NLI model.

The premise is the quote's content text (discontinuous parts joined by a
space); the candidate labels are full hypotheses, one per stance label,
built from the target's description (``"The speaker supports {target}."``
…).  The ``zero-shot-classification`` pipeline takes a softmax of the
entailment logits over the hypotheses; the best one gives the label, and a
FAVOR or AGAINST whose score is below ``none_threshold`` becomes NONE.

Items are grouped by target, so each pipeline call scores one set of
hypotheses over many premises (batched).

Examples
--------
>>> hyps = hypotheses("Ukraine joining NATO", (("FAVOR", "Supports {target}."), ("AGAINST", "Opposes {target}.")))
>>> hyps
{'Supports Ukraine joining NATO.': 'FAVOR', 'Opposes Ukraine joining NATO.': 'AGAINST'}
>>> decide(["Opposes Ukraine joining NATO.", "Supports Ukraine joining NATO."], [0.7, 0.3], hyps, none_threshold=0.5)
'AGAINST'
>>> decide(["Supports Ukraine joining NATO.", "Opposes Ukraine joining NATO."], [0.55, 0.45], hyps, none_threshold=0.6)
'NONE'
"""

from __future__ import annotations

from typing import Any, Sequence

from benchmark.errors import GoldDataError
from benchmark.tasks.inputs import DocInput


def hypotheses(description: str, templates: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Hypothesis text → stance label, in template order."""
    # str.replace, not str.format: a description may contain braces.
    return {template.replace("{target}", description.strip()): label for label, template in templates}


def decide(labels: Sequence[str], scores: Sequence[float], hyps: dict[str, str], *, none_threshold: float) -> str:
    """The label of the best-scoring hypothesis, NONE when FAVOR/AGAINST is too weak."""
    best = max(range(len(labels)), key=lambda i: (scores[i], -list(hyps).index(labels[i])))
    label = hyps[labels[best]]
    if label != "NONE" and scores[best] < none_threshold:
        return "NONE"
    return label


def description(doc: DocInput, target: str, language: str) -> str:
    for t in doc.targets:
        if t.id == target:
            text = t.description_en if language == "en" else t.description_ar
            if not text.strip():
                raise GoldDataError(f"target {target!r} has no {language} description for the stance hypotheses",
                                    field="targets")
            return text
    raise GoldDataError(f"stance item of document {doc.doc_id!r} names target {target!r}, which is not in the "
                        "target inventory", field="targets")


def stance_labels(docs: Sequence[DocInput], *, pipe: Any, templates: Sequence[tuple[str, str]], language: str,
                  none_threshold: float, batch_size: int) -> list[list[dict[str, str]]]:
    """Per document, a label for each of its stance items (submission format)."""
    labels: dict[tuple[int, int], str] = {}
    by_target: dict[str, list[tuple[int, int, str]]] = {}
    for d, doc in enumerate(docs):
        for i, item in enumerate(doc.stance_items):
            try:
                premise = doc.quote_text(item.quote_id)
            except KeyError:
                raise GoldDataError(f"stance item of document {doc.doc_id!r} names quote {item.quote_id!r}, "
                                    "which is not among its quotes", field="stances") from None
            if premise.strip():
                by_target.setdefault(item.target, []).append((d, i, premise))
            else:
                labels[d, i] = "NONE"  # nothing to read: no stance
    for target in sorted(by_target):
        items = by_target[target]
        doc = docs[items[0][0]]
        hyps = hypotheses(description(doc, target, language), templates)
        results = pipe([p for _, _, p in items], candidate_labels=list(hyps), hypothesis_template="{}",
                       multi_label=False, batch_size=batch_size)
        if isinstance(results, dict):  # a single premise comes back unwrapped
            results = [results]
        for (d, i, _), res in zip(items, results):
            labels[d, i] = decide(res["labels"], [float(s) for s in res["scores"]], hyps,
                                  none_threshold=none_threshold)
    return [[{"quote_id": item.quote_id, "target": item.target, "label": labels[d, i]}
             for i, item in enumerate(doc.stance_items)] for d, doc in enumerate(docs)]
