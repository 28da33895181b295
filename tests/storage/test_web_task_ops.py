"""Task write operations at the SQL level: state changes, history, optimistic locking, and the
contract with the reminder engine (next_reminder_on = today on any state or deadline change)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from storage import task_ops
from storage.models import ExtensionRow, HistoryRow, StatusUpdateRow, TaskRow
from storage.task_ops import Actor, StaleTaskError, TaskOpError
from tests.factories import build_world

OFFICE = Actor("vanphong")
TODAY = date(2024, 6, 3)


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


def _lead(world) -> tuple[int, Actor]:  # type: ignore[no-untyped-def]
    return world.tasks["so-ngoai-vu"][0], Actor("ngoaivu", world.agency_ids["so-ngoai-vu"])


def _task(db, task_id: int) -> TaskRow:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.get(TaskRow, task_id)


def _history(db, task_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        stmt = sa.select(HistoryRow.action).where(HistoryRow.task_id == task_id)
        return list(session.scalars(stmt.order_by(HistoryRow.id)))


def test_progress_completion_confirm(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    with db.write() as s:
        task_ops.report_progress(s, task_id, version=1, actor=lead, percent=30, today=TODAY)
    task = _task(db, task_id)
    assert (task.state, task.progress, task.version, task.next_reminder_on) == (
        "in_progress",
        30,
        2,
        TODAY,
    )
    with db.write() as s:
        task_ops.report_completion(
            s, task_id, version=2, actor=lead, done_on=date(2024, 6, 1), today=TODAY
        )
    with db.write() as s:
        task_ops.confirm_completion(s, task_id, version=3, actor=OFFICE, today=date(2024, 6, 10))
    task = _task(db, task_id)
    assert task.state == "done"
    assert task.completed_on == date(2024, 6, 1)  # the day the agency reported, not confirmed
    assert task.next_reminder_on == date(2024, 6, 10)
    assert _history(db, task_id) == ["create", "progress", "completion", "confirm"]


def test_return_counts_as_not_done(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    with db.write() as s:
        task_ops.report_completion(s, task_id, version=1, actor=lead, done_on=TODAY, today=TODAY)
        task_ops.return_completion(
            s, task_id, version=2, actor=OFFICE, reason="Thiếu hồ sơ", today=TODAY
        )
    task = _task(db, task_id)
    assert (task.state, task.reported_done_on, task.completed_on) == ("in_progress", None, None)


def test_stale_version_refused_and_nothing_saved(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    with db.write() as s:
        task_ops.report_progress(s, task_id, version=1, actor=lead, percent=10, today=TODAY)
    with pytest.raises(StaleTaskError, match="người khác cập nhật"):
        with db.write() as s:
            task_ops.report_progress(s, task_id, version=1, actor=lead, percent=90, today=TODAY)
    assert _task(db, task_id).progress == 10
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(StatusUpdateRow)) == 1


def test_extension_approved_keeps_original_deadline(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    original = _task(db, task_id).deadline
    with db.write() as s:
        ext = task_ops.request_extension(
            s, task_id, version=1, actor=lead, proposed=date(2025, 3, 1), reason="Chờ ý kiến Bộ"
        )
        ext_id = ext.id
    with pytest.raises(TaskOpError, match="đang chờ duyệt"):
        with db.write() as s:
            task_ops.request_extension(
                s, task_id, version=2, actor=lead, proposed=date(2025, 4, 1), reason="Lần hai"
            )
    with db.write() as s:
        # 1/3/2025 is a Saturday: the deadline rolls forward to Monday 3/3/2025
        task_ops.decide_extension(s, ext_id, version=2, actor=OFFICE, approve=True, today=TODAY)
    task = _task(db, task_id)
    assert (task.original_deadline, task.deadline) == (original, date(2025, 3, 3))
    assert task.next_reminder_on == TODAY
    with db.read() as s:
        row = s.get(ExtensionRow, ext_id)
        assert (row.decision, row.old_deadline, row.new_deadline) == (
            "approved",
            original,
            date(2025, 3, 3),
        )


def test_extension_refused_changes_no_deadline(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    before = _task(db, task_id)
    with db.write() as s:
        ext = task_ops.request_extension(
            s, task_id, version=1, actor=lead, proposed=date(2025, 3, 3), reason="Chờ ý kiến Bộ"
        )
        task_ops.decide_extension(s, ext.id, version=2, actor=OFFICE, approve=False, today=TODAY)
    after = _task(db, task_id)
    assert (after.deadline, after.next_reminder_on) == (before.deadline, before.next_reminder_on)


def test_invalid_transitions_refused(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, lead = _lead(world)
    with pytest.raises(TaskOpError):
        with db.write() as s:
            task_ops.confirm_completion(s, task_id, version=1, actor=OFFICE, today=TODAY)
    with pytest.raises(TaskOpError, match="sau hạn hiện tại"):
        with db.write() as s:
            task_ops.request_extension(
                s, task_id, version=1, actor=lead, proposed=date(2024, 1, 1), reason="Quá sớm"
            )
    with pytest.raises(TaskOpError, match="sau hôm nay"):
        with db.write() as s:
            task_ops.report_completion(
                s, task_id, version=1, actor=lead, done_on=date(2024, 6, 4), today=TODAY
            )
    assert _history(db, task_id) == ["create"]


def test_edit_keeps_old_values_in_history(db, world) -> None:  # type: ignore[no-untyped-def]
    task_id, _ = _lead(world)
    noi_vu = world.agency_ids["so-noi-vu"]
    with db.write() as s:
        task_ops.edit_task(
            s,
            task_id,
            version=1,
            actor=OFFICE,
            fields={"deadline": date(2024, 9, 30), "lead_agency_id": noi_vu, "coordinator_ids": []},
            today=TODAY,
        )
    task = _task(db, task_id)
    assert (task.deadline, task.original_deadline, task.lead_agency_id) == (
        date(2024, 9, 30),
        date(2024, 12, 31),
        noi_vu,
    )
    with db.read() as s:
        row = s.scalars(sa.select(HistoryRow).where(HistoryRow.action == "edit")).one()
    assert row.changes["deadline"] == ["2024-12-31", "2024-09-30"]
    assert row.actor == "vanphong"
