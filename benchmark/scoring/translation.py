"""Translation scores from sacrebleu's per-segment sufficient statistics.

chrF++ (``CHRF(word_order=2)``, the main metric), chrF, BLEU and TER are
computed exactly as sacrebleu's own significance tests
(``sacrebleu.significance``) compute them: per-segment statistics, summed,
then scored with sacrebleu's own formula, so the score of all segments
equals ``corpus_score`` to the last digit and any resample is scored by
sacrebleu's arithmetic.

**Which sacrebleu API.**  sacrebleu has no public per-segment statistics:
its public surface is ``corpus_score``, ``sentence_score`` and
``get_signature`` (and ``BLEU.compute_bleu`` for BLEU alone); sentence scores
cannot be summed.  The least private route is the one sacrebleu's own public
``PairedTest`` takes — ``Metric._extract_corpus_statistics`` and
``Metric._compute_score_from_stats`` — so a sacrebleu release that broke it
would break its own paired tests.  The tests pin it against the public
``corpus_score`` on random corpora and on the gold (checking it again on
every call would double the cost of scoring).  The signature is sacrebleu's real
one: ``get_signature()`` of the metric that read this run's references,
recorded in each per-item row and copied whole into ours
(``sacrebleu_sig``).

**Reference layout.**  In this project references are always
*segment-major*: ``references[i]`` is the tuple of reference strings of
segment ``i``.  :func:`to_sacrebleu_streams` is the one place that converts
them to sacrebleu's *stream-major* layout (``[[ref1 of every segment], …]``).

Two simple checks sit beside them:

* **entity names** (m-ETA style): a segment–entity pair is correct when
  any accepted English name, casefolded, is a substring of the casefolded
  translation;
* **quotation marks**: a translation keeps a quotation when it contains a
  pair ``“…”`` or ``"…"`` with at least one character inside.

Examples
--------
>>> hyps, refs = ["The talks were useful."], [("The talks were very useful.",)]
>>> stats, sig = segment_statistics("chrf++", hypotheses=hyps, references=refs)
>>> float(score_from_stats("chrf++", stats.sum(axis=0))[0]) == corpus_score("chrf++", hypotheses=hyps, references=refs)
True
>>> sig.split("|")[:2]
['chrF2++', 'nrefs:1']
>>> name_found("Sergey Lavrov said", ("Sergei Lavrov", "Lavrov")), has_quotation("He said “yes”.")
(True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np
from sacrebleu.metrics import BLEU, CHRF, TER

from benchmark.errors import ConfigError, InputError
from benchmark.submission.predictions import PredTranslation
from benchmark.gold.schema import Document
from benchmark.scoring.bleu_counts import bleu_segment_statistics
from benchmark.scoring.chrf_counts import chrf_statistics
from benchmark.scoring.sacrebleu_scores import chrf_scores, ter_scores
from benchmark.scoring.ter_counts import ter_edits
from benchmark.scoring.result import MetricSpec, count_details, family_builder, index_predictions, ratio

METRICS = ("chrf++", "chrf", "bleu", "ter")
"""Translation metric names, main one first."""
LOWER_IS_BETTER = frozenset({"ter"})
# A quotation in an English translation: a “…” or "…" pair around text with
# at least one Latin letter, so Arabic quoted material copied untranslated
# (the copy baseline) does not count as a preserved quotation.
_QUOTED = re.compile(r"“[^”]*[A-Za-z][^”]*”|\"[^\"]*[A-Za-z][^\"]*\"")


def make_metric(name: str):
    """A fresh sacrebleu metric object with default settings."""
    if name == "chrf++":
        return CHRF(word_order=2)
    if name == "chrf":
        return CHRF()
    if name == "bleu":
        return BLEU()
    if name == "ter":
        return TER()
    raise ConfigError(f"unknown translation metric {name!r}; expected one of {', '.join(METRICS)}", field="metric")


@lru_cache(maxsize=None)
def _scorer(name: str):
    # Scoring from statistics reads only the metric's settings, never references.
    return make_metric(name)


@lru_cache(maxsize=None)
def stats_width(name: str) -> int:
    """Number of sufficient statistics per segment for ``name``."""
    return len(make_metric(name)._extract_corpus_statistics([""], [[""]])[0])


def to_sacrebleu_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Segment-major references → sacrebleu's stream-major layout.

    Segments with fewer references are padded with ``None``, which sacrebleu
    reads as "no reference in this stream".

    >>> to_sacrebleu_streams([("a1", "a2"), ("b1",)])
    [['a1', 'b1'], ['a2', None]]
    """
    width = max((len(r) for r in references), default=0)
    return [[r[k] if k < len(r) else None for r in references] for k in range(width)]


