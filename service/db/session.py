"""One engine per process and the session factory built on it.

SQLite gets WAL, a busy timeout and foreign keys so the API threads and the in-process worker
can write concurrently; PostgreSQL needs nothing special.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings
from service.private_files import ensure_private_file, private_dir, sqlite_file


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        private_dir(settings.data_dir)
        if (database := sqlite_file(settings)) is not None:
            ensure_private_file(database)  # 0600 before SQLite creates it (its -wal/-shm copy the mode)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for background work (worker, sweeps): commit on success, roll back on error."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (the compare-and-set checks depend on it).

    ``Session.execute`` is typed to return ``Result``; for these statements it is a ``CursorResult``,
    the only kind that has ``rowcount``.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"rows_matched needs the result of an UPDATE or DELETE, not {type(result).__name__}")
    return result.rowcount
