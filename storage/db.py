"""Engines, sessions and the column types shared by every table (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine, Result, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

SUPPORTED_SCHEMES = ("sqlite", "postgresql")
PG_POOL_SIZE, PG_MAX_OVERFLOW = 20, 10  # per process; PostgreSQL allows 100 by default


class DatabaseURLError(ValueError):
    """An unknown or malformed database URL."""


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware in Python, stored as UTC; SQLite drops offsets, so normalise on the way."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s__%(column_0_N_name)s",
            "uq": "uq_%(table_name)s__%(column_0_N_name)s",
            "ck": "ck_%(table_name)s__%(constraint_name)s",
            "fk": "fk_%(table_name)s__%(column_0_N_name)s__%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime()}
    if TYPE_CHECKING:
        # Every model maps one Table; SQLAlchemy types `__table__` as any FromClause.
        __table__: ClassVar[sa.Table]


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed (Session.execute types its result as Result)."""
    assert isinstance(result, CursorResult)
    return result.rowcount or 0


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Check the scheme and pick the psycopg 3 driver for bare postgresql:// URLs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseURLError(f"cannot parse database URL {url!r}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_SCHEMES:
        raise DatabaseURLError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql://"
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas and transaction modes dondoc relies on."""
    url = normalise_url(url)
    if url.startswith("postgresql"):
        # The web app runs sync routes on up to 40 threads: with SQLAlchemy's 5 (+10 overflow)
        # connections, threads queued for a connection and overflow ones were closed and
        # reopened (a new backend each) over and over under load.
        kwargs = {"pool_size": PG_POOL_SIZE, "max_overflow": PG_MAX_OVERFLOW} | kwargs
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
    except NoSuchModuleError as exc:
        raise DatabaseURLError(f"no driver for {url.split(':')[0]!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


# cache_size: up to 32 MiB of pages per connection (the default is 2 MiB). A sweep's one
# transaction dirties more than 2 MiB (reminders, next dates, the digests' messages), and past
# the cache SQLite spills pages to the WAL mid-transaction: linking 12,600 reminders to their
# digests took 0.13 s of CPU with the default, 0.05 s with this (bench.sweep, 100k tasks).
SQLITE_PRAGMAS = (
    "foreign_keys=ON",
    "busy_timeout=30000",
    "synchronous=NORMAL",
    "cache_size=-32768",
)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Python < 3.12 sqlite3 does not BEGIN for SELECT; let SQLAlchemy emit BEGIN itself.
        dbapi_conn.isolation_level = None
        try:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            pass  # a read-only file or folder: still readable, writes fail (answered 503)
        for pragma in SQLITE_PRAGMAS:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the lock up front: a deferred read-then-write fails with SQLITE_BUSY.
        mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One engine and its two session factories: readers and short write units."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(sqlite_immediate=True)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def one_writer(self) -> bool:
        """SQLite writes one transaction at a time (others wait, sleeping); PostgreSQL does not."""
        return self.engine.dialect.name == "sqlite"

    def writer_lock(self) -> AbstractAsyncContextManager[object]:
        """What async code holds around each write so that its writes take turns where the
        database has one writer (`one_writer`); nothing to hold elsewhere. Make it on the event
        loop that uses it."""
        return asyncio.Lock() if self.one_writer else nullcontext()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write.begin() as session:
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[sa.Connection]:
        """A write transaction on a bare connection (no ORM session), for hot paths."""
        with self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@lru_cache(maxsize=8)
def shared_database(url: str) -> Database:
    """One Database (engine and pool) per URL for the whole process."""
    return Database(url)
