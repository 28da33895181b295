"""Alembic environment: one migration tree for SQLite and PostgreSQL (batch mode on SQLite).

All pending migrations run in one transaction. On SQLite foreign keys are off meanwhile (see
`storage.migrate.sqlite_foreign_keys_off`) and are checked before the commit.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import storage.models  # noqa: F401  (the tables, on Base.metadata)
from storage.coordinator_sort import INDEXES as COORDINATOR_SORT
from storage.db import Base, make_engine
from storage.migrate import sqlite_foreign_keys_off
from storage.search import FTS_SHADOWS, FTS_TABLE, TRGM_INDEX
from storage.task_list import SORT_INDEXES

# APScheduler's job store manages its own table; the search index (storage/search.py, 0010) is
# SQL the models do not describe: SQLite's FTS5 table and its shadow tables, PostgreSQL's GIN;
# so are the list's sort indexes (0010, 0014).
IGNORED_TABLES = {"apscheduler_jobs", FTS_TABLE, *FTS_SHADOWS}
IGNORED_INDEXES = {TRGM_INDEX, *SORT_INDEXES, *COORDINATOR_SORT}


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    if type_ == "index":
        return name not in IGNORED_INDEXES
    return not (type_ == "table" and name in IGNORED_TABLES)


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("no sqlalchemy.url in the Alembic configuration")
        engine = make_engine(url)
        with engine.connect() as connection, sqlite_foreign_keys_off(connection):
            with connection.begin():
                _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Batch table rebuilds break with FK enforcement on (Alembic docs).
        raise RuntimeError("migrate SQLite through storage.migrate (foreign keys must be off)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        bad = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if bad:  # raised inside the caller's transaction: the migrations are rolled back
            raise RuntimeError(f"foreign key violations after migration: {bad[:5]}")


run_migrations()
