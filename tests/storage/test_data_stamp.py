"""The data stamp (storage/data_stamp.py), SQLite and PostgreSQL: new after every committed
write to what a report reads, unchanged by a rolled-back one and by sessions or mail, never the
archived one after a restore; on PostgreSQL, written at commit (a writer does not wait for
another's stamp while it works, and two writers of different tasks both commit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import data_stamp
from storage.db import Database
from storage.models import AgencyRow, CalendarDay, DirectiveRow, TaskRow
from tests.factories import World, build_world, restored_copy


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


def stamp_of(db: Database) -> str | None:
    with db.read() as s:
        return data_stamp.stamp(s)


def _task(world: World) -> int:
    return world.tasks["so-ngoai-vu"][0]


def writes(world: World) -> dict[str, Callable[[Session], object]]:
    """One write of each kind a report reads, by the ORM or by bare SQL."""
    task = _task(world)
    return {
        "task state (ORM)": lambda s: setattr(s.get(TaskRow, task), "progress", 40),
        "task deadline (SQL)": lambda s: s.execute(
            sa.text("UPDATE task SET deadline = '2031-01-02' WHERE id = :t"), {"t": task}),
        "coordinator added": lambda s: s.execute(sa.text(
            "INSERT INTO task_coordinator (task_id, agency_id) VALUES (:t, :a)"),
            {"t": task, "a": world.agency_ids["so-noi-vu"]}),
        "directive subject": lambda s: setattr(s.get(DirectiveRow, world.directive_id),
                                               "subject", "Trích yếu mới"),
        "agency renamed": lambda s: setattr(s.get(AgencyRow, world.agency_ids["so-noi-vu"]),
                                            "name", "Sở Nội vụ (mới)"),
        "calendar day": lambda s: s.execute(sa.update(CalendarDay).where(
            CalendarDay.day == date(2026, 5, 4)).values(is_working=False)),
        "task deleted": lambda s: s.delete(s.get(TaskRow, world.tasks["so-noi-vu"][0])),
    }  # fmt: skip


def test_every_write_a_report_reads_gives_a_new_stamp(db: Database, world: World) -> None:
    seen = {stamp_of(db)}
    assert None not in seen
    for name, write in writes(world).items():
        with db.write() as s:
            write(s)
        now = stamp_of(db)
        assert now not in seen, name
        seen.add(now)


def test_no_new_stamp_without_a_committed_report_write(db: Database, world: World) -> None:
    before = stamp_of(db)
    with pytest.raises(RuntimeError), db.write() as s:
        s.get(TaskRow, _task(world)).progress = 90  # type: ignore[union-attr]
        s.flush()
        raise RuntimeError("rolled back")
    with db.write() as s:  # a session and a mail: nothing a report reads
        s.execute(sa.text("DELETE FROM sessions"))
        s.execute(sa.text("UPDATE outbox SET attempts = attempts + 1"))
    assert stamp_of(db) == before


def test_a_restore_never_brings_back_the_archived_stamp(
    db: Database, world: World, blank_db: Database, tmp_path: Path
) -> None:
    restored = stamp_of(restored_copy(db, blank_db, tmp_path))
    assert restored is not None and restored != stamp_of(db)


def test_postgresql_writers_do_not_wait_for_the_stamp(db: Database, world: World) -> None:
    """Each writer changes its own task and sees the old stamp until it commits; neither waits
    for the other (a lock_timeout would fail it); both commit, the stamp new after each."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL: SQLite writes one transaction at a time")
    first, second = world.tasks["so-ngoai-vu"][0], world.tasks["so-noi-vu"][0]
    before = stamp_of(db)
    with db.engine.connect() as a, db.engine.connect() as b:
        for conn, task in ((a, first), (b, second)):
            conn.exec_driver_sql("SET lock_timeout = '1s'")
            conn.execute(sa.text("UPDATE task SET progress = 55 WHERE id = :t"), {"t": task})
            conn.execute(sa.text("UPDATE task SET progress = 56 WHERE id = :t"), {"t": task})
        assert stamp_of(db) == before  # nothing committed yet
        a.commit()
        after_a = stamp_of(db)
        b.commit()
        assert len({before, after_a, stamp_of(db)}) == 3
