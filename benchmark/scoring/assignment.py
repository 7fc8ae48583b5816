"""Exact maximum-weight one-to-one matching over integer weights.

The span alignment (:mod:`.spans`) ranks matchings lexicographically — a
scheme's credit first, then overlap, then tie-breaks — by packing the
levels into one integer weight per pair.  Those integers outgrow the 53
bits a float holds (``scipy.optimize.linear_sum_assignment`` works in
float64), so the matching is solved here with Python integers, which are
exact at any size: the Hungarian algorithm in its shortest-augmenting-path
form with potentials, O(n²·m) for n ≤ m.

Only pairs with a positive weight (overlapping span sets) can be matched, so
the problem splits into the connected components of those pairs; each is
solved on its own, small matrix.  A component larger than
:data:`MAX_WORK` allows is refused with :class:`~benchmark.errors.InputError`
rather than left to run for minutes.

Examples
--------
>>> sorted(max_weight_matching({(0, 0): 5, (0, 1): 4, (1, 0): 4}))
[(0, 1), (1, 0)]
>>> max_weight_matching({})
[]
"""

from __future__ import annotations

from typing import Mapping

from benchmark.errors import InputError

MAX_WORK = 20_000_000
"""Largest n²·m (n ≤ m the two sides of one component) solved; about ten seconds."""


def components(edges: Mapping[tuple[int, int], int]) -> list[tuple[list[int], list[int]]]:
    """Connected components ``(rows, cols)`` of a bipartite edge set, each side sorted.

    >>> components({(0, 0): 1, (1, 0): 1, (2, 3): 1})
    [([0, 1], [0]), ([2], [3])]
    """
    # Union-find over rows then columns, each side numbered 0, 1, … (columns after the rows).
    row_ids = {i: n for n, i in enumerate(sorted({i for i, _ in edges}))}
    col_ids = {j: n + len(row_ids) for n, j in enumerate(sorted({j for _, j in edges}))}
    parent = list(range(len(row_ids) + len(col_ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        a, b = find(row_ids[i]), find(col_ids[j])
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i, n in row_ids.items():  # in sorted order, so each side comes out sorted
        groups.setdefault(find(n), ([], []))[0].append(i)
    for j, n in col_ids.items():
        groups.setdefault(find(n), ([], []))[1].append(j)
    return sorted(groups.values())


def hungarian(weight: list[list[int]]) -> list[tuple[int, int]]:
    """Rows → columns assignment of maximum total weight, for ``rows <= cols``.

    Every row is assigned (pairs of weight 0 included; callers drop them).
    Exact for any integers; ties are broken by position, deterministically.

    >>> hungarian([[3, 1, 0], [3, 0, 2]])
    [(0, 0), (1, 2)]
    """
    n, m = len(weight), len(weight[0])
    if n > m:
        raise ValueError(f"need rows <= cols, got {n} > {m}")
    top = max(max(row) for row in weight)
    # Min-cost form on 1-based arrays: cost = top - weight >= 0.
    u, v = [0] * (n + 1), [0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        best: list[float | int] = [float("inf")] * (m + 1)
        used = [False] * (m + 1)
        while owner[j0]:
            used[j0] = True
            i0, delta, j1 = owner[j0], float("inf"), 0
            row = weight[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = top - row[j - 1] - u[i0] - v[j]
                    if cur < best[j]:
                        best[j], way[j] = cur, j0
                    if best[j] < delta:
                        delta, j1 = best[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    best[j] -= delta
            j0 = j1
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return sorted((owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j])


def max_weight_matching(edges: Mapping[tuple[int, int], int]) -> list[tuple[int, int]]:
    """A one-to-one set of ``(row, col)`` pairs of maximum total weight.

    ``edges`` maps candidate pairs to positive integer weights; absent pairs
    cannot be matched.  The result is sorted.
    """
    out = []
    for rows, cols in components(edges):
        if len(rows) == 1 and len(cols) == 1:  # one candidate pair (the usual case): it is the matching
            if edges[(rows[0], cols[0])] > 0:
                out.append((rows[0], cols[0]))
            continue
        flip = len(rows) > len(cols)
        side, other = (cols, rows) if flip else (rows, cols)
        if len(side) ** 2 * len(other) > MAX_WORK:
            raise InputError(
                f"{len(rows)} gold and {len(cols)} predicted span sets overlap in one connected group; the "
                f"one-to-one alignment handles groups with n²·m <= {MAX_WORK:,} (n <= m their sizes)")
        matrix = [[edges.get((c, r) if flip else (r, c), 0) for c in other] for r in side]
        for a, b in hungarian(matrix):
            pair = (other[b], side[a]) if flip else (side[a], other[b])
            if edges.get(pair, 0) > 0:
                out.append(pair)
    return sorted(out)
