"""An ingest killed at any moment leaves the store consistent, and the next run completes it
(issue 10, item 2): kill -9 while reports are stored and while claims are analysed, then compare with
uninterrupted runs over the same reports."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_concurrency import BATCH_A, BATCH_B, ENV, canonical

REPORTS = {**BATCH_A, **BATCH_B}


def stored_sources(db: str) -> set[str]:
    if db.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db) as pg:
            try:
                return {os.path.basename(r[0]) for r in pg.execute("select source from documents")}
            except psycopg.errors.UndefinedTable:
                return set()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return {os.path.basename(r[0]) for r in conn.execute("select source from documents")}
    except sqlite3.OperationalError:  # the schema is not there yet
        return set()
    finally:
        conn.close()


def ingest(db: str, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newstrace.cli", "--db", db, "ingest", *map(str, files)],
                          env=ENV, capture_output=True, text=True, timeout=600)


def ingest_killed_at(db: str, files: list[Path], stored: int) -> set[str]:
    """Start an ingest and kill -9 it once `stored` reports are in the store (or it ends); what is stored."""
    proc = subprocess.Popen([sys.executable, "-m", "newstrace.cli", "--db", db, "ingest", *map(str, files)],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if (db.startswith("postgresql") or os.path.exists(db)) and len(stored_sources(db)) >= stored:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return stored_sources(db)


def check_consistent(db: str) -> None:
    """SQLite's own checks, no claim left marked, every claim with statements analysed."""
    unanalysed = ("select count(*) from claims c where cast(reasons as text) = '[]' and exists "
                  "(select 1 from statements s where s.claim_key = c.key)")
    if db.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db) as conn:
            assert conn.execute("select count(*) from claims where needs_analysis").fetchone()[0] == 0
            assert conn.execute(unanalysed).fetchone()[0] == 0
        return
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        assert conn.execute("select count(*) from claims where needs_analysis").fetchone()[0] == 0
        assert conn.execute(unanalysed).fetchone()[0] == 0


def run_with_kills(tmp_path: Path, kill_at: list[int], db: str | None = None, reference: str | None = None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    files = sorted(folder.iterdir())
    db = db or str(tmp_path / "killed.db")
    runs: list[list[Path]] = []
    done: set[str] = set()
    for target in kill_at:
        now = ingest_killed_at(db, files, min(target, len(files)))
        runs.append([f for f in files if f.name in now - done])
        done = now
    final = ingest(db, files)
    assert final.returncode == 0, final.stderr[-2000:]
    runs.append([f for f in files if f.name not in done])
    check_consistent(db)
    # the same reports in the same runs, never interrupted
    reference = reference or str(tmp_path / "reference.db")
    for part in runs:
        if part:
            assert ingest(reference, part).returncode == 0
    assert canonical(db, tmp_path) == canonical(reference, tmp_path)
    assert len(canonical(db, tmp_path)["documents"]) == len(REPORTS)


def test_kill_while_storing_and_while_analysing(tmp_path):
    """Two kills: one mid-batch, one after the last report is stored (during claim analysis)."""
    run_with_kills(tmp_path, [2, len(REPORTS)])


@pytest.mark.slow
def test_twenty_kills(tmp_path):
    run_with_kills(tmp_path, [1, 2, 2, 3, 3, 4, 4, 5, 5, 6] * 2)


@pytest.mark.slow
@pytest.mark.postgres
def test_kills_on_postgresql(tmp_path, pg_url, pg_server):
    import psycopg
    import uuid

    name = "newstrace_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    reference = pg_server.rsplit("/", 1)[0] + "/" + name
    try:
        run_with_kills(tmp_path, [2, 4, len(REPORTS)], db=pg_url, reference=reference)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
