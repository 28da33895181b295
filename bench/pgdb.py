"""Fresh PostgreSQL databases for tests and benchmarks: created on demand, dropped after."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from storage.db import Database


def create_pg_database(admin_url: str) -> str:
    """A fresh PostgreSQL database; returns its URL."""
    name = f"dondoc_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(Database(admin_url).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(Database(admin_url).url).set(database=name).render_as_string(False)


def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = sa.create_engine(Database(admin_url).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
