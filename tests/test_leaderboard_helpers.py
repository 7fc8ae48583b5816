"""Builders for the leaderboard tests: a synthetic gold and real run folders.

Run folders are written in the format of ``benchmark/harness/runner.py``
(``metrics.json``, ``per_item.jsonl.gz``, ``manifest.json``, report stubs), and
their numbers come from actually scoring predictions with the task registry
(:mod:`benchmark.tasks.base`), so the per-item rows are the real ones.

The gold is one document of 60 segments; each segment holds one direct
quote «…» with a cue, and has an English reference translation.  Systems are
the gold with controlled damage: words dropped from translations, quotes
missed or cut short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from benchmark.harness.rundir import OLD_PER_ITEM, PER_ITEM, canonical_json, gzip_jsonl, jsonl_bytes
from benchmark.submission.predictions import DocPrediction, PredQuote, PredTranslation
from benchmark.gold.schema import Document, Entity, Quote, Segment, Span
from benchmark.tasks.registry import TASKS

GOLD = "a" * 64
OLD_GOLD = "b" * 64
N_SEG = 60
_WORDS = ("the minister said talks with the delegation were useful and would continue next week in the capital "
          "after a meeting on trade energy security and prices").split()


def _reference(n: int) -> str:
    # Deterministic, varied English sentences of 8–14 words.
    k = 8 + n % 7
    return " ".join(_WORDS[(n * 7 + 3 * i) % len(_WORDS)] for i in range(k)).capitalize() + "."


def build_document() -> Document:
    """One document: 60 segments ``قال المتحدث «…» اليوم.`` with a quote and a reference each."""
    text, segments, quotes = "", [], []
    for n in range(N_SEG):
        cue_text, quote_text = "قال", f"الكلام رقم {n} عن المحادثات المفيدة"
        sentence = f"{cue_text} المتحدث «{quote_text}» اليوم."
        base = len(text)
        cue = Span(base, base + len(cue_text), cue_text)
        q_start = base + sentence.index("«") + 1
        content = Span(q_start, q_start + len(quote_text), quote_text)
        segments.append(Segment(f"s{n:02d}", Span(base, base + len(sentence), sentence), "body", n,
                                translation_en=_reference(n)))
        quotes.append(Quote(f"q{n:02d}", (content,), cue, None, "spk", "direct",
                            translation_en=_reference(n).split(" ", 3)[-1]))
        text += sentence + "\n"
    return Document(
        doc_id="d1", text=text, text_sha256="0" * 64, metadata=(),
        entities=(Entity("spk", "PER", "المتحدث", "The spokesman"),), mentions=(),
        quotes=tuple(quotes), stances=(), segments=tuple(segments),
    )


DOC = build_document()


def translations(*, drop_every: int = 0, damaged: Sequence[int] = ()) -> tuple[PredTranslation, ...]:
    """Reference translations; in the ``damaged`` segments every ``drop_every``-th word is dropped."""
    out = []
    for n, seg in enumerate(DOC.segments):
        words = seg.translation_en.split()
        if drop_every and n in damaged:
            words = [w for i, w in enumerate(words) if i % drop_every != 0]
        out.append(PredTranslation(seg.id, " ".join(words)))
    return tuple(out)


def quote_preds(*, missed: Sequence[int] = (), cut: Sequence[int] = (), spurious: int = 0) -> tuple[PredQuote, ...]:
    """Gold quotes minus ``missed``; ``cut`` ones lose half their content; ``spurious`` extra predictions."""
    out = []
    for n, q in enumerate(DOC.quotes):
        if n in missed:
            continue
        c = q.content[0]
        if n in cut:
            half = (c.end - c.start) // 2
            c = Span(c.start, c.start + half, DOC.text[c.start:c.start + half])
        out.append(PredQuote(content=(c,), cue=q.cue, type="direct"))
    for k in range(spurious):  # the cue words «قال» of the first segments, predicted as quote content
        cue = DOC.quotes[k].cue
        out.append(PredQuote(content=(cue,), type="direct"))
    return tuple(out)


SYSTEMS = {
    # label: (ranked, DocPrediction)
    "strong": (True, DocPrediction("d1", quotes=quote_preds(cut=range(0, 6)),
                                   translations=translations(drop_every=4, damaged=range(0, 60, 6)))),
    "close": (True, DocPrediction("d1", quotes=quote_preds(cut=range(0, 7)),
                                  translations=translations(drop_every=4, damaged=range(0, 60, 5)))),
    "weak": (True, DocPrediction("d1", quotes=quote_preds(missed=range(0, 60, 2), cut=range(1, 30, 2)),
                                 translations=translations(drop_every=2, damaged=range(60)))),
    "oracle": (False, DocPrediction("d1", quotes=quote_preds(), translations=translations())),
}


def score(pred: DocPrediction, task: str, *, n_resamples: int = 200, seed: int = 7):
    """``(metrics JSON list, per-item rows)`` of one task, scored with the task registry."""
    result = TASKS.get(task).evaluate(gold=DOC, pred=pred, gold_sha256=GOLD, n_resamples=n_resamples, seed=seed)
    return [m.to_json() for m in result.metrics], [dict(r) for r in result.per_item]


def write_run(
    root: Path, label: str, pred: DocPrediction, *, tasks: Sequence[str] = ("quotes", "translation"),
    gold: str = GOLD, stamp: str = "20250301T120000Z", chash: str = "abcd1234", ranked: bool = True,
    suffix: str = "", main_first: dict[str, str] | None = None, folder_stamp: str | None = None,
    old_per_item: bool = False,
) -> Path:
    """Write one run folder as the runner does; return its path.

    ``main_first`` moves the named metric of a task to the front (it becomes
    the main metric), e.g. ``{"translation": "bleu"}``.  ``old_per_item``
    writes the rows as run folders did before ``per_item.jsonl.gz``: plain
    ``per_item.jsonl``.
    """
    metrics, per_item = {}, []
    for task in tasks:
        ms, rows = score(pred, task)
        if main_first and task in main_first:
            ms.sort(key=lambda m: m["name"] != main_first[task])
        metrics[task] = ms
        per_item += [{"task": task, **r} for r in rows]
    run_dir = root / label / f"{folder_stamp or stamp}-{chash}{suffix}"
    run_dir.mkdir(parents=True)
    doc = {"system": label, "system_name": label, "ranked": ranked, "gold_sha256": gold, "config_hash": chash,
           "tasks": metrics, "not_attempted": [], "scoring": {"n_resamples": 200, "confidence": 0.95, "seed": 7}}
    (run_dir / "metrics.json").write_bytes(canonical_json(doc))
    if old_per_item:
        (run_dir / OLD_PER_ITEM).write_bytes(jsonl_bytes(per_item))
    else:
        (run_dir / PER_ITEM).write_bytes(gzip_jsonl([jsonl_bytes(per_item)]))
    (run_dir / "manifest.json").write_bytes(canonical_json({"started_utc": stamp, "gold_sha256": gold}))
    (run_dir / "report.html").write_text(f"<p>{label}</p>\n", encoding="utf-8")
    (run_dir / "report.md").write_text(f"# {label}\n", encoding="utf-8")
    return run_dir


def write_all(root: Path, **kw) -> dict[str, Path]:
    """One run folder per system of :data:`SYSTEMS`."""
    return {label: write_run(root, label, pred, ranked=ranked, **kw) for label, (ranked, pred) in SYSTEMS.items()}
