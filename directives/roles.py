"""Vai trò (roles): who an account is, and in what capacity a reminder reaches its recipient.

The values are stored in `app_user.role` and `reminder.role`; the database refuses others.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Vai trò tài khoản: Văn phòng, chuyên viên hoặc lãnh đạo cơ quan, lãnh đạo tỉnh, quản trị."""

    SECRETARIAT = "secretariat"
    AGENCY_OFFICER = "agency_officer"
    AGENCY_HEAD = "agency_head"
    LEADER = "leader"
    ADMIN = "admin"


ROLE_LABELS_VI: dict[Role, str] = {
    Role.SECRETARIAT: "Văn phòng UBND tỉnh",
    Role.AGENCY_OFFICER: "Chuyên viên cơ quan",
    Role.AGENCY_HEAD: "Lãnh đạo cơ quan",
    Role.LEADER: "Lãnh đạo UBND tỉnh",
    Role.ADMIN: "Quản trị",
}
AGENCY_ROLES = frozenset({Role.AGENCY_OFFICER, Role.AGENCY_HEAD})
OFFICE_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


class RecipientRole(StrEnum):
    """Vai trò người nhận lời nhắc: chủ trì, phối hợp, thủ trưởng cơ quan, lãnh đạo UBND tỉnh."""

    LEAD = "lead"  # cơ quan chủ trì
    COORDINATOR = "coordinator"  # cơ quan phối hợp
    HEAD = "head"  # thủ trưởng cơ quan chủ trì (agency.head_email)
    LEADER = "leader"  # lãnh đạo UBND tỉnh who concluded the directive
