"""Deadline phrases (thời hạn) → a kind, a date and the words they came from.

Phrases are matched on folded text (lower case, one tone placement). Periods end on their last
day; đầu/giữa/cuối tháng are day 1/15/last (Bộ luật Dân sự 2015, Điều 146). A date without a
year takes the document's year, or the next one when that would fall before the issue date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.models import DeadlineKind
from directives.parsing.dates import DeadlineFound, Reader, month_end, safe_date
from directives.parsing.recurring import find_recurring

__all__ = ["DeadlineFound", "find_deadline"]

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
# "từ ngày 15/4/2026 đến ngày 30/5/2026": the work runs until the range's end, its deadline.
_RANGE_END = re.compile(
    r"\btừ\s+(?:ngày\s+)?\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{2,4})?\s*"
    rf"(?:đến|tới|[-–])\s*(?:hết\s+)?(?:ngày\s+)?{_DATE}"
)
_MONTH_RANGE = re.compile(
    r"\btừ\s+tháng\s+\d{1,2}(?:\s*/\s*\d{4})?\s*(?:đến|tới|[-–])\s*(?P<cue>hết\s+)?tháng\s+"
    r"(?P<m>\d{1,2})(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?(?![\d/])"
)
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
# Without a year, "cuối năm" is a deadline only after a cue ("trước cuối năm", "hoàn thành cuối
# năm"); alone it qualifies a noun ("hồ sơ thanh toán cuối năm").
_YEAR_NO_NUMBER = re.compile(
    r"\b(?:trước|trong|vào|đến|hoàn thành|xong|báo cáo|trình)(?:\s+(?:dịp|thời điểm))?\s+"
    r"(?P<cue>cuối|đầu|giữa)\s+năm\b(?!\s+(?:\d|nay|học))"
)
_DAYS = re.compile(
    r"\b(?:trong|trong vòng|trong thời hạn|trong thời gian|chậm nhất|không quá|sau)\s+"
    r"(?P<n>\d{1,3})\s+ngày(?P<wd>\s+làm việc)?"
    r"(?:\s*,?\s*(?:kể từ|tính từ)\s+(?P<from>[^,.;]{0,80}))?"
)
_ONGOING = re.compile(r"\bthường xuyên\b")
_EVENT = re.compile(
    r"\bngay (?:sau )?khi\b[^.;]{0,80}|\bsau khi\b[^.;]{0,60}?(?:phê duyệt|ban hành|được|có|nhận)"
    r"[^.;,]{0,40}|\bkhi có (?:yêu cầu|chỉ đạo|ý kiến)[^.;,]{0,30}"
)


def _fixed(m: re.Match[str], r: Reader, w: list[str]) -> date | None:
    d, mo, y = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
    day, month = int(d), int(mo)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = r.year(y, w, month, day)
    return safe_date(year, month, day) if year else None


def _month(m: re.Match[str], r: Reader, w: list[str]) -> date | None:
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
    return month_end(year, month)


def _quarter(m: re.Match[str], r: Reader, w: list[str]) -> date | None:
    q = _Q[m["q"]]
    year = r.year(m["y"], w, q * 3, 28)
    if year is None:
        return None
    if m["cue"] == "đầu":
        return date(year, q * 3 - 2, 1)
    if m["cue"] == "trước":
        return date(year, q * 3 - 2, 1) - timedelta(days=1)
    return month_end(year, q * 3)


def _half(m: re.Match[str], r: Reader, w: list[str]) -> date | None:
    year = r.year(m["y"], w)
    if year is None:
        return None
    return month_end(year, int(m["n"])) if m["w"] == "đầu" else date(year, 12, 31)


def _year(m: re.Match[str], r: Reader, w: list[str]) -> date | None:
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
    (_RANGE_END, _fixed, DeadlineKind.FIXED, "từ"),
    (_MONTH_RANGE, _month, DeadlineKind.PERIOD_END, "từ tháng"),
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


def _dated(folded: str, text: str, r: Reader, permissive: bool) -> list[DeadlineFound]:
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
    if permissive and not found and (y := _BARE_YEAR.match(folded)):
        found.append(
            DeadlineFound(
                DeadlineKind.PERIOD_END,
                date(int(y["y"]), 12, 31),
                text[y.start() : y.end()].strip(),
                None,
                [],
                y.start(),
            )
        )
    if permissive and not found:
        bare = _BARE_DATE.search(folded)
        if bare:
            w = []
            on = _fixed(bare, r, w)
            if on:
                found.append(
                    DeadlineFound(
                        DeadlineKind.FIXED,
                        on,
                        text[bare.start() : bare.end()],
                        None,
                        w,
                        bare.start(),
                    )
                )
    return found


# A period counted from another act ("kể từ ngày nhận được đề nghị của các địa phương", "… nhận
# đủ hồ sơ", "… quyết định công bố có hiệu lực") starts on a day this document cannot know (BLDS
# Điều 147): the secretariat sets the date. Counted from this document ("kể từ ngày ký", "… ban
# hành Chỉ thị này", "… nhận được văn bản") it starts on the issue date.
_THIS_DOCUMENT = re.compile(
    r"\bnày\b|^(?:ngày\s+)?(?:ký|ban hành)\b"
    r"|nhận được (?:văn bản|công văn|thông báo|kế hoạch|chỉ thị|đề nghị|yêu cầu)\b(?!\s+(?:của|số))"
)


def _working_days(folded: str, text: str, r: Reader) -> DeadlineFound | None:
    m = _DAYS.search(folded)
    if not m or r.issued is None:
        return None
    if m["from"] and not _THIS_DOCUMENT.search(m["from"].strip()):
        words = text[m.start() : m.end()].strip()
        warning = f"deadline counted from an event ({words}): the secretariat sets the date"
        return DeadlineFound(DeadlineKind.EVENT, None, words, None, [warning], m.start())
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
    r = Reader(issued, calendar or DEFAULT_CALENDAR)
    recurring = (
        find_recurring(folded, text, r)
        if ("hằng" in folded or "hàng" in folded or "định kỳ" in folded or "lần" in folded)
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
