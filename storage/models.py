"""The relational schema: agencies, directives, tasks, updates, extensions, history, reminders,
outbox (the ledger rows, and the stored messages in a table of their own), accounts and the
working-day calendar. Typed SQLAlchemy 2 models, one tree for both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directives.models import (
    DeadlineKind,
    ExtensionDecision,
    OutboxStatus,
    TaskState,
    UpdateKind,
)
from directives.roles import RecipientRole, Role
from storage.db import Base, utcnow

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def enum_type(enum: type[StrEnum], name: str, length: int) -> sa.Enum:
    """A VARCHAR(length) holding the enum's values, with a CHECK (ck_<table>__<name>) that
    refuses any other: the ORM reads members back, and a bad string fails before the INSERT."""
    return sa.Enum(
        enum,
        name=name,
        length=length,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class AgencyRow(Base):
    """Cơ quan, đơn vị, or a group of them (kind "group", members in agency_member)."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(30), default="department")
    email: Mapped[str | None] = mapped_column(sa.String(200))
    head_email: Mapped[str | None] = mapped_column(sa.String(200))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    ics_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    aliases: Mapped[list[AgencyAlias]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )


class AgencyAlias(Base):
    """Tên gọi khác / viết tắt of an agency, with its normalised matching key."""

    __tablename__ = "agency_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(sa.String(300))
    key: Mapped[str] = mapped_column(sa.String(300), index=True)
    agency: Mapped[AgencyRow] = relationship(back_populates="aliases")


class AgencyMember(Base):
    """Thành viên nhóm cơ quan (e.g. the five border districts of "UBND các huyện biên giới")."""

    __tablename__ = "agency_member"
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True
    )


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


class ReminderRow(Base):
    """Lời nhắc: one line of a digest; unique per (task, period, recipient, kind, slot)."""

    __tablename__ = "reminder"
    __table_args__ = (sa.UniqueConstraint("task_id", "period_seq", "recipient", "kind", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"))
    period_seq: Mapped[int] = mapped_column(default=0, server_default="0")  # 0: not recurring
    recipient: Mapped[str] = mapped_column(sa.String(200))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"))
    role: Mapped[RecipientRole] = mapped_column(enum_type(RecipientRole, "role", 20))
    kind: Mapped[str] = mapped_column(
        sa.String(30)
    )  # before_5, before_2, due, overdue, escalation…
    slot: Mapped[date]
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    """Hộp thư đi: one mail (a digest or a report), sent once, retried, never lost.

    The rendered message is in `outbox_message` (`body`): delivery updates these rows on every
    claim and mark, and SQLite rewrites a whole record, overflow pages and all, on each UPDATE.
    """

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox__status_next_attempt_at", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300), unique=True)  # e.g. digest:<rcpt>:<slot>
    kind: Mapped[str] = mapped_column(sa.String(30))
    recipient: Mapped[str] = mapped_column(sa.String(200))
    slot: Mapped[date]
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "status", 20), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[OutboxMessageRow | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def message(self) -> bytes | None:
        """The stored MIME bytes (loads `body` unless it was loaded with the row)."""
        return self.body.message if self.body is not None else None


class OutboxMessageRow(Base):
    """Nội dung thư: the MIME bytes of one outbox mail, rendered once and sent as is."""

    __tablename__ = "outbox_message"
    outbox_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True
    )
    message: Mapped[bytes] = mapped_column(sa.LargeBinary)


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


class CalendarDay(Base):
    """Ngày trong lịch làm việc; `work_index` counts working days so SQL can do day arithmetic."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(primary_key=True)
    is_working: Mapped[bool]
    work_index: Mapped[int] = mapped_column(index=True)


class AgencySuccessionRow(Base):
    """Sắp xếp tổ chức bộ máy: agency `from_agency_id` ends the day before `on`; its work passes
    to `to_agency_id` (one row per successor, in `position` order; `work` for a split)."""

    __tablename__ = "agency_succession"
    __table_args__ = (sa.UniqueConstraint("from_agency_id", "to_agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True
    )
    to_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(20))  # merger, split, rename, dissolution
    work: Mapped[str | None] = mapped_column(sa.String(500))
    source: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)


class TaskLeadRow(Base):
    """Cơ quan chủ trì theo thời gian: who led a task from when to when (valid_to inclusive;
    None = still leading). Written at a handover; a task with no rows was led by its lead."""

    __tablename__ = "task_leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]


class TallyRow(Base):
    """Sổ tổng hợp: signed counts of task events by day or month (storage/tally.py), kept by
    triggers in the transaction of every write; the rollups read it instead of the tasks."""

    __tablename__ = "rollup_tally"
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)  # 'd' day, 'm' month, 'y'
    day: Mapped[date] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # '' for none
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int]


class TaskEventRow(Base):
    """What one task added to the tally, so a trigger can take it back (storage/tally.py)."""

    __tablename__ = "rollup_task_event"
    task_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    agency_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    dhalf: Mapped[date] = mapped_column(primary_key=True)  # half month of the task's deadline
    n: Mapped[int]


class DeadlineTallyRow(Base):
    """Sổ tổng hợp theo hạn: the tally's events per half month (1st–14th, 15th–end) of the
    task's deadline instead of per agency, for the rollup by period (storage/tally.py)."""

    __tablename__ = "rollup_deadline_tally"
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    dhalf: Mapped[date] = mapped_column(primary_key=True)
    leader: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int]


class RegistryVersionRow(Base):
    """A random stamp changed by triggers on every write to the agency registry
    (storage/registry_version.py), so a process reads the registry again only when it changed."""

    __tablename__ = "registry_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(sa.String(32))


class DataVersionRow(Base):
    """Dấu phiên bản dữ liệu: a random stamp changed by triggers in every transaction that writes
    what a report reads (storage/data_stamp.py), so a built dashboard is kept until it moves."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(sa.String(32))
