"""The store's writer lock: one ingest at a time resolves and writes, others wait their turn.

Resolution keeps its state (entity and claim keys, clusters) in memory for a run, loaded from the
store when the run starts; two runs resolving at once would each hand out the same keys.  Holding
this lock from loading that state until the run's last write makes concurrent ingests end exactly
as if they had run one after the other.  The lock dies with its holder (a killed ingest never
leaves the store locked): SQLite uses flock on a file beside the database, PostgreSQL a
session-level advisory lock on a connection of its own.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..errors import StoreBusy

LOCK_SUFFIX = ".lock"
_PG_KEY = 0x6E657773  # "news": the advisory lock key newstrace's writers share in one database


def _waiting_message(where: str) -> str:
    return f"another ingest is running on {where}; waiting for it to finish"


@contextmanager
def writer_lock(db, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold the store's writer lock inside the block; `on_wait` hears once if another run holds it."""
    url = make_url(db.url)
    if url.drivername.startswith("sqlite"):
        with _file_lock(url.database, on_wait):
            yield
    elif url.drivername.startswith("postgresql"):
        with _advisory_lock(db, on_wait):
            yield
    else:  # another backend: no lock (documented as SQLite and PostgreSQL only)
        yield


@contextmanager
def _file_lock(database: str | None, on_wait: Callable[[str], None]) -> Iterator[None]:
    if not database or database == ":memory:":
        yield
        return
    path = os.path.abspath(database) + LOCK_SUFFIX
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreBusy(f"cannot open the writer lock {path}: {e.strerror}", source=database) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(_waiting_message(database))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def _advisory_lock(db, on_wait: Callable[[str], None]) -> Iterator[None]:
    conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_KEY}).scalar():
            on_wait(_waiting_message(make_url(db.url).render_as_string(hide_password=True)))
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_KEY})
    finally:
        conn.invalidate()  # never hand a connection that may still hold the lock back to the pool
        conn.close()
