"""What the admin pages read: accounts with their tokens and sessions, and the append-only
history (nhật ký) across all tasks, filtered and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.models import AgencyRow, ApiTokenRow, HistoryRow, SessionRow, TaskRow, UserRow

HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class Account:
    """Tài khoản as the users page lists it."""

    id: int
    username: str
    full_name: str
    email: str | None
    role: str
    agency_code: str | None
    agency_name: str | None
    leader_name: str | None
    active: bool
    sessions: int
    tokens: int


def accounts(session: Session, user_id: int | None = None) -> list[Account]:
    """Every account (or the one of `user_id`) with its live session and API token counts
    (unsorted: the page sorts)."""
    sessions = (
        sa.select(SessionRow.user_id, sa.func.count().label("n"))
        .group_by(SessionRow.user_id)
        .subquery()
    )
    tokens = (
        sa.select(ApiTokenRow.user_id, sa.func.count().label("n"))
        .group_by(ApiTokenRow.user_id)
        .subquery()
    )
    stmt = (
        sa.select(
            UserRow.id,
            UserRow.username,
            UserRow.full_name,
            UserRow.email,
            UserRow.role,
            AgencyRow.code,
            AgencyRow.name,
            UserRow.leader_name,
            UserRow.active,
            sa.func.coalesce(sessions.c.n, 0),
            sa.func.coalesce(tokens.c.n, 0),
        )  # fmt: skip
        .outerjoin(AgencyRow, AgencyRow.id == UserRow.agency_id)
        .outerjoin(sessions, sessions.c.user_id == UserRow.id)
        .outerjoin(tokens, tokens.c.user_id == UserRow.id)
    )
    if user_id is not None:
        stmt = stmt.where(UserRow.id == user_id)
    return [Account(*row) for row in session.execute(stmt)]


def account(session: Session, user_id: int) -> Account | None:
    found = accounts(session, user_id)
    return found[0] if found else None


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def tokens_of(session: Session, user_id: int) -> list[ApiTokenRow]:
    stmt = sa.select(ApiTokenRow).where(ApiTokenRow.user_id == user_id)
    return list(session.scalars(stmt.order_by(ApiTokenRow.created_at, ApiTokenRow.id)))


def revoke_token(session: Session, user_id: int, token_id: int) -> int:
    stmt = sa.delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id, ApiTokenRow.id == token_id)
    return rowcount(session.execute(stmt))


def end_other_sessions(session: Session, user_id: int, keep_hash: str | None) -> int:
    """End every session of the user but the one whose hash is `keep_hash`."""
    stmt = sa.delete(SessionRow).where(SessionRow.user_id == user_id)
    if keep_hash is not None:
        stmt = stmt.where(SessionRow.id != keep_hash)
    return rowcount(session.execute(stmt))


# --- history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryFilter:
    """Who (exact username), when (UTC instants, `until` excluded), the task's lead agency,
    the kind of change (history action)."""

    actor: str = ""
    since: datetime | None = None
    until: datetime | None = None
    agency_id: int | None = None
    action: str = ""

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = [HistoryRow.task_id.is_not(None)]
        if self.actor:
            clauses.append(HistoryRow.actor == self.actor)
        if self.since is not None:
            clauses.append(HistoryRow.at >= self.since)
        if self.until is not None:
            clauses.append(HistoryRow.at < self.until)
        if self.action:
            clauses.append(HistoryRow.action == self.action)
        if self.agency_id is not None:
            led = sa.select(TaskRow.id).where(TaskRow.lead_agency_id == self.agency_id)
            clauses.append(HistoryRow.task_id.in_(led))
        return clauses


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    actor: str
    action: str
    task_id: int
    task_ref: str | None
    task_content: str | None
    lead_name: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryEntry]
    total: int


def history_page(
    session: Session, flt: HistoryFilter, offset: int = 0, limit: int = HISTORY_PAGE_SIZE
) -> HistoryPage:
    """Newest first; `total` counts every match."""
    where = flt.where()
    total = session.scalar(sa.select(sa.func.count()).select_from(HistoryRow).where(*where)) or 0
    stmt = (
        sa.select(
            HistoryRow.id,
            HistoryRow.at,
            HistoryRow.actor,
            HistoryRow.action,
            HistoryRow.task_id,
            TaskRow.ref,
            TaskRow.content,
            AgencyRow.name,
            HistoryRow.changes,
        )  # fmt: skip
        .outerjoin(TaskRow, TaskRow.id == HistoryRow.task_id)
        .outerjoin(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .where(*where)
        .order_by(HistoryRow.id.desc())  # append-only: the id is the order of writing
        .offset(offset)
        .limit(limit)
    )
    return HistoryPage([HistoryEntry(*row) for row in session.execute(stmt)], total)
