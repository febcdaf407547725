"""Numeric precision of model inference: bfloat16 where the CPU computes it natively, else float32.

The attribution tagger and the sentence encoder spend most of an ingest in matrix products.  On a
CPU with native bfloat16 (AMX or AVX-512 BF16) autocast runs them about 2.5x faster; PolNeAR dev
labels of the tagger agree with float32 on 99.9% of word pieces, sentence vectors have cosine
0.99999 with float32.  Without such a CPU bfloat16 is emulated and slower, so `auto` keeps float32
there.  The default is auto: on a CPU with AVX-512 BF16 every gate figure (PolNeAR dev 30, the
seeds' dev gold, speakers, stance, GAP) came out the same as in float32, and the whole ingest of
200 PolNeAR train reports ran about 1.3x faster (`benchmarks/throughput.py --limit 200 --ingest`).
"""
from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Iterator

PRECISIONS = ("auto", "fp32", "bf16")
_NATIVE_BF16_FLAGS = ("amx_bf16", "avx512_bf16")


@lru_cache(maxsize=1)
def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (read from /proc/cpuinfo; False where unknown)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return any(flag in flags for flag in _NATIVE_BF16_FLAGS)
    except OSError:
        pass
    return False


def uses_bf16(precision: str = "auto") -> bool:
    """Whether inference under `precision` runs in bfloat16."""
    if precision not in PRECISIONS:
        from .errors import SettingError

        raise SettingError(f"NEWSTRACE_PRECISION={precision!r}: expected one of {', '.join(PRECISIONS)}")
    return precision == "bf16" or (precision == "auto" and native_bf16())


@contextlib.contextmanager
def inference(precision: str = "auto") -> Iterator[None]:
    """A no-grad block whose matrix products run at `precision` (auto, fp32 or bf16)."""
    import torch

    with torch.inference_mode():
        if uses_bf16(precision):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                yield
        else:
            yield
