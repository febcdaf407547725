"""Ingest throughput and peak memory on PolNeAR train texts, against reading the same files.

usage: python benchmarks/ingest.py [--limit N] [--processes P]

Both runs happen in fresh child processes in the same invocation; the figure that matters is the
ratio (machines are shared and noisy): ingest reports/s divided by plain-read reports/s.
"""
from __future__ import annotations

import argparse
import tempfile

from _common import polnear_texts, run_measured

READ = """
import json, sys, time
from pathlib import Path
files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
t = time.perf_counter(); n = 0
for f in files:
    n += len(f.read_text(encoding='utf-8'))
print(json.dumps({'seconds': time.perf_counter() - t, 'reports': len(files), 'chars': n}))
"""

INGEST = """
import json, shutil, sys, tempfile, time
from pathlib import Path
from newstrace import api
from newstrace.settings import load_settings
files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
work = Path(sys.argv[3]); src = work / 'texts'; src.mkdir()
for f in files: shutil.copy(f, src / f.name)
settings = load_settings(db=str(work / 'bench.db'), processes=int(sys.argv[4]))
t = time.perf_counter()
summary = api.ingest([str(src)], settings)
print(json.dumps({'seconds': time.perf_counter() - t, 'reports': summary.count('stored'),
                  'failed': summary.count('failed')}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=840)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    files = polnear_texts("train", args.limit)
    folder = str(files[0].parent)
    read = run_measured(READ, folder, str(len(files)))
    with tempfile.TemporaryDirectory() as work:
        ing = run_measured(INGEST, folder, str(len(files)), work, str(args.processes))
    read_rate = read["reports"] / read["seconds"]
    ingest_rate = ing["reports"] / ing["seconds"]
    print(f"reports: {len(files)} PolNeAR train texts, {args.processes} process(es)")
    print(f"read baseline : {read_rate:10.1f} reports/s  peak RSS {read['peak_rss_mib']:.0f} MiB")
    print(f"ingest (full) : {ingest_rate:10.2f} reports/s  peak RSS {ing['peak_rss_mib']:.0f} MiB  "
          f"stored {ing['reports']} failed {ing['failed']}")
    print(f"ratio ingest/read: {ingest_rate / read_rate:.5f}  memory ratio: {ing['peak_rss_mib'] / read['peak_rss_mib']:.1f}x")


if __name__ == "__main__":
    main()
