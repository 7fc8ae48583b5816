"""The ``sklearn`` baseline: TF-IDF character n-grams + logistic regression, out of fold.

Two classifiers, both ``TfidfVectorizer`` (character n-grams 2–5) into
``LogisticRegression(class_weight="balanced", random_state=seed)``:

* **stance**: one example per gold (quote, target) pair; features are the
  quote content and the target's Arabic description (two vectorizers side by
  side, so the model learns no quote × target interaction);
* **quote type**: one example per gold quote; features are the content with
  one character of context on each side, so the quotation marks just outside
  a direct quote are visible.  Predicted quotes are the ``rules`` system's;
  only their ``type`` comes from this classifier.

**Out of fold.**  With a single article the same gold data must serve for
training and testing, so items are grouped by (document, paragraph), the
groups are shuffled with ``numpy.random.default_rng(seed)`` and dealt into
``n_splits`` folds, and each item is predicted by a model trained only on
the other folds: no item, and no item of its paragraph, is ever seen by the
model that labels it.  A training part with one class predicts that class;
an empty one predicts ``NONE`` (stance) or ``indirect`` (type).

Examples
--------
>>> folds = group_folds([("d", 0), ("d", 1), ("d", 2), ("d", 3)], n_splits=2, seed=0)
>>> sorted(folds.values())
[0, 0, 1, 1]
>>> result = oof_predict(["a", "b", "c", "d"], ["X", "X", "Y", "Y"], [0, 0, 1, 1], {0: 0, 1: 1},
...                      fit=lambda xs, ys: (lambda zs: [ys[0]] * len(zs)), fallback="Z")
>>> result.predictions  # each paragraph predicted from the other one
['Y', 'Y', 'X', 'X']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Hashable, Sequence

import numpy as np

from benchmark.errors import ConfigError, InputError
from benchmark.tasks.inputs import DocInput, paragraph_of
from benchmark.gold.schema import Corpus, Document
from benchmark.systems.base import check_tasks
from benchmark.systems.arabic_quotes import extract
from benchmark.systems.rules import quote_json

Model = Callable[[list], list]


def group_folds(groups: Sequence[Hashable], *, n_splits: int, seed: int) -> dict[Hashable, int]:
    """Shuffle the distinct ``groups`` with ``seed`` and deal them into ``n_splits`` folds."""
    distinct = sorted(set(groups), key=repr)
    order = np.random.default_rng(seed).permutation(len(distinct))
    return {distinct[int(k)]: rank % n_splits for rank, k in enumerate(order)}


@dataclass(frozen=True)
class OOFResult:
    """Out-of-fold predictions and the split that produced each."""

    predictions: list
    splits: list[tuple[list[int], list[int]]]
    """``(training indices, predicted indices)`` per fold, indices into the inputs."""


def oof_predict(xs: Sequence, ys: Sequence, groups: Sequence[Hashable], folds: dict[Hashable, int], *,
                fit: Callable[[list, list], Model], fallback: str,
                predict_xs: Sequence | None = None, predict_groups: Sequence[Hashable] | None = None) -> OOFResult:
    """Predict every item from a model fit on the folds that do not hold its group.

    ``predict_xs``/``predict_groups`` predict other items (the rules' quotes)
    than the training ones; by default the training items themselves.
    """
    pxs = list(xs if predict_xs is None else predict_xs)
    pgroups = list(groups if predict_groups is None else predict_groups)
    preds: list = [fallback] * len(pxs)
    splits = []
    for fold in sorted(set(folds[g] for g in pgroups)):
        test = [i for i, g in enumerate(pgroups) if folds[g] == fold]
        train = [i for i, g in enumerate(groups) if folds[g] != fold]
        splits.append((train, test))
        labels = sorted(set(ys[i] for i in train))
        if not labels:
            continue
        if len(labels) == 1:
            out = [labels[0]] * len(test)
        else:
            out = fit([xs[i] for i in train], [ys[i] for i in train])([pxs[i] for i in test])
        for i, label in zip(test, out):
            preds[i] = label
    return OOFResult(preds, splits)


class SideBySide:
    """One vectorizer per column of ``X``, their outputs side by side (column ``c`` → ``vectorizers[c]``).

    What ``ColumnTransformer(sparse_threshold=0.3)`` computes for these
    inputs (a sparse matrix unless the training features are 30% non-zero or
    more), without its check for pandas extension types, which imports pandas
    at every fit.
    """

    def __init__(self, vectorizers: Sequence) -> None:
        self.vectorizers, self.sparse = list(vectorizers), True

    def fit_transform(self, X):
        """Fit every vectorizer on its column of ``X`` (an object array, one row per item); the features."""
        parts = [v.fit_transform(X[:, c]) for c, v in enumerate(self.vectorizers)]
        total = sum(p.shape[0] * p.shape[1] for p in parts)
        self.sparse = total == 0 or sum(p.nnz for p in parts) / total < 0.3
        return self._stack(parts)

    def transform(self, X):
        """Features of new rows ``X`` (same columns)."""
        return self._stack([v.transform(X[:, c]) for c, v in enumerate(self.vectorizers)])

    def _stack(self, parts: list):
        from scipy import sparse

        if self.sparse:
            return sparse.hstack(parts).tocsr()
        return np.hstack([p.toarray() for p in parts])


def _rows(xs: list, columns: int):
    """``xs`` (strings, or tuples of ``columns`` strings) as an object array of ``columns`` columns."""
    return np.array(xs, dtype=object).reshape(len(xs), columns)


def import_libraries():
    """scikit-learn's ``TfidfVectorizer`` and ``LogisticRegression``, imported without pandas.

    pandas (and pyarrow) would come with scikit-learn only for DataFrame
    input, which this system never passes; ~0.3 s of the default run's
    start-up.  A run of several systems calls this early, on its helper
    process (:func:`benchmark.systems.registry.warm_up`).
    """
    from benchmark.common.imports import without_modules

    with without_modules("pandas"):
        import threadpoolctl  # noqa: F401  (the fits limit BLAS threads)
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    return TfidfVectorizer, LogisticRegression


def _gold_doc(gold: Corpus, doc_id: str) -> Document:
    try:
        return gold.document(doc_id)
    except KeyError:
        raise InputError(f"document {doc_id!r} is not in the gold corpus", field="doc_id") from None


def _context(text: str, parts: Sequence[tuple[int, int]]) -> str:
    return " … ".join(text[max(0, s - 1):min(len(text), e + 1)] for s, e in parts)


class SklearnSystem:
    """Out-of-fold TF-IDF + logistic regression for stance and quote type."""

    name = "sklearn"
    supported_tasks = frozenset({"stance", "quotes"})
    ranked = True
    needs_gold = True
    shardable = False  # trained out of fold on the whole corpus: one document's label depends on the others

    def __init__(self, *, seed: int = 0, n_splits: int = 5, C: float = 1.0) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {seed!r}", field="seed")
        if not isinstance(n_splits, int) or isinstance(n_splits, bool) or n_splits < 2:
            raise ConfigError(f"n_splits must be an integer >= 2, got {n_splits!r}", field="n_splits")
        if not isinstance(C, (int, float)) or isinstance(C, bool) or C <= 0:
            raise ConfigError(f"C must be a positive number, got {C!r}", field="C")
        self.seed, self.n_splits, self.C = seed, n_splits, float(C)
        self.training_note = (
            f"out-of-fold: paragraphs (document, paragraph) shuffled with seed {seed} into {n_splits} folds; "
            f"each item is predicted by a model trained on the other folds only; a single-class training "
            f"fold predicts that class, an empty one NONE (stance) / indirect (type)")
        self.description = (f"TF-IDF char 2-5 grams + LogisticRegression(class_weight=balanced, newton-cg, C={self.C}, "
                            f"random_state={seed}); {self.training_note}")

    def _fit(self, analyzer: str, columns: int) -> Callable[[list, list], Model]:
        from threadpoolctl import threadpool_limits

        TfidfVectorizer, LogisticRegression = import_libraries()

        def fit(xs: list, ys: list) -> Model:
            with threadpool_limits(limits=1):  # tiny problems: BLAS threads only add contention
                return _fit(xs, ys)

        def _fit(xs: list, ys: list) -> Model:
            features = SideBySide([TfidfVectorizer(analyzer=analyzer, ngram_range=(2, 5)) for _ in range(columns)])
            model = LogisticRegression(class_weight="balanced", C=self.C, random_state=self.seed,
                                       solver="newton-cg", max_iter=1000)  # lbfgs is ~6x slower here
            model.fit(features.fit_transform(_rows(xs, columns)), ys)
            return lambda zs: [str(y) for y in model.predict(features.transform(_rows(zs, columns)))]

        return fit

    def folds(self, docs: Sequence[DocInput]) -> dict[Hashable, int]:
        """Fold of every (document, paragraph) group of ``docs``."""
        groups = [(d.doc_id, s.paragraph) for d in docs for s in d.segments]
        groups += [(d.doc_id, q.paragraph) for d in docs for q in d.quotes]
        groups += [(d.doc_id, -1) for d in docs]
        return group_folds(groups, n_splits=self.n_splits, seed=self.seed)

    def stance_oof(self, docs: Sequence[DocInput], gold: Corpus) -> tuple[list[tuple[str, str, str]], OOFResult]:
        """``(doc_id, quote_id, target)`` keys and their out-of-fold predictions."""
        keys, xs, ys, groups = [], [], [], []
        for d in docs:
            label: dict[tuple[str, str], str] = {}
            for s in _gold_doc(gold, d.doc_id).stances:
                label.setdefault((s.quote, s.target), s.label)
            targets = {t.id: t for t in d.targets}
            seen: set[tuple[str, str]] = set()
            for it in d.stance_items:
                if (it.quote_id, it.target) not in label or (it.quote_id, it.target) in seen:
                    continue
                seen.add((it.quote_id, it.target))
                t = targets.get(it.target)
                keys.append((d.doc_id, it.quote_id, it.target))
                xs.append((d.quote_text(it.quote_id), f"{it.target} {t.description_ar if t else ''}"))
                ys.append(label[(it.quote_id, it.target)])
                groups.append((d.doc_id, it.paragraph))
        return keys, oof_predict(xs, ys, groups, self.folds(docs), fit=self._fit("char_wb", 2), fallback="NONE")

    def quotes_oof(self, docs: Sequence[DocInput], gold: Corpus) -> tuple[list[list[dict]], OOFResult]:
        """The rules' quotes per document, typed out of fold."""
        xs, ys, groups = [], [], []
        for d in docs:
            g = _gold_doc(gold, d.doc_id)
            for q in g.quotes:
                xs.append(_context(d.text, [(c.start, c.end) for c in q.content]))
                ys.append(q.type)
                groups.append((d.doc_id, paragraph_of(g, q.start)))
        quotes, pxs, pgroups = [], [], []
        for d in docs:
            doc_quotes = [quote_json(q) for q in extract(d).quotes]
            quotes.append(doc_quotes)
            for q in doc_quotes:
                start = q["content"][0][0]
                seg = next((s for s in d.segments if s.span.start <= start < s.span.end), None)
                pxs.append(_context(d.text, [tuple(p) for p in q["content"]]))
                pgroups.append((d.doc_id, seg.paragraph if seg is not None else -1))
        result = oof_predict(xs, ys, groups, self.folds(docs), fit=self._fit("char", 1), fallback="indirect",
                             predict_xs=pxs, predict_groups=pgroups)
        flat = [q for doc_quotes in quotes for q in doc_quotes]
        for q, label in zip(flat, result.predictions):
            q["type"] = label
        return quotes, result

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        if run and gold is None:
            raise ConfigError("the sklearn system trains out of fold on the gold labels (gold=...)", field="gold")
        outputs: list[dict] = [{"doc_id": d.doc_id} for d in docs]
        if "stance" in run:
            keys, result = self.stance_oof(docs, gold)
            by_doc: dict[str, list[dict]] = {d.doc_id: [] for d in docs}
            for (doc_id, q, t), label in zip(keys, result.predictions):
                by_doc[doc_id].append({"quote_id": q, "target": t, "label": str(label)})
            for out in outputs:
                out["stance"] = by_doc[out["doc_id"]]
        if "quotes" in run:
            quotes, _ = self.quotes_oof(docs, gold)
            for out, doc_quotes in zip(outputs, quotes):
                out["quotes"] = doc_quotes
        return outputs


def build(*, seed: int = 0, n_splits: int = 5, C: float = 1.0) -> SklearnSystem:
    """The ``sklearn`` system, trained out of fold with fold seed ``seed``."""
    return SklearnSystem(seed=seed, n_splits=n_splits, C=C)
