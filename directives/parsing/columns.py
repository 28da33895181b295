"""The columns of a task table (bảng phân công nhiệm vụ), found by their header words.

STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn hoàn thành, in any order, with
any of the usual wordings; a two-row header ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp")
reads as one label per column.
"""

from __future__ import annotations

import re

from directives.normalize import key

# Checked in this order: "Cơ quan phối hợp thực hiện" is coordinators, not lead.
_ROLES = (
    ("ref", re.compile(r"^(?:stt|tt|số tt|số thứ tự|thứ tự|mục)$")),
    ("coordinators", re.compile(r"phối hợp")),
    (
        "lead",
        re.compile(
            r"chủ trì|(?:cơ quan|đơn vị|cơ quan, đơn vị)(?: được giao)?(?: thực hiện| tham mưu)"
            r"|cơ quan được giao|đơn vị được giao|trách nhiệm|người thực hiện|phân công"
        ),
    ),
    (
        "deadline",
        re.compile(r"thời hạn|thời gian|hạn hoàn thành|tiến độ|thời điểm|hạn xử lý|hạn chót"),
    ),
    ("content", re.compile(r"nội dung|nhiệm vụ|công việc|kết luận|chỉ đạo|yêu cầu|giải pháp")),
)
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def column_role(label: str) -> str | None:
    """ref, content, lead, coordinators, deadline, or None for other columns (ghi chú…)."""
    k = key(label).strip(" .:*")
    if not k or len(k) > 60:
        return None
    if len(k) <= 5 and k.replace(" ", "") in ("stt", "tt"):
        return "ref"  # "ST<br>T": a narrow PDF column broke the word
    return next((role for role, pattern in _ROLES if pattern.search(k)), None)


def header_roles(rows: list[list[str]]) -> tuple[list[str | None], int] | None:
    """Column roles of a table and how many header rows it has; None if no task table.

    A task table has a content column and a lead or deadline column.
    """
    if not rows:
        return None
    labels = [c.replace("<br>", " ") for c in rows[0]]
    roles = [column_role(c) for c in labels]
    used = 1
    for row in rows[1:3]:
        second = [column_role(c) for c in row]
        if not any(second) or any(c and column_role(c) is None for c in row if c.strip()):
            break
        labels = [f"{a} {b}".strip() for a, b in zip(labels, row, strict=False)]
        roles = [column_role(c) for c in labels]
        used += 1
    if "content" not in roles or not ({"lead", "deadline"} & set(roles)):
        return None
    return roles, used


def is_numbering_row(cells: list[str]) -> bool:
    """The "(1) | (2) | (3)" row under a header."""
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) >= 2 and all(_NUMBERING.match(c) for c in filled)
