"""Deadline phrases (thời hạn) → a kind, a date and the words they came from.

Phrases are matched on folded text (lower case, one tone placement). Periods end on their last
day; đầu/giữa/cuối tháng are day 1/15/last (Bộ luật Dân sự 2015, Điều 146). A date without a
year takes the document's year, or the next one when that would fall before the issue date.
"""

from __future__ import annotations

import calendar as cal
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.models import DeadlineKind

_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DATE = (
    r"(?:(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s*(?:năm\s+|/\s*)(?P<y2>\d{4}))?)(?![\d/])"
)
_TIME = r"(?:\d{1,2}\s*(?:giờ|h)\s*(?:\d{2}\s*(?:phút|')?)?\s*,?\s*)?"
_CUE = (
    r"(?:trước|chậm nhất(?:\s+(?:là|vào|trước))?|muộn nhất|hạn chót|không quá|đến hết|"
    r"trong|xong|hoàn thành|thời hạn|hạn)"
)
_FIXED = re.compile(rf"\b{_CUE}\s*:?\s*(?:ngày\s+)?{_TIME}(?:ngày\s+)?{_DATE}")
_BARE_YEAR = re.compile(r"\s*(?:trong\s+)?năm\s+(?P<y>\d{4})\b")
_BARE_DATE = re.compile(rf"(?:ngày\s+)?{_DATE}")
_MONTH = re.compile(
    r"(?:\b(?P<cue>trong|trước|hết|cuối|đầu|giữa|xong trong|hoàn thành trong)\s+)?"
    r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?(?![\d/])"
)
_QUARTER = re.compile(
    r"(?:\b(?P<cue>trong|trước|hết|cuối|đầu|giữa|xong trong|hoàn thành trong)\s+)?"
    r"quý\s+(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?"
)
_HALF = re.compile(r"\b(?P<n>3|6|9)\s+tháng\s+(?P<w>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?")
_YEAR = re.compile(r"\b(?P<cue>trong|hết|cuối|đầu|giữa|trước)\s+năm\s+(?P<y>\d{4}|nay)\b")
_YEAR_NO_NUMBER = re.compile(r"\b(?P<cue>cuối|đầu|giữa)\s+năm\b(?!\s+(?:\d|nay|học))")
_DAYS = re.compile(
    r"\b(?:trong|trong vòng|trong thời hạn|trong thời gian|chậm nhất|không quá|sau)\s+"
    r"(?P<n>\d{1,3})\s+ngày(?P<wd>\s+làm việc)?"
    r"(?:\s*,?\s*(?:kể từ|tính từ)\s+(?P<from>[^,.;]{0,80}))?"
)
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
_ONGOING = re.compile(r"\bthường xuyên\b")
_EVENT = re.compile(
    r"\bngay (?:sau )?khi\b[^.;]{0,80}|\bsau khi\b[^.;]{0,60}?(?:phê duyệt|ban hành|được|có|nhận)"
    r"[^.;,]{0,40}|\bkhi có (?:yêu cầu|chỉ đạo|ý kiến)[^.;,]{0,30}"
)


@dataclass(slots=True)
class DeadlineFound:
    """A deadline read from text: kind, date if any, the words, and what was assumed."""

    kind: DeadlineKind
    on: date | None = None
    text: str | None = None
    recurrence: str | None = None
    warnings: list[str] = field(default_factory=list)
    start: int = 0

    @property
    def recurring(self) -> bool:
        return self.kind == DeadlineKind.RECURRING


def _month_end(year: int, month: int) -> date:
    return date(year, month, cal.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12 and 1 <= day):
        return None
    return (
        date(year, month, min(day, cal.monthrange(year, month)[1])) if 1900 < year < 2200 else None
    )


class _Reader:
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
        candidate = _safe_date(self.issued.year, month, day)
        if raw is None and candidate and candidate < self.issued:
            return self.issued.year + 1
        return self.issued.year


