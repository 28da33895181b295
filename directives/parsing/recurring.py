"""Recurring reports ("định kỳ hằng tháng trước ngày 20"): the rule and its next occurrence."""

from __future__ import annotations

import re
from datetime import date, timedelta

from directives.models import DeadlineKind
from directives.parsing.dates import DeadlineFound, Reader, month_end, safe_date
from directives.parsing.recurrence_end import recurrence_until

_RECUR = re.compile(
    r"\b(?P<dk>định kỳ\s*,?\s*)?(?:(?:hằng|hàng)\s+(?P<per>tuần|tháng|quý|năm)|"
    r"(?<=định kỳ )(?P<per2>6 tháng|tháng|quý|năm))"
)
# "định kỳ 02 tuần/lần", "03 tháng một lần": a period of N weeks or months.
_EVERY_N = re.compile(
    r"\b(?:định kỳ\s*,?\s*)?(?P<n>\d{1,2})\s*(?P<unit>tuần|tháng)\s*(?:/|một|1)\s*lần\b"
)
_WEEKDAY = re.compile(
    r"\b(?:vào\s+)?(?:ngày\s+)?(?P<day>thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)\b"
)
_DAYS = {
    "thứ hai": "mon", "thứ ba": "tue", "thứ tư": "wed", "thứ năm": "thu", "thứ sáu": "fri",
    "thứ bảy": "sat", "chủ nhật": "sun", "thứ 2": "mon", "thứ 3": "tue", "thứ 4": "wed",
    "thứ 5": "thu", "thứ 6": "fri", "thứ 7": "sat",
}  # fmt: skip
_WEEKDAY_NO = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
# "trước ngày 30 tháng 6 hằng năm", "ngày 15/12 hằng năm": the yearly date before the words.
_YEAR_DATE = re.compile(
    r"(?<![\d/])(?P<d>\d{1,2})\s*(?:/|\s+tháng\s+)\s*(?P<m>\d{1,2})\b(?!\s*(?:/|năm)\s*\d)"
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


def _every_n(folded: str, text: str, r: Reader) -> DeadlineFound | None:
    """ "định kỳ 02 tuần/lần" → weeks:2:fri; "03 tháng/lần" → the quarter's rule, and so on."""
    m = _EVERY_N.search(folded)
    if not m:
        return None
    n, words = int(m["n"]), text[m.start() : m.end()].strip()
    found = DeadlineFound(DeadlineKind.RECURRING, None, words, None, [], m.start())
    if m["unit"] == "tuần":
        day = _weekday(folded, m.end())
        found.recurrence = f"weekly:{day}" if n == 1 else f"weeks:{n}:{day}"
        if r.issued:  # the first report falls on the first such weekday, then every N weeks
            ahead = (_WEEKDAY_NO[day] - r.issued.weekday()) % 7 or 7
            found.on = r.issued + timedelta(days=ahead)
        return found
    per = {1: "tháng", 3: "quý", 6: "6 tháng", 12: "năm"}.get(n)
    if per is None:
        return None
    _fill_recurrence(found, per, None, folded[m.end() : m.end() + 80], r)
    return found


def _weekday(folded: str, at: int, before: int | None = None) -> str:
    """The weekday named after the period words, or just before them ("thứ Hai hằng tuần")."""
    w = _WEEKDAY.search(folded, at, at + 40)
    if w is None and before is not None:
        w = next(reversed(list(_WEEKDAY.finditer(folded, max(0, before - 40), before))), None)
    return _DAYS[re.sub(r"thứ\s*", "thứ ", w["day"])] if w else "fri"


def find_recurring(folded: str, text: str, r: Reader) -> DeadlineFound | None:
    """The recurrence the text states, with its end if the same sentence says one."""
    found = _find_recurring(folded, text, r)
    if found is not None:
        found.until = recurrence_until(folded, found.start)
    return found


def _find_recurring(folded: str, text: str, r: Reader) -> DeadlineFound | None:
    if "lần" in folded and (every := _every_n(folded, text, r)):
        return every
    for m in _RECUR.finditer(folded):
        per = m["per"] or m["per2"]
        window = folded[max(0, m.start() - 60) : m.end() + 80]
        stop = _SENTENCE_END.search(folded, m.end())
        limit = stop.start() if stop else len(folded)
        day_m = _RECUR_DAY.search(folded, m.end(), limit) or _RECUR_DAY.search(
            folded, max(0, m.start() - 40), m.start()
        )
        weekday = per == "tuần" and _WEEKDAY.search(folded, max(0, m.start() - 40), m.end() + 40)
        if not (m["dk"] or day_m or weekday or _REPORT.search(window)):
            continue
        day = int(day_m["day"]) if day_m and 1 <= int(day_m["day"]) <= 31 else None
        words = text[m.start() : m.end()].strip()
        if day_m:
            before, after = sorted((m.span(), day_m.span()))
            gap = after[0] - before[1]
            joined = " … " if gap > 3 else text[before[1] : after[0]]
            words = f"{text[before[0] : before[1]]}{joined}{text[after[0] : after[1]]}".strip()
        found = DeadlineFound(DeadlineKind.RECURRING, None, words, None, [], m.start())
        if per == "năm" and not _RECUR_DATE.search(folded, m.end(), limit):
            preceding = folded[max(0, m.start() - 40) : m.start()]
            dates = [(d["m"], d["d"]) for d in _YEAR_DATE.finditer(preceding)]
            rest = " ".join(f"{d}/{mo}" for mo, d in dates) + " " + folded[m.end() : limit]
        else:
            rest = folded[m.end() : limit]
        _fill_recurrence(found, per, day if per != "năm" else None, rest, r)
        if per == "tuần":
            found.recurrence = f"weekly:{_weekday(folded, m.end(), m.start())}"
            if r.issued:
                ahead = (_WEEKDAY_NO[found.recurrence[7:]] - r.issued.weekday()) % 7 or 7
                found.on = r.issued + timedelta(days=ahead)
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
