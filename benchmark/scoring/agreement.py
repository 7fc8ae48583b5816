"""Inter-annotator agreement between the two raw annotation passes.

Pass A is taken as the reference and pass B as the prediction; span F1 is
symmetric, so the choice does not change F1.  Spans are paired one-to-one by
:func:`benchmark.scoring.spans.align`, each F1 with its own scheme's
alignment; speakers, types and stances are compared on the quote pairs of
the ``proportional`` alignment (the quotes task's main metric).  Entity ids
are free per annotator, so B's entities are mapped to A's by shared mention
spans before speakers are compared.  Kappa is scikit-learn's
``cohen_kappa_score``.

Examples
--------
>>> from benchmark.gold.loading import load_corpus
>>> gold = load_corpus()
>>> compute_agreement(gold, gold)["quote_content_f1_exact"]
1.0
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import replace
from typing import Any

from benchmark.gold.schema import Corpus, Document
from benchmark.scoring.result import UndefinedMetricWarning
from benchmark.scoring.spans import SpanSet, align, span_scores


def entity_map(a: Document, b: Document) -> dict[str, str]:
    """Map each of B's entity ids to the A entity sharing most mention spans."""
    a_by_span = {(m.span.start, m.span.end): m.entity for m in a.mentions}
    votes: dict[str, Counter] = {}
    for m in b.mentions:
        if (m.span.start, m.span.end) in a_by_span:
            votes.setdefault(m.entity, Counter())[a_by_span[(m.span.start, m.span.end)]] += 1
    out = {}
    a_names = {e.name_en.casefold(): e.id for e in a.entities}
    for e in b.entities:
        if e.id in votes:
            out[e.id] = sorted(votes[e.id].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        else:
            out[e.id] = a_names.get(e.name_en.casefold(), f"B:{e.id}")
    return out


def _f1(gold, pred, scheme: str) -> float | None:
    """F1 of one scheme; ``None`` (shown as undefined) when neither side has a span."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)  # the table says "n/a (undefined)"
        f1 = span_scores(gold, pred, scheme=scheme)["f1"]
    return None if f1 is None else float(f1)


def document_agreement(a: Document, b: Document) -> dict[str, Any]:
    """Agreement figures for one document annotated twice."""
    from sklearn.metrics import cohen_kappa_score

    emap = entity_map(a, b)
    ma = [SpanSet((m.span,), m.entity) for m in a.mentions]
    mb = [SpanSet((m.span,), emap[m.entity]) for m in b.mentions]
    qa = [SpanSet(q.content, q.type) for q in a.quotes]
    qb = [SpanSet(q.content, q.type) for q in b.quotes]
    matches = align(qa, qb, scheme="proportional")
    pairs = [(a.quotes[m.gold], b.quotes[m.pred]) for m in matches]
    speakers_same = [qa_.speaker == emap.get(qb_.speaker) for qa_, qb_ in pairs]
    types_a = [x.type for x, _ in pairs]
    types_b = [y.type for _, y in pairs]
    stance_a = {(s.quote, s.target): s.label for s in a.stances}
    b_to_a_quote = {y.id: x.id for x, y in pairs}
    stance_b = {(b_to_a_quote[s.quote], s.target): s.label for s in b.stances if s.quote in b_to_a_quote}
    both = sorted(set(stance_a) & set(stance_b))
    union = set(stance_a) | set(stance_b)
    cues_a = [SpanSet((q.cue,)) for q in a.quotes if q.cue]
    cues_b = [SpanSet((q.cue,)) for q in b.quotes if q.cue]

    def kappa(x, y):
        # Undefined (NaN) when one annotator used a single label; reported as null.
        if not x or len(set(x) | set(y)) < 2:
            return None
        value = float(cohen_kappa_score(x, y))
        return None if value != value else value

    return {
        "mentions_a": len(a.mentions), "mentions_b": len(b.mentions),
        "mention_f1_exact": _f1(ma, mb, "exact"), "mention_f1_partial": _f1(ma, mb, "partial"),
        "mention_entity_f1_strict": _f1(ma, mb, "strict"),
        "quotes_a": len(a.quotes), "quotes_b": len(b.quotes), "quotes_matched": len(pairs),
        "quote_content_f1_exact": _f1(qa, qb, "exact"), "quote_content_f1_partial": _f1(qa, qb, "partial"),
        "quote_content_f1_proportional": _f1(qa, qb, "proportional"),
        "cue_f1_exact": _f1(cues_a, cues_b, "exact"),
        "speaker_agreement": sum(speakers_same) / len(pairs) if pairs else None,
        "quote_type_agreement": sum(x == y for x, y in zip(types_a, types_b)) / len(pairs) if pairs else None,
        "quote_type_kappa": kappa(types_a, types_b),
        "stances_a": len(stance_a), "stances_b": len(b.stances),
        "stance_pairs_both": len(both), "stance_pair_f1": 2 * len(both) / (len(stance_a) + len(stance_b)) if union else None,
        "stance_label_agreement": sum(stance_a[k] == stance_b[k] for k in both) / len(both) if both else None,
        "stance_label_kappa": kappa([stance_a[k] for k in both], [stance_b[k] for k in both]),
    }


def _pooled(docs: list[Document]) -> Document:
    """All documents as one: spans shifted apart, ids prefixed by document.

    Pooling this way lets :func:`document_agreement` compute corpus-level
    (micro-averaged) figures with the same code as a single document.
    """
    from benchmark.gold.schema import Mention, Quote, Span, Stance

    def shift(s: Span | None, off: int) -> Span | None:
        return None if s is None else Span(s.start + off, s.end + off, s.text)

    entities, mentions, quotes, stances, off = [], [], [], [], 0
    for d in docs:
        p = f"{d.doc_id}/"
        entities += [replace(e, id=p + e.id) for e in d.entities]
        mentions += [Mention(p + m.id, p + m.entity, shift(m.span, off), m.kind) for m in d.mentions]
        quotes += [Quote(p + q.id, tuple(shift(c, off) for c in q.content), shift(q.cue, off), shift(q.source, off),
                         p + q.speaker, q.type, None if q.nested_in is None else p + q.nested_in) for q in d.quotes]
        stances += [Stance(p + s.id, p + s.quote, p + s.holder, s.target, s.label, shift(s.evidence, off))
                    for s in d.stances]
        off += len(d.text) + 1
    return Document("pooled", "", "", (), tuple(entities), tuple(mentions), tuple(quotes), tuple(stances), ())


def compute_agreement(a: Corpus, b: Corpus) -> dict[str, Any]:
    """Agreement of corpus ``b`` with reference ``a`` over all documents (pooled), and per document.

    Documents are matched by id; a document of ``a`` missing from ``b`` counts as unannotated in ``b``.
    """
    docs = {d.doc_id: document_agreement(d, _document_or_empty(b, d)) for d in a.documents}
    pooled = document_agreement(_pooled(list(a.documents)), _pooled([_document_or_empty(b, d) for d in a.documents]))
    return {**pooled, "n_documents": len(docs), "documents": docs}


def _document_or_empty(corpus: Corpus, like: Document) -> Document:
    try:
        return corpus.document(like.doc_id)
    except KeyError:
        return replace(like, entities=(), mentions=(), quotes=(), stances=())


ROWS = (
    ("Mentions (A / B)", "mentions_a", "mentions_b", "count"),
    ("Mention span F1, exact", "mention_f1_exact", None, "pct"),
    ("Mention span F1, partial", "mention_f1_partial", None, "pct"),
    ("Mention span + entity F1 (strict)", "mention_entity_f1_strict", None, "pct"),
    ("Quotes (A / B / matched)", "quotes_a", "quotes_b", "count3"),
    ("Quote content F1, exact", "quote_content_f1_exact", None, "pct"),
    ("Quote content F1, partial", "quote_content_f1_partial", None, "pct"),
    ("Quote content F1, proportional", "quote_content_f1_proportional", None, "pct"),
    ("Cue F1, exact", "cue_f1_exact", None, "pct"),
    ("Speaker agreement (matched quotes)", "speaker_agreement", None, "pct"),
    ("Quote type agreement (matched quotes)", "quote_type_agreement", None, "pct"),
    ("Cohen's kappa, quote type", "quote_type_kappa", None, "kappa"),
    ("Stance (quote, target) pair F1", "stance_pair_f1", None, "pct"),
    ("Stance label agreement (pairs in both)", "stance_label_agreement", None, "pct"),
    ("Cohen's kappa, stance label", "stance_label_kappa", None, "kappa"),
)


def agreement_table(agr: dict[str, Any]) -> str:
    """Markdown table of the agreement figures."""
    lines = ["| layer / measure | value |", "|---|---|"]
    for label, key, key2, kind in ROWS:
        v = agr.get(key)
        if kind == "count":
            text = f"{v} / {agr[key2]}"
        elif kind == "count3":
            text = f"{v} / {agr[key2]} / {agr['quotes_matched']}"
        elif v is None:
            text = "n/a (undefined)"
        elif kind == "pct":
            text = f"{100 * v:.1f}%"
        else:
            text = f"{v:.3f}"
        lines.append(f"| {label} | {text} |")
    return "\n".join(lines) + "\n"
