"""The deadline of each coordinated task, kept beside the coordination (hạn của nhiệm vụ phối hợp).

One agency's list ("tasks it leads or coordinates", by deadline) is read as two halves, each in
the order of an index: the tasks it leads from (lead_agency_id, coalesce(deadline), id) on task,
the tasks it coordinates from (agency_id, deadline_key, task_id) on task_coordinator. For the
second, `task_coordinator.deadline_key` holds coalesce(task.deadline, '9999-12-31'), copied by
triggers when a coordination is added and when a task's deadline changes, so a page reads about
a page of rows from each half whatever the agency's share of a million tasks (storage/task_list).
Without the copy, the coordinated half sorted all of the agency's tasks on every page.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import sqlalchemy as sa

from storage.paused_triggers import paused

COLUMN = "deadline_key"
NO_DEADLINE = "'9999-12-31'"  # as storage.task_list sorts a task with no deadline: last
INDEXES = {  # name: table (columns); made by migration 0014
    "ix_task_lead_sort": f"task (lead_agency_id, coalesce(deadline, {NO_DEADLINE}), id)",
    "ix_task_coordinator_sort": f"task_coordinator (agency_id, {COLUMN}, task_id)",
}
_KEY_OF_TASK = f"coalesce((SELECT deadline FROM task WHERE id = NEW.task_id), {NO_DEADLINE})"
_PG = [
    "CREATE FUNCTION coordinator_key_trg() RETURNS trigger LANGUAGE plpgsql AS $$"
    f"BEGIN NEW.{COLUMN} := {_KEY_OF_TASK}; RETURN NEW; END $$",
    "CREATE TRIGGER coordinator_key BEFORE INSERT OR UPDATE OF task_id ON task_coordinator "
    "FOR EACH ROW EXECUTE FUNCTION coordinator_key_trg()",
    "CREATE FUNCTION task_deadline_key_trg() RETURNS trigger LANGUAGE plpgsql AS $$"
    f"BEGIN UPDATE task_coordinator SET {COLUMN} = coalesce(NEW.deadline, {NO_DEADLINE}) "
    "WHERE task_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER task_deadline_key AFTER UPDATE OF deadline ON task FOR EACH ROW "
    "WHEN (NEW.deadline IS DISTINCT FROM OLD.deadline) EXECUTE FUNCTION task_deadline_key_trg()",
]
_SQLITE = [
    "CREATE TRIGGER coordinator_key AFTER INSERT ON task_coordinator BEGIN "
    f"UPDATE task_coordinator SET {COLUMN} = {_KEY_OF_TASK} "
    "WHERE task_id = NEW.task_id AND agency_id = NEW.agency_id; END",
    "CREATE TRIGGER task_deadline_key AFTER UPDATE OF deadline ON task "
    "WHEN NEW.deadline IS NOT OLD.deadline BEGIN "
    f"UPDATE task_coordinator SET {COLUMN} = coalesce(NEW.deadline, {NO_DEADLINE}) "
    "WHERE task_id = NEW.id; END",
]


def create_triggers(conn: sa.Connection) -> None:
    for statement in _PG if conn.dialect.name == "postgresql" else _SQLITE:
        conn.exec_driver_sql(statement)


def drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS coordinator_key ON task_coordinator")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS task_deadline_key ON task")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS coordinator_key_trg()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS task_deadline_key_trg()")
        return
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS coordinator_key")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS task_deadline_key")


def refresh(conn: sa.Connection) -> None:
    """Every coordination's key recomputed from its task (a migration, after a bulk load)."""
    conn.exec_driver_sql(
        f"UPDATE task_coordinator SET {COLUMN} = coalesce((SELECT t.deadline FROM task t "
        f"WHERE t.id = task_coordinator.task_id), {NO_DEADLINE})"
    )


def create_indexes(conn: sa.Connection) -> None:
    for name, target in INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX {name} ON {target}")


def drop_indexes(conn: sa.Connection) -> None:
    for name in INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def triggers_off(conn: sa.Connection) -> AbstractContextManager[None]:
    """For a bulk load in this transaction: no per-row copy, one refresh at the end."""
    return paused(conn, drop_triggers, create_triggers, refresh)
