"""A small new article and what a reviewer does to its Label Studio task.

Shared by tests/test_annotate.py (offline) and tests/test_labelstudio.py (a
real server). :func:`reviewed_result` starts from the task's pre-annotation
(the skeleton: the status choice, the segments) and adds what a reviewer
draws in Label Studio, with the random region ids Label Studio gives new
regions, as raw result items in Label Studio's format.
"""

from __future__ import annotations

import copy
from typing import Any

ARTICLE = "قال لافروف إن المحادثات كانت “مفيدة”.\n\nوأضاف أن العمل سيبدأ قريبًا.\n"
DOC_ID = "001_review_test"
ENTITY_LINE = "lavrov | PER | سيرغي لافروف | Sergei Lavrov | Lavrov ; Sergey Lavrov | لافروف"
SEGMENTS_EN = {"s01": "Sergei Lavrov said the talks were “useful”.", "s02": "He added that the work will begin soon."}


def at(text: str, surface: str, start: int = 0) -> tuple[int, int]:
    i = ARTICLE.index(surface, start)
    return i, i + len(surface)


def _region(rid: str, label: str, span: tuple[int, int]) -> dict[str, Any]:
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": span[0], "end": span[1], "text": ARTICLE[span[0]:span[1]], "labels": [label]}}


def _per_region(rid: str, name: str, span: tuple[int, int], value: str, kind: str) -> dict[str, Any]:
    key = "choices" if kind == "choices" else "text"
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind,
            "value": {"start": span[0], "end": span[1], key: [value]}}


def _relation(a: str, b: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": [label]}


def reviewed_result(pre_annotation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The skeleton's result after a review: one entity, two quotes, one stance, references."""
    result = []
    for item in copy.deepcopy(pre_annotation):
        if item.get("from_name") == "status":
            item["value"]["choices"] = ["annotated"]
        result.append(item)
    for item in result:
        if item.get("from_name") == "label" and item["value"]["labels"] == ["Segment"]:
            span = (item["value"]["start"], item["value"]["end"])
            result.append(_per_region(item["id"], "segment_translation", span, SEGMENTS_EN[item["id"]], "textarea"))
    mention, cue1, q1 = at(ARTICLE, "لافروف"), at(ARTICLE, "قال"), at(ARTICLE, "المحادثات كانت “مفيدة")
    cue2, q2, evidence = at(ARTICLE, "أضاف"), at(ARTICLE, "العمل سيبدأ قريبًا"), at(ARTICLE, "مفيدة")
    result += [
        {"id": "entities", "from_name": "entities", "to_name": "text", "type": "textarea",
         "value": {"text": [ENTITY_LINE]}},
        _region("Xq7bT2aL0p", "Mention", mention),
        _per_region("Xq7bT2aL0p", "entity", mention, "lavrov", "textarea"),
        _per_region("Xq7bT2aL0p", "mention_kind", mention, "named", "choices"),
        _region("kd83JHs_1a", "Cue", cue1),
        _region("pQ0-zz81Lm", "Content", q1),
        _per_region("pQ0-zz81Lm", "speaker", q1, "lavrov", "textarea"),
        _per_region("pQ0-zz81Lm", "quote_type", q1, "mixed", "choices"),
        _per_region("pQ0-zz81Lm", "quote_translation", q1, "the talks were “useful”", "textarea"),
        _relation("kd83JHs_1a", "pQ0-zz81Lm", "cue"),
        _relation("Xq7bT2aL0p", "pQ0-zz81Lm", "source"),
        _region("ev1", "Stance", evidence),
        _per_region("ev1", "stance_target", evidence, "riyadh_talks", "choices"),
        _per_region("ev1", "stance_label", evidence, "FAVOR", "choices"),
        _relation("ev1", "pQ0-zz81Lm", "stance"),
        _region("c2c2c2", "Cue", cue2),
        _region("q2q2q2", "Content", q2),
        _per_region("q2q2q2", "speaker", q2, "lavrov", "textarea"),
        _per_region("q2q2q2", "quote_type", q2, "indirect", "choices"),
        _per_region("q2q2q2", "quote_translation", q2, "the work will begin soon", "textarea"),
        _relation("c2c2c2", "q2q2q2", "cue"),
    ]
    return result
