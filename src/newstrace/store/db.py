"""Opening a store: database URLs, engines (SQLite in WAL mode, PostgreSQL) and Alembic migrations."""
from __future__ import annotations

import os
from contextlib import contextmanager
from importlib.resources import files
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreError


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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("newstrace.store").joinpath("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """An engine with its schema migrated and a session factory."""

    def __init__(self, db: str) -> None:
        self.url = database_url(db)
        try:
            self.engine = make_engine(db)
            migrate(self.engine)
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
