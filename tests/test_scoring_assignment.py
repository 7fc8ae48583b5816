"""The exact matching solver against a brute force over every one-to-one matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.errors import InputError
from benchmark.scoring import assignment
from benchmark.scoring.assignment import components, hungarian, max_weight_matching


def _best_total(edges: dict[tuple[int, int], int]) -> int:
    """Maximum total weight by trying every matching (rows in order, each skipped or given a free column)."""
    rows = sorted({i for i, _ in edges})

    def best(k: int, used: frozenset) -> int:
        if k == len(rows):
            return 0
        options = [best(k + 1, used)]
        options += [w + best(k + 1, used | {j}) for (i, j), w in edges.items() if i == rows[k] and j not in used]
        return max(options)

    return best(0, frozenset())


EDGES = st.dictionaries(st.tuples(st.integers(0, 4), st.integers(0, 4)),
                        st.one_of(st.integers(1, 9), st.integers(2**60, 2**70)), max_size=12)


@settings(deadline=None)
@given(EDGES)
def test_matching_is_one_to_one_and_of_maximum_weight(edges):
    pairs = max_weight_matching(edges)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(p in edges for p in pairs)
    assert sum(edges[p] for p in pairs) == _best_total(edges)  # exact, even past 2**53


def test_weights_beyond_float_precision_are_compared_exactly():
    # 2**60 + 1 vs 2**60: equal as floats, different as integers.
    edges = {(0, 0): 2**60, (0, 1): 2**60 + 1}
    assert max_weight_matching(edges) == [(0, 1)]


def test_hungarian_assigns_every_row_and_needs_rows_at_most_cols():
    # Rows 0 and 1 both prefer column 0 (3); the best total is 3 + 2 with row 1 on column 2.
    assert hungarian([[3, 1, 0], [3, 0, 2]]) == [(0, 0), (1, 2)]
    assert hungarian([[0, 0], [0, 0]]) == [(0, 0), (1, 1)]
    with pytest.raises(ValueError, match="need rows <= cols"):
        hungarian([[1], [1]])


def test_components_split_independent_groups():
    assert components({(0, 0): 1, (1, 0): 1, (2, 3): 1, (3, 4): 1, (2, 4): 1}) == [([0, 1], [0]), ([2, 3], [3, 4])]
    assert components({}) == []


def test_more_rows_than_columns_are_solved_transposed():
    # Three golds overlap one prediction: the heaviest pair wins.
    assert max_weight_matching({(0, 0): 2, (1, 0): 5, (2, 0): 3}) == [(1, 0)]


def test_a_huge_connected_group_is_refused(monkeypatch):
    monkeypatch.setattr(assignment, "MAX_WORK", 7)  # a 2 × 2 group costs 2²·2 = 8
    with pytest.raises(InputError, match="2 gold and 2 predicted span sets overlap in one connected group"):
        max_weight_matching({(0, 0): 1, (0, 1): 1, (1, 1): 1})
    assert max_weight_matching({(0, 0): 1, (1, 1): 1}) == [(0, 0), (1, 1)]  # two groups of 1 × 1
