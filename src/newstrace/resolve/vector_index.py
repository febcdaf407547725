"""Nearest-neighbour search over claim vectors: exact while small, an HNSW graph (faiss) beyond.

Cross-report work must never compare all pairs.  Up to `exact_limit` rows a search scans every row
(cheap at that size, and exact, so small stores give the same answers on every machine).  Past it,
the rows go into a hierarchical navigable small-world graph (faiss `IndexHNSWFlat`, inner product
on unit vectors = cosine): adding a row and searching both cost about log N, where scanning the
nearest lists of an inverted file costs about sqrt(N) and, at 100k rows, reads megabytes per query.
The vectors are also kept in one growing matrix: the clusterer reads them back (`vector`) and the
benchmarks compare against exact search (`search_exact`).

Building the graph is most of a fresh run's start-up on a large store (about 30 s of CPU for 100k
rows), so its links can be saved (`graph_state`, about 140 bytes a row: the vectors themselves are
stored with their statements) and reused by `restore` when the same rows come back with the same
vectors; rows added since are linked in one by one.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

DIM = 384  # MiniLM sentence vectors
EXACT_LIMIT = 500  # rows up to which search scans everything (identical to exact; a graph beyond costs less)
HNSW_LINKS = 16  # graph neighbours per node (faiss M)
HNSW_BUILD_BREADTH = 40  # candidates kept while linking a new row (efConstruction)
HNSW_SEARCH_BREADTH = 48  # candidates kept while searching (efSearch); recall@12 about 0.98 on MiniLM vectors


GRAPH_ARRAYS = ("levels", "offsets", "neighbors")  # the faiss HNSW arrays that hold the graph's links


@lru_cache(maxsize=4)
def _probe(dim: int) -> np.ndarray:
    """A fixed direction: each row's projection on it is the checksum a saved graph keeps of its vectors."""
    return np.random.default_rng(7).standard_normal(dim).astype(np.float32)


class VectorIndex:
    """Growing set of unit row vectors with ids, searched by cosine (dot product)."""

    def __init__(self, dim: int = DIM, exact_limit: int | None = None, links: int = HNSW_LINKS,
                 build_breadth: int = HNSW_BUILD_BREADTH, search_breadth: int = HNSW_SEARCH_BREADTH) -> None:
        self._mat = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self.ids: list[str] = []
        self.exact_limit = EXACT_LIMIT if exact_limit is None else exact_limit
        self._params = (links, build_breadth, search_breadth)
        self._graph: Any = None  # faiss.IndexHNSWFlat once past exact_limit
        self.reused = False  # whether `restore` took a saved graph

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

    def graph_state(self) -> bytes | None:
        """The graph's links with the ids of its rows, in order, and a checksum of their vectors
        (for `restore`); None while searches scan every row."""
        if self._graph is None:
            return None
        import faiss

        hnsw = self._graph.hnsw
        arrays = {name: faiss.vector_to_array(getattr(hnsw, name)) for name in GRAPH_ARRAYS}
        buf = io.BytesIO()
        np.savez(buf, ids=np.array(self.ids, dtype=str), probe=self._mat[:self._n] @ _probe(self._mat.shape[1]),
                 meta=np.array([hnsw.entry_point, hnsw.max_level, self._params[0]], dtype=np.int64), **arrays)
        return buf.getvalue()

    def restore(self, ids: Sequence[str], vecs: np.ndarray, state: bytes | None = None) -> list[int]:
        """Add stored rows to an empty index, reusing the graph of `state` (`graph_state`) when
        every row it holds is among `ids` with the same vector; rows it lacks are linked in after
        them.  Returns each input row's position in the index."""
        vecs = np.ascontiguousarray(np.asarray(vecs, dtype=np.float32).reshape(len(ids), -1))
        start = self._n
        if start == 0 and state is not None and self._reuse(ids, vecs, state):
            rows = {i: r for r, i in enumerate(self.ids)}
            rest = [k for k, i in enumerate(ids) if i not in rows]
            if rest:
                self.add([ids[k] for k in rest], vecs[rest])
                rows.update((ids[k], self._n - len(rest) + n) for n, k in enumerate(rest))
            return [rows[i] for i in ids]
        self.add(ids, vecs)
        return list(range(start, start + len(ids)))

    def _reuse(self, ids: Sequence[str], vecs: np.ndarray, state: bytes) -> bool:
        """Take the saved graph's rows and links if they fit `ids` and `vecs` (else leave the index empty)."""
        try:
            saved = np.load(io.BytesIO(state), allow_pickle=False)
            saved_ids = [str(i) for i in saved["ids"]]
            entry_point, max_level, links = (int(x) for x in saved["meta"])
            arrays = {name: saved[name] for name in GRAPH_ARRAYS}
            probe = saved["probe"]
        except Exception:  # noqa: BLE001 - an unreadable or older state is rebuilt, never trusted
            return False
        where = {i: k for k, i in enumerate(ids)}
        picks = [where.get(i) for i in saved_ids]
        if links != self._params[0] or len(saved_ids) <= self.exact_limit or None in picks:
            return False
        mat = vecs[picks]  # a new array (fancy indexing): the index owns it
        if probe.shape != (len(picks),) or not np.allclose(mat @ _probe(mat.shape[1]), probe, atol=1e-4):
            return False  # a statement's vector changed since the graph was saved
        import faiss

        graph = self._new_graph()
        for name, values in arrays.items():
            faiss.copy_array_to_vector(values, getattr(graph.hnsw, name))
        graph.hnsw.entry_point, graph.hnsw.max_level = entry_point, max_level
        faiss.downcast_index(graph.storage).add(mat)
        graph.ntotal = len(picks)
        self._mat, self._n, self.ids, self._graph = mat, len(picks), saved_ids, graph
        self.reused = True
        return True

    def _new_graph(self) -> Any:
        import faiss  # only large stores need it

        links, build_breadth, search_breadth = self._params
        graph = faiss.IndexHNSWFlat(self._mat.shape[1], links, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = build_breadth
        graph.hnsw.efSearch = search_breadth
        return graph

    def _build(self) -> None:
        """Put every row so far into a new graph (once, when the index passes `exact_limit`)."""
        graph = self._new_graph()
        graph.add(np.ascontiguousarray(self._mat[:self._n]))
        self._graph = graph
