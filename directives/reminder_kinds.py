"""Loại nhắc việc (reminder kinds) and who they are for: the values stored in `reminder.kind`.

Shared by the pure policy (notifications.policy) and the SQL that mirrors it (storage.sweep_sql).
"""

from __future__ import annotations

from enum import StrEnum

from directives.models import TaskState

REMINDED_STATES = frozenset({TaskState.NEW.value, TaskState.IN_PROGRESS.value})

DUE = "due"
OVERDUE = "overdue"
ESCALATION = "escalation"
LEADER_ESCALATION = "leader_escalation"
PROGRESS_REQUEST = "progress_request"
STALE = "stale"


def before_kind(days: int) -> str:
    return f"before_{days}"


class Audience(StrEnum):
    """Who an event is for: lead urged and coordinators informed, or one party."""

    AGENCY = "agency"  # chủ trì (lead) and phối hợp (coordinators)
    LEAD = "lead"
    HEAD = "head"  # thủ trưởng cơ quan chủ trì (agency.head_email)
    LEADER = "leader"  # lãnh đạo UBND tỉnh who concluded the directive
