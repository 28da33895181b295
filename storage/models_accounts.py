"""The accounts' tables: users (tài khoản), API tokens, server-side sessions and failed-login
counters. Re-exported by `storage.models`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from directives.roles import Role
from storage.db import Base, utcnow
from storage.models_types import enum_type


class UserRow(Base):
    """Tài khoản: secretariat, agency officer, agency head, leader or admin."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role", 30))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"))
    leader_name: Mapped[str | None] = mapped_column(sa.String(200))  # for role leader
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiTokenRow(Base):
    """Khóa API cho chương trình: only the hash of the token is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    """Phiên đăng nhập kept on the server: the cookie carries a random token, the row its
    SHA-256 (`id`); logout, an admin or disabling the user deletes the row and the cookie is dead.
    """

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[datetime]
    last_seen: Mapped[datetime]
    address: Mapped[str] = mapped_column(sa.String(100), default="")


class LoginAttemptRow(Base):
    """Failed logins counted per account, per address and per (account, address), shared by
    every worker: `failures` since the last success, and when the next try is allowed."""

    __tablename__ = "login_attempts"
    scope: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
