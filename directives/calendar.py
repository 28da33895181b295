"""Working-day calendar of Vietnamese state agencies (lịch làm việc).

Monday to Friday, minus public holidays from the `holidays` package (lunar ones included),
corrected by a dated override table. A deadline falling on a day off moves to the next
working day (Bộ luật Dân sự 2015, Điều 148).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from directives.calendar_overrides import OVERRIDES

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=64)
def _vn_working_days(year: int) -> frozenset[date]:
    """Working days of a year per `holidays` (it knows make-up Saturdays of known swaps)."""
    import holidays  # loads on use: a report or a page reads the stored calendar instead

    # Load neighbouring years too: swaps across a year boundary need both (holidays#2196).
    vn = holidays.country_holidays("VN", years=[year - 1, year, year + 1])
    return frozenset(d for d in _days(date(year, 1, 1), date(year, 12, 31)) if vn.is_working_day(d))


class WorkCalendar:
    """Lịch ngày làm việc: answers whether a day is worked and does working-day arithmetic."""

    def __init__(self, overrides: Mapping[date, tuple[bool, str]] | None = None) -> None:
        self._overrides = dict(OVERRIDES if overrides is None else overrides)

    def is_working_day(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day][0]
        return day in _vn_working_days(day.year)

    def roll_forward(self, day: date) -> date:
        """The day itself if worked, else the next working day (Điều 148 BLDS)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (the start day is not counted); n may be negative."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start + timedelta(days=1), end) if self.is_working_day(d))

    def days(self, start: date, end: date) -> Iterator[tuple[date, bool]]:
        """Every day from start to end inclusive with whether it is worked."""
        for d in _days(start, end):
            yield d, self.is_working_day(d)


def _days(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


DEFAULT_CALENDAR = WorkCalendar()