def _fixed(m: re.Match[str], r: _Reader, w: list[str]) -> date | None:
    d, mo, y = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
    day, month = int(d), int(mo)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = r.year(y, w, month, day)
    return _safe_date(year, month, day) if year else None


def _month(m: re.Match[str], r: _Reader, w: list[str]) -> date | None:
    month = int(m["m"])
    if not 1 <= month <= 12:
        return None
    year = r.year(m["y"], w, month, 1)
    if year is None:
        return None
    cue = m["cue"] or ""
    if cue == "đầu":
        return date(year, month, 1)
    if cue == "giữa":
        return date(year, month, 15)
    if cue == "trước":
        return date(year, month, 1) - timedelta(days=1)
    return _month_end(year, month)


def _quarter(m: re.Match[str], r: _Reader, w: list[str]) -> date | None:
    q = _Q[m["q"]]
    year = r.year(m["y"], w, q * 3, 28)
    if year is None:
        return None
    if m["cue"] == "đầu":
        return date(year, q * 3 - 2, 1)
    if m["cue"] == "trước":
        return date(year, q * 3 - 2, 1) - timedelta(days=1)
    return _month_end(year, q * 3)


def _half(m: re.Match[str], r: _Reader, w: list[str]) -> date | None:
    year = r.year(m["y"], w)
    if year is None:
        return None
    return _month_end(year, int(m["n"])) if m["w"] == "đầu" else date(year, 12, 31)


def _year(m: re.Match[str], r: _Reader, w: list[str]) -> date | None:
    year = r.year(m.groupdict().get("y"), w)
    if year is None:
        return None
    cue = m["cue"]
    if cue == "đầu":
        return date(year, 1, 1)
    if cue == "giữa":
        return date(year, 6, 30)
    if cue == "trước":
        return date(year - 1, 12, 31)
    return date(year, 12, 31)


# (pattern, resolver, kind, a literal the text must hold for the pattern to be worth trying)
_PERIODS = (
    (_FIXED, _fixed, DeadlineKind.FIXED, ""),
    (_MONTH, _month, DeadlineKind.PERIOD_END, "tháng"),
    (_QUARTER, _quarter, DeadlineKind.PERIOD_END, "quý"),
    (_HALF, _half, DeadlineKind.PERIOD_END, "tháng"),
    (_YEAR, _year, DeadlineKind.PERIOD_END, "năm"),
    (_YEAR_NO_NUMBER, _year, DeadlineKind.PERIOD_END, "năm"),
)
_DIGIT = re.compile(r"\d")


_NOT_A_DEADLINE = re.compile(
    r"(?:kết quả|tình hình|đánh giá|chương trình|kế hoạch|từ|của|so với|cùng kỳ|đến)\s*$"
)


def _dated_period(m: re.Match[str]) -> bool:
    """A period with its year and no cue ("quý 3 năm 2024") unless it names past results."""
    return bool(m["y"]) and not _NOT_A_DEADLINE.search(m.string, max(0, m.start() - 30), m.start())


def _dated(folded: str, text: str, r: _Reader, permissive: bool) -> list[DeadlineFound]:
    found: list[DeadlineFound] = []
    taken: list[tuple[int, int]] = []
    if not _DIGIT.search(folded) and "năm" not in folded:
        return found
    for pattern, resolve, kind, literal in _PERIODS:
        if literal not in folded:
            continue
        for m in pattern.finditer(folded):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if pattern in (_MONTH, _QUARTER) and not (m["cue"] or permissive or _dated_period(m)):
                continue
            w: list[str] = []
            on = resolve(m, r, w)
            if on is not None and not (r.issued and on < r.issued):
                taken.append(m.span())
                found.append(DeadlineFound(kind, on, text[m.start() : m.end()], None, w, m.start()))
    if permissive and not found and (m := _BARE_YEAR.match(folded)):
        found.append(
            DeadlineFound(
                DeadlineKind.PERIOD_END,
                date(int(m["y"]), 12, 31),
                text[m.start() : m.end()].strip(),
                None,
                [],
                m.start(),
            )
        )
    if permissive and not found:
        m = _BARE_DATE.search(folded)
        if m:
            w = []
            on = _fixed(m, r, w)
            if on:
                found.append(
                    DeadlineFound(
                        DeadlineKind.FIXED, on, text[m.start() : m.end()], None, w, m.start()
                    )
                )
    return found


