"""Create or upgrade the schema with Alembic (`dondoc init`), and check for drift."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def sqlite_foreign_keys_off(connection: sa.Connection) -> Iterator[None]:
    """Foreign keys off on SQLite until the block ends (nothing elsewhere), for migrations.

    Batch mode rebuilds a SQLite table by copying it and dropping the old one; with foreign keys
    on, that DROP first deletes every row, cascading to child tables or failing on rows still
    referenced. The pragma is a no-op inside a transaction, so it is set before one begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        raise RuntimeError("foreign keys can only be turned off before the transaction begins")
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _alembic(db: Database) -> Iterator[Config]:
    """A config whose migrations run in one transaction (SQLite: with foreign keys off; env.py
    checks them before the commit)."""
    with db.engine.connect() as connection, sqlite_foreign_keys_off(connection):
        with connection.begin():
            config = alembic_config(db.url)
            config.attributes["connection"] = connection
            yield config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` (head by default)."""
    with _alembic(db) as config:
        command.upgrade(config, revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to `revision` (the migration tests; in production take a dump)."""
    with _alembic(db) as config:
        command.downgrade(config, revision)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def check(db: Database) -> None:
    """Raise if the models and the migrations differ (alembic check)."""
    with _alembic(db) as config:
        command.check(config)
