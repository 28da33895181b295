"""The working-day calendar as a table, so SQL can add working days by a join."""

from __future__ import annotations

from datetime import date
from typing import Any

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


CalendarRow = tuple[date, bool, int]  # day, is working, work_index


def calendar_rows(
    session: Session, start: date | None = None, end: date | None = None
) -> list[CalendarRow]:
    """(day, is_working, work_index) of [start, end], or of the whole table."""
    cd = CalendarDay
    stmt = sa.select(cd.day, cd.is_working, cd.work_index)
    if start is not None and end is not None:
        stmt = stmt.where(cd.day.between(start, end))
    return list(session.execute(stmt).tuples().all())


def calendar_bounds(session: Session) -> tuple[Any, Any, Any, Any]:
    """The first and last day of the table, and the lowest and highest working day's index
    (dates and ints; all None on an empty table)."""
    cd = CalendarDay
    working_index = sa.case((cd.is_working, cd.work_index))
    first, last, lo, hi = session.execute(
        sa.select(sa.func.min(cd.day), sa.func.max(cd.day), sa.func.min(working_index),
                  sa.func.max(working_index))
    ).one()  # fmt: skip
    return first, last, lo, hi
