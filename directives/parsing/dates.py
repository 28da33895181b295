"""Shared pieces of deadline reading: the result type and dates resolved against the issue."""

from __future__ import annotations

import calendar as cal
from dataclasses import dataclass, field
from datetime import date

from directives.calendar import WorkCalendar
from directives.models import DeadlineKind


@dataclass(slots=True)
class DeadlineFound:
    """A deadline read from text: kind, date if any, the words, and what was assumed."""

    kind: DeadlineKind
    on: date | None = None
    text: str | None = None
    recurrence: str | None = None
    warnings: list[str] = field(default_factory=list)
    start: int = 0
    until: date | None = None  # a recurring task's end, when the sentence says it

    @property
    def recurring(self) -> bool:
        return self.kind == DeadlineKind.RECURRING


def month_end(year: int, month: int) -> date:
    return date(year, month, cal.monthrange(year, month)[1])


def safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12 and 1 <= day):
        return None
    return (
        date(year, month, min(day, cal.monthrange(year, month)[1])) if 1900 < year < 2200 else None
    )


class Reader:
    """Resolves dates against the issue date and collects warnings."""

    def __init__(self, issued: date | None, calendar: WorkCalendar) -> None:
        self.issued = issued
        self.calendar = calendar

    def year(
        self, raw: str | None, warnings: list[str], month: int = 12, day: int = 31
    ) -> int | None:
        if raw and raw != "nay":
            y = int(raw)
            return y + 2000 if y < 100 else y
        if self.issued is None:
            warnings.append("year not written and the issue date is unknown")
            return None
        if raw is None:
            warnings.append("year not written: taken from the document")
        candidate = safe_date(self.issued.year, month, day)
        if raw is None and candidate and candidate < self.issued:
            return self.issued.year + 1
        return self.issued.year
