"""Quản trị tài khoản from the browser: the rules of `dondoc users …` with Vietnamese messages,
each change kept in the append-only history (entity "user").

Disabling ends the account's sessions and deletes its API tokens at once (as the CLI does); a
password reset by an admin ends every session of the account; one's own password change ends
every other session of one's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from directives.roles import AGENCY_ROLES, Role
from storage import admin_reads, auth_state, history, users
from storage.models import UserRow
from web import accounts
from web.passwords import password_problem
from web.security import hash_password, new_api_token, token_hash, verify_password


class AdminError(ValueError):
    """A refused change; `field` names the form field at fault (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def policy_message(password: str) -> str | None:
    """The password policy's refusal, in Vietnamese only (the English aside dropped)."""
    problem = password_problem(password)
    return problem.split(" (")[0] if problem else None


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    email: str | None
    role: str
    agency_code: str
    leader_name: str
    password: str


def _agency_id(session: Session, code: str) -> int | None:
    from storage.page_reads import agency_by_code

    if not code:
        return None
    row = agency_by_code(session, code)
    if row is None:
        raise AdminError(f"Không có cơ quan mã “{code}”.", "agency")
    return row.id


def _record(session: Session, user: UserRow, action: str, actor: str, at: datetime,
            changes: dict[str, Any] | None = None) -> None:  # fmt: skip
    history.record(session, entity="user", entity_id=user.id, action=action, actor=actor,
                   changes={"username": user.username} | (changes or {}), at=at)  # fmt: skip


def create(session: Session, new: NewUser, actor: str, at: datetime) -> UserRow:
    try:
        role = Role(new.role)
    except ValueError:
        raise AdminError("Vai trò không hợp lệ.", "role") from None
    username = accounts.normalize_username(new.username)
    if not username:
        raise AdminError("Cần nhập tên đăng nhập.", "username")
    if len(username) > 100:
        raise AdminError("Tên đăng nhập dài quá 100 ký tự.", "username")
    if users.username_taken(session, username):
        raise AdminError(f"Tên đăng nhập “{username}” đã có người dùng.", "username")
    agency_id = _agency_id(session, new.agency_code) if role in AGENCY_ROLES else None
    if role in AGENCY_ROLES and agency_id is None:
        raise AdminError("Vai trò này cần chọn cơ quan.", "agency")
    if role == Role.LEADER and not new.leader_name:
        raise AdminError("Lãnh đạo UBND tỉnh: cần nhập họ tên như trong văn bản.", "leader_name")
    if (problem := policy_message(new.password)) is not None:
        raise AdminError(problem, "password")
    user = accounts.create_user(
        session, username, new.password, role, agency_id=agency_id,
        leader_name=new.leader_name or None, full_name=new.full_name, email=new.email or None,
    )  # fmt: skip
    _record(session, user, "user_create", actor, at, {"role": role})
    return user


def existing(session: Session, user_id: int) -> UserRow:
    user = admin_reads.user_by_id(session, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


def set_active(session: Session, user_id: int, active: bool, actor_id: int, actor: str,
               at: datetime) -> tuple[int, int]:  # fmt: skip
    """Enable or disable; disabling ends sessions and revokes tokens: (sessions, tokens)."""
    user = existing(session, user_id)
    if not active and user.id == actor_id:
        raise AdminError("Không thể tự khóa tài khoản của chính mình.")
    if user.active == active:
        state = "đang hoạt động" if active else "đã bị khóa"
        raise AdminError(f"Tài khoản “{user.username}” {state} sẵn rồi.")
    if active:
        accounts.enable_user(session, user.username)
        ended = (0, 0)
    else:
        ended = accounts.disable_user(session, user.username)
    _record(session, user, "user_enable" if active else "user_disable", actor, at)
    return ended


def reset_password(session: Session, user_id: int, password: str, actor: str,
                   at: datetime) -> int:  # fmt: skip
    """An admin sets a new password; every session of the account ends. Sessions ended."""
    user = existing(session, user_id)
    if (problem := policy_message(password)) is not None:
        raise AdminError(problem, "password")
    users.set_password_hash(session, user.id, hash_password(password))
    _record(session, user, "user_password_reset", actor, at)
    return auth_state.end_user_sessions(session, user.id)


def new_token(session: Session, user_id: int, name: str, actor: str, at: datetime) -> str:
    user = existing(session, user_id)
    if not user.active:
        raise AdminError(f"Tài khoản “{user.username}” đã bị khóa: mở khóa trước khi tạo khóa API.")
    name = name.strip()
    if not name or len(name) > 100:
        raise AdminError("Cần đặt tên cho khóa (tối đa 100 ký tự), ví dụ “phần mềm một cửa”.",
                         "token_name")  # fmt: skip
    token = new_api_token()
    users.add_api_token(session, user.id, name, token_hash(token))
    _record(session, user, "token_create", actor, at, {"token": name})
    return token


def revoke_token(session: Session, user_id: int, token_id: int, actor: str, at: datetime) -> None:
    user = existing(session, user_id)
    names = {t.id: t.name for t in admin_reads.tokens_of(session, user.id)}
    if token_id not in names or not admin_reads.revoke_token(session, user.id, token_id):
        raise AdminError("Không tìm thấy khóa API này (có thể đã bị thu hồi).")
    _record(session, user, "token_revoke", actor, at, {"token": names[token_id]})


def end_sessions(session: Session, user_id: int, actor: str, at: datetime) -> int:
    user = existing(session, user_id)
    ended = auth_state.end_user_sessions(session, user.id)
    _record(session, user, "user_logout", actor, at, {"sessions": ended})
    return ended


def change_own_password(session: Session, user_id: int, old: str, new: str, confirm: str,
                        keep_session_hash: str | None, at: datetime) -> int:  # fmt: skip
    """Đổi mật khẩu của mình: the old one checked, the policy applied, the other sessions
    ended (this one stays). Sessions ended."""
    user = existing(session, user_id)
    if not verify_password(old, user.password_hash):
        raise AdminError("Mật khẩu hiện tại không đúng.", "old_password")
    if new != confirm:
        raise AdminError("Hai lần nhập mật khẩu mới không khớp nhau.", "confirm")
    if new == old:
        raise AdminError("Mật khẩu mới phải khác mật khẩu hiện tại.", "new_password")
    if (problem := policy_message(new)) is not None:
        raise AdminError(problem, "new_password")
    users.set_password_hash(session, user.id, hash_password(new))
    _record(session, user, "password_change", user.username, at)
    return admin_reads.end_other_sessions(session, user.id, keep_session_hash)
