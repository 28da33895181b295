"""The working-day calendar as a table, so SQL can add working days by a join."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from storage.models import CalendarDay

FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2035, 12, 31)


def sync_calendar(
    session: Session,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
    start: date = FIRST_DAY,
    end: date = LAST_DAY,
) -> int:
    """Rewrite calendar_day for [start, end]; `work_index` is the running count of working days."""
    session.execute(sa.delete(CalendarDay).where(CalendarDay.day.between(start, end)))
    rows, index = [], 0
    for day, working in calendar.days(start, end):
        index += working
        rows.append({"day": day, "is_working": working, "work_index": index})
    session.execute(sa.insert(CalendarDay), rows)
    return len(rows)
