"""Storage on real SQLite and PostgreSQL: migrations, UTC, agencies, SQL buckets, locking."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from directives.buckets import bucket
from directives.models import TaskState
from storage.agencies import load_agencies, registry_from_db
from storage.db import Database
from storage.migrate import check, current_revision, head_revision
from storage.models import AgencyRow, DirectiveRow, HistoryRow, TaskRow
from storage.queries import bucket_expr


def test_migrated_to_head_without_drift(db: Database) -> None:
    assert current_revision(db) == head_revision()
    check(db)  # raises if models and migrations differ


def test_datetimes_round_trip_as_utc(db: Database) -> None:
    hanoi = timezone(timedelta(hours=7))
    with db.write() as s:
        s.add(
            DirectiveRow(
                kind="TB",
                number="1/TB-UBND",
                registered_by="t",
                registered_at=datetime(2024, 3, 27, 8, 0, tzinfo=hanoi),
            )
        )
    with db.read() as s:
        got = s.scalar(sa.select(DirectiveRow.registered_at))
        assert got == datetime(2024, 3, 27, 1, 0, tzinfo=UTC)
        assert got.tzinfo is not None
        cutoff = datetime(2024, 3, 27, 1, 30, tzinfo=UTC)
        assert s.scalar(sa.select(sa.func.count()).where(DirectiveRow.registered_at < cutoff)) == 1


def test_agencies_load_is_idempotent_and_keeps_commas(db: Database, small_agencies) -> None:
    with db.write() as s:
        assert load_agencies(s, small_agencies) == (8, 0)
    with db.write() as s:
        assert load_agencies(s, small_agencies) == (0, 8)
    with db.read() as s:
        registry = registry_from_db(s)
        assert s.scalar(sa.select(sa.func.count()).select_from(AgencyRow)) == 8
    vh = registry.match("Sở Văn hoá,  Thể thao và Du lịch")  # other tone style, double space
    assert vh is not None and vh.name == "Sở Văn hóa, Thể thao và Du lịch"
    group = registry.match("UBND các huyện biên giới")
    assert [a.code for a in registry.members(group.code)] == [
        "ubnd-huyen-trang-dinh",
        "ubnd-huyen-van-lang",
    ]
    assert registry.match("UBND huyện Tràng Định", on=date(2025, 7, 1)) is None  # districts ended


def _seed_tasks(db: Database, small_agencies, n: int = 300) -> None:
    rng = random.Random(7)
    with db.write() as s:
        load_agencies(s, small_agencies)
        lead = s.scalar(sa.select(AgencyRow.id).where(AgencyRow.code == "so-ngoai-vu"))
        d = DirectiveRow(kind="TB", number="9/TB-UBND", registered_by="t")
        s.add(d)
        s.flush()
        for i in range(n):
            deadline = None
            if i % 10:
                deadline = date(2024, 6, 1) + timedelta(days=rng.randint(0, 60))
            state = rng.choice(list(TaskState))
            done = None
            if deadline and state == "done":
                done = deadline + timedelta(days=rng.randint(-5, 5))
            s.add(
                TaskRow(
                    directive_id=d.id,
                    ref=str(i),
                    content="x",
                    lead_agency_id=lead,
                    state=state.value,
                    deadline=deadline,
                    original_deadline=deadline,
                    completed_on=done,
                )
            )


@pytest.mark.parametrize("as_of", [date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 15)])
def test_sql_bucket_matches_python_bucket(db: Database, small_agencies, as_of: date) -> None:
    _seed_tasks(db, small_agencies)
    with db.read() as s:
        rows = s.execute(sa.select(TaskRow, bucket_expr(as_of))).all()
    assert len(rows) == 300
    mismatches = [(t.id, b, bucket(t, as_of)) for t, b in rows if b != (bucket(t, as_of) or None)]
    assert mismatches == []


def test_stale_task_update_is_refused(db: Database, small_agencies) -> None:
    _seed_tasks(db, small_agencies, n=1)
    with db.read() as s:
        stale = s.scalar(sa.select(TaskRow))
    with db.write() as s:
        fresh = s.get(TaskRow, stale.id)
        fresh.progress = 50
    with pytest.raises(StaleDataError), db.write() as s:
        mine = s.merge(stale, load=False)
        mine.progress = 20
    with db.read() as s:
        assert s.get(TaskRow, stale.id).progress == 50


def test_history_is_append_only_record(db: Database) -> None:
    from storage.history import record

    with db.write() as s:
        record(
            s,
            entity="task",
            entity_id=1,
            action="update",
            actor="vp.chuyenvien",
            changes={"deadline": date(2024, 7, 1)},
        )
    with db.read() as s:
        row = s.scalar(sa.select(HistoryRow))
    assert (row.actor, row.changes) == ("vp.chuyenvien", {"deadline": "2024-07-01"})
