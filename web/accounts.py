"""Accounts and API tokens (tài khoản, khóa API): create and look up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.models import AgencyRow, ApiTokenRow, UserRow
from web.security import hash_password, new_api_token, token_hash


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    AGENCY_OFFICER = "agency_officer"
    AGENCY_HEAD = "agency_head"
    LEADER = "leader"
    ADMIN = "admin"


ROLE_LABELS_VI = {
    Role.SECRETARIAT: "Văn phòng UBND tỉnh",
    Role.AGENCY_OFFICER: "Chuyên viên cơ quan",
    Role.AGENCY_HEAD: "Lãnh đạo cơ quan",
    Role.LEADER: "Lãnh đạo UBND tỉnh",
    Role.ADMIN: "Quản trị",
}
AGENCY_ROLES = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_HEAD})
OFFICE_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    full_name: str
    role: Role
    agency_id: int | None
    agency_name: str | None
    leader_name: str | None

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def is_agency(self) -> bool:
        return self.role in AGENCY_ROLES

    @property
    def role_label(self) -> str:
        return ROLE_LABELS_VI[self.role]


# Columns, not entities: a login check needs no ORM identity map. Built once, so SQLAlchemy
# reuses the statement's cache key instead of recomputing it on every request.
_USER_COLUMNS = sa.select(
    UserRow.id,
    UserRow.username,
    UserRow.full_name,
    UserRow.role,
    UserRow.agency_id,
    AgencyRow.name,
    UserRow.leader_name,
).outerjoin(AgencyRow, AgencyRow.id == UserRow.agency_id)
_BY_ID = _USER_COLUMNS.where(UserRow.id == sa.bindparam("user_id"), UserRow.active.is_(True))
_BY_TOKEN = _USER_COLUMNS.join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id).where(
    ApiTokenRow.token_hash == sa.bindparam("token_hash"), UserRow.active.is_(True)
)


def _current(row: sa.Row | None) -> CurrentUser | None:
    if row is None:
        return None
    user_id, username, full_name, role, agency_id, agency_name, leader_name = row
    return CurrentUser(
        id=user_id,
        username=username,
        full_name=full_name or username,
        role=Role(role),
        agency_id=agency_id,
        agency_name=agency_name,
        leader_name=leader_name,
    )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    *,
    agency_id: int | None = None,
    leader_name: str | None = None,
    full_name: str = "",
    email: str | None = None,
) -> UserRow:
    if role in AGENCY_ROLES and agency_id is None:
        raise AccountError(f"role {role} needs an agency (--agency CODE)")
    if role == Role.LEADER and not leader_name:
        raise AccountError("role leader needs the leader's name as in directives (--leader)")
    if len(password) < 8:
        raise AccountError("password too short (at least 8 characters)")
    if session.scalar(sa.select(UserRow.id).where(UserRow.username == username)):
        raise AccountError(f"user {username!r} already exists")
    user = UserRow(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        agency_id=agency_id if role in AGENCY_ROLES else None,
        leader_name=leader_name if role == Role.LEADER else None,
        full_name=full_name or username,
        email=email,
    )
    session.add(user)
    session.flush()
    return user


def create_token(session: Session, username: str, name: str) -> str:
    """A new API token for the user; the token itself is returned once and never stored."""
    user = session.scalar(sa.select(UserRow).where(UserRow.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = new_api_token()
    session.add(ApiTokenRow(user_id=user.id, name=name, token_hash=token_hash(token)))
    session.flush()
    return token


def user_row(session: Session, username: str) -> UserRow | None:
    return session.scalar(
        sa.select(UserRow).where(UserRow.username == username, UserRow.active.is_(True))
    )


def current_user(conn: Session | sa.Connection, user_id: int) -> CurrentUser | None:
    return _current(conn.execute(_BY_ID, {"user_id": user_id}).first())


def user_by_token(conn: Session | sa.Connection, token: str) -> CurrentUser | None:
    return _current(conn.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first())
