"""Per-report stage throughput against bare spaCy on the same texts (PolNeAR train), 1 and 2 processes.

usage: python benchmarks/throughput.py [--limit N] [--ingest [--attribution MODE ...]]

Prints reports/s, words/s, peak RSS and the ratio full-stage / bare-spaCy (target >= 0.6).
Both measurements run in fresh child processes in the same invocation.  With --ingest it times
the whole `newstrace ingest` of the texts into a fresh SQLite store with default settings (one
run per attribution mode given) against bare spaCy with 2 processes, the ratio issue 8 keeps.
"""
from __future__ import annotations

import argparse

from _common import polnear_texts, run_measured

BARE = """
import json, sys, time
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
texts = [f.read_text(encoding='utf-8') for f in files]
procs = int(sys.argv[3])
def run(chunk):
    from newstrace.extract.nlp import load_nlp
    nlp = load_nlp()
    return sum(len(d) for d in nlp.pipe(chunk, batch_size=64))
from newstrace.extract.nlp import load_nlp
load_nlp()
t = time.perf_counter()
if procs == 1:
    run(texts)
else:
    chunks = [texts[i::procs * 4] for i in range(procs * 4)]
    with ProcessPoolExecutor(procs) as pool: list(pool.map(run, chunks))
print(json.dumps({'seconds': time.perf_counter() - t, 'reports': len(texts),
                  'words': sum(len(x.split()) for x in texts)}))
"""

FULL = """
import json, sys, time
from pathlib import Path
from newstrace.model import RawReport
from newstrace.process import process_reports, process_chunk
from newstrace.settings import load_settings
files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
raws = [RawReport(source=str(f), text=f.read_text(encoding='utf-8'), published='2016-10-01') for f in files]
settings = load_settings(processes=int(sys.argv[3]))
process_chunk(raws[:1], settings)  # load models before the clock starts
t = time.perf_counter()
out = list(process_reports(raws, settings))
print(json.dumps({'seconds': time.perf_counter() - t, 'reports': len(raws),
                  'words': sum(len(r.text.split()) for r in raws),
                  'statements': sum(len(o.extraction.statements) for o in out if hasattr(o, 'extraction'))}))
"""


def ingest_ratio(files, modes: list[str]) -> None:
    """Whole CLI ingest (default settings) vs bare spaCy with 2 processes, in this one run."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    folder = str(files[0].parent)
    bare = run_measured(BARE, folder, str(len(files)), "2")
    b_rate = bare["reports"] / bare["seconds"]
    print(f"bare spaCy, 2 processes: {b_rate:.2f} reports/s")
    exe = os.path.join(os.path.dirname(sys.executable), "newstrace")
    with tempfile.TemporaryDirectory() as tmp:
        texts = os.path.join(tmp, "texts")
        os.makedirs(texts)
        for f in files:
            os.symlink(f, os.path.join(texts, f.name))
        for mode in modes:
            env = dict(os.environ, HF_HUB_OFFLINE="1", NEWSTRACE_ATTRIBUTION=mode)
            db = os.path.join(tmp, f"{mode}.db")
            t = time.perf_counter()
            subprocess.run([exe, "--db", db, "ingest", texts], check=True, env=env, stdout=subprocess.DEVNULL)
            rate = len(files) / (time.perf_counter() - t)
            print(f"newstrace ingest, attribution={mode}: {rate:.2f} reports/s, ratio to bare spaCy (2 processes) {rate / b_rate:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--ingest", action="store_true", help="time the whole CLI ingest instead of the stage")
    ap.add_argument("--attribution", nargs="*", default=["hybrid"], help="attribution modes to time (--ingest)")
    args = ap.parse_args()
    files = polnear_texts("train", args.limit)
    if args.ingest:
        ingest_ratio(files, args.attribution)
        return
    folder = str(files[0].parent)
    for procs in (1, 2):
        bare = run_measured(BARE, folder, str(len(files)), str(procs))
        full = run_measured(FULL, folder, str(len(files)), str(procs))
        b_rate, f_rate = bare["reports"] / bare["seconds"], full["reports"] / full["seconds"]
        print(f"{procs} process(es), {len(files)} reports, {bare['words']} words")
        print(f"  bare spaCy : {b_rate:7.2f} reports/s {bare['words'] / bare['seconds']:8.0f} words/s  peak RSS {bare['peak_rss_mib']:.0f} MiB")
        print(f"  full stage : {f_rate:7.2f} reports/s {full['words'] / full['seconds']:8.0f} words/s  peak RSS {full['peak_rss_mib']:.0f} MiB"
              f"  ({full['statements']} statements)")
        print(f"  ratio full/bare: {f_rate / b_rate:.2f} (target >= 0.6)")


if __name__ == "__main__":
    main()
