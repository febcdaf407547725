"""Nearest-neighbour search over claim vectors: exact while small, an HNSW graph (faiss) beyond.

Cross-report work must never compare all pairs.  Up to `exact_limit` rows a search scans every row
(cheap at that size, and exact, so small stores give the same answers on every machine).  Past it,
the rows go into a hierarchical navigable small-world graph (faiss `IndexHNSWFlat`, inner product
on unit vectors = cosine): adding a row and searching both cost about log N, where scanning the
nearest lists of an inverted file costs about sqrt(N) and, at 100k rows, reads megabytes per query.
The vectors are also kept in one growing matrix: the clusterer reads them back (`vector`) and the
benchmarks compare against exact search (`search_exact`).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

DIM = 384  # MiniLM sentence vectors
EXACT_LIMIT = 500  # rows up to which search scans everything (identical to exact; a graph beyond costs less)
HNSW_LINKS = 16  # graph neighbours per node (faiss M)
HNSW_BUILD_BREADTH = 40  # candidates kept while linking a new row (efConstruction)
HNSW_SEARCH_BREADTH = 48  # candidates kept while searching (efSearch); recall@12 about 0.98 on MiniLM vectors


class VectorIndex:
    """Growing set of unit row vectors with ids, searched by cosine (dot product)."""

    def __init__(self, dim: int = DIM, exact_limit: int = EXACT_LIMIT, links: int = HNSW_LINKS,
                 build_breadth: int = HNSW_BUILD_BREADTH, search_breadth: int = HNSW_SEARCH_BREADTH) -> None:
        self._mat = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self.ids: list[str] = []
        self.exact_limit = exact_limit
        self._params = (links, build_breadth, search_breadth)
        self._graph: Any = None  # faiss.IndexHNSWFlat once past exact_limit

    def __len__(self) -> int:
        return self._n

    @property
    def approximate(self) -> bool:
        """True once searches walk the graph instead of scanning every row."""
        return self._graph is not None

    def add(self, ids: Sequence[str], vecs: np.ndarray) -> None:
        vecs = np.ascontiguousarray(np.asarray(vecs, dtype=np.float32).reshape(len(ids), -1))
        start, need = self._n, self._n + len(ids)
        if need > len(self._mat):
            grown = np.zeros((max(need, 2 * len(self._mat), 64), self._mat.shape[1]), dtype=np.float32)
            grown[:self._n] = self._mat[:self._n]
            self._mat = grown
        self._mat[start:need] = vecs
        self._n = need
        self.ids.extend(ids)
        if self._graph is not None:
            self._graph.add(vecs)
        elif self._n > self.exact_limit:
            self._build()

    def search(self, vec: np.ndarray, k: int = 10, min_score: float = 0.0) -> list[tuple[str, float]]:
        """The k nearest rows (id, cosine) with cosine >= min_score, best first."""
        if self._graph is None:
            return self.search_exact(vec, k, min_score)
        if self._n == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(np.asarray(vec, dtype=np.float32).reshape(1, -1))
        scores, rows = self._graph.search(query, min(k, self._n))
        return [(self.ids[r], float(s)) for s, r in zip(scores[0], rows[0]) if r >= 0 and s >= min_score]

    def search_exact(self, vec: np.ndarray, k: int = 10, min_score: float = 0.0) -> list[tuple[str, float]]:
        """Like `search`, always scanning every row (the reference for recall measurements)."""
        if self._n == 0:
            return []
        sims = self._mat[:self._n] @ vec
        k = min(k, self._n)
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[i], float(sims[i])) for i in top if sims[i] >= min_score]

    def vector(self, i: int) -> np.ndarray:
        return self._mat[i]

    def _build(self) -> None:
        """Put every row so far into a new graph (once, when the index passes `exact_limit`)."""
        import faiss  # only large stores need it

        links, build_breadth, search_breadth = self._params
        graph = faiss.IndexHNSWFlat(self._mat.shape[1], links, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = build_breadth
        graph.hnsw.efSearch = search_breadth
        graph.add(np.ascontiguousarray(self._mat[:self._n]))
        self._graph = graph
