"""The sweep on SQLite and PostgreSQL: due tasks → reminders → one digest per recipient."""

from __future__ import annotations

import email
import email.policy
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dondoc.settings import Settings
from flows.jobs import sweep
from storage.db import Database
from storage.models import AgencyRow, OutboxRow, ReminderRow, TaskRow
from tests.factories import add_task, at, setup

SNGV, SNV = "sngv@langson.example.org", "snv@langson.example.org"


def settings_for(db: Database) -> Settings:
    return Settings(
        database_url=db.url,
        smtp_reply_to="theodoi@langson.example.org",
        base_url="https://dondoc.example.org",
    )


def reminders(db: Database) -> list[tuple[int, str, str, date, str]]:
    with db.read() as s:
        stmt = sa.select(
            ReminderRow.task_id, ReminderRow.recipient, ReminderRow.kind, ReminderRow.slot,
            ReminderRow.role,
        ).order_by(ReminderRow.task_id, ReminderRow.recipient, ReminderRow.kind)  # fmt: skip
        return [tuple(r) for r in s.execute(stmt)]


def outbox(db: Database) -> list[OutboxRow]:
    with db.read() as s:
        stmt = sa.select(OutboxRow).options(selectinload(OutboxRow.body))
        return list(s.scalars(stmt.order_by(OutboxRow.id)))


def next_on(db: Database, task_id: int) -> date | None:
    with db.read() as s:
        return s.scalar(sa.select(TaskRow.next_reminder_on).where(TaskRow.id == task_id))


def test_one_digest_per_recipient_and_a_second_sweep_sends_nothing(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    a = add_task(db, ids, date(2026, 1, 12), coordinators=("so-noi-vu",), content="Nhiệm vụ A")
    b = add_task(db, ids, date(2026, 1, 9), content="Nhiệm vụ B")
    c = add_task(db, ids, date(2026, 3, 1), lead="so-noi-vu")  # Sunday -> Monday 2/3
    d = add_task(db, ids, date(2026, 1, 9), state="done")
    cfg = settings_for(db)

    first = sweep(db, cfg, at(date(2026, 1, 9), time(6, 0)))
    assert first["tasks_read"] == 4 and first["reminders"] == 3 and first["digests"] == 2
    assert reminders(db) == [
        (a, SNGV, "before_2", date(2026, 1, 9), "lead"),
        (a, SNV, "before_2", date(2026, 1, 9), "coordinator"),
        (b, SNGV, "due", date(2026, 1, 9), "lead"),
    ]
    rows = outbox(db)
    assert [(r.recipient, r.kind, r.status) for r in rows] == [
        (SNGV, "digest", "pending"), (SNV, "digest", "pending")]  # fmt: skip
    assert all(r.next_attempt_at == at(date(2026, 1, 9)) for r in rows)  # held until 07:30
    with db.read() as s:
        linked = s.scalar(sa.select(sa.func.count()).where(ReminderRow.outbox_id.is_not(None)))
    assert linked == 3

    again = sweep(db, cfg, at(date(2026, 1, 9), time(9, 0)))
    assert (again["tasks_read"], again["reminders"], again["digests"]) == (0, 0, 0)
    assert len(outbox(db)) == 2
    # Sat 10/1/2026 is a make-up working day: -1 before Mon 12/1, and B's overdue +3 is Tue 13/1
    assert next_on(db, a) == date(2026, 1, 12)
    assert next_on(db, b) == date(2026, 1, 13)
    assert next_on(db, c) == date(2026, 2, 4)  # 30 days after its last report (5/1)
    assert next_on(db, d) is None


def test_digest_mail_is_vietnamese_multipart_with_stable_headers(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 12), content="Tổ chức <Hội nghị> xúc tiến đầu tư")
    add_task(db, ids, date(2025, 12, 31), content="Rà soát quy hoạch cửa khẩu")
    sweep(db, settings_for(db), at(date(2026, 1, 7), time(8, 0)))
    (row,) = outbox(db)
    msg = email.message_from_bytes(row.message, policy=email.policy.default)
    assert msg["Message-ID"] == row.message_id == "<digest-sngv-langson.example.org-2026-01-07" \
        "@langson.example.org>"  # fmt: skip
    assert msg["To"].addresses[0].display_name == "Sở Ngoại vụ"
    assert msg["To"].addresses[0].addr_spec == SNGV
    assert msg["From"].addresses[0].display_name == "Văn phòng UBND tỉnh"
    assert msg["Reply-To"] == "theodoi@langson.example.org"
    assert msg["Subject"] == "Đôn đốc thực hiện nhiệm vụ: 1 quá hạn, 1 sắp đến hạn (07/01/2026)"
    assert msg["Date"].datetime == at(date(2026, 1, 7), time(8, 0))
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith("Tổng hợp ngày 07/01/2026: 1 quá hạn, 1 sắp đến hạn (2 nhiệm vụ).\n")
    assert "Kính gửi: Sở Ngoại vụ" in text
    assert "NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH" in text and "Quá hạn 3 ngày làm việc" in text
    assert "Tổ chức <Hội nghị>" in text and "Còn 4 ngày làm việc" in text  # Sat 10/1 worked
    assert "Tổ chức &lt;Hội nghị&gt;" in html and "<Hội nghị>" not in html
    assert "https://dondoc.example.org/tasks/" in html
    assert b"\r\n\r\n" in row.message and all(ord(c) < 128 for c in row.message.decode("ascii"))


