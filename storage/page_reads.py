"""Read-side queries the web pages need beyond storage.queries: one task with its record, queues,
agencies and directives for the lists, the ICS token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from directives.collation import name_key
from directives.models import ExtensionDecision
from storage.models import (
    AgencyRow,
    DirectiveRow,
    ExtensionRow,
    HistoryRow,
    StatusUpdateRow,
    TaskRow,
)


@dataclass
class TaskRecord:
    task: TaskRow
    updates: list[StatusUpdateRow] = field(default_factory=list)
    extensions: list[ExtensionRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    agency_names: dict[int, str] = field(default_factory=dict)


# One round trip for the task, its lead, directive and coordinators (a selectinload costs a
# second query and ~2 ms of CPU); built once so its cache key is computed once.
_TASK = (
    sa.select(TaskRow)
    .where(TaskRow.id == sa.bindparam("task_id"))
    .options(
        joinedload(TaskRow.lead),
        joinedload(TaskRow.directive),
        joinedload(TaskRow.coordinators),
    )
)
# What the access rules and views.task_json read, no more: psycopg builds a Python object for
# every column of every result, and the directive's source text can be hundreds of kB.
_Record = TypeVar("_Record", StatusUpdateRow, ExtensionRow, HistoryRow)

_TASK_BRIEF = (
    sa.select(TaskRow)
    .where(TaskRow.id == sa.bindparam("task_id"))
    .options(
        joinedload(TaskRow.lead).load_only(AgencyRow.code, AgencyRow.name),
        joinedload(TaskRow.directive).load_only(
            DirectiveRow.number, DirectiveRow.issued_on, DirectiveRow.leader
        ),
        joinedload(TaskRow.coordinators).load_only(AgencyRow.code, AgencyRow.name),
    )
)


def load_task(session: Session, task_id: int) -> TaskRow | None:
    return session.scalars(_TASK, {"task_id": task_id}).unique().first()


def load_task_brief(session: Session, task_id: int) -> TaskRow | None:
    """The task for a write through the API; other columns load on access, in the session."""
    return session.scalars(_TASK_BRIEF, {"task_id": task_id}).unique().first()


def task_record(session: Session, task: TaskRow) -> TaskRecord:
    def rows(model: type[_Record], order: sa.ColumnElement[Any]) -> list[_Record]:
        return list(
            session.scalars(sa.select(model).where(model.task_id == task.id).order_by(order))
        )

    return TaskRecord(
        task=task,
        updates=rows(StatusUpdateRow, StatusUpdateRow.id.desc()),
        extensions=rows(ExtensionRow, ExtensionRow.id.desc()),
        history=rows(HistoryRow, HistoryRow.id.desc()),
        agency_names=dict(session.execute(sa.select(AgencyRow.id, AgencyRow.name)).tuples().all()),
    )


def evidence_update(session: Session, update_id: int) -> StatusUpdateRow | None:
    row = session.get(StatusUpdateRow, update_id)
    return row if row is not None and row.evidence_path else None


def pending_extensions(session: Session) -> list[tuple[ExtensionRow, TaskRow]]:
    stmt = (
        sa.select(ExtensionRow, TaskRow)
        .join(TaskRow, TaskRow.id == ExtensionRow.task_id)
        .where(ExtensionRow.decision == ExtensionDecision.PENDING)
        .options(selectinload(TaskRow.lead), selectinload(TaskRow.directive))
        .order_by(ExtensionRow.requested_at)
    )
    return [(e, t) for e, t in session.execute(stmt).all()]


def directives(
    session: Session, leader: str | None = None, limit: int | None = None
) -> list[DirectiveRow]:
    """The latest first (at most `limit`), without their notice texts."""
    stmt = sa.select(DirectiveRow).order_by(DirectiveRow.id.desc())
    stmt = stmt.options(defer(DirectiveRow.source_text))
    if leader is not None:
        stmt = stmt.where(DirectiveRow.leader == leader)
    return list(session.scalars(stmt.limit(limit)))


def directive_heads(
    session: Session, leader: str | None = None, limit: int = 50, before: int | None = None
) -> list[sa.Row[Any]]:
    """`directives`' header columns only (id, number, issued_on, subject, kind, leader), the
    latest first, at most `limit` of them older than id `before`: a page that lists directives
    reads neither their source text nor all of them."""
    d = DirectiveRow
    stmt = sa.select(d.id, d.number, d.issued_on, d.subject, d.kind, d.leader)
    if leader is not None:
        stmt = stmt.where(d.leader == leader)
    if before is not None:
        stmt = stmt.where(d.id < before)
    return list(session.execute(stmt.order_by(d.id.desc()).limit(limit)))


def directive_total(session: Session, leader: str | None = None) -> int:
    """How many directives (of `leader`, or all)."""
    stmt = sa.select(sa.func.count()).select_from(DirectiveRow)
    if leader is not None:
        stmt = stmt.where(DirectiveRow.leader == leader)
    return int(session.scalar(stmt) or 0)


def agencies(
    session: Session, include_groups: bool = True, on: date | None = None
) -> list[AgencyRow]:
    """Agencies by name; with `on`, only those in being that day (pickers hide abolished ones)."""
    stmt = sa.select(AgencyRow).order_by(AgencyRow.name)
    if not include_groups:
        stmt = stmt.where(AgencyRow.kind != "group")
    if on is not None:
        stmt = stmt.where(
            sa.or_(AgencyRow.valid_to.is_(None), AgencyRow.valid_to >= on),
            sa.or_(AgencyRow.valid_from.is_(None), AgencyRow.valid_from <= on),
        )
    return sorted(session.scalars(stmt), key=lambda a: name_key(a.name))  # Vietnamese order


def agencies_by_id(session: Session, ids: set[int]) -> list[AgencyRow]:
    if not ids:
        return []
    return list(session.scalars(sa.select(AgencyRow).where(AgencyRow.id.in_(ids))))


def agency_by_code(session: Session, code: str) -> AgencyRow | None:
    return session.scalar(sa.select(AgencyRow).where(AgencyRow.code == code))


def agency_by_ics_token(session: Session, token: str) -> AgencyRow | None:
    return session.scalar(sa.select(AgencyRow).where(AgencyRow.ics_token == token))


def set_ics_token(session: Session, agency_id: int, token: str) -> None:
    session.execute(sa.update(AgencyRow).where(AgencyRow.id == agency_id).values(ics_token=token))
