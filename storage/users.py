"""Accounts and API tokens in the database: the rows and the login look-ups.

Passwords and tokens arrive here already hashed (web.security hashes them); roles are strings.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.roles import Role
from storage.models import AgencyRow, ApiTokenRow, UserRow

# An active user's (id, username, full_name, role, agency_id, agency name, leader_name).
UserTuple = tuple[int, str, str, str, int | None, str | None, str | None]
UserColumns = sa.Row[UserTuple]

# Columns, not entities: a login check needs no ORM identity map. Built once, so SQLAlchemy
# reuses the statement's cache key instead of recomputing it on every request.
USER_COLUMNS = sa.select(
    UserRow.id,
    UserRow.username,
    UserRow.full_name,
    UserRow.role,
    UserRow.agency_id,
    AgencyRow.name,
    UserRow.leader_name,
).outerjoin(AgencyRow, AgencyRow.id == UserRow.agency_id)
_BY_TOKEN = USER_COLUMNS.join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id).where(
    ApiTokenRow.token_hash == sa.bindparam("token_hash"), UserRow.active.is_(True)
)


def user_columns_by_token_hash(
    conn: Session | sa.Connection, token_hash: str
) -> UserColumns | None:
    return _nullable_agency(conn.execute(_BY_TOKEN, {"token_hash": token_hash}).first())


def _nullable_agency(
    row: sa.Row[tuple[int, str, str, Role, int | None, str, str | None]] | None,
) -> UserColumns | None:
    # The outer join leaves the agency name NULL for users without an agency; select() types
    # it as the column's str.
    return cast(UserColumns | None, row)


def username_taken(session: Session, username: str) -> bool:
    return session.scalar(sa.select(UserRow.id).where(UserRow.username == username)) is not None


def user_by_username(
    session: Session, username: str, *, active_only: bool = True
) -> UserRow | None:
    stmt = sa.select(UserRow).where(UserRow.username == username)
    if active_only:
        stmt = stmt.where(UserRow.active.is_(True))
    return session.scalar(stmt)


def add_user(
    session: Session,
    *,
    username: str,
    password_hash: str,
    role: str,
    agency_id: int | None,
    leader_name: str | None,
    full_name: str,
    email: str | None,
) -> UserRow:
    user = UserRow(
        username=username,
        password_hash=password_hash,
        role=role,
        agency_id=agency_id,
        leader_name=leader_name,
        full_name=full_name,
        email=email,
    )
    session.add(user)
    session.flush()
    return user


def add_api_token(session: Session, user_id: int, name: str, token_hash: str) -> ApiTokenRow:
    row = ApiTokenRow(user_id=user_id, name=name, token_hash=token_hash)
    session.add(row)
    session.flush()
    return row


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(
        sa.update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
    )


def leaders_with_mail(session: Session) -> list[UserRow]:
    """Active leader accounts with an address and a leader name (the weekly mail's readers)."""
    stmt = (
        sa.select(UserRow)
        .where(UserRow.role == Role.LEADER, UserRow.active.is_(True))
        .where(UserRow.email.is_not(None), UserRow.leader_name.is_not(None))
        .order_by(UserRow.id)
    )
    return list(session.scalars(stmt).all())
