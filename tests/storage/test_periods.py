"""Recurring tasks as periods (kỳ) on SQLite and PostgreSQL, through a real year with Tết 2027.

A monthly report (monthly:5) registered on 4/1/2027: each period is reminded on its own deadline
by the real sweep, delivered to a real SMTP server (aiosmtpd), reported and confirmed on its own,
and bucketed on its own; the February deadline (5/2) falls in Tết and moves to 11/2.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from directives.models import Bucket
from directives.recurrence import parse_rule
from directives.recurrence import periods as rule_periods
from dondoc.settings import Settings
from flows.jobs import sweep
from notifications.delivery import deliver
from notifications.mail_sink import running_sink
from notifications.smtp import SmtpConfig
from reports.docx_report import build_docx
from reports.html import render_dashboard_html
from reports.rollup import build_rollup
from reports.xlsx_report import build_xlsx
from storage import periods
from storage.db import Database
from storage.models import ReminderRow, TaskPeriodRow, TaskRow
from storage.task_ops import (
    Actor,
    TaskOpError,
    confirm_completion,
    edit_task,
    report_completion,
)
from tests.factories import add_task, at, setup

SNGV = "sngv@langson.example.org"
AGENCY, OFFICE = Actor("sngv"), Actor("vanphong")
START = date(2027, 1, 4)


def settings_for(db: Database) -> Settings:
    return Settings(database_url=db.url, smtp_reply_to="theodoi@langson.example.org",
                    base_url="https://dondoc.example.org")  # fmt: skip


def recurring_task(db: Database, ids: dict[str, int], rule: str = "monthly:5") -> int:
    task_id = add_task(db, ids, None, kind="recurring", state="new", created=START,
                       progress_on=None)  # fmt: skip
    with db.write() as s:
        task = s.get(TaskRow, task_id)
        task.recurrence = rule
        periods.materialise(s, task, START, start=START)
    return task_id


def period_rows(db: Database, task_id: int) -> list[TaskPeriodRow]:
    with db.read() as s:
        rows = periods.load(s, task_id)
        s.expunge_all()
        return rows


def task_row(db: Database, task_id: int) -> TaskRow:
    with db.read() as s:
        row = s.get(TaskRow, task_id)
        s.expunge(row)
        return row


def finish(db: Database, task_id: int, day: date) -> None:
    """The agency reports the period done on `day`; the secretariat confirms it the same day."""
    with db.write() as s:
        report_completion(s, task_id, version=None, actor=AGENCY, done_on=day, today=day,
                          at=at(day, time(9)))  # fmt: skip
    with db.write() as s:
        confirm_completion(s, task_id, version=None, actor=OFFICE, today=day,
                           at=at(day, time(10)))  # fmt: skip


def reminders_of(db: Database, task_id: int) -> list[tuple[str, date]]:
    with db.read() as s:
        stmt = sa.select(ReminderRow.kind, ReminderRow.slot).where(ReminderRow.task_id == task_id)
        return sorted(tuple(r) for r in s.execute(stmt.order_by(ReminderRow.slot)))


def test_a_monthly_task_has_twelve_periods_each_reminded_reported_and_bucketed(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    task_id = recurring_task(db, ids)
    assert task_row(db, task_id).deadline == date(2027, 1, 5)  # the task mirrors period 1
    cfg = settings_for(db)
    expected: list[tuple[str, date]] = []
    assert sweep(db, cfg, at(date(2027, 2, 5), time(6)))["working_day"] is False  # Tết
    spans = rule_periods(parse_rule("monthly:5"), START, date(2027, 12, 1))
    for month, span in enumerate(spans, start=1):
        deadline = span.deadline
        if month == 2:
            assert deadline == date(2027, 2, 11)  # 5/2 is in Tết 2027 (4-10/2): next working day
        result = sweep(db, cfg, at(deadline, time(6)))
        assert result["reminders"] >= 1 and result["digests"] == 1, month
        expected.append(("due", deadline))
        done = deadline
        if month == 3:  # the March report is late: reminded as overdue three working days on
            done = deadline + timedelta(days=5)
            assert sweep(db, cfg, at(done, time(6)))["digests"] == 1
            expected.append(("overdue", done))
        assert task_row(db, task_id).deadline == deadline  # the sweep moved the task on
        finish(db, task_id, done)
    made = reminders_of(db, task_id)
    assert [r for r in made if r[0] in ("due", "overdue")] == sorted(expected)
    assert {k for k, _ in made} <= {"due", "overdue", "stale"}  # stale: 30 days without a report

    rows = period_rows(db, task_id)
    assert len(rows) == 12 and [r.seq for r in rows] == list(range(1, 13))
    assert rows[-1].deadline == date(2027, 12, 6)  # 5/12/2027 is a Sunday
    assert all(r.confirmed_by == "vanphong" for r in rows)
    as_of = date(2027, 12, 31)
    buckets = [periods.period_bucket(r, as_of) for r in rows]
    assert buckets.count(Bucket.DONE_LATE) == 1 and buckets[2] == Bucket.DONE_LATE
    assert buckets.count(Bucket.DONE_ON_TIME) == 11
    # Materialising again changes nothing (idempotent); 13th period begins only after 6/12.
    with db.write() as s:
        assert len(periods.materialise(s, s.get(TaskRow, task_id), date(2027, 12, 6))) == 12

    report_march(db)

    with running_sink() as sink:
        smtp = SmtpConfig(host="127.0.0.1", port=sink.port, sender="dondoc@langson.example.org",
                          security="none", local_hostname="langson.example.org")  # fmt: skip
        stats = deliver(db, smtp, at(date(2027, 12, 31), time(8)))
        assert stats.sent == 13  # one digest per sweep: 12 deadlines and March's overdue
        mails = sink.parsed()
    assert {m["To"].addresses[0].addr_spec for m in mails} == {SNGV}
    dates = {d.strftime("%d/%m/%Y") for _, d in expected}
    bodies = [m.get_body(("plain",)).get_content() for m in mails]
    assert all(any(d in b for b in bodies) for d in dates)


def report_march(db: Database) -> None:
    """The March report counts periods, not the task: Jan and Feb on time, March late, April
    (begun 6/3) open; it lists March's period; HTML and DOCX show it."""
    with db.read() as s:
        rollup = build_rollup(s, date(2027, 3, 31))
    c = rollup.totals
    assert (c.done_on_time, c.done_late, c.open_on_time, c.total) == (2, 1, 1, 4)
    assert c.on_time_rate == 2 / 3
    (line,) = rollup.periods_due
    assert (line.seq, line.deadline, line.bucket) == (3, date(2027, 3, 5), "done_late")
    html = render_dashboard_html(rollup, standalone=True)
    assert "Các kỳ báo cáo định kỳ đến hạn trong tháng 3/2027 (1)" in html
    sheet = load_workbook(io.BytesIO(build_xlsx(rollup)))["Kỳ định kỳ"]
    assert [c.value for c in sheet[5]][5:] == [3, datetime(2027, 3, 5), datetime(2027, 3, 10),
                                               "Hoàn thành quá hạn"]  # fmt: skip
    doc = Document(io.BytesIO(build_docx(rollup)))
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Hoàn thành quá hạn" in texts and "05/03/2027" in texts


