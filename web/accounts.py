"""Accounts and API tokens (tài khoản, khóa API): create and look up."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from directives.roles import AGENCY_ROLES, OFFICE_ROLES, ROLE_LABELS_VI, Role
from storage import auth_state, users
from storage.models import UserRow
from web.passwords import password_problem
from web.security import hash_password, new_api_token, token_hash


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


def normalize_username(name: str) -> str:
    """The one spelling of a login name: accounts are stored, looked up and throttled by it
    (" weak", "weak\t" and "Weak" are the same account)."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def user_of_columns(row: users.UserColumns | users.UserTuple | None) -> CurrentUser | None:
    return _current(row)


def _current(row: users.UserColumns | users.UserTuple | None) -> CurrentUser | None:
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
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    username = normalize_username(username)
    if not username:
        raise AccountError("empty username")
    if users.username_taken(session, username):
        raise AccountError(f"user {username!r} already exists")
    return users.add_user(
        session,
        username=username,
        password_hash=hash_password(password),
        role=role,
        agency_id=agency_id if role in AGENCY_ROLES else None,
        leader_name=leader_name if role == Role.LEADER else None,
        full_name=full_name or username,
        email=email,
    )


def _existing(session: Session, username: str) -> UserRow:
    user = users.user_by_username(session, normalize_username(username), active_only=False)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def create_token(session: Session, username: str, name: str) -> str:
    """A new API token for the user; the token itself is returned once and never stored."""
    user = _existing(session, username)
    token = new_api_token()
    users.add_api_token(session, user.id, name, token_hash(token))
    return token


def user_row(session: Session, username: str) -> UserRow | None:
    return users.user_by_username(session, normalize_username(username))


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    users.set_password_hash(session, user_id, password_hash)


def disable_user(session: Session, username: str) -> tuple[int, int]:
    """Disable an account; its sessions and API tokens end at once. (sessions, tokens) ended."""
    user = _existing(session, username)
    auth_state.set_active(session, user.id, False)
    return auth_state.end_user_sessions(session, user.id), auth_state.revoke_tokens(
        session, user.id
    )


def enable_user(session: Session, username: str) -> None:
    auth_state.set_active(session, _existing(session, username).id, True)


def end_sessions(session: Session, username: str) -> int:
    """Log a user out everywhere (an admin's action)."""
    return auth_state.end_user_sessions(session, _existing(session, username).id)


def revoke_tokens(session: Session, username: str, name: str | None) -> int:
    """Delete the user's API tokens called `name` (all of them when None)."""
    return auth_state.revoke_tokens(session, _existing(session, username).id, name)


def user_by_token(conn: Session | Connection, token: str) -> CurrentUser | None:
    return _current(users.user_columns_by_token_hash(conn, token_hash(token)))
