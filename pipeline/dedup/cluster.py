"""Clusters: connected components over accepted links, with reviewers' "different" as cannot-links.

Edges are merged strongest first: reviewer "same" decisions, then exact duplicates, then model
links by falling probability. A merge that would put two records a reviewer called "different"
into one cluster is refused, so a decision always wins over the model, also transitively.
The representative of a cluster is chosen by rules: reviewed > higher confidence > more complete
> first in input order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["UnionFind", "connected_components", "choose_representatives"]


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.cannot: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)

    def _blocked(self, ra: int, rb: int) -> bool:
        ca, cb = self.cannot.get(ra), self.cannot.get(rb)
        if not ca and not cb:
            return False
        small, other = (ca, rb) if ca and (not cb or len(ca) <= len(cb)) else (cb, ra)
        return any(self.find(x) == other for x in (small or ()))

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.cannot and self._blocked(ra, rb):
            return False
        self.parent[rb] = ra
        moved = self.cannot.pop(rb, None)
        if moved:
            self.cannot.setdefault(ra, set()).update(moved)
        return True


def connected_components(
    n: int,
    edges_i: np.ndarray,
    edges_j: np.ndarray,
    cannot: list[tuple[int, int]] | None = None,
) -> tuple[np.ndarray, int]:
    """Component label per record (0..k-1) for edges given in merge order; and how many merges were refused."""
    uf = UnionFind(n)
    for a, b in cannot or []:
        uf.forbid(a, b)
    refused = 0
    for a, b in zip(edges_i.tolist(), edges_j.tolist(), strict=True):
        if not uf.union(a, b):
            refused += 1
    roots = np.fromiter((uf.find(x) for x in range(n)), dtype=np.int64, count=n)
    _, labels = np.unique(roots, return_inverse=True)
    return labels, refused


def choose_representatives(
    labels: np.ndarray,
    reviewed: np.ndarray,
    confidence: np.ndarray,
    completeness: np.ndarray,
) -> np.ndarray:
    """Index of the representative record per cluster label: reviewed > confidence > completeness > order."""
    n = len(labels)
    order = np.lexsort((np.arange(n), -completeness, -confidence, -reviewed.astype(np.int64), labels))
    first = np.ones(n, dtype=bool)
    sl = labels[order]
    first[1:] = sl[1:] != sl[:-1]
    reps = np.empty(int(labels.max(initial=-1)) + 1, dtype=np.int64)
    reps[sl[first]] = order[first]
    return reps
