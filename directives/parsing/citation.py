"""A web copy's header from the copy's own words, when it has no header block.

Portals keep the body and drop the NĐ 30/2020 header; what remains of it is how the page names
the document: a title line ("Chỉ thị số 19/CT-UBND ngày 20/12/2024 của UBND tỉnh … về …"), the
lead sentence ("Ngày 09/02/2026, UBND tỉnh ban hành Công văn số 512/UBND-NC …", "… phát đi
công điện số 11/CĐ-UBND …") or a closing citation ("(Theo Công văn số 6202/UBND-KT, ngày
23/11/2023)"). Documents the body cites ("Thực hiện Công văn số 267/VPCP-TH …") are not it:
only these three places name the copy itself.
"""

from __future__ import annotations

import re
from datetime import date

from directives.parsing.text import Paragraph

_KINDS = {
    "chỉ thị": "CT",
    "công văn": "CV",
    "kế hoạch": "KH",
    "chương trình": "KH",
    "thông báo": "TB",
    "kết luận": "TB",
    "công điện": "CĐ",
    "quyết định": "QĐ",
}
_KIND = (
    r"(?P<kind>[Cc]hỉ thị|[Cc]ông văn|[Kk]ế hoạch|[Cc]hương trình|[Tt]hông báo|[Kk]ết luận"
    r"|[Cc]ông điện|[Qq]uyết định)"
)
_NUMBER = r"(?P<n>\d{1,6}/[0-9A-ZĐa-zđ][\w&.\-/]*[\wĐđ])"
_DATE = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_AFTER_DATE = rf"(?:\s*,?\s*ngày\s+{_DATE})?"
_TITLE = re.compile(rf"^{_KIND}\s+số\s+{_NUMBER}{_AFTER_DATE}")
_LEAD = re.compile(
    r"^(?:[^.;]{0,40}?\b[Nn]gày\s+(?P<d0>\d{1,2})\s*/\s*(?P<m0>\d{1,2})\s*/\s*(?P<y0>\d{4})\b)?"
    rf"[^.;]{{0,120}}?\b(?:ban hành|phát đi|vừa có|đã có)\s+{_KIND}\s+số\s+{_NUMBER}{_AFTER_DATE}"
)
_SOURCE = re.compile(rf"^\(?\s*(?:[Tt]heo|[Tt]rích)\s+{_KIND}\s+số\s+{_NUMBER}{_AFTER_DATE}")


def _date(d: str | None, m: str | None, y: str | None) -> date | None:
    try:
        return date(int(y), int(m), int(d)) if d and m and y else None
    except ValueError:
        return None


def own_citation(paras: list[Paragraph]) -> tuple[str, str, date | None] | None:
    """(number, kind, issue date or None) of the copy, from its title, lead sentence or last line.

    The kind is the word's (Công văn → CV); the caller prefers what the number's symbol says.
    """
    head = [p.text.strip("*_ ()") for p in paras[:4]]
    candidates = [_TITLE.match(t) for t in head[:2]] + [_LEAD.match(t) for t in head]
    if paras:
        candidates.append(_SOURCE.match(paras[-1].text.strip("*_ ")))
    m = next((c for c in candidates if c), None)
    if m is None:
        return None
    groups = m.groupdict()
    issued = _date(m["d"], m["m"], m["y"]) or _date(
        groups.get("d0"), groups.get("m0"), groups.get("y0")
    )
    return m["n"].rstrip(".,;"), _KINDS[m["kind"].lower()], issued
