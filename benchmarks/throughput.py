"""Per-report stage throughput against bare spaCy on the same texts (PolNeAR train), 1 and 2 processes.

usage: python benchmarks/throughput.py [--limit N]

Prints reports/s, words/s, peak RSS and the ratio full-stage / bare-spaCy (target >= 0.6).
Both measurements run in fresh child processes in the same invocation.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=300)
    args = ap.parse_args()
    files = polnear_texts("train", args.limit)
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
