"""Long reports: one report made of N PolNeAR train texts joined costs at most 2x the same texts as N reports.

usage: python benchmarks/long_report.py [--texts 240] [--attribution hybrid]

Both runs are the whole CLI ingest (default settings) into a fresh SQLite store, each in a fresh
child process; the texts are joined with a blank line.  Prints seconds for each, the ratio
joined / separate (target <= 2) and, last, the joined run's peak RSS (target < 2 GB).
"""
from __future__ import annotations

import argparse
import os
import tempfile

from _common import polnear_texts, run_measured

INGEST = """
import json, os, subprocess, sys, time
exe = os.path.join(os.path.dirname(sys.executable), 'newstrace')
t = time.perf_counter()
proc = subprocess.run([exe, '--db', sys.argv[1], 'ingest', sys.argv[2], '--json'], capture_output=True, text=True)
seconds = time.perf_counter() - t
if proc.returncode:
    sys.exit(proc.stderr[-3000:])
summary = json.loads(proc.stdout)
print(json.dumps({'seconds': seconds, 'stored': summary['stored'], 'failed': summary['failed'],
                  'statements': sum(r['statements'] for r in summary['results'])}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=240)
    ap.add_argument("--attribution", default=None, help="NEWSTRACE_ATTRIBUTION for both runs (default: the default)")
    args = ap.parse_args()
    if args.attribution:
        os.environ["NEWSTRACE_ATTRIBUTION"] = args.attribution
    files = polnear_texts("train", args.texts)
    texts = [f.read_text(encoding="utf-8").strip() for f in files]
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "separate")
        os.makedirs(folder)
        for f, text in zip(files, texts):
            with open(os.path.join(folder, f.name), "w", encoding="utf-8") as out:
                out.write(text + "\n")
        joined = os.path.join(tmp, "joined.txt")
        with open(joined, "w", encoding="utf-8") as out:
            out.write("\n\n".join(texts) + "\n")
        size = os.path.getsize(joined)
        separate = run_measured(INGEST, os.path.join(tmp, "separate.db"), folder)
        whole = run_measured(INGEST, os.path.join(tmp, "joined.db"), joined)
    print(f"{len(files)} texts as {separate['stored']} reports: {separate['seconds']:.1f} s, "
          f"{separate['statements']} statements, peak RSS {separate['peak_rss_mib']:.0f} MiB")
    print(f"the same joined into one report ({size / 1e6:.2f} MB): {whole['seconds']:.1f} s, "
          f"{whole['statements']} statements")
    print(f"ratio joined / separate: {whole['seconds'] / separate['seconds']:.2f} (target <= 2)")
    print(f"peak RSS of the joined run: {whole['peak_rss_mib']:.0f} MiB (target < 2048)")


if __name__ == "__main__":
    main()
