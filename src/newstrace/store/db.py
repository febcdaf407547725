"""Opening a store: database URLs, engines (SQLite in WAL mode, PostgreSQL) and Alembic migrations."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreError, StoreNotFound


def database_url(db: str) -> str:
    """A URL for `db`: URLs pass through, a plain path means a SQLite file."""
    if "://" in db:
        return db
    return "sqlite:///" + os.path.abspath(db)


def make_engine(db: str) -> Engine:
    url = database_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # readers never block the writer
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*['\"]?(\w+)", re.M)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The newest revision(s) of the migration chain, read from the version files' text.

    Lets a store that is already up to date open without importing Alembic (a fifth of the start-up
    time of read-only commands); any doubt falls back to Alembic itself.
    """
    revisions, parents = set(), set()
    for path in files("newstrace.store").joinpath("migrations", "versions").iterdir():
        if path.name.endswith(".py") and path.name != "__init__.py":
            for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
                (revisions if key == "revision" else parents).add(value)
    return frozenset(revisions - parents)


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            current = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except Exception:  # noqa: BLE001 - no version table yet: a new store, Alembic creates it
        return False
    return bool(current) and current == head_revisions()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (Alembic loads only when there is work)."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("newstrace.store").joinpath("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _refuse_missing_sqlite(url: str, db: str) -> None:
    """Connecting to a missing SQLite file would create it: refuse first."""
    if not url.startswith("sqlite"):
        return
    path = make_url(url).database
    if path and path != ":memory:" and not os.path.isfile(path):
        raise StoreNotFound("no such store (a read command never creates one; check --db or "
                            "NEWSTRACE_DB)", source=db)


class Database:
    """An engine with its schema migrated and a session factory."""

    def __init__(self, db: str, create: bool = True) -> None:
        """Open (and migrate) the store `db`; with `create=False` a store that is not there is refused."""
        self.url = database_url(db)
        if not create:
            _refuse_missing_sqlite(self.url, db)
        try:
            self.engine = make_engine(db)
            if not create and not inspect(self.engine).has_table("alembic_version"):
                raise StoreNotFound("holds no newstrace store (ingest something into it first)", source=db)
            migrate(self.engine)
        except StoreNotFound:
            raise
        except Exception as exc:  # connection refused, unwritable file, bad URL
            raise StoreError(f"cannot open the store: {exc}", source=db) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed atomically, or rolled back on any error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
