"""Database states a user cannot fix by retrying at once: read-only or full. Answered 503 with
one Vietnamese message instead of a 500; what only reads keeps being served."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

UNAVAILABLE_MESSAGE = (
    "Cơ sở dữ liệu đang ở chế độ chỉ đọc hoặc đã hết dung lượng: tạm thời không ghi được thay đổi. "
    "Bạn vẫn xem được dữ liệu; vui lòng thử lại sau hoặc báo quản trị hệ thống."
)
# SQLite's messages, PostgreSQL's SQLSTATEs: read-only transaction, disk full, out of memory,
# too many connections is not ours (it is a busy server; 503 as well).
_SQLITE = ("readonly database", "read-only", "database or disk is full", "disk i/o error")
_PG_STATES = frozenset({"25006", "53100", "53200", "53300"})


def unavailable(exc: DBAPIError) -> bool:
    """Is this a read-only or full database (503), rather than a bug (500)?"""
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in _PG_STATES:
        return True
    text = str(exc.orig).lower()
    return any(marker in text for marker in _SQLITE)
