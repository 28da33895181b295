"""Hộp thư đi for the secretariat: a page of the outbox (filtered, paged in SQL) and the two
things a clerk may do to a failed mail: retry it (back to pending, attempts reset, next try now)
or cancel it (never sent). Both are one guarded UPDATE (`WHERE status = 'failed'`), so two
clerks, or a clerk and a delivery worker, cannot both act on a row; each is kept in the history.

The row keeps its key and Message-ID: a retried mail is the same mail, sent at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.models import OutboxStatus as Status
from storage import history
from storage.models import OutboxRow

STATUSES = tuple(Status)
OPEN_STATUSES = (
    Status.PENDING,
    Status.SENDING,
    Status.FAILED,
)  # what the page shows unless asked otherwise
PAGE_SIZE = 50


class OutboxNotFound(LookupError):
    def __init__(self, outbox_id: int) -> None:
        super().__init__(f"outbox mail {outbox_id}: no such mail")
        self.outbox_id = outbox_id


class OutboxNotFailed(ValueError):
    def __init__(self, outbox_id: int, status: Status) -> None:
        super().__init__(f"outbox mail {outbox_id} is {status}, not failed: nothing to do")
        self.outbox_id, self.status = outbox_id, status


@dataclass(frozen=True)
class OutboxFilter:
    """What the clerk asked to see: statuses, part of a recipient address, the mail's day."""

    statuses: tuple[Status, ...] = OPEN_STATUSES
    recipient: str = ""
    day: date | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = [OutboxRow.status.in_(self.statuses)]
        if self.recipient:
            needle = self.recipient.lower().replace("\\", "\\\\").replace("%", r"\%")
            needle = needle.replace("_", r"\_")
            clauses.append(sa.func.lower(OutboxRow.recipient).like(f"%{needle}%", escape="\\"))
        if self.day is not None:
            clauses.append(OutboxRow.slot == self.day)
        return clauses


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    total: int
    offset: int
    limit: int


def page(
    session: Session, flt: OutboxFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> OutboxPage:
    """One page, failed mail first, then by day and id; `total` counts every match."""
    where = flt.where()
    total = session.scalar(sa.select(sa.func.count()).select_from(OutboxRow).where(*where)) or 0
    failed_first = sa.case((OutboxRow.status == Status.FAILED, 0), else_=1)
    stmt = (
        sa.select(OutboxRow)
        .where(*where)
        .order_by(failed_first, OutboxRow.slot.desc(), OutboxRow.id)
        .offset(offset)
        .limit(limit)
    )
    return OutboxPage(list(session.scalars(stmt)), total, offset, limit)


def counts(session: Session) -> dict[Status, int]:
    """Mail per status over the whole outbox."""
    stmt = sa.select(OutboxRow.status, sa.func.count()).group_by(OutboxRow.status)
    return {status: n for status, n in session.execute(stmt)}


def _act(
    session: Session, outbox_id: int, values: dict[str, object], action: str, actor: str,
    now: datetime,
) -> None:  # fmt: skip
    stmt = (
        sa.update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.status == Status.FAILED)
        .values(**values)
        .returning(OutboxRow.id, OutboxRow.recipient, OutboxRow.attempts, OutboxRow.last_error)
    )
    done = session.execute(stmt).first()
    if done is None:
        status = session.scalar(sa.select(OutboxRow.status).where(OutboxRow.id == outbox_id))
        if status is None:
            raise OutboxNotFound(outbox_id)
        raise OutboxNotFailed(outbox_id, status)
    history.record(
        session,
        entity="outbox",
        entity_id=outbox_id,
        action=action,
        actor=actor,
        changes={"recipient": done.recipient, "status": values["status"]},
        at=now,
    )


def retry(session: Session, outbox_id: int, actor: str, now: datetime) -> None:
    """Gửi lại: a failed mail goes back to the queue, to be tried at once from attempt zero."""
    values = {"status": Status.PENDING, "attempts": 0, "next_attempt_at": now, "claimed_at": None,
              "claimed_by": None}  # fmt: skip
    _act(session, outbox_id, values, "outbox_retry", actor, now)


def cancel(session: Session, outbox_id: int, actor: str, now: datetime) -> None:
    """Hủy: a failed mail is never sent; its reason stays on the row."""
    _act(session, outbox_id, {"status": Status.CANCELLED}, "outbox_cancel", actor, now)


def retry_all_failed(session: Session, actor: str, now: datetime) -> list[int]:
    """Every failed mail back to the queue; the ids, each recorded in the history."""
    ids = list(session.scalars(sa.select(OutboxRow.id).where(OutboxRow.status == Status.FAILED)))
    done = []
    for outbox_id in ids:
        try:
            retry(session, outbox_id, actor, now)
        except OutboxNotFailed:  # taken by someone else meanwhile
            continue
        done.append(outbox_id)
    return done
