"""Migrations over data (SQLite and PostgreSQL): rows written at an older revision survive."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from notifications.delivery import claim
from notifications.mime import Attachment, Mail, build
from notifications.outbox import enqueue
from storage.db import Database
from storage.migrate import check, current_revision, downgrade, head_revision, upgrade
from storage.models import OutboxMessageRow, OutboxRow, ReminderRow
from tests.factories import setup

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
# The outbox as revision 0001 made it: the message bytes in the row.
OUTBOX_0001 = sa.table(
    "outbox",
    *(sa.column(c.name, c.type) for c in OutboxRow.__table__.columns),
    sa.column("message", sa.LargeBinary()),
)
REMINDER_0001 = sa.table(
    "reminder",
    *(sa.column(c.name, c.type) for c in ReminderRow.__table__.columns if c.name != "period_seq"),
)


def _mail(key: str, *attachments: Attachment) -> tuple[bytes, str]:
    mail = Mail(sender=FROM, to="so@langson.example.org", subject="Đôn đốc thực hiện",
                text="Nội dung\n" * 300, html="<p>Nội dung</p>" * 300, date=NOW, id_key=key,
                domain="langson.example.org", attachments=attachments)  # fmt: skip
    return build(mail)


def _row(key: str, kind: str, status: str, message: bytes | None, message_id: str) -> dict:
    return {"key": key, "kind": kind, "recipient": "so@langson.example.org",
            "slot": date(2026, 1, 12), "subject": "Đôn đốc", "message": message,
            "message_id": message_id, "status": status, "attempts": 0, "next_attempt_at": NOW,
            "created_at": NOW}  # fmt: skip


def _bodies(db: Database) -> dict[str, bytes | None]:
    with db.read() as s:
        stmt = sa.select(OutboxRow).options(selectinload(OutboxRow.body))
        return {r.key: r.message for r in s.scalars(stmt)}


def _task_at(db: Database, agency_id: int) -> int:
    """A directive and a task written with the tables as the database has them (reflected):
    the ORM models are the head's and would write columns an old revision lacks."""
    meta = sa.MetaData()
    directive = sa.Table("directive", meta, autoload_with=db.engine)
    task = sa.Table("task", meta, autoload_with=db.engine)
    with db.write() as s:
        directive_id = s.execute(sa.insert(directive).values(
            kind="TB", number="45/TB-UBND", issued_on=date(2024, 11, 1), recipients=[],
            source_text="", registered_by="test", registered_at=NOW,
        ).returning(directive.c.id)).scalar_one()  # fmt: skip
        return s.execute(sa.insert(task).values(
            directive_id=directive_id, ref="1", content="Rà soát", lead_agency_id=agency_id,
            state="in_progress", progress=0, deadline_kind="fixed", deadline=date(2026, 1, 20),
            warnings=[], created_at=NOW, updated_at=NOW, version=1,
        ).returning(task.c.id)).scalar_one()  # fmt: skip


def test_upgrade_from_0001_keeps_every_stored_message(blank_db: Database, small_agencies) -> None:
    db = blank_db
    upgrade(db, "0001")
    task_id = _task_at(db, setup(db, small_agencies)["so-ngoai-vu"])
    docx = bytes(random.Random(7).getrandbits(8) for _ in range(300_000))  # every byte value
    digest, digest_id = _mail("digest:a")
    weekly, weekly_id = _mail("leader_weekly:b", Attachment("bao-cao.docx", docx, "application",
                                                            "octet-stream"))  # fmt: skip
    with db.write() as s:
        ids = [
            s.execute(sa.insert(OUTBOX_0001).values(row).returning(OUTBOX_0001.c.id)).scalar_one()
            for row in (_row("digest:a", "digest", "pending", digest, digest_id),
                        _row("leader_weekly:b", "leader_weekly", "sent", weekly, weekly_id),
                        _row("digest:legacy", "digest", "pending", None, "<legacy@x>"))
        ]  # fmt: skip
        s.execute(sa.insert(REMINDER_0001).values(  # the head's model has period_seq (0007)
            task_id=task_id, recipient="so@langson.example.org", role="lead", kind="due",
            slot=date(2026, 1, 12), outbox_id=ids[0], created_at=NOW))  # fmt: skip

    upgrade(db)  # outbox is rebuilt on SQLite while reminder rows point at it

    assert current_revision(db) == head_revision()
    check(db)
    expected = {"digest:a": digest, "leader_weekly:b": weekly, "digest:legacy": None}
    assert _bodies(db) == expected
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessageRow)) == 2
        assert s.scalar(sa.select(ReminderRow.outbox_id)) == ids[0]
        rows = {r.key: r for r in s.scalars(sa.select(OutboxRow))}
    assert [rows[k].id for k in expected] == ids
    assert rows["leader_weekly:b"].status == "sent" and rows["digest:a"].next_attempt_at == NOW
    if db.dialect == "sqlite":  # the rebuild ran with foreign keys off: on again afterwards
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

    # Delivery sends the moved bytes; the row that never had any is failed with the reason.
    (pending,) = claim(db, NOW, 10, "worker")
    assert (pending.id, pending.message) == (ids[0], digest)
    with db.read() as s:
        legacy = s.scalars(sa.select(OutboxRow).where(OutboxRow.key == "digest:legacy")).one()
    assert (legacy.status, legacy.claimed_by) == ("failed", None)
    assert "no stored message" in (legacy.last_error or "")

    # New mail goes into both tables, and the downgrade puts every message back in the row.
    new, new_id = _mail("digest:c")
    with db.write() as s:
        assert enqueue(s, key="digest:c", kind="digest", recipient="so@langson.example.org",
                       slot=date(2026, 1, 12), subject="Đôn đốc", message=new,
                       message_id=new_id, now=NOW) is not None  # fmt: skip
    downgrade(db, "0001")
    assert current_revision(db) == "0001"
    assert not sa.inspect(db.engine).has_table("outbox_message")
    with db.read() as s:
        back = dict(s.execute(sa.select(OUTBOX_0001.c.key, OUTBOX_0001.c.message)).tuples().all())
    assert back == expected | {"digest:c": new}

    upgrade(db)
    assert _bodies(db) == expected | {"digest:c": new}
    check(db)
