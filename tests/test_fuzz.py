"""The fuzzing harness (benchmarks/fuzz.py, issue 10 item 6): a short run over every target in the
default suite, and checks that the harness does call a crash a crash (an unexpected exception, an
error wrapped as E000, a hang), so that "0 crashes" means something."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newstrace.model import IngestProblem
from newstrace.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "benchmarks" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    sys.path.insert(0, str(FUZZ.parent))
    try:
        spec = importlib.util.spec_from_file_location("fuzz_harness", FUZZ)
        module = importlib.util.module_from_spec(spec)
        sys.modules["fuzz_harness"] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("fuzz_harness", None)
        sys.path.remove(str(FUZZ.parent))


def test_short_run_over_every_target_finds_no_crash(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NEWSTRACE_ATTRIBUTION": "rules"}
    done = subprocess.run([sys.executable, str(FUZZ), "--cases", "30", "--seed", "7", "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=900)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert lines[-1] == "30 cases, 0 crashes", done.stdout[-3000:]
    assert sum(line.strip().startswith(t + ":") for line in lines for t in ("text", "warc", "pipeline")) == 3
    assert not list(tmp_path.iterdir())  # nothing saved


def _ctx(fuzz):
    return fuzz.Context(Settings(processes=1))


def test_an_unexpected_exception_is_a_crash(fuzz, monkeypatch) -> None:
    def raises(folder, case, ctx):
        raise KeyError("no such field")

    monkeypatch.setitem(fuzz.RUNNERS, "text", raises)
    why = fuzz.run_case(fuzz.Case("text", {b"a.txt": b"x"}), _ctx(fuzz), 5)
    assert why and "KeyError" in why


def test_a_wrapped_error_or_a_blank_report_is_a_crash(fuzz) -> None:
    with pytest.raises(fuzz.Crash, match="E000"):
        fuzz.check_items([IngestProblem("a.txt", "E000", "unexpected: boom")], "read_inputs")
    fuzz.check_items([IngestProblem("a.txt", "E002", "a.txt is empty")], "read_inputs")  # a coded answer


def test_a_case_past_its_deadline_is_a_hang(fuzz, monkeypatch) -> None:
    monkeypatch.setitem(fuzz.RUNNERS, "text", lambda folder, case, ctx: time.sleep(5))
    previous = fuzz.signal.signal(fuzz.signal.SIGALRM, fuzz._on_alarm)
    try:
        start = time.monotonic()
        why = fuzz.run_case(fuzz.Case("text", {b"a.txt": b"x"}), _ctx(fuzz), 0.3)
    finally:
        fuzz.signal.signal(fuzz.signal.SIGALRM, previous)
    assert why and why.startswith("hang") and time.monotonic() - start < 3


def test_a_saved_crash_replays(fuzz, tmp_path: Path) -> None:
    case = fuzz.Case("text", {b"odd\xffname.txt": b"The board said on Monday that the quay would close."})
    where = fuzz.save_crash(case, "Traceback: example", tmp_path, 1)
    assert (where / "crash.txt").read_text() == "Traceback: example"
    assert fuzz.replay(where) == 0  # the input itself reads fine
