"""Who may see and change a task: the lead agency, its coordinators, the office, the leader."""

from __future__ import annotations

from enum import StrEnum

from directives.roles import Role
from storage.models import TaskRow
from storage.queries import TaskFilter
from web.accounts import CurrentUser


class Relation(StrEnum):
    OFFICE = "office"  # Văn phòng UBND tỉnh, admin: everything
    LEAD = "lead"  # cơ quan chủ trì: reports progress, completion, extensions
    COORDINATOR = "coordinator"  # cơ quan phối hợp: notes only
    LEADER = "leader"  # lãnh đạo kết luận: reads


def relation(user: CurrentUser, task: TaskRow) -> Relation | None:
    if user.is_office:
        return Relation.OFFICE
    if user.role == Role.LEADER:
        leads = user.leader_name is not None and task.directive.leader == user.leader_name
        return Relation.LEADER if leads else None
    if user.agency_id is None:
        return None
    if task.lead_agency_id == user.agency_id:
        return Relation.LEAD
    if any(a.id == user.agency_id for a in task.coordinators):
        return Relation.COORDINATOR
    return None


def task_filter(user: CurrentUser) -> TaskFilter:
    """The tasks a user may list."""
    if user.is_office:
        return TaskFilter()
    if user.role == Role.LEADER:
        return TaskFilter(leader=user.leader_name or "\x00")
    return TaskFilter(agency_id=user.agency_id if user.agency_id is not None else -1)


def can_report(rel: Relation | None) -> bool:
    return rel == Relation.LEAD


def can_note(rel: Relation | None) -> bool:
    return rel in (Relation.LEAD, Relation.COORDINATOR, Relation.OFFICE)


def can_decide(rel: Relation | None) -> bool:
    return rel == Relation.OFFICE


def can_decide_extension(rel: Relation | None, decider: str) -> bool:
    """Duyệt gia hạn: the office, or (decider "leader") only the leader who concluded it."""
    return rel == (Relation.LEADER if decider == "leader" else Relation.OFFICE)


def can_propose_extension(rel: Relation | None, decider: str) -> bool:
    """Đề xuất gia hạn: the office, when the leader decides."""
    return decider == "leader" and rel == Relation.OFFICE
