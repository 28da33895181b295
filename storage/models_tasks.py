"""The follow-up's tables: directives (văn bản chỉ đạo), their tasks (nhiệm vụ) with periods,
coordinators and leads over time, the agencies' updates, extension requests and the change history.
Re-exported by `storage.models`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directives.models import (
    DeadlineKind,
    ExtensionDecision,
    TaskState,
    UpdateKind,
)
from storage.db import Base, utcnow
from storage.models_registry import AgencyRow
from storage.models_types import JSONType, enum_type


class DirectiveRow(Base):
    """Văn bản chỉ đạo (TB, CT, KH, CV, QĐ) with its header and source text."""

    __tablename__ = "directive"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    number: Mapped[str] = mapped_column(sa.String(80), index=True)
    issued_on: Mapped[date | None] = mapped_column(index=True)  # the latest: rollups' join
    issuer: Mapped[str | None] = mapped_column(sa.String(300))
    leader: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    leader_title: Mapped[str | None] = mapped_column(sa.String(300))
    signer: Mapped[str | None] = mapped_column(sa.String(200))
    subject: Mapped[str | None] = mapped_column(sa.Text)
    meeting_on: Mapped[date | None]
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    source_text: Mapped[str] = mapped_column(sa.Text, default="")
    text_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # fingerprint.text_key
    registered_by: Mapped[str] = mapped_column(sa.String(100))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    tasks: Mapped[list[TaskRow]] = relationship(back_populates="directive")


OPEN_TASK = f"state NOT IN ('{TaskState.DONE}', '{TaskState.CANCELLED}')"
DONE_TASK = f"state = '{TaskState.DONE}'"


class TaskRow(Base):
    """Nhiệm vụ: one lead agency, coordinators, current and original deadline, state."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(sa.ForeignKey("directive.id"), index=True)
    ref: Mapped[str] = mapped_column(sa.String(40))
    content: Mapped[str] = mapped_column(sa.Text)
    lead_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    lead_text: Mapped[str | None] = mapped_column(sa.String(300))  # as written in the notice
    state: Mapped[TaskState] = mapped_column(
        enum_type(TaskState, "state", 30), default=TaskState.NEW, index=True
    )
    progress: Mapped[int] = mapped_column(default=0)
    deadline_kind: Mapped[DeadlineKind] = mapped_column(
        enum_type(DeadlineKind, "deadline_kind", 20), default=DeadlineKind.FIXED
    )
    deadline_text: Mapped[str | None] = mapped_column(sa.String(300))
    recurrence: Mapped[str | None] = mapped_column(sa.String(40))
    recurrence_until: Mapped[date | None]  # the rule's end: no period's nominal deadline after it
    original_deadline: Mapped[date | None]
    deadline: Mapped[date | None] = mapped_column(index=True)
    completed_on: Mapped[date | None]
    reported_done_on: Mapped[date | None]
    next_reminder_on: Mapped[date | None] = mapped_column(index=True)
    last_progress_at: Mapped[datetime | None]
    source_start: Mapped[int | None]
    source_end: Mapped[int | None]
    warnings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # directives.normalize.search_key of content and directive, set by triggers (storage/search)
    search_key: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    directive: Mapped[DirectiveRow] = relationship(back_populates="tasks")
    lead: Mapped[AgencyRow] = relationship(foreign_keys=[lead_agency_id])
    coordinators: Mapped[list[AgencyRow]] = relationship(secondary="task_coordinator")
    __mapper_args__: dict[str, Any] = {"version_id_col": version}
    __table_args__ = (  # the open overdue subjects of a rollup (storage/directive_rank.py)
        sa.Index("ix_task__open_deadline", "deadline", "directive_id",
                 sqlite_where=sa.text(OPEN_TASK), postgresql_where=sa.text(OPEN_TASK)),
        sa.Index("ix_task__done_completed_on", "completed_on", "deadline", "directive_id",
                 sqlite_where=sa.text(DONE_TASK), postgresql_where=sa.text(DONE_TASK)),
    )  # fmt: skip


class TaskPeriodRow(Base):
    """Kỳ của nhiệm vụ định kỳ: its own deadline, progress, completion and confirmation.

    The task row mirrors its current period (the earliest one not done), so the reminder sweep
    and the task actions work on that period; storage/periods.py keeps the two in step.
    """

    __tablename__ = "task_periods"
    __table_args__ = (sa.UniqueConstraint("task_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    starts: Mapped[date]
    original_deadline: Mapped[date]
    deadline: Mapped[date] = mapped_column(index=True)
    state: Mapped[TaskState] = mapped_column(
        enum_type(TaskState, "state", 30), default=TaskState.NEW
    )
    progress: Mapped[int] = mapped_column(default=0)
    reported_done_on: Mapped[date | None]
    completed_on: Mapped[date | None]
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(100))
    confirmed_at: Mapped[datetime | None]
    last_progress_at: Mapped[datetime | None]
    # A later period begun while the current one is open is reminded on its own (the sweep).
    next_reminder_on: Mapped[date | None] = mapped_column(index=True)


class TaskCoordinator(Base):
    """Cơ quan phối hợp of a task."""

    __tablename__ = "task_coordinator"
    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), primary_key=True, index=True)
    # the task's coalesce(deadline, '9999-12-31'), copied by triggers (storage/coordinator_sort)
    deadline_key: Mapped[date] = mapped_column(server_default=sa.text("'9999-12-31'"))


class StatusUpdateRow(Base):
    """Báo cáo tiến độ / hoàn thành / ghi chú, and the secretariat's confirm or return."""

    __tablename__ = "status_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    kind: Mapped[UpdateKind] = mapped_column(enum_type(UpdateKind, "kind", 20))
    percent: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_path: Mapped[str | None] = mapped_column(sa.String(400))
    evidence_name: Mapped[str | None] = mapped_column(sa.String(300))
    author: Mapped[str] = mapped_column(sa.String(100))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ExtensionRow(Base):
    """Đề nghị gia hạn with its decision; the original deadline stays on record."""

    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    old_deadline: Mapped[date | None]
    proposed_deadline: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by: Mapped[str] = mapped_column(sa.String(100))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[ExtensionDecision] = mapped_column(
        enum_type(ExtensionDecision, "decision", 20), default=ExtensionDecision.PENDING, index=True
    )
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[datetime | None]
    new_deadline: Mapped[date | None]
    decision_note: Mapped[str | None] = mapped_column(sa.Text)


class HistoryRow(Base):
    """Nhật ký thay đổi: append-only record of who changed what and when."""

    __tablename__ = "history"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(30))  # directive, task, agency, user, extension
    entity_id: Mapped[int] = mapped_column(index=True)
    task_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    actor: Mapped[str] = mapped_column(sa.String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class TaskLeadRow(Base):
    """Cơ quan chủ trì theo thời gian: who led a task from when to when (valid_to inclusive;
    None = still leading). Written at a handover; a task with no rows was led by its lead."""

    __tablename__ = "task_leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
