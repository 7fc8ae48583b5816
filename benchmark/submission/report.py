"""``python -m benchmark validate``: what a valid predictions file holds.

:func:`validate_file` reads a submission with the same reader as scoring
(:mod:`benchmark.submission.reader`), so a file it accepts is a file the harness can
score; the report counts items per task, gold coverage and how every span was
aligned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmark.common.jsonguard import clip
from benchmark.common.normalize import NORMALIZATION_VERSION
from benchmark.errors import InputError
from benchmark.gold.schema import Corpus, Document
from benchmark.submission.align import FUZZY_THRESHOLD
from benchmark.submission.limits import DEFAULT_LIMITS, SubmissionLimits
from benchmark.submission.predictions import DocPrediction
from benchmark.submission.reader import TASKS, iter_lines, read_lines

MAX_PROBLEMS = 50
"""Problems a report lists; the rest are counted."""

MAX_NAMES = 10
"""Unresolved speaker strings named per document; the rest are counted."""

@dataclass(frozen=True)
class DocSummary:
    """What one line of a predictions file contains."""

    doc_id: str
    line: int
    counts: dict[str, int | None]
    """Items per task (``None`` = task not attempted); stances inside quotes
    are counted under ``quote_stances``."""
    coverage: dict[str, tuple[int, int]]
    """Oracle tasks: ``(gold items predicted, gold items)``, keyed
    ``attribution``, ``stance``, and for translations ``translation segments``
    and ``translation quotes`` (the two kinds of item are counted apart)."""
    unresolved_speakers: int
    """Speaker strings given that matched no gold entity (scored as wrong)."""
    offsets: int
    """Spans given as offsets in the file."""
    unresolved_names: tuple[str, ...] = ()
    """Those strings, distinct, in the order met."""


@dataclass(frozen=True)
class ValidationReport:
    """Result of :func:`validate_file`: what the file holds and every problem found in it."""

    file: str
    corpus_sha256: str
    docs: tuple[DocSummary, ...]
    missing_docs: tuple[str, ...]
    """Gold documents without a line (no task attempted on them)."""
    alignment_methods: dict[str, int]
    """Spans per method: ``offsets`` (given as offsets in the file) and the
    :func:`~benchmark.submission.align.align_text` tiers, counting both the alignments a
    written file carries and those made while reading it."""
    fuzzy_threshold: float = FUZZY_THRESHOLD
    """The fuzzy-alignment threshold the file was read with."""
    normalization: str = NORMALIZATION_VERSION
    """The Arabic normalisation behind the ``normalized`` and ``fuzzy`` tiers."""
    problems: tuple[InputError, ...] = ()
    """The first :data:`MAX_PROBLEMS` problems, in file order."""
    n_problems: int = 0
    """All problems found (``len(problems)`` or more)."""

    @property
    def valid(self) -> bool:
        return self.n_problems == 0

    def problem_lines(self) -> list[str]:
        """``file:line: field: message`` per listed problem, then how many were not listed."""
        rows = [str(p) for p in self.problems]
        if self.n_problems > len(self.problems):
            rows.append(f"… and {self.n_problems - len(self.problems)} more problem(s) "
                        f"(the first {len(self.problems)} are listed)")
        return rows

    def summary(self) -> str:
        """Human-readable lines for ``python -m benchmark validate``."""
        if not self.valid:
            return "\n".join(self.problem_lines() + [f"{self.file}: {self.n_problems} problem(s)"])
        rows = [f"{self.file}: valid, {len(self.docs)} document(s), gold {self.corpus_sha256[:12]}"]
        for d in self.docs:
            counts = ", ".join(f"{k}={'-' if v is None else v}" for k, v in d.counts.items())
            rows.append(f"  line {d.line}: {d.doc_id}: {counts}, unresolved speakers={d.unresolved_speakers}"
                        + _names_text(d))
            if d.coverage:
                rows.append(f"    gold items covered: {_coverage_text(d.coverage)}")
        if self.missing_docs:
            rows.append(f"  no predictions for: {', '.join(self.missing_docs)}")
        rows.append("  spans: " + ", ".join(f"{k}={v}" for k, v in self.alignment_methods.items())
                    + f" ({self.normalization}, fuzzy threshold {self.fuzzy_threshold:g})")
        return "\n".join(rows)


def _names_text(d: DocSummary) -> str:
    """`` (SPEAKER_3, 'Mr X')``: the unresolved strings, clipped, the first :data:`MAX_NAMES`."""
    if not d.unresolved_names:
        return ""
    names = [clip(n, 40) for n in d.unresolved_names[:MAX_NAMES]]
    more = len(d.unresolved_names) - MAX_NAMES
    return f" ({', '.join(names)}{f', … {more} more' if more > 0 else ''})"


def _coverage_text(coverage: dict[str, tuple[int, int]]) -> str:
    """``attribution 2/3; stance 1/2; translations: segments 1/47, quotes 0/3``."""
    parts = [f"{k} {a}/{b}" for k, (a, b) in coverage.items() if not k.startswith("translation ")]
    kinds = [f"{k.split()[1]} {a}/{b}" for k, (a, b) in coverage.items() if k.startswith("translation ")]
    if kinds:
        parts.append("translations: " + ", ".join(kinds))
    return "; ".join(parts)


def _summary(line: int, pred: DocPrediction, doc: Document, offsets: int) -> DocSummary:
    counts = {t: None if getattr(pred, t) is None else len(getattr(pred, t)) for t in TASKS}
    counts["quote_stances"] = None if pred.quotes is None else sum(len(q.stances) for q in pred.quotes)
    coverage = {}
    if pred.attribution is not None:
        coverage["attribution"] = (len({a.quote_id for a in pred.attribution}), len(doc.quotes))
    if pred.stance is not None:
        gold = {(s.quote, s.target) for s in doc.stances}
        coverage["stance"] = (len(gold & {(s.quote_id, s.target) for s in pred.stance}), len(gold))
    if pred.translations is not None:
        # segment and quote translations are different items (chrF++ vs quote_chrf++)
        coverage["translation segments"] = (sum(t.segment_id is not None for t in pred.translations),
                                            len(doc.segments))
        coverage["translation quotes"] = (sum(t.quote_id is not None for t in pred.translations), len(doc.quotes))
    raws = [(q.speaker, q.speaker_raw) for q in pred.quotes or ()]
    raws += [(a.speaker, a.speaker_raw) for a in pred.attribution or ()]
    unresolved = [raw for sp, raw in raws if sp is None and raw is not None]
    return DocSummary(doc_id=pred.doc_id, line=line, counts=counts, coverage=coverage,
                      unresolved_speakers=len(unresolved), unresolved_names=tuple(dict.fromkeys(unresolved)),
                      offsets=offsets)


def validate_file(path: Path | str, *, corpus: Corpus, fuzzy_threshold: float = FUZZY_THRESHOLD,
                  limits: SubmissionLimits = DEFAULT_LIMITS) -> ValidationReport:
    """Read ``path`` like :func:`read_submission`; summarise what it holds and list every problem.

    A file that cannot be read at all (missing, past the size limit) raises
    :class:`InputError`; problems of its lines are collected in the report.
    """
    docs = {d.doc_id: d for d in corpus.documents}
    found, problems, n_problems = [], [], 0
    for result in iter_lines(read_lines(path, limits=limits), corpus=corpus, file=str(path),
                             fuzzy_threshold=fuzzy_threshold, limits=limits):
        n_problems += len(result.problems)
        problems.extend(result.problems[:max(0, MAX_PROBLEMS - len(problems))])
        if result.prediction is not None:
            found.append(result)
    summaries = tuple(_summary(r.line, r.prediction, docs[r.prediction.doc_id], r.offsets) for r in found)
    methods = Counter({"offsets": sum(s.offsets for s in summaries)})
    methods.update(a.method for r in found for a in r.prediction.alignments)
    order = ("offsets", "exact", "normalized", "fuzzy", "unaligned")
    return ValidationReport(
        file=str(path), corpus_sha256=corpus.sha256, docs=summaries,
        missing_docs=tuple(d for d in docs if d not in {r.prediction.doc_id for r in found}),
        alignment_methods={m: methods.get(m, 0) for m in order},
        fuzzy_threshold=fuzzy_threshold, normalization=NORMALIZATION_VERSION,
        problems=tuple(problems), n_problems=n_problems)
