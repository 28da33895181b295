"""Recurrence rules of periodic tasks (nhiệm vụ định kỳ) and the deadlines of their periods (kỳ).

A rule string (the contract with the parser, see RECURRENCE.md) is one of:
`weekly:<day>`, `weeks:<N>:<day>`, `monthly:<D|end>`, `quarterly:<D|end>`,
`semiannual:MM-DD,MM-DD`, `yearly:MM-DD[,MM-DD…]`. A period's nominal deadline that falls on a
day off moves to the next working day (Bộ luật Dân sự, Điều 148). Pure: no I/O.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("weekly", "weeks", "monthly", "quarterly", "semiannual", "yearly")
MAX_LENGTH = 40  # tasks.recurrence is String(40)
RULE_HELP = (
    "Quy tắc định kỳ không hợp lệ: dùng weekly:fri, weeks:2:fri, monthly:20, monthly:end, "
    "quarterly:end, semiannual:06-30,12-31 hoặc yearly:06-30"
)

UNTIL_BEFORE_START = "Ngày kết thúc định kỳ không được trước ngày bắt đầu của nhiệm vụ."


class RecurrenceError(ValueError):
    """A rule string that is not one of the forms above (message in Vietnamese)."""


@dataclass(frozen=True)
class Rule:
    """Quy tắc định kỳ: its kind and the numbers it needs."""

    kind: str
    weekday: int = 4  # weekly, weeks: 0 = Monday
    every: int = 1  # weeks: N weeks between deadlines
    day: int | None = None  # monthly, quarterly: day of the month (None: the month's end)
    dates: tuple[tuple[int, int], ...] = ()  # semiannual, yearly: (month, day) pairs

    def __str__(self) -> str:
        return format_rule(self)


@dataclass(frozen=True)
class PeriodSpan:
    """Một kỳ: its order (1-based), first day and deadline (already a working day)."""

    seq: int
    starts: date
    deadline: date
    nominal: date  # the deadline by the rule, before moving off a day off


def parse_rule(text: str) -> Rule:
    """The rule of `text`, or RecurrenceError with a Vietnamese message."""
    raw = (text or "").strip().lower()
    if not raw or len(raw) > MAX_LENGTH or ":" not in raw:
        raise RecurrenceError(RULE_HELP)
    kind, _, rest = raw.partition(":")
    try:
        if kind == "weekly":
            return Rule("weekly", weekday=_weekday(rest))
        if kind == "weeks":
            n, _, day = rest.partition(":")
            every = int(n)
            if not 1 <= every <= 52:
                raise RecurrenceError("Số tuần của kỳ phải từ 1 đến 52")
            return Rule("weeks", weekday=_weekday(day or "fri"), every=every)
        if kind in ("monthly", "quarterly"):
            return Rule(kind, day=_month_day(rest))
        if kind in ("semiannual", "yearly"):
            dates = _dates(rest)
            if kind == "semiannual" and len(dates) != 2:
                raise RecurrenceError("Kỳ 6 tháng cần đúng hai ngày, ví dụ semiannual:06-30,12-31")
            return Rule(kind, dates=dates)
    except RecurrenceError:
        raise
    except ValueError:
        raise RecurrenceError(RULE_HELP) from None
    raise RecurrenceError(RULE_HELP)


def validate_rule(text: str) -> str:
    """The rule in its canonical spelling (for storage), or RecurrenceError."""
    return format_rule(parse_rule(text))


def format_rule(rule: Rule) -> str:
    if rule.kind == "weekly":
        return f"weekly:{WEEKDAYS[rule.weekday]}"
    if rule.kind == "weeks":
        return f"weeks:{rule.every}:{WEEKDAYS[rule.weekday]}"
    if rule.kind in ("monthly", "quarterly"):
        return f"{rule.kind}:{'end' if rule.day is None else rule.day}"
    return f"{rule.kind}:" + ",".join(f"{m:02d}-{d:02d}" for m, d in rule.dates)


def describe_rule(rule: Rule) -> str:
    """The rule in Vietnamese words, for pages and reports."""
    day_vi = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
    if rule.kind == "weekly":
        return f"Hằng tuần, {day_vi[rule.weekday]}"
    if rule.kind == "weeks":
        return f"Định kỳ {rule.every:02d} tuần/lần, {day_vi[rule.weekday]}"
    if rule.kind == "monthly":
        return "Hằng tháng, cuối tháng" if rule.day is None else f"Hằng tháng, ngày {rule.day}"
    if rule.kind == "quarterly":
        when = "cuối quý" if rule.day is None else f"ngày {rule.day} tháng cuối quý"
        return f"Hằng quý, {when}"
    dates = ", ".join(f"{d:02d}/{m:02d}" for m, d in rule.dates)
    return f"{'6 tháng' if rule.kind == 'semiannual' else 'Hằng năm'}, ngày {dates}"


def nominal_deadlines(rule: Rule, start: date) -> Iterator[date]:
    """Every nominal deadline on or after `start`, in order, without end."""
    if rule.kind in ("weekly", "weeks"):
        first = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
        step = timedelta(weeks=rule.every)
        while True:
            yield first
            first += step
    elif rule.kind in ("monthly", "quarterly"):
        months = 1 if rule.kind == "monthly" else 3
        month = start.year * 12 + start.month - 1
        if months == 3:
            month += 2 - month % 3  # the last month of the quarter
        while True:
            day = _on_day(month // 12, month % 12 + 1, rule.day)
            if day >= start:
                yield day
            month += months
    else:
        year = start.year
        while True:
            for m, d in sorted(rule.dates):
                day = date(year, m, min(d, _cal.monthrange(year, m)[1]))
                if day >= start:
                    yield day
            year += 1


def periods(
    rule: Rule,
    start: date,
    until: date,
    end: date | None = None,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
) -> list[PeriodSpan]:
    """The periods that have begun by `until` (their first day on or before it).

    The first period starts on `start`; each next one the day after the previous deadline, and
    its deadline is the rule's first date from that day on (so a holiday that pushes a deadline
    past the next date merges the two, never yields a period ending before it begins).
    With `end`, no period has its nominal deadline after `end`.
    """
    spans: list[PeriodSpan] = []
    begins = start
    dates = nominal_deadlines(rule, start)
    while begins <= until and len(spans) < 10_000:
        nominal = next(dates)
        while nominal < begins:
            nominal = next(dates)
        if end is not None and nominal > end:
            break
        deadline = calendar.roll_forward(nominal)
        spans.append(PeriodSpan(len(spans) + 1, begins, deadline, nominal))
        begins = deadline + timedelta(days=1)
    return spans


def _weekday(text: str) -> int:
    if text not in WEEKDAYS:
        raise RecurrenceError("Ngày trong tuần phải là mon, tue, wed, thu, fri, sat hoặc sun")
    return WEEKDAYS.index(text)


def _month_day(text: str) -> int | None:
    if text == "end":
        return None
    day = int(text)
    if not 1 <= day <= 31:
        raise RecurrenceError("Ngày trong tháng phải từ 1 đến 31 hoặc end (cuối tháng)")
    return day


def _dates(text: str) -> tuple[tuple[int, int], ...]:
    pairs = []
    for part in text.split(","):
        m, _, d = part.strip().partition("-")
        month, day = int(m), int(d)
        if not 1 <= month <= 12 or not 1 <= day <= _cal.monthrange(2024, month)[1]:
            raise RecurrenceError(f"Ngày {part.strip()} không hợp lệ (dạng MM-DD, ví dụ 06-30)")
        pairs.append((month, day))
    if not pairs or len(pairs) > 12:
        raise RecurrenceError(RULE_HELP)
    return tuple(sorted(set(pairs)))


def _on_day(year: int, month: int, day: int | None) -> date:
    last = _cal.monthrange(year, month)[1]
    return date(year, month, last if day is None else min(day, last))
