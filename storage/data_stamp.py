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

from contextlib import AbstractContextManager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import stamp_sql
from storage.paused_triggers import paused

TABLES = ("agency", "agency_alias", "agency_member", "agency_succession", "calendar_day",
          "directive", "extension", "task", "task_coordinator", "task_leads",
          "task_periods")  # fmt: skip
_DONE = "dondoc.data_stamped"  # set for the rest of the transaction once it has a new stamp
_PG_FUNCTION = (
    "CREATE FUNCTION data_version_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF current_setting('{_DONE}', true) = 'on' THEN RETURN NULL; END IF; "
    f"PERFORM set_config('{_DONE}', 'on', true); "
    f"{stamp_sql.bump('data_version', stamp_sql.PG_STAMP)}; RETURN NULL; END $$"
)


def create_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        stamp_sql.create_sqlite_triggers(conn, "data_version", TABLES)
        return
    conn.exec_driver_sql(_PG_FUNCTION)
    for table in TABLES:
        conn.exec_driver_sql(
            f"CREATE CONSTRAINT TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR "
            f"DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION data_version_trg()"
        )


def drop_triggers(conn: sa.Connection) -> None:
    stamp_sql.drop_triggers(conn, "data_version", TABLES)


def renew(conn: sa.Connection) -> None:
    """A new stamp now (after a load with the triggers off)."""
    stamp_sql.renew(conn, "data_version")


def triggers_off(conn: sa.Connection) -> AbstractContextManager[None]:
    """For a bulk load in this transaction: no per-row trigger, one new stamp at the end."""
    return paused(conn, drop_triggers, create_triggers, renew)


def stamp(session: Session) -> str | None:
    """The stamp now; None (no row: a database emptied by TRUNCATE) means "do not cache"."""
    value = session.scalar(sa.text("SELECT stamp FROM data_version WHERE id = 1"))
    return None if value is None else str(value)
