"""Default worker count (one per core, small batches in process) and the inference precision setting."""
from __future__ import annotations

import pytest

from newstrace.errors import SettingError
from newstrace.precision import uses_bf16
from newstrace.process import CHUNK, available_cores, worker_count
from newstrace.settings import load_settings


@pytest.mark.parametrize("processes, reports, expected", [
    (0, None, "cores"), (0, CHUNK, 1), (0, 10 * CHUNK, "cores"), (3, 1, 3), (1, 10 * CHUNK, 1)])
def test_worker_count(processes, reports, expected):
    want = min(available_cores(), 10) if expected == "cores" else expected
    assert worker_count(load_settings(processes=processes), reports) == want


def test_precision_is_auto_by_default_and_checked(monkeypatch):
    assert load_settings().precision == "auto" and not uses_bf16("fp32") and uses_bf16("bf16")
    monkeypatch.setattr("newstrace.precision.native_bf16", lambda: False)
    assert not uses_bf16("auto")  # a CPU without native bfloat16 keeps float32
    with pytest.raises(SettingError, match="NEWSTRACE_PRECISION"):
        uses_bf16("half")