def segment_statistics(
    name: str, *, hypotheses: Sequence[str], references: Sequence[Sequence[str]]
) -> tuple[np.ndarray, str]:
    """Per-segment statistics ``(n, k)`` and sacrebleu's signature of this scoring.

    The signature is ``<score name>|<sacrebleu get_signature()>`` of the metric
    that read these references (``"none"`` when there is no segment).
    """
    stats, metric = _extract(name, hypotheses=hypotheses, references=references)
    return stats, _signature(metric, stats)


def _extract(name: str, *, hypotheses: Sequence[str], references: Sequence[Sequence[str]]):
    if len(hypotheses) != len(references):
        raise InputError(
            f"{len(hypotheses)} hypotheses for {len(references)} reference segments", field="translations"
        )
    if not hypotheses:
        return np.zeros((0, stats_width(name))), None
    if any(len(r) == 0 for r in references):
        raise InputError("every segment needs at least one reference", field="references")
    metric = make_metric(name)
    stats = _chrf_counts(metric, hypotheses, references)
    if stats is None:
        stats = _ter_counts(metric, hypotheses, references)
    if stats is None:
        stats = _bleu_counts(metric, hypotheses, references)
    if stats is None:
        stats = np.asarray(metric._extract_corpus_statistics(list(hypotheses), to_sacrebleu_streams(references)),
                           dtype=float)
    return stats, metric


