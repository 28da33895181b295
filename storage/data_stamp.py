"""A stamp of everything a report reads (dấu phiên bản dữ liệu), changed by every write to it.

`data_version` holds one random stamp; triggers on the tables the rollup, the evaluation and
the leader's page read give it a new one in every transaction that writes to them, so a process
can keep a dashboard it built until the stamp moves (web/dashboard_cache.py). The stamp and the
data change in the same commit: a reader that sees the old stamp cannot see the new data.

On PostgreSQL the trigger is a deferred constraint trigger, run at commit once per transaction
(a transaction-local setting marks it done): the row is locked only while committing, after
every other lock the transaction takes, so two writers cannot deadlock over it, and a bulk
action writes it once. SQLite writes one transaction at a time; its row triggers just write.
Random, not a counter: a database emptied and refilled, or restored, never shows an old stamp.
Not stamped: status reports and history (a report reads the task they change, not them),
sessions, throttle, accounts, outbox and reminders, and the rollup tallies (derived; only the
stamped tables' triggers write them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

TABLES = ("agency", "agency_alias", "agency_member", "agency_succession", "calendar_day",
          "directive", "extension", "task", "task_coordinator", "task_leads",
          "task_periods")  # fmt: skip
_SQLITE_STAMP = "lower(hex(randomblob(16)))"
_PG_STAMP = "md5(random()::text || clock_timestamp()::text)"
_DONE = "dondoc.data_stamped"  # set for the rest of the transaction once it has a new stamp


def _bump(stamp: str) -> str:
    return (
        f"INSERT INTO data_version (id, stamp) VALUES (1, {stamp}) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp"
    )


_PG_FUNCTION = (
    "CREATE FUNCTION data_version_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF current_setting('{_DONE}', true) = 'on' THEN RETURN NULL; END IF; "
    f"PERFORM set_config('{_DONE}', 'on', true); {_bump(_PG_STAMP)}; RETURN NULL; END $$"
)


def create_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION)
        for table in TABLES:
            conn.exec_driver_sql(
                f"CREATE CONSTRAINT TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR "
                f"DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION data_version_trg()"
            )
        return
    for table in TABLES:
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER data_version_{table}_{op.lower()} AFTER {op} ON {table} "
                f"BEGIN {_bump(_SQLITE_STAMP)}; END"
            )


def drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS data_version_trg()")
        return
    for table in TABLES:
        for op in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS data_version_{table}_{op}")


def renew(conn: sa.Connection) -> None:
    """A new stamp now (after a load with the triggers off)."""
    pg = conn.dialect.name == "postgresql"
    conn.exec_driver_sql(_bump(_PG_STAMP if pg else _SQLITE_STAMP))


@contextmanager
def triggers_off(conn: sa.Connection) -> Iterator[None]:
    """For a bulk load in this transaction: no per-row trigger, one new stamp at the end."""
    drop_triggers(conn)
    yield
    create_triggers(conn)
    renew(conn)


def stamp(session: Session) -> str | None:
    """The stamp now; None (no row: a database emptied by TRUNCATE) means "do not cache"."""
    value = session.scalar(sa.text("SELECT stamp FROM data_version WHERE id = 1"))
    return None if value is None else str(value)
