"""The per-report stage on 1, then 2 Dask workers (a LocalCluster, one thread each) over PolNeAR train texts.

usage: python benchmarks/engine_scaling.py [--texts N]

Each run is a fresh child process that starts its cluster, loads the models on every worker (timed
apart: the start-up), then streams the same N texts through the Dask engine exactly as an ingest
does (chunks of 16, results in input order).  Prints per run: reports/s, words/s, seconds per
report per worker, the start-up, and the largest worker's resident memory after the run; the
speed-up of 2 workers over 1 last.  docs/DEPLOY.md's cost model is built from these figures.
"""
from __future__ import annotations

import argparse

from _common import polnear_texts, run_measured

RUN = """
import json, sys, time
from pathlib import Path
if __name__ == '__main__':
    from newstrace.engine.dask_engine import dask_client, prepare_workers, stream_chunks
    from newstrace.model import IngestProblem, RawReport
    from newstrace.settings import load_settings
    files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
    raws = [RawReport(source=str(f), text=f.read_text(encoding='utf-8'), published='2016-10-01') for f in files]
    settings = load_settings(processes=int(sys.argv[3]), engine='dask')
    t0 = time.perf_counter()
    with dask_client(settings) as client:
        threads = prepare_workers(client, settings)
        t1 = time.perf_counter()
        out = list(stream_chunks(client, threads, raws, settings))
        t2 = time.perf_counter()
        rss = client.run(lambda: __import__('psutil').Process().memory_info().rss)
    failed = sum(isinstance(o, IngestProblem) for o in out)
    print(json.dumps({'seconds': t2 - t1, 'startup': t1 - t0, 'reports': len(raws), 'workers': threads,
                      'words': sum(len(r.text.split()) for r in raws), 'failed': failed,
                      'statements': sum(len(o.extraction.statements) for o in out if hasattr(o, 'extraction')),
                      'worker_rss_mib': max(rss.values()) / 2**20}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--texts", type=int, default=96, help="PolNeAR train texts to process (default 96: 6 chunks)")
    args = ap.parse_args()
    files = polnear_texts("train", args.texts)
    folder = str(files[0].parent)
    rates = {}
    for workers in (1, 2):
        r = run_measured(RUN, folder, str(len(files)), str(workers))
        rates[workers] = r["reports"] / r["seconds"]
        print(f"{workers} Dask worker(s), {r['reports']} reports, {r['words']} words, {r['statements']} statements, "
              f"{r['failed']} failed")
        print(f"  {rates[workers]:6.2f} reports/s {r['words'] / r['seconds']:7.0f} words/s "
              f"{workers * r['seconds'] / r['reports']:.2f} s per report per worker; start-up (cluster + models) "
              f"{r['startup']:.1f} s; largest worker RSS {r['worker_rss_mib']:.0f} MiB")
    print(f"speed-up 2 workers / 1 worker: {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
