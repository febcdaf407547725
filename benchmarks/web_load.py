"""Load on the web workbench: concurrent loopback clients over its pages and JSON API.

usage: python benchmarks/web_load.py --db STORE [--clients 20] [--seconds 20] [--port 0]

Starts `newstrace --db STORE serve` as a child process on 127.0.0.1 (a real uvicorn server, one
process, as a user runs it), reads the store's ids once through the API, then `--clients` threads
each loop over a fixed mix of pages and API calls (overview and what changed since a date, the
claims matrix and its filters by status, outlet, origin and date, a claim, an alleged claim with
its nearest claims, timeline, map, reports, a report, entities, an entity, search, decisions; the
same as JSON) for `--seconds`.  A synthetic large store: benchmarks/web_store.py.
Prints requests, throughput, p50 / p95 per kind, and last `p99 N ms, errors N` (an error: any
status other than 200, or a failed connection).  Target (issue 11): p99 <= 500 ms, 0 errors.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("newstrace")
    cmd = [str(exe), "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port), "--token", "web-load"]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not answer within 60 s")


def build_mix(base: str) -> list[tuple[str, str]]:
    """(kind, path) for every kind of page and API call, with real ids of the store."""
    api = httpx.Client(base_url=base, timeout=30)
    claims = [c["id"] for c in api.get("/api/claims?per_page=50").json()["items"]] or ["c1"]
    entities = [e["id"] for e in api.get("/api/entities?per_page=50").json()["items"]] or ["e1"]
    reports = [r["id"] for r in api.get("/api/reports?per_page=50").json()["items"]] or ["d1"]
    outlet = next((r["outlet"] for r in api.get("/api/reports?per_page=50").json()["items"] if r["outlet"]), "")
    word = "said"
    alleged = [c["id"] for c in api.get("/api/claims?status=alleged&per_page=10").json()["items"]]
    origin = next(iter(api.get("/api/claims/matrix?per_page=10").json()["columns"]), {}).get("id", "")
    days = [r["published"] for r in api.get("/api/reports?per_page=50").json()["items"] if r["published"]]
    since = days[len(days) // 2] if days else "2020-01-01"
    mix = [("page overview", "/"), ("page claims", "/claims"), ("page claims filtered", "/claims?status=disputed"),
           ("page claims outlet", f"/claims?outlet={outlet}"), ("page reports", "/reports"),
           ("page overview since", f"/?since={since}"), ("page claims origin", f"/claims?origin={origin}"),
           ("page claims dates", f"/claims?since={since}"), ("page timeline", "/timeline"), ("page map", "/map"),
           ("api matrix", "/api/claims/matrix"), ("api timeline", "/api/timeline"), ("api places", "/api/places"),
           ("page entities", "/entities"), ("page search", f"/search?q={word}"), ("page decisions", "/decisions"),
           ("api claims", "/api/claims"), ("api statements", "/api/statements"), ("api entities", "/api/entities"),
           ("api reports", "/api/reports"), ("api search", f"/api/search?q={word}")]
    for c in claims[:10]:
        mix += [("page claim", f"/claims/{c}"), ("api claim", f"/api/claims/{c}"), ("page claim map", f"/map?claim={c}")]
    for c in alleged[:5]:
        mix += [("page alleged claim", f"/claims/{c}")]
    for e in entities[:10]:
        mix += [("page entity", f"/entities/{e}")]
    for r in reports[:10]:
        mix += [("page report", f"/reports/{r}"), ("api report", f"/api/reports/{r}")]
    return mix


def warm_up(base: str, mix: list[tuple[str, str]], limit_s: float = 180.0) -> float:
    """One pass over the mix, then wait until an alleged claim's nearest claims are ready (the server
    reads the stored vectors in the background when it starts); returns the seconds it took.  The
    timed phase then measures a server in use, not one starting."""
    t0 = time.monotonic()
    with httpx.Client(base_url=base, timeout=120) as http:
        for _, path in mix:
            http.get(path)
        alleged = [path for kind, path in mix if kind == "page alleged claim"]
        while alleged and time.monotonic() - t0 < limit_s:
            if http.get("/api" + alleged[0]).json().get("nearest") is not None:
                break
            time.sleep(1)
    return time.monotonic() - t0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the store to serve (SQLite path or postgresql:// URL)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    ap.add_argument("--no-warm-up", action="store_true", help="time from the first request (a cold server)")
    args = ap.parse_args()
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.db, port)
    try:
        mix = build_mix(base)
        if not args.no_warm_up:
            print(f"warm-up: {warm_up(base, mix):.1f} s (one pass over the mix, nearest-claims index read)")
        timings: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as http:
                while time.monotonic() < stop:
                    kind, path = rng.choice(mix)
                    t0 = time.perf_counter()
                    try:
                        status = http.get(path).status_code
                    except httpx.HTTPError as exc:
                        status, path = 0, f"{path} ({exc!r})"
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        timings.setdefault(kind, []).append(ms)
                        if status != 200:
                            errors.append(f"{status} {path}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(10)
    every = [ms for values in timings.values() for ms in values]
    print(f"{len(every)} requests by {args.clients} clients in {elapsed:.1f} s ({len(every) / elapsed:.0f}/s)")
    for kind in sorted(timings):
        v = timings[kind]
        print(f"  {kind:22s} n={len(v):5d}  p50 {percentile(v, .5):6.0f} ms  p95 {percentile(v, .95):6.0f} ms")
    for e in errors[:10]:
        print(f"  error: {e}")
    print(f"p50 {percentile(every, .5):.0f} ms")
    print(f"p99 {percentile(every, .99):.0f} ms, errors {len(errors)}")


if __name__ == "__main__":
    main()
