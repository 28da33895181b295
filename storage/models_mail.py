"""The mail's tables: reminders (lời nhắc, one line of a digest each), the outbox (hộp thư đi)
ledger and its stored messages. Re-exported by `storage.models`.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directives.models import (
    OutboxStatus,
)
from directives.roles import RecipientRole
from storage.db import Base, utcnow
from storage.models_types import enum_type


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
