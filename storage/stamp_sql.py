"""The SQL two stamps share (registry_version, data_version): a random stamp written by
triggers, its upsert, SQLite's row triggers and the dropping of either dialect's triggers.
Each stamp's module makes its own PostgreSQL trigger (per statement, or deferred to commit)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

SQLITE_STAMP = "lower(hex(randomblob(16)))"
PG_STAMP = "md5(random()::text || clock_timestamp()::text)"
_OPS = ("insert", "update", "delete")


def bump(stamp_table: str, stamp: str) -> str:
    """The one row of `stamp_table` given the stamp `stamp` (made if missing)."""
    return (
        f"INSERT INTO {stamp_table} (id, stamp) VALUES (1, {stamp}) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp"
    )


def renew(conn: sa.Connection, stamp_table: str) -> None:
    pg = conn.dialect.name == "postgresql"
    conn.exec_driver_sql(bump(stamp_table, PG_STAMP if pg else SQLITE_STAMP))


def create_sqlite_triggers(conn: sa.Connection, stamp_table: str, tables: Iterable[str]) -> None:
    """A new stamp after every row written to `tables` (SQLite has no statement triggers)."""
    for table in tables:
        for op in _OPS:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {stamp_table}_{table}_{op} AFTER {op.upper()} ON {table} "
                f"BEGIN {bump(stamp_table, SQLITE_STAMP)}; END"
            )


def drop_triggers(conn: sa.Connection, stamp_table: str, tables: Iterable[str]) -> None:
    """Every trigger either dialect's `create` made, and PostgreSQL's trigger function."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {stamp_table}_{table} ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {stamp_table}_trg()")
        return
    for table in tables:
        for op in _OPS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {stamp_table}_{table}_{op}")