def _ter_counts(metric, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray | None:
    """TER statistics by :func:`~benchmark.scoring.ter_counts.ter_edits` (sacrebleu's algorithm, ~2.5x faster), or ``None``.

    One reference per segment only.  Segments are tokenised by the metric
    itself, references twice as sacrebleu's reading does (its cache and its
    reference reader both apply the tokeniser).
    """
    if not isinstance(metric, TER) or any(len(r) != 1 for r in references):
        return None
    prep = metric._preprocess_segment
    rows = [ter_edits(prep(h).split(), prep(prep(r[0])).split()) for h, r in zip(hypotheses, references)]
    metric.num_refs = 1  # what sacrebleu's reading of one reference per segment sets (signature nrefs:1)
    return np.asarray([[edits, float(length)] for edits, length in rows], dtype=float).reshape(len(rows), 2)


def _bleu_counts(metric, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray | None:
    """BLEU statistics by :mod:`~benchmark.scoring.bleu_counts` (sacrebleu's counts, faster), or ``None``.

    One reference per segment only; both sides preprocessed by the metric as
    its reading does.  Input that would make sacrebleu warn about tokenised
    text (100 hypotheses ending in " .") is left to sacrebleu, which warns.
    """
    if not isinstance(metric, BLEU) or any(len(r) != 1 for r in references):
        return None
    if not metric._force and sum(h.endswith(" .") for h in hypotheses) >= 100:
        return None
    prep, order = metric._preprocess_segment, metric.max_ngram_order
    rows = [bleu_segment_statistics(prep(h).split(), prep(r[0]).split(), max_order=order)
            for h, r in zip(hypotheses, references)]
    metric.num_refs = 1  # what sacrebleu's reading of one reference per segment sets (signature nrefs:1)
    return np.asarray(rows, dtype=float).reshape(len(rows), 2 + 2 * order)


def _chrf_counts(metric, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray | None:
    """chrF statistics counted by :mod:`~benchmark.scoring.chrf_counts` (same numbers, ~5x faster), or ``None``.

    Only for what that module reproduces: CHRF with one reference per
    segment, case kept, whitespace dropped.
    """
    if not isinstance(metric, CHRF) or metric.lowercase or metric.whitespace or any(len(r) != 1 for r in references):
        return None
    stats = chrf_statistics([h for h in hypotheses], [r[0] for r in references], char_order=metric.char_order,
                            word_order=metric.word_order)
    if stats is not None:
        metric.num_refs = 1  # what sacrebleu's reading of one reference per segment sets (signature nrefs:1)
    return stats


def _signature(metric, stats: np.ndarray) -> str:
    if metric is None:
        return "none"
    # The score's own name ("chrF2++", "BLEU") as corpus_score gives it, then the metric's signature.
    score = metric._compute_score_from_stats(_as_numbers(stats.sum(axis=0)[None, :])[0])
    return f"{score.name}|{metric.get_signature().format()}"


def chrf_pair_statistics(
    *, hypotheses: Sequence[str], references: Sequence[Sequence[str]]
) -> dict[str, tuple[np.ndarray, str]]:
    """chrF++ and chrF statistics (with signatures) from one pass over the character n-grams.

    sacrebleu lays chrF++'s statistics out as chrF's (character orders 1–6)
    followed by the word orders, so chrF's are the first columns of chrF++'s;
    the tests check both against sacrebleu's own ``corpus_score``.
    """
    plus, metric = _extract("chrf++", hypotheses=hypotheses, references=references)
    chrf = plus[:, :stats_width("chrf")]
    chrf_metric = None
    if metric is not None:
        chrf_metric = make_metric("chrf")
        chrf_metric.num_refs = metric.num_refs  # what reading the references would set
    return {"chrf++": (plus, _signature(metric, plus)), "chrf": (chrf, _signature(chrf_metric, chrf))}


def score_from_stats(name: str, sums: np.ndarray) -> np.ndarray:
    """Scores of summed statistics ``(B, k)`` (or ``(k,)``) with sacrebleu's formula.

    chrF and TER are computed over all rows at once with sacrebleu's
    arithmetic (:mod:`.sacrebleu_scores`); BLEU (and chrF with
    ``eps_smoothing``) with sacrebleu's own code, one row at a time (10–30 µs
    each, enough for 10,000 resamples in well under a second).
    """
    rows = np.atleast_2d(np.asarray(sums, dtype=float))
    scorer = _scorer(name)
    if isinstance(scorer, CHRF) and not scorer.eps_smoothing:
        return chrf_scores(scorer, rows)
    if isinstance(scorer, TER):
        return ter_scores(scorer, rows)
    # Integer-valued statistics are passed as Python ints, as corpus_score does.
    return np.array([scorer._compute_score_from_stats(r).score for r in _as_numbers(rows)], dtype=float)


def _as_numbers(rows: np.ndarray) -> list[list[float | int]]:
    """Each row as Python numbers: ``int`` where the value is integral, else ``float``.

    >>> _as_numbers(np.array([[1.0, 2.5], [3.0, 4.0]]))
    [[1, 2.5], [3, 4]]
    """
    if rows.size and np.all(np.isfinite(rows)) and np.all(rows == np.trunc(rows)) and np.abs(rows).max() < 2 ** 53:
        return rows.astype(np.int64).tolist()  # the usual case (counts): one conversion for the matrix
    return [[int(x) if float(x).is_integer() else float(x) for x in row] for row in rows.tolist()]


def corpus_score(name: str, *, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """sacrebleu's ``corpus_score`` for segment-major references."""
    return float(make_metric(name).corpus_score(list(hypotheses), to_sacrebleu_streams(references)).score)


def name_found(translation: str, names: Sequence[str]) -> bool:
    """m-ETA: any accepted name, casefolded, is a substring of the casefolded text."""
    text = translation.casefold()
    return any(n and n.casefold() in text for n in names)


def has_quotation(translation: str) -> bool:
    """True when the text holds a ``“…”`` or ``"…"`` pair around English (Latin-script) text.

    >>> has_quotation("He called it “useful”."), has_quotation("وصفه بأنه “مفيد”")
    (True, False)
    """
    return bool(_QUOTED.search(translation))


@dataclass(frozen=True)
class _RecordedSignature:
    """Signature fields from the sacrebleu signature the rows of ``family`` recorded (a ``row_fields``).

    ``row_key`` names the row field it reads, so rows reduced for scoring
    (:mod:`benchmark.scoring.parts`) keep only the rows that carry it.
    """

    family: str
    row_key: str = "sacrebleu"

    def __call__(self, rows: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
        family = self.family
        found = {str(r["sacrebleu"][family]) for r in rows if family in r.get("stats", {}) and "sacrebleu" in r}
        if len(found) > 1:
            raise InputError(f"rows record {len(found)} different sacrebleu signatures for {family}: "
                             f"{sorted(found)}; score them separately", field="sacrebleu")
        return (("sacrebleu_sig", found.pop() if found else "none"), ("scale", "0-100"))


def translation_rows(doc: Document, preds: Sequence[PredTranslation]) -> list[dict]:
    """Per-item rows of the translation task: one per segment, then one per gold quote.

    Quote rows exist only when the system translated quote contents (at
    least one prediction with a ``quote_id``); a missing one is then an empty
    hypothesis, as for segments.
    """
    segs = sorted(doc.segments, key=lambda s: s.span.start)
    seg_preds = [t for t in preds if t.quote_id is None]
    quote_preds = [t for t in preds if t.quote_id is not None]
    by_seg = index_predictions(seg_preds, lambda t: t.segment_id, "translations", {s.id for s in segs})
    hyps = [by_seg[s.id].text if s.id in by_seg else "" for s in segs]  # missing = empty hypothesis
    refs = [(s.translation_en,) for s in segs]
    scored = chrf_pair_statistics(hypotheses=hyps, references=refs)
    scored.update({name: segment_statistics(name, hypotheses=hyps, references=refs) for name in ("bleu", "ter")})
    signatures = {name: sig for name, (_, sig) in scored.items()}
    rows = []
    for n, (seg, hyp) in enumerate(zip(segs, hyps)):
        inside = lambda span: seg.span.start <= span.start < seg.span.end  # noqa: E731
        named = {m.entity for m in doc.mentions if m.kind == "named" and inside(m.span)}
        names = [doc.entity(e) for e in sorted(named)]
        quoted = any(q.type in ("direct", "mixed") and inside(q.content[0]) for q in doc.quotes if q.content)
        row_stats: dict[str, Any] = {name: scored[name][0][n].tolist() for name in METRICS}
        row_stats["entity_names"] = {"correct": sum(name_found(hyp, e.names_en) for e in names), "total": len(names)}
        row_stats["quote_marks"] = {"correct": int(quoted and has_quotation(hyp)), "total": int(quoted)}
        # sacrebleu's signatures once per document (the first row): they are the same on every row.
        rows.append({"unit": "segment", "item": seg.id, "stats": row_stats, **({"sacrebleu": signatures} if n == 0 else {})})
    if quote_preds:
        quotes = [q for q in doc.quotes if q.content]
        by_quote = index_predictions(quote_preds, lambda t: t.quote_id, "translations", {q.id for q in quotes})
        q_hyps = [by_quote[q.id].text if q.id in by_quote else "" for q in quotes]
        q_stats, q_sig = segment_statistics("chrf++", hypotheses=q_hyps,
                                            references=[(q.translation_en,) for q in quotes])
        for k, (q, st) in enumerate(zip(quotes, q_stats)):
            rows.append({"unit": "quote", "item": q.id, "stats": {"quote_chrf++": st.tolist()},
                         **({"sacrebleu": {"quote_chrf++": q_sig}} if k == 0 else {})})
    return rows


def translation_specs() -> tuple[MetricSpec, ...]:
    """The translation metrics, main one (chrF++) first (a function, so tests can build them afresh)."""
    return (
        *(
            MetricSpec(
                name,
                f"corpus {name} over segments (sacrebleu)",  # pragma: no mutate
                family_builder(name, None, lambda s, n=name: score_from_stats(n, s)),
                (),
                ("numpy", "sacrebleu"),
                higher_is_better=name not in LOWER_IS_BETTER,
                row_fields=_RecordedSignature(name),
            )
            for name in METRICS
        ),
        MetricSpec(
            "quote_chrf++",
            "corpus chrF++ over gold quote contents translated as separate items (quote_id)",  # pragma: no mutate
            family_builder("quote_chrf++", None, lambda s: score_from_stats("chrf++", s)),
            (("ref", "quote.translation_en"), ("hyp", "quote_translations")),
            ("numpy", "sacrebleu"),
            optional=True,
            row_fields=_RecordedSignature("quote_chrf++"),
        ),
        MetricSpec(
            "speaker_name_accuracy",
            "share of (segment, entity) pairs with a named mention whose translation "  # pragma: no mutate
            "has an accepted English name",  # pragma: no mutate
            family_builder("entity_names", ("correct", "total"), ratio(0, 1), count_details),
            (("match", "casefold_substring"), ("mentions", "named")),
        ),
        MetricSpec(
            "quote_mark_preservation",
            "share of segments with a direct or mixed gold quote whose translation "  # pragma: no mutate
            "keeps a quotation-mark pair",  # pragma: no mutate
            family_builder("quote_marks", ("correct", "total"), ratio(0, 1), count_details),
            (("marks", "“”|\"\""), ("inside", "latin"), ("types", "direct,mixed")),
        ),
    )


SPECS = translation_specs()
"""The translation metrics, main one (chrF++) first."""
