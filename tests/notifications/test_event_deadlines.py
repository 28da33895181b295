"""Event-bound deadlines (ngay sau khi …, no date) on SQLite and PostgreSQL: their own bucket
(chờ xác định thời hạn) in SQL and Python, the secretariat's own mail through the outbox and a
real SMTP server until a date is set, and the date kept in the history."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from directives.buckets import bucket
from directives.models import Bucket
from dondoc.settings import Settings
from flows.jobs import sweep
from notifications.delivery import deliver
from notifications.mail_sink import running_sink
from notifications.smtp import SmtpConfig
from reports.rollup import build_rollup
from storage.models import HistoryRow, TaskRow, UserRow
from storage.queries import list_tasks
from storage.task_ops import Actor, edit_task
from tests.factories import add_task, at, setup

OFFICE = "theodoi.vp@langson.example.org"


def test_event_bound_tasks_wait_apart_and_the_office_is_mailed_until_a_date_is_set(
    db, small_agencies
) -> None:  # type: ignore[no-untyped-def]
    ids = setup(db, small_agencies)
    waiting = add_task(db, ids, None, kind="event", content="Triển khai ngay sau khi được duyệt")
    ongoing = add_task(db, ids, None, kind="none", content="Thường xuyên theo dõi")
    with db.write() as s:
        s.add(UserRow(username="vanphong", full_name="Nguyễn Thị Thu", email=OFFICE,
                      password_hash="x", role="secretariat"))  # fmt: skip
    day = date(2027, 1, 6)
    with db.read() as s:
        buckets = {t.id: b for t, b in list_tasks(s, day)}
        assert bucket(s.get(TaskRow, waiting), day) == Bucket.AWAITING_DEADLINE
        counts = build_rollup(s, day).totals
    assert buckets == {waiting: "awaiting_deadline", ongoing: "ongoing"}
    assert (counts.awaiting_deadline, counts.ongoing, counts.due) == (1, 1, 0)

    cfg = Settings(database_url=db.url, base_url="https://dondoc.example.org")
    assert sweep(db, cfg, at(day, time(6)))["awaiting_deadline_mails"] == 1
    assert sweep(db, cfg, at(day, time(9)))["awaiting_deadline_mails"] == 0  # one a day
    with running_sink() as sink:
        smtp = SmtpConfig(host="127.0.0.1", port=sink.port, sender="dondoc@langson.example.org",
                          security="none", local_hostname="langson.example.org")  # fmt: skip
        assert deliver(db, smtp, at(day, time(8))).sent == 2  # and the ongoing task's request
        (mail,) = [m for m in sink.parsed() if m["To"].addresses[0].addr_spec == OFFICE]
    assert mail["Subject"] == "Nhiệm vụ chờ xác định thời hạn: 1 nhiệm vụ (06/01/2027)"
    text = mail.get_body(("plain",)).get_content()
    assert "Triển khai ngay sau khi được duyệt" in text and "Thường xuyên" not in text
    assert f"https://dondoc.example.org/tasks/{waiting}/edit" in text

    with db.write() as s:
        edit_task(s, waiting, version=None, actor=Actor("vanphong"),
                  fields={"deadline": date(2027, 2, 26)}, today=day)  # fmt: skip
    assert sweep(db, cfg, at(date(2027, 1, 7), time(6)))["awaiting_deadline_mails"] == 0
    with db.read() as s:
        assert {t.id: b for t, b in list_tasks(s, day)}[waiting] == "open_on_time"
        changes = s.scalars(sa.select(HistoryRow.changes).where(
            HistoryRow.task_id == waiting, HistoryRow.action == "edit")).all()  # fmt: skip
    assert changes == [{"deadline": [None, "2027-02-26"]}]
