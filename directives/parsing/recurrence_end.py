"""The end of a recurring task (thời hạn kết thúc nhiệm vụ định kỳ): "đến hết năm 2027".

Read only inside the sentence of the recurrence wording: "đến hết năm YYYY" → 31/12/YYYY,
"đến (hết) ngày dd/mm/yyyy" → that day, "đến hết tháng mm/yyyy" → that month's last day.
An end that is not a date ("cho đến khi kết thúc dự án") gives none.
"""

from __future__ import annotations

import re
from datetime import date

from directives.parsing.dates import month_end, safe_date

_SENTENCE_END = re.compile(r"[.;](?!\d)")
_UNTIL = re.compile(
    r"đến\s+(?:hết\s+năm\s+(?P<year>\d{4})\b"
    r"|(?:hết\s+)?ngày\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\b"
    r"|hết\s+tháng\s+(?P<mm>\d{1,2})\s*/\s*(?P<yy>\d{4})\b)"
)


def recurrence_until(folded: str, at: int) -> date | None:
    """The end written in the sentence that holds offset `at` of the (lower-cased) text."""
    starts = [m.end() for m in _SENTENCE_END.finditer(folded, 0, at)]
    begin = starts[-1] if starts else 0
    stop = _SENTENCE_END.search(folded, at)
    m = _UNTIL.search(folded, begin, stop.start() if stop else len(folded))
    if m is None:
        return None
    if m["year"]:
        return date(int(m["year"]), 12, 31)
    if m["y"]:
        day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
        found = safe_date(year, month, day)
        return found if found and found.day == day else None
    month, year = int(m["mm"]), int(m["yy"])
    return month_end(year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None
