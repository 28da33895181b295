"""Gia hạn do lãnh đạo quyết định: the secretariat proposes, the leader who assigned decides.

Provinces differ: in some the secretariat decides extension requests, in others the leader who
concluded the directive approves on the secretariat's proposal (setting `extension_decider`).
The proposal (đề xuất của Văn phòng) is an entry in the task's append-only history; the decision
itself is `task_ops.decide_extension`, recorded there too with the decider's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from directives.models import ExtensionDecision
from storage.db import utcnow
from storage.history import record
from storage.models import DirectiveRow, ExtensionRow, HistoryRow, TaskRow
from storage.task_ops import Actor, TaskNotFound, TaskOpError, pending_extension

PROPOSAL = "extension_proposal"


@dataclass(frozen=True)
class Proposal:
    """Đề xuất của Văn phòng on a pending extension request."""

    approve: bool
    new_deadline: date | None
    note: str
    by: str
    at: datetime


def propose_extension(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    approve: bool,
    new_deadline: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> HistoryRow:
    """Record the secretariat's proposal on the task's pending request (no decision taken)."""
    at = at or utcnow()
    if session.get(TaskRow, task_id) is None:
        raise TaskNotFound(task_id)
    ext = pending_extension(session, task_id)
    if ext is None:
        raise TaskOpError("Không có đề nghị gia hạn nào đang chờ duyệt")
    if new_deadline is not None and new_deadline <= (ext.old_deadline or date.min):
        raise TaskOpError("Hạn đề xuất phải sau hạn hiện tại", "new_deadline")
    changes: dict[str, Any] = {"extension": ext.id, "approve": approve, "note": note}
    changes["new_deadline"] = (new_deadline or ext.proposed_deadline).isoformat()
    row = record(session, entity="task", entity_id=task_id, task_id=task_id, action=PROPOSAL,
                 actor=actor.username, changes=changes, at=at)  # fmt: skip
    session.flush()
    return row


def proposals(session: Session, extension_ids: list[int]) -> dict[int, Proposal]:
    """The latest proposal on each of these extension requests."""
    if not extension_ids:
        return {}
    stmt = sa.select(HistoryRow).where(HistoryRow.action == PROPOSAL).order_by(HistoryRow.id)
    out: dict[int, Proposal] = {}
    for row in session.scalars(stmt.where(HistoryRow.task_id.in_(
        sa.select(ExtensionRow.task_id).where(ExtensionRow.id.in_(extension_ids))
    ))):  # fmt: skip
        ext_id = row.changes.get("extension")
        if ext_id in extension_ids:
            day = row.changes.get("new_deadline")
            out[ext_id] = Proposal(bool(row.changes.get("approve")),
                                   date.fromisoformat(day) if day else None,
                                   row.changes.get("note") or "", row.actor, row.at)  # fmt: skip
    return out


def pending_for_leader(
    session: Session, leader_name: str | None
) -> list[tuple[ExtensionRow, TaskRow, Proposal | None]]:
    """Pending extension requests on the tasks of the directives this leader concluded (all of
    them for None), each with the secretariat's latest proposal."""
    stmt = (
        sa.select(ExtensionRow, TaskRow)
        .join(TaskRow, TaskRow.id == ExtensionRow.task_id)
        .join(DirectiveRow, DirectiveRow.id == TaskRow.directive_id)
        .where(ExtensionRow.decision == ExtensionDecision.PENDING)
        .options(selectinload(TaskRow.lead), selectinload(TaskRow.directive))
        .order_by(ExtensionRow.requested_at, ExtensionRow.id)
    )
    if leader_name is not None:
        stmt = stmt.where(DirectiveRow.leader == leader_name)
    rows = session.execute(stmt).all()
    found = proposals(session, [e.id for e, _ in rows])
    return [(e, t, found.get(e.id)) for e, t in rows]
