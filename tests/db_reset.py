"""Emptying a test database between tests: every table but the calendar and Alembic's version.

Its own module (not conftest) so test files can import it: tests/e2e has a conftest of its own,
and `from conftest import …` would find whichever was imported first."""

from __future__ import annotations

from storage.db import Base, Database

KEEP_TABLES = {"calendar_day", "alembic_version"}


def empty_tables(db: Database) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())
