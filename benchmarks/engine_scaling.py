"""The per-report stage on 1, then 2 Dask workers (a LocalCluster, one thread each) over PolNeAR train texts.

usage: python benchmarks/engine_scaling.py [--texts N]

Each run is a fresh child process that starts its cluster, loads the models on every worker (timed
apart: the start-up), then streams the same N texts through the Dask engine exactly as an ingest
does (chunks of 16, results in input order).  Prints per run: reports/s, words/s, seconds per
report per worker, the workers' CPU seconds per report, the start-up, the largest worker's resident
memory after the run and the load average (on a shared machine the wall-clock speed-up says as much
about the neighbours); the speed-up of 2 workers over 1 last.  For reference it also times the local
engine (2 processes) on the same texts, and the single writer alone (the cross-report stage and the
writes of an ingest whose per-report stage was computed first): the rate no number of workers raises.
docs/DEPLOY.md's cost model is built from these figures.
"""
from __future__ import annotations

import argparse
import os

from _common import polnear_texts, run_measured

RUN = """
import json, os, sys, time
from pathlib import Path
if __name__ == '__main__':
    from newstrace.engine.dask_engine import dask_client, prepare_workers, stream_chunks
    from newstrace.model import IngestProblem, RawReport
    from newstrace.settings import load_settings
    files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
    raws = [RawReport(source=str(f), text=f.read_text(encoding='utf-8'), published='2016-10-01') for f in files]
    settings = load_settings(processes=int(sys.argv[3]), engine='dask')
    cpu = lambda: sum(__import__('psutil').Process().cpu_times()[:2])  # user + system seconds of a worker
    t0 = time.perf_counter()
    with dask_client(settings) as client:
        threads = prepare_workers(client, settings)
        cpu0 = client.run(cpu)
        load0 = os.getloadavg()[0]
        t1 = time.perf_counter()
        out = list(stream_chunks(client, threads, raws, settings))
        t2 = time.perf_counter()
        cpu1 = client.run(cpu)
        rss = client.run(lambda: __import__('psutil').Process().memory_info().rss)
    failed = sum(isinstance(o, IngestProblem) for o in out)
    print(json.dumps({'seconds': t2 - t1, 'startup': t1 - t0, 'reports': len(raws), 'workers': threads,
                      'words': sum(len(r.text.split()) for r in raws), 'failed': failed,
                      'statements': sum(len(o.extraction.statements) for o in out if hasattr(o, 'extraction')),
                      'worker_rss_mib': max(rss.values()) / 2**20, 'load': [load0, os.getloadavg()[0]],
                      'worker_cpu': sum(cpu1[w] - cpu0[w] for w in cpu1 if w in cpu0)}))
"""

# The same texts through the local engine with 2 processes (pool start and model loads included).
LOCAL = """
import json, sys, time
from pathlib import Path
if __name__ == '__main__':
    from newstrace.model import RawReport
    from newstrace.process import process_reports
    from newstrace.settings import load_settings
    files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
    raws = [RawReport(source=str(f), text=f.read_text(encoding='utf-8'), published='2016-10-01') for f in files]
    t = time.perf_counter()
    out = list(process_reports(raws, load_settings(processes=2)))
    print(json.dumps({'seconds': time.perf_counter() - t, 'reports': len(raws)}))
"""

# The single writer alone: a whole `api.ingest` into SQLite whose per-report stage is computed first
# (local engine, apart from the clock), so the time left is reading, dedup, resolution, claim
# analysis and the writes: the rate no number of workers can raise.
WRITER = """
import json, os, sys, tempfile, time
from pathlib import Path
if __name__ == '__main__':
    import newstrace.engine as engine
    from newstrace import api
    from newstrace.settings import load_settings
    files = sorted(Path(sys.argv[1]).glob('*.txt'))[:int(sys.argv[2])]
    tmp = tempfile.mkdtemp()
    folder = os.path.join(tmp, 'texts')
    os.makedirs(folder)
    for f in files:
        os.symlink(f, os.path.join(folder, f.name))
    real, ready = engine.process_reports, {}
    def precomputed(raws, settings, outlet_lines=None):
        out = list(real(raws, settings, outlet_lines))
        ready['t'] = time.perf_counter()
        yield from out
    engine.process_reports = precomputed
    t0 = time.perf_counter()
    summary = api.ingest([folder], load_settings(db=os.path.join(tmp, 's.db'), processes=2))
    t1 = time.perf_counter()
    before = ready['t'] - t0
    print(json.dumps({'writer_seconds': t1 - ready['t'], 'stage_seconds': before, 'stored': summary.count('stored')}))
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
        print(f"  worker CPU {r['worker_cpu'] / r['reports']:.2f} s per report (user + system, all workers); "
              f"load average {r['load'][0]:.1f} -> {r['load'][1]:.1f} on {os.cpu_count()} CPUs")
    local = run_measured(LOCAL, folder, str(len(files)))
    print(f"local engine, 2 processes (start and model loads included): {local['reports'] / local['seconds']:.2f} reports/s")
    writer = run_measured(WRITER, folder, str(len(files)))
    print(f"single writer (ingest with the per-report stage precomputed): {writer['stored']} stored, "
          f"{writer['stored'] / writer['writer_seconds']:.2f} reports/s ({writer['writer_seconds']:.1f} s; "
          f"stage before it {writer['stage_seconds']:.1f} s); peak RSS {writer['peak_rss_mib']:.0f} MiB")
    print(f"speed-up 2 workers / 1 worker: {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