def _working_days(folded: str, text: str, r: _Reader) -> DeadlineFound | None:
    m = _DAYS.search(folded)
    if not m or r.issued is None:
        return None
    n = int(m["n"])
    since = f" (kể từ {text[m.start('from') : m.end('from')].strip()})" if m["from"] else ""
    w = [f"start of the {n}-day period assumed to be the issue date{since}"]
    if m["wd"]:
        on = r.calendar.add_working_days(r.issued, n)
        return DeadlineFound(
            DeadlineKind.WORKING_DAYS, on, text[m.start() : m.end()].strip(), None, w, m.start()
        )
    w.append("calendar days, not working days")
    on = r.issued + timedelta(days=n)
    return DeadlineFound(
        DeadlineKind.FIXED, on, text[m.start() : m.end()].strip(), None, w, m.start()
    )


def _next_monthly(after: date, day: int) -> date:
    year, month = after.year, after.month
    for _ in range(13):
        candidate = _safe_date(year, month, day)
        if candidate and candidate > after:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return after


def _next_quarterly(after: date, day: int | None) -> date:
    for q_end_month in (3, 6, 9, 12, 15):
        year = after.year + (1 if q_end_month == 15 else 0)
        month = 3 if q_end_month == 15 else q_end_month
        candidate = _safe_date(year, month, day) if day else _month_end(year, month)
        if candidate and candidate > after:
            return candidate
    return after


def _recurring(folded: str, text: str, r: _Reader) -> DeadlineFound | None:
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


def _fill_recurrence(
    found: DeadlineFound, per: str, day: int | None, rest: str, r: _Reader
) -> None:
    after = r.issued
    if per == "tháng":
        found.recurrence = f"monthly:{day or 'end'}"
        if after:
            found.on = _next_monthly(after, day) if day else _month_end(*_next_month(after))
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
        if after.day < _month_end(after.year, after.month).day
        else ((after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1))
    )


def _next_yearly(after: date, month: int, day: int) -> date:
    this_year = _safe_date(after.year, month, day)
    if this_year and this_year > after:
        return this_year
    return _safe_date(after.year + 1, month, day) or after


def find_deadline(
    folded: str,
    text: str,
    issued: date | None,
    calendar: WorkCalendar | None = None,
    permissive: bool = False,
) -> DeadlineFound | None:
    """The deadline a piece of text sets, best first: recurring, dated, days, ongoing, event.

    `folded` is `text` folded (same length); `permissive` accepts bare periods and dates, as in
    a "Thời gian thực hiện: Quý II/2024" field.
    """
    r = _Reader(issued, calendar or DEFAULT_CALENDAR)
    recurring = (
        _recurring(folded, text, r)
        if ("hằng" in folded or "hàng" in folded or "định kỳ" in folded)
        else None
    )
    if recurring:
        return recurring
    dated = _dated(folded, text, r, permissive)
    if dated:
        best = max(dated, key=lambda f: f.on or date.min)
        if len({f.on for f in dated}) > 1:
            best.warnings.append("several deadlines in the text: the latest was taken")
        return best
    days = _working_days(folded, text, r) if "ngày" in folded else None
    if days:
        return days
    m = _ONGOING.search(folded) if "thường xuyên" in folded else None
    if m:
        return DeadlineFound(
            DeadlineKind.NONE, None, text[m.start() : m.end()], None, [], m.start()
        )
    m = _EVENT.search(folded) if "khi" in folded else None
    if m:
        words = text[m.start() : m.end()].strip()
        warning = f"deadline tied to an event ({words}): the secretariat sets the date"
        return DeadlineFound(DeadlineKind.EVENT, None, words, None, [warning], m.start())
    return None
