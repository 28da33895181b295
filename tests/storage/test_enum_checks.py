"""Enum columns (migration 0012): the database itself refuses a state, role, status, kind or
decision outside its enum, on SQLite and PostgreSQL; the SQLite table rebuilds keep every
trigger and index; the CHECKs go away again on downgrade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from directives.models import DeadlineKind, OutboxStatus, TaskState
from directives.roles import RecipientRole, Role
from storage.db import Database
from storage.migrate import check, current_revision, downgrade, upgrade
from storage.models import (
    AgencyRow,
    ExtensionRow,
    OutboxRow,
    ReminderRow,
    StatusUpdateRow,
    TaskPeriodRow,
    TaskRow,
    UserRow,
)
from tests.factories import add_task, setup

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
COLUMNS = [
    ("task", "state"),
    ("task", "deadline_kind"),
    ("task_periods", "state"),
    ("status_update", "kind"),
    ("extension", "decision"),
    ("reminder", "role"),
    ("outbox", "status"),
    ("app_user", "role"),
]
CHECKS = {(t, f"ck_{t}__{c}") for t, c in COLUMNS}


def _one_of_each(db: Database, small_agencies) -> int:  # type: ignore[no-untyped-def]
    """One row in every table with an enum column, written through the ORM; the task's id."""
    ids = setup(db, small_agencies, leader_email="lanhdao@langson.example.org")
    task_id = add_task(db, ids, date(2026, 1, 20))
    with db.write() as s:
        outbox = OutboxRow(key="digest:a", kind="digest", recipient="so@x.vn", slot=NOW.date(),
                           status=OutboxStatus.SENT, next_attempt_at=NOW)  # fmt: skip
        s.add(outbox)
        s.flush()
        s.add_all([
            TaskPeriodRow(task_id=task_id, seq=1, starts=date(2026, 1, 1),
                          original_deadline=date(2026, 1, 20), deadline=date(2026, 1, 20)),
            StatusUpdateRow(task_id=task_id, kind="progress", author="so"),
            ExtensionRow(task_id=task_id, proposed_deadline=date(2026, 2, 1), reason="x",
                         requested_by="so"),
            ReminderRow(task_id=task_id, recipient="so@x.vn", role=RecipientRole.LEAD,
                        kind="due", slot=NOW.date(), outbox_id=outbox.id),
        ])  # fmt: skip
    return task_id


def _values(db: Database) -> dict[tuple[str, str], object]:
    with db.read() as s:
        return {(t, c): s.execute(sa.text(f"SELECT {c} FROM {t}")).scalar_one() for t, c in COLUMNS}


def test_a_value_outside_the_enum_is_refused_by_the_database(db: Database, small_agencies) -> None:
    _one_of_each(db, small_agencies)
    before = _values(db)
    assert before[("task", "state")] == "in_progress" and before[("app_user", "role")] == "leader"
    for table, column in COLUMNS:
        with pytest.raises(sa.exc.IntegrityError), db.write() as s:
            s.execute(sa.text(f"UPDATE {table} SET {column} = 'bogus'"))
    with pytest.raises(sa.exc.IntegrityError), db.write() as s:  # a new row just the same
        s.execute(sa.text(
            "INSERT INTO app_user (username, full_name, password_hash, role, active, created_at)"
            " VALUES ('x', 'x', 'x', 'superuser', true, :now)"), {"now": NOW})  # fmt: skip
    assert _values(db) == before
    with db.write() as s:  # every value of each enum is accepted
        for state in TaskState:
            s.execute(sa.text("UPDATE task SET state = :v"), {"v": state.value})
        for kind in DeadlineKind:
            s.execute(sa.text("UPDATE task SET deadline_kind = :v"), {"v": kind.value})
        for status in OutboxStatus:
            s.execute(sa.text("UPDATE outbox SET status = :v"), {"v": status.value})
        for role in Role:
            s.execute(sa.text("UPDATE app_user SET role = :v"), {"v": role.value})
        for recipient in RecipientRole:
            s.execute(sa.text("UPDATE reminder SET role = :v"), {"v": recipient.value})


