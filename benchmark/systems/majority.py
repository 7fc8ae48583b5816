"""The ``majority`` system: the most frequent stance label of each target.

A floor for the stance task.  In the gold, most targets carry a single label,
so "what does this target usually get?" already scores well; a model that
does not beat this baseline has learned nothing about the quotes themselves.
Trained and predicted out of fold exactly as :mod:`.sklearn_system` (same
grouped, seeded folds by paragraph), so no item is predicted from its own
label.  Ties between labels go to FAVOR, then AGAINST, then NONE.

Examples
--------
>>> fit = MajoritySystem(seed=0)._fit("unused", 2)
>>> predict = fit([("q", "trump x"), ("q", "trump y"), ("q", "nato z")], ["FAVOR", "FAVOR", "AGAINST"])
>>> predict([("q", "trump w"), ("q", "nato w"), ("q", "other w")])
['FAVOR', 'AGAINST', 'FAVOR']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from benchmark.systems.sklearn_system import Model, SklearnSystem

_ORDER = {"FAVOR": 0, "AGAINST": 1, "NONE": 2}


def _top(counts: Counter) -> str:
    return min(counts, key=lambda label: (-counts[label], _ORDER.get(label, 9), label))


class MajoritySystem(SklearnSystem):
    """Per-target majority label, out of fold (stance only)."""

    name = "majority"
    supported_tasks = frozenset({"stance"})

    def __init__(self, *, seed: int = 0, n_splits: int = 5) -> None:
        super().__init__(seed=seed, n_splits=n_splits)
        self.description = f"majority stance label of each target in the training folds; {self.training_note}"

    def _fit(self, analyzer: str, columns: int) -> Callable[[list, list], Model]:
        # The stance features are (quote text, "<target id> <description>"): only the target is used.
        def fit(xs: list, ys: list) -> Model:
            overall = Counter(ys)
            by_target: dict[str, Counter] = defaultdict(Counter)
            for x, y in zip(xs, ys):
                by_target[x[1].split(" ", 1)[0]][y] += 1
            return lambda zs: [_top(by_target.get(z[1].split(" ", 1)[0]) or overall) for z in zs]

        return fit


def build(*, seed: int = 0, n_splits: int = 5) -> MajoritySystem:
    """The ``majority`` system, its priors computed out of fold with fold seed ``seed``."""
    return MajoritySystem(seed=seed, n_splits=n_splits)
