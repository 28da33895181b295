"""Every open period that has begun is reminded by the same policy, on SQLite and PostgreSQL.

A monthly report (monthly:5) registered on 4/1/2027, swept every working day through the real
sweep and delivered to a real SMTP server (aiosmtpd). January and February are confirmed on
their deadlines; March (5/3) stays open until 6/4. April's period (begun 6/3) is reminded before
its deadline 5/4 while March is still open, and on 5/4 one digest carries both: April due that
day, March overdue, each line naming its period. Confirming March leaves April's reminders going.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

import sqlalchemy as sa

from directives.calendar import DEFAULT_CALENDAR
from flows.jobs import sweep
from notifications.delivery import deliver
from notifications.mail_sink import running_sink
from notifications.policy import DayIndex
from notifications.smtp import SmtpConfig
from storage.db import Database
from storage.models import OutboxRow, ReminderRow
from tests.factories import at, setup
from tests.storage.test_periods import SNGV, finish, recurring_task, settings_for

DAYS = DayIndex.from_calendar(DEFAULT_CALENDAR, date(2026, 12, 1), date(2027, 6, 30))
MARCH, APRIL = date(2027, 3, 5), date(2027, 4, 5)
FINISHED = {date(2027, 1, 5), date(2027, 2, 11), date(2027, 4, 6)}  # Jan, Feb, then March


def work(day: date, n: int) -> date:
    """The working day `n` working days after (before, when negative) `day`."""
    return DAYS.day(DAYS.index(day) + n)


def deadline_kinds(db: Database, task_id: int) -> Counter[tuple[int, str, date]]:
    """(period, kind, slot) of the lead's before/due/overdue reminders, with their counts."""
    r = ReminderRow
    stmt = sa.select(r.period_seq, r.kind, r.slot).where(
        r.task_id == task_id, r.recipient == SNGV, r.kind.in_(["before_5", "before_2", "due",
                                                               "overdue"])
    )  # fmt: skip
    with db.read() as s:
        return Counter(tuple(row) for row in s.execute(stmt))


def test_a_later_period_is_reminded_while_the_earlier_is_open_and_after_it_is_confirmed(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    task_id = recurring_task(db, ids)
    cfg = settings_for(db)
    assert APRIL == work(APRIL, 0) and MARCH == work(MARCH, 0)  # both working days
    day, end = date(2027, 1, 4), date(2027, 4, 16)
    while day <= end:
        if DAYS.is_working(day):
            sweep(db, cfg, at(day, time(6)))
            sweep(db, cfg, at(day, time(20)))  # an evening re-run: nothing new, nothing twice
            if day in FINISHED:
                finish(db, task_id, day)
        day += timedelta(days=1)

    got = deadline_kinds(db, task_id)
    assert set(got.values()) == {1}  # nothing twice
    march = {(3, "before_5", work(MARCH, -5)), (3, "before_2", work(MARCH, -2)), (3, "due", MARCH)}
    march |= {(3, "overdue", work(MARCH, k)) for k in range(3, 22, 3)}  # until 5/4: 21 days on
    april = {(4, "before_5", work(APRIL, -5)), (4, "before_2", work(APRIL, -2)), (4, "due", APRIL)}
    april |= {(4, "overdue", work(APRIL, k)) for k in (3, 6, 9) if work(APRIL, k) <= end}
    assert work(MARCH, 21) == APRIL  # March's 7th overdue reminder falls on April's deadline
    assert {k for k in got if k[0] in (3, 4)} == march | april

    with db.read() as s:  # one digest per recipient per send day
        keys = [k for (k,) in s.execute(sa.select(OutboxRow.key).where(OutboxRow.kind == "digest"))]
    assert not [k for k in keys if k.count(":") > 2], keys

    with running_sink() as sink:
        smtp = SmtpConfig(host="127.0.0.1", port=sink.port, sender="dondoc@langson.example.org",
                          security="none", local_hostname="langson.example.org")  # fmt: skip
        deliver(db, smtp, at(end, time(8)))
        mails = [m for m in sink.parsed() if m["To"].addresses[0].addr_spec == SNGV]
    bodies = [m.get_body(("plain",)).get_content() for m in mails]
    both = [b for b in bodies if "kỳ 4, hạn 05/04/2027" in b and "kỳ 3, hạn 05/03/2027" in b]
    assert len(both) == 1  # the 5/4 digest
    (digest,) = both
    assert "Đến hạn hôm nay" in digest and "Quá hạn 21 ngày làm việc" in digest
    before = work(APRIL, -5)  # April's first reminder, while March is open, names April
    with db.read() as s:
        stmt = sa.select(OutboxRow.message_id).join(
            ReminderRow, ReminderRow.outbox_id == OutboxRow.id
        )
        first = s.execute(stmt.where(ReminderRow.task_id == task_id, ReminderRow.period_seq == 4,
                                     ReminderRow.slot == before, ReminderRow.recipient == SNGV)
                          ).scalar_one()  # fmt: skip
    (mail,) = [m for m in mails if m["Message-ID"] == first]
    text = mail.get_body(("plain",)).get_content()
    assert "kỳ 4, hạn 05/04/2027" in text and "Còn 5 ngày làm việc" in text
