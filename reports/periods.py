"""Reporting periods (kỳ báo cáo): month, quarter, half-year, year.

Two conventions: calendar periods, or the cut-off of Nghị định 09/2019/NĐ-CP where a monthly
period runs from the 15th of the previous month to the 14th (quarter: 15th of the month before
the quarter to the 14th of its last month; half-year 15/12 → 14/6 and 15/6 → 14/12; year
15/12 → 14/12).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class Cutoff(StrEnum):
    CALENDAR = "calendar"
    ND09 = "nd09"


MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
ROMAN = ("I", "II", "III", "IV")
CUTOFF_DAY = 14  # NĐ 09/2019: figures are closed on the 14th, the next period opens on the 15th


@dataclass(frozen=True)
class Period:
    """One reporting period, identified by its kind, year and index within the year (1-based)."""

    kind: PeriodKind
    cutoff: Cutoff
    year: int
    index: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """Vietnamese name: "Tháng 3/2025", "Quý I/2025", "6 tháng đầu năm 2025", "Năm 2025"."""
        if self.kind == PeriodKind.MONTH:
            return f"Tháng {self.index}/{self.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"Quý {ROMAN[self.index - 1]}/{self.year}"
        if self.kind == PeriodKind.HALF:
            half = "đầu" if self.index == 1 else "cuối"
            return f"6 tháng {half} năm {self.year}"
        return f"Năm {self.year}"

    @property
    def short_label(self) -> str:
        """A compact label for chart axes: "T3/25", "Q1/25", "H1/25", "2025"."""
        yy = f"{self.year % 100:02d}"
        prefix = {PeriodKind.MONTH: "T", PeriodKind.QUARTER: "Q", PeriodKind.HALF: "H"}
        if self.kind == PeriodKind.YEAR:
            return str(self.year)
        return f"{prefix[self.kind]}{self.index}/{yy}"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.kind.value[0].upper()}{self.index:02d}"

    def previous(self) -> Period:
        return _make(
            self.kind, self.cutoff, self.year * 12 + _end_month(self) - 1 - MONTHS[self.kind]
        )


def period_containing(day: date, kind: PeriodKind, cutoff: Cutoff = Cutoff.CALENDAR) -> Period:
    """The period `day` is reported in."""
    year, month = day.year, day.month
    if cutoff == Cutoff.ND09 and day.day > CUTOFF_DAY:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    size = MONTHS[kind]
    end_month = ((month - 1) // size + 1) * size
    return _make(kind, cutoff, year * 12 + end_month - 1)


def recent_periods(
    day: date, kind: PeriodKind, cutoff: Cutoff = Cutoff.CALENDAR, count: int = 6
) -> list[Period]:
    """The `count` periods up to and including the one containing `day`, oldest first."""
    periods = [period_containing(day, kind, cutoff)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def _end_month(period: Period) -> int:
    return period.index * MONTHS[period.kind]


def _make(kind: PeriodKind, cutoff: Cutoff, end_serial: int) -> Period:
    """A period from the serial number (year * 12 + month - 1) of its last month."""
    size = MONTHS[kind]
    year, end_month = divmod(end_serial, 12)
    end_month += 1
    first_serial = end_serial - size + 1
    if cutoff == Cutoff.ND09:
        before = first_serial - 1
        start = date(before // 12, before % 12 + 1, CUTOFF_DAY + 1)
        end = date(year, end_month, CUTOFF_DAY)
    else:
        start = date(first_serial // 12, first_serial % 12 + 1, 1)
        end = date(year, end_month, calendar.monthrange(year, end_month)[1])
    return Period(kind, cutoff, year, end_month // size, start, end)
