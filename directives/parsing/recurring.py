"""Recurring reports ("định kỳ hằng tháng trước ngày 20"): the rule and its next occurrence."""

from __future__ import annotations

import re
from datetime import date, timedelta

from directives.models import DeadlineKind
from directives.parsing.dates import DeadlineFound, Reader, month_end, safe_date

_RECUR = re.compile(
    r"\b(?P<dk>định kỳ\s*,?\s*)?(?:(?:hằng|hàng)\s+(?P<per>tuần|tháng|quý|năm)|"
    r"(?<=định kỳ )(?P<per2>6 tháng|tháng|quý|năm))"
)
_RECUR_DAY = re.compile(
    r"(?:trước|vào|chậm nhất|trước ngày|ngày)\s*(?:ngày\s+)?(?P<day>\d{1,2})\b(?!\s*[/.\-]\s*\d)"
)
_RECUR_DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\b(?!\s*/\s*\d)")
_SENTENCE_END = re.compile(r"[.;](?!\d)")
_REPORT = re.compile(r"báo cáo|gửi")


def _next_monthly(after: date, day: int) -> date:
    year, month = after.year, after.month
    for _ in range(13):
        candidate = safe_date(year, month, day)
        if candidate and candidate > after:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return after


def _next_quarterly(after: date, day: int | None) -> date:
    for q_end_month in (3, 6, 9, 12, 15):
        year = after.year + (1 if q_end_month == 15 else 0)
        month = 3 if q_end_month == 15 else q_end_month
        candidate = safe_date(year, month, day) if day else month_end(year, month)
        if candidate and candidate > after:
            return candidate
    return after


def find_recurring(folded: str, text: str, r: Reader) -> DeadlineFound | None:
    for m in _RECUR.finditer(folded):
        per = m["per"] or m["per2"]
        window = folded[max(0, m.start() - 60) : m.end() + 80]
        stop = _SENTENCE_END.search(folded, m.end())
        limit = stop.start() if stop else len(folded)
        day_m = _RECUR_DAY.search(folded, m.end(), limit) or _RECUR_DAY.search(
            folded, max(0, m.start() - 40), m.start()
        )
        if not (m["dk"] or day_m or _REPORT.search(window)):
            continue
        day = int(day_m["day"]) if day_m and 1 <= int(day_m["day"]) <= 31 else None
        words = text[m.start() : m.end()].strip()
        if day_m:
            before, after = sorted((m.span(), day_m.span()))
            gap = after[0] - before[1]
            joined = " … " if gap > 3 else text[before[1] : after[0]]
            words = f"{text[before[0] : before[1]]}{joined}{text[after[0] : after[1]]}".strip()
        found = DeadlineFound(DeadlineKind.RECURRING, None, words, None, [], m.start())
        _fill_recurrence(found, per, day, folded[m.end() : limit], r)
        return found
    return None


def _fill_recurrence(found: DeadlineFound, per: str, day: int | None, rest: str, r: Reader) -> None:
    after = r.issued
    if per == "tháng":
        found.recurrence = f"monthly:{day or 'end'}"
        if after:
            found.on = _next_monthly(after, day) if day else month_end(*_next_month(after))
    elif per == "quý":
        found.recurrence = f"quarterly:{day or 'end'}"
        found.on = _next_quarterly(after, day) if after else None
    elif per == "tuần":
        found.recurrence = "weekly:fri"
        found.on = after + timedelta(days=(4 - after.weekday()) % 7 or 7) if after else None
    else:
        semi = per.startswith("6")
        dates = [(int(d["m"]), int(d["d"])) for d in _RECUR_DATE.finditer(rest)]
        dates = [(mo, dd) for mo, dd in dates if 1 <= mo <= 12 and 1 <= dd <= 31]
        dates = dates or ([(6, 30), (12, 31)] if semi else [(12, 31)])
        kind = "semiannual" if semi else "yearly"
        found.recurrence = f"{kind}:" + ",".join(f"{mo:02d}-{dd:02d}" for mo, dd in dates)
        if after:
            found.on = min(_next_yearly(after, mo, dd) for mo, dd in dates)
    if after is None:
        found.warnings.append("issue date unknown: next occurrence not computed")


def _next_month(after: date) -> tuple[int, int]:
    return (
        (after.year, after.month)
        if after.day < month_end(after.year, after.month).day
        else ((after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1))
    )


def _next_yearly(after: date, month: int, day: int) -> date:
    this_year = safe_date(after.year, month, day)
    if this_year and this_year > after:
        return this_year
    return safe_date(after.year + 1, month, day) or after