def test_no_cr_lf_from_data_reaches_a_header(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    with db.write() as s:
        s.execute(sa.update(AgencyRow).where(AgencyRow.id == ids["so-ngoai-vu"]).values(
            name="Sở Ngoại vụ\r\nBcc: spy@evil.example"))  # fmt: skip
    add_task(db, ids, date(2026, 1, 12))
    sweep(db, settings_for(db), at(date(2026, 1, 9)))
    (row,) = outbox(db)
    head = row.message.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc" not in head and b"\rBcc" not in head
    assert email.message_from_bytes(row.message, policy=email.policy.default)["Bcc"] is None


def test_escalation_to_head_and_leader_and_skip_without_a_leader_account(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies, leader_email="Lanh.Dao@langson.example.org")
    t = add_task(db, ids, date(2025, 12, 31), progress_on=date(2026, 1, 5))
    cfg = settings_for(db)
    for day in (date(2026, 1, 7), date(2026, 1, 9), date(2026, 1, 15)):
        sweep(db, cfg, at(day))
    got = [(kind, rcpt, role, slot) for _, rcpt, kind, slot, role in reminders(db)]
    assert ("escalation", "gd.sngv@langson.example.org", "head", date(2026, 1, 9)) in got
    assert ("leader_escalation", "lanh.dao@langson.example.org", "leader", date(2026, 1, 15)) in got
    assert [k for k, *_ in got].count("overdue") == 2  # 7/1 and 13/1 (via catch-up on 15/1)
    leader_mail = [r for r in outbox(db) if r.recipient == "lanh.dao@langson.example.org"]
    msg = email.message_from_bytes(leader_mail[0].message, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    assert "Kính gửi: Đồng chí Đoàn Thanh Sơn" in text
    assert "QUÁ HẠN TRÊN 10 NGÀY LÀM VIỆC" in text and "kính báo cáo đồng chí 1 nhiệm vụ" in text
    with db.write() as s:
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.update(TaskRow).values(next_reminder_on=date(2026, 1, 15)))
        s.execute(sa.text("DELETE FROM app_user"))
    assert sweep(db, cfg, at(date(2026, 1, 15)))["no_address"] == 1
    assert t and "leader_escalation" not in [k for _, _, k, _, _ in reminders(db)]


def test_only_due_tasks_are_read_and_days_off_plan_nothing(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    late = add_task(db, ids, date(2025, 12, 1))
    with db.write() as s:  # overdue, but its next look is later: the sweep must not read it
        s.execute(sa.update(TaskRow).where(TaskRow.id == late).values(
            next_reminder_on=date(2026, 2, 1)))  # fmt: skip
    cfg = settings_for(db)
    assert sweep(db, cfg, at(date(2026, 1, 9)))["tasks_read"] == 0
    sunday = sweep(db, cfg, at(date(2026, 1, 11)))
    assert sunday["working_day"] is False and sunday["reminders"] == 0
    assert sweep(db, cfg, at(date(2026, 1, 2)))["working_day"] is False  # swapped day off


def _plain(row: OutboxRow) -> str:
    assert row.message is not None
    parsed = email.message_from_bytes(row.message, policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_later_sweep_merges_into_the_digest_not_yet_sent(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 9), content="Nhiệm vụ đầu")
    late = add_task(db, ids, date(2026, 6, 30), content="Nhiệm vụ gia hạn")
    cfg = settings_for(db)
    sweep(db, cfg, at(date(2026, 1, 9)))
    (before,) = outbox(db)
    with db.write() as s:  # the secretariat moves a deadline: "re-evaluate at the next sweep"
        s.execute(sa.update(TaskRow).where(TaskRow.id == late).values(
            deadline=date(2026, 1, 9), next_reminder_on=date(2026, 1, 9)))  # fmt: skip
    assert sweep(db, cfg, at(date(2026, 1, 9), time(14, 0)))["digests"] == 1
    (merged,) = outbox(db)  # still one mail: the morning's was not sent yet
    assert merged.id == before.id and merged.message_id == before.message_id
    text = _plain(merged)
    assert "Nhiệm vụ đầu" in text and "Nhiệm vụ gia hạn" in text
    assert "2 sắp đến hạn" in merged.subject
    with db.read() as s:
        assert set(s.scalars(sa.select(ReminderRow.outbox_id))) == {merged.id}


def test_a_later_sweep_after_the_digest_went_mails_only_what_is_new(
    db: Database, small_agencies
) -> None:
    from notifications.delivery import deliver
    from notifications.mail_sink import running_sink
    from notifications.smtp import SmtpConfig

    ids = setup(db, small_agencies)
    add_task(db, ids, date(2026, 1, 9), content="Nhiệm vụ đầu")
    late = add_task(db, ids, date(2026, 6, 30), content="Nhiệm vụ gia hạn")
    cfg = settings_for(db)
    sweep(db, cfg, at(date(2026, 1, 9)))
    with running_sink() as sink:
        smtp = SmtpConfig(host="127.0.0.1", port=sink.port, sender=cfg.smtp_from)
        assert deliver(db, smtp, at(date(2026, 1, 9), time(7, 31))).sent == 1
    with db.write() as s:
        s.execute(sa.update(TaskRow).where(TaskRow.id == late).values(
            deadline=date(2026, 1, 9), next_reminder_on=date(2026, 1, 9)))  # fmt: skip
    assert sweep(db, cfg, at(date(2026, 1, 9), time(14, 0)))["digests"] == 1
    first, second = outbox(db)
    assert first.recipient == second.recipient == SNGV
    assert first.message_id != second.message_id
    assert second.key == f"digest:{SNGV}:2026-01-09:2"
    assert "Nhiệm vụ gia hạn" in _plain(second) and "Nhiệm vụ đầu" not in _plain(second)
    assert "Nhiệm vụ gia hạn" not in _plain(first)
    assert second.next_attempt_at == at(date(2026, 1, 9), time(14, 0))


def test_downtime_catch_up_through_the_database(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    t = add_task(
        db, ids, date(2025, 3, 17), created=date(2025, 3, 3), progress_on=date(2025, 3, 20)
    )
    cfg = settings_for(db)
    sweep(db, cfg, at(date(2025, 3, 10)))  # before_5, then down until Wed 26/3
    result = sweep(db, cfg, at(date(2025, 3, 26)))
    assert result["reminders"] == 2
    assert [(k, d) for _, r, k, d, _ in reminders(db) if r == SNGV] == [
        ("before_5", date(2025, 3, 10)), ("overdue", date(2025, 3, 25))]  # fmt: skip
    assert next_on(db, t) == date(2025, 3, 28)