def test_a_new_period_begins_while_the_previous_is_open_and_the_task_stays_on_the_late_one(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    task_id = recurring_task(db, ids)
    with db.write() as s:
        assert periods.materialise_due(s, date(2027, 1, 20)) == 1  # period 2 began on 6/1
    rows = period_rows(db, task_id)
    assert [r.deadline for r in rows] == [date(2027, 1, 5), date(2027, 2, 11)]
    assert [periods.period_bucket(r, date(2027, 1, 20)) for r in rows] == [
        Bucket.OPEN_OVERDUE, Bucket.OPEN_ON_TIME]  # fmt: skip
    assert task_row(db, task_id).deadline == date(2027, 1, 5)
    finish(db, task_id, date(2027, 1, 20))  # January confirmed late: the task moves on
    task = task_row(db, task_id)
    assert (task.deadline, task.state, task.completed_on) == (date(2027, 2, 11), "new", None)


def test_the_rule_is_edited_with_validation_and_untouched_periods_are_planned_again(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    task_id = recurring_task(db, ids)
    with db.write() as s:
        try:
            edit_task(s, task_id, version=None, actor=OFFICE, fields={"recurrence": "monthly:99"},
                      today=START)  # fmt: skip
        except ValueError as exc:
            assert "Ngày trong tháng" in str(exc)
        else:
            raise AssertionError("an invalid rule was accepted")
    assert task_row(db, task_id).recurrence == "monthly:5"
    with db.write() as s:
        edit_task(s, task_id, version=None, actor=OFFICE, fields={"recurrence": "quarterly:end"},
                  today=START)  # fmt: skip
    rows = period_rows(db, task_id)
    assert [(r.seq, r.deadline) for r in rows] == [(1, date(2027, 3, 31))]
    assert task_row(db, task_id).deadline == date(2027, 3, 31)


def test_clearing_the_deadline_of_a_recurring_task_keeps_the_period_date(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    task_id = recurring_task(db, ids)
    with db.write() as s:
        edit_task(s, task_id, version=None, actor=OFFICE,
                  fields={"deadline": date(2027, 1, 12)}, today=START)  # fmt: skip
    assert [(r.deadline, r.original_deadline) for r in period_rows(db, task_id)] == [
        (date(2027, 1, 12), date(2027, 1, 5))]  # fmt: skip
    with pytest.raises(TaskOpError, match="không bỏ thời hạn được"), db.write() as s:
        edit_task(s, task_id, version=None, actor=OFFICE, fields={"deadline": None}, today=START)
    assert task_row(db, task_id).deadline == date(2027, 1, 12)