def test_the_orm_reads_members_and_refuses_a_bad_string(db: Database, small_agencies) -> None:
    task_id = _one_of_each(db, small_agencies)
    with db.read() as s:
        task = s.get(TaskRow, task_id)
        user = s.scalars(sa.select(UserRow)).one()
        outbox = s.scalars(sa.select(OutboxRow)).one()
    assert task is not None
    assert (task.state, task.deadline_kind) == (TaskState.IN_PROGRESS, DeadlineKind.FIXED)
    assert user.role is Role.LEADER and outbox.status is OutboxStatus.SENT
    with pytest.raises(sa.exc.StatementError, match="bogus"), db.write() as s:
        s.execute(sa.update(TaskRow).values(state="bogus"))


def _schema(db: Database) -> set[tuple[str, ...]]:
    """Every trigger and index, with its definition."""
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
                " WHERE type IN ('trigger', 'index')"
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes"
                " WHERE schemaname = 'public' UNION ALL"
                " SELECT 'trigger', t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        return {tuple(r) for r in rows}


def _checks(db: Database) -> set[tuple[str, str]]:
    inspector = sa.inspect(db.engine)
    return {
        (t, ck["name"])
        for t in inspector.get_table_names()
        for ck in inspector.get_check_constraints(t)
    }


def test_0012_keeps_every_trigger_and_index_and_adds_the_checks(
    blank_db: Database, small_agencies
) -> None:
    db = blank_db
    upgrade(db, "0011")
    ids = setup(db, small_agencies)
    task_id = add_task(db, ids, date(2026, 1, 20))
    before, checks_before = _schema(db), _checks(db)
    triggers = {r[1] for r in before if r[0] == "trigger"}  # the search and registry stamp's
    assert any(t.startswith("search_task") for t in triggers)
    assert any(t.startswith("registry_version_agency") for t in triggers)
    assert not checks_before & CHECKS

    upgrade(db, "0012")

    assert _schema(db) == before
    assert _checks(db) - checks_before == CHECKS
    upgrade(db)  # the tally's triggers come with 0013 (they write its deadline tally too)
    check(db)
    # The triggers work: a task's search key and the tally, the registry's stamp.
    with db.read() as s:
        stamp = s.execute(sa.text("SELECT stamp FROM registry_version")).scalar_one()
        assert "ra soat" in (s.scalar(sa.select(TaskRow.search_key).where(TaskRow.id == task_id))
                             or "")  # fmt: skip
        tally = s.execute(sa.text("SELECT count(*) FROM rollup_task_event")).scalar_one()
    assert tally >= 1
    with db.write() as s:
        s.execute(sa.update(AgencyRow).where(AgencyRow.id == ids["so-ngoai-vu"])
                  .values(email="ngoaivu@langson.example.org"))  # fmt: skip
        s.execute(sa.update(TaskRow).where(TaskRow.id == task_id).values(state="cancelled"))
    with db.read() as s:
        assert s.execute(sa.text("SELECT stamp FROM registry_version")).scalar_one() != stamp
        assert s.execute(sa.text("SELECT count(*) FROM rollup_task_event")).scalar_one() == 0

    downgrade(db, "0011")
    assert current_revision(db) == "0011"
    assert _schema(db) == before and _checks(db) == checks_before
    with db.write() as s:  # the old schema took any string
        s.execute(sa.text("UPDATE task SET state = 'bogus'"))


def test_0012_names_the_rows_it_cannot_keep(blank_db: Database, small_agencies) -> None:
    db = blank_db
    upgrade(db, "0011")
    task_id = add_task(db, setup(db, small_agencies), date(2026, 1, 20))
    with db.write() as s:
        s.execute(sa.text("UPDATE task SET state = 'archived' WHERE id = :id"), {"id": task_id})
    with pytest.raises(RuntimeError, match="task.state = 'archived'"):
        upgrade(db)
    assert current_revision(db) == "0011"
