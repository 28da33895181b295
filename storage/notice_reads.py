"""The reads behind notifications' mail other than the sweep's: the tasks awaiting a deadline
and the secretariat's addresses (notifications/awaiting.py), the tasks and parties of an
assignment notice (notifications/assignment.py), and the outbox's counts and problems
(`dondoc outbox`, notifications/outbox.py).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from directives.models import OutboxStatus, TaskState
from directives.roles import Role
from storage.models import (
    AgencyMember,
    AgencyRow,
    DirectiveRow,
    HistoryRow,
    OutboxRow,
    TaskRow,
    UserRow,
)

OPEN = (
    TaskState.NEW,
    TaskState.IN_PROGRESS,
    TaskState.AWAITING_CONFIRMATION,
    TaskState.PAUSED,
)

# (id, ref, content, deadline_text, lead, number, issued_on) of a task awaiting its deadline
AwaitingTask = sa.Row[tuple[int, str, str, str | None, str, str, date | None]]


def awaiting_tasks(session: Session) -> list[AwaitingTask]:
    """Open event-bound tasks with no date, oldest directive first."""
    stmt = (
        sa.select(TaskRow.id, TaskRow.ref, TaskRow.content, TaskRow.deadline_text,
                  AgencyRow.name.label("lead"), DirectiveRow.number, DirectiveRow.issued_on)
        .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
        .join(DirectiveRow, DirectiveRow.id == TaskRow.directive_id)
        .where(TaskRow.deadline_kind == "event", TaskRow.deadline.is_(None),
               TaskRow.state.in_(OPEN))
        .order_by(DirectiveRow.issued_on, TaskRow.id)
    )  # fmt: skip
    return list(session.execute(stmt))


def secretariat_addresses(session: Session) -> list[tuple[str | None, str]]:
    """(full name, e-mail) of the active secretariat accounts with an address."""
    stmt = sa.select(UserRow.full_name, UserRow.email).where(
        UserRow.role == Role.SECRETARIAT, UserRow.active.is_(True), UserRow.email.is_not(None)
    )
    return [(name, email or "") for name, email in session.execute(stmt).all()]


def group_members(session: Session, group_id: int, on: date | None) -> list[AgencyRow]:
    """The members of a group, those valid on `on` when given."""
    stmt = (
        sa.select(AgencyRow)
        .join(AgencyMember, AgencyMember.member_id == AgencyRow.id)
        .where(AgencyMember.group_id == group_id)
        .order_by(AgencyRow.id)
    )
    if on is not None:
        stmt = stmt.where(
            sa.or_(AgencyRow.valid_from.is_(None), AgencyRow.valid_from <= on),
            sa.or_(AgencyRow.valid_to.is_(None), AgencyRow.valid_to >= on),
        )
    return list(session.scalars(stmt))


def tasks_with_parties(session: Session, task_ids: list[int]) -> list[TaskRow]:
    """The tasks, by id, with their coordinators, lead and directive loaded."""
    stmt = (
        sa.select(TaskRow)
        .where(TaskRow.id.in_(task_ids))
        .options(
            selectinload(TaskRow.coordinators),
            selectinload(TaskRow.lead),
            selectinload(TaskRow.directive),
        )  # fmt: skip
        .order_by(TaskRow.id)
    )
    return list(session.scalars(stmt))


def directive_task_ids(session: Session, directive_id: int) -> list[int]:
    return list(session.scalars(sa.select(TaskRow.id).where(TaskRow.directive_id == directive_id)))


def last_edit(session: Session, task_id: int) -> HistoryRow | None:
    """The task's latest history entry of an edit."""
    stmt = (
        sa.select(HistoryRow)
        .where(HistoryRow.task_id == task_id, HistoryRow.action == "edit")
        .order_by(HistoryRow.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def outbox_status_counts(session: Session) -> dict[OutboxStatus, int]:
    """Rows per status (pending, sending, sent, failed)."""
    stmt = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
    return {status: n for status, n in session.execute(stmt)}


def outbox_problems(session: Session, include_sent: bool, limit: int) -> list[OutboxRow]:
    """Mail not yet delivered (pending, sending) and failed mail with its reason, failed first."""
    stmt = sa.select(OutboxRow)
    if not include_sent:
        stmt = stmt.where(OutboxRow.status != OutboxStatus.SENT)
    failed_first = sa.case((OutboxRow.status == OutboxStatus.FAILED, 0), else_=1)
    return list(session.scalars(stmt.order_by(failed_first, OutboxRow.id).limit(limit)))
