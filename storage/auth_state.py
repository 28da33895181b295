"""Server-side sessions (phiên đăng nhập) and failed-login counts, in the database so every
worker process and machine sees the same ones. Tokens arrive here already hashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.models import ApiTokenRow, LoginAttemptRow, SessionRow, UserRow
from storage.sql_dialect import upsert_insert
from storage.users import USER_COLUMNS

TOUCH_EVERY = timedelta(seconds=60)  # last_seen is rewritten at most this often


# --- sessions ---------------------------------------------------------------------------------


def add_session(
    session: Session, session_hash: str, user_id: int, now: datetime, address: str
) -> None:
    session.add(
        SessionRow(
            id=session_hash, user_id=user_id, created=now, last_seen=now, address=address[:100]
        )
    )
    session.flush()


_SESSION_USER = (
    USER_COLUMNS.add_columns(SessionRow.created, SessionRow.last_seen)
    .join(SessionRow, SessionRow.user_id == UserRow.id)
    .where(SessionRow.id == sa.bindparam("sid"), UserRow.active.is_(True))
)


# The user columns of storage.users, then the session's created and last_seen.
SessionUser = sa.Row[
    tuple[int, str, str, str, int | None, str | None, str | None, datetime, datetime]
]


def session_user(conn: Session | sa.Connection, session_hash: str) -> SessionUser | None:
    """The user columns of storage.users plus the session's created and last_seen."""
    return conn.execute(_SESSION_USER, {"sid": session_hash}).first()


def touch_session(conn: sa.Connection, session_hash: str, now: datetime) -> None:
    conn.execute(
        sa.update(SessionRow)
        .where(SessionRow.id == session_hash, SessionRow.last_seen < now - TOUCH_EVERY)
        .values(last_seen=now)
    )


def end_session(conn: Session | sa.Connection, session_hash: str) -> None:
    conn.execute(sa.delete(SessionRow).where(SessionRow.id == session_hash))


def end_user_sessions(session: Session, user_id: int) -> int:
    result = session.execute(sa.delete(SessionRow).where(SessionRow.user_id == user_id))
    return rowcount(result)


def revoke_tokens(session: Session, user_id: int, name: str | None = None) -> int:
    stmt = sa.delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id)
    if name is not None:
        stmt = stmt.where(ApiTokenRow.name == name)
    return rowcount(session.execute(stmt))


def set_active(session: Session, user_id: int, active: bool) -> None:
    session.execute(sa.update(UserRow).where(UserRow.id == user_id).values(active=active))


# --- failed logins ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempts:
    failures: int
    last_failure: datetime
    blocked_until: datetime | None


def attempts(conn: Session | sa.Connection, scope: str, key: str) -> Attempts | None:
    row = conn.execute(
        sa.select(
            LoginAttemptRow.failures, LoginAttemptRow.last_failure, LoginAttemptRow.blocked_until
        ).where(LoginAttemptRow.scope == scope, LoginAttemptRow.key == key)
    ).first()
    return Attempts(*row) if row else None


def count_failure(
    session: Session, scope: str, key: str, now: datetime, forget_before: datetime
) -> int:
    """One more failure on a counter, atomically (ON CONFLICT on both dialects, so two workers
    failing at once both count); a counter quiet since `forget_before` starts again at 1."""
    table = LoginAttemptRow.__table__
    values = upsert_insert(session)(table).values(
        scope=scope, key=key, failures=1, last_failure=now
    )
    stmt = values.on_conflict_do_update(
        index_elements=["scope", "key"],
        set_={
            "failures": sa.case(
                (table.c.last_failure < forget_before, 1), else_=table.c.failures + 1
            ),
            "last_failure": now,
        },
    ).returning(table.c.failures)
    failures: int = session.execute(stmt).scalar_one()
    return failures


def block_until(session: Session, scope: str, key: str, until: datetime) -> None:
    session.execute(
        sa.update(LoginAttemptRow)
        .where(LoginAttemptRow.scope == scope, LoginAttemptRow.key == key)
        .values(blocked_until=until)
    )


def clear_attempts(session: Session, scope: str, key: str) -> None:
    session.execute(
        sa.delete(LoginAttemptRow).where(LoginAttemptRow.scope == scope, LoginAttemptRow.key == key)
    )
