"""Helpers shared by the benchmark scripts: corpus paths and running a measured child process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLNEAR = SHARED / "data" / "polnear"


def polnear_texts(split: str = "train", limit: int | None = None) -> list[Path]:
    files = sorted((POLNEAR / split / "text").glob("*.txt"))
    if not files:
        sys.exit(f"no PolNeAR texts under {POLNEAR / split / 'text'}: is ../shared beside the project?")
    return files[:limit] if limit else files


def run_measured(code: str, *args: str) -> dict:
    """Run `code` in a fresh Python; it must print one JSON object last. Adds the child's peak RSS (MiB)."""
    wrapper = code + "\nimport resource as _r, json as _j\nprint(_j.dumps({'peak_rss_mib': max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss, _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss) / 1024}))\n"
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    out = json.loads(lines[-2])
    out.update(json.loads(lines[-1]))
    return out
