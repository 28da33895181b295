"""Queries shared by the CLI, reports and web: the bucket of a task as SQL, task listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from directives.models import Bucket, TaskState
from storage.models import AgencyRow, DirectiveRow, TaskCoordinator, TaskRow


def bucket_expr(as_of: date) -> sa.ColumnElement[str | None]:
    """SQL twin of directives.buckets.bucket: same rules, evaluated in the database."""
    done = sa.and_(
        TaskRow.state == TaskState.DONE,
        TaskRow.completed_on.is_not(None),
        TaskRow.completed_on <= as_of,
    )
    return sa.case(
        (TaskRow.state == TaskState.CANCELLED, sa.null()),
        (
            sa.and_(TaskRow.deadline.is_(None), TaskRow.deadline_kind == "event"),
            Bucket.AWAITING_DEADLINE.value,
        ),
        (TaskRow.deadline.is_(None), Bucket.ONGOING.value),
        (sa.and_(done, TaskRow.completed_on <= TaskRow.deadline), Bucket.DONE_ON_TIME.value),
        (done, Bucket.DONE_LATE.value),
        (TaskRow.deadline < as_of, Bucket.OPEN_OVERDUE.value),
        else_=Bucket.OPEN_ON_TIME.value,
    )


@dataclass(frozen=True)
class TaskFilter:
    agency_id: int | None = None  # tasks it leads or coordinates
    lead_only: bool = False
    directive_id: int | None = None
    leader: str | None = None
    bucket: Bucket | None = None


def involving(agency_id: int) -> sa.CompoundSelect:  # type: ignore[type-arg]
    """The ids of the tasks the agency leads or coordinates, as one set: each half uses its
    index, where `lead = a OR id IN (coordinated)` made PostgreSQL read every task."""
    led = sa.select(TaskRow.id).where(TaskRow.lead_agency_id == agency_id)
    coordinated = sa.select(TaskCoordinator.task_id).where(TaskCoordinator.agency_id == agency_id)
    return sa.union_all(led, coordinated)


def filtered(stmt: sa.Select[Any], as_of: date, flt: TaskFilter) -> sa.Select[Any]:
    """`stmt` (over task) narrowed to the tasks `flt` keeps: visibility and list filters alike."""
    if flt.agency_id is not None:
        lead = TaskRow.lead_agency_id == flt.agency_id
        stmt = stmt.where(lead if flt.lead_only else TaskRow.id.in_(involving(flt.agency_id)))
    if flt.directive_id is not None:
        stmt = stmt.where(TaskRow.directive_id == flt.directive_id)
    if flt.leader is not None:
        led = sa.select(DirectiveRow.id).where(DirectiveRow.leader == flt.leader)
        stmt = stmt.where(TaskRow.directive_id.in_(led))
    if flt.bucket is not None:
        stmt = stmt.where(bucket_expr(as_of) == flt.bucket.value)
    return stmt


def with_relations(stmt: sa.Select[Any]) -> sa.Select[Any]:
    return stmt.options(
        selectinload(TaskRow.lead),
        selectinload(TaskRow.coordinators),
        selectinload(TaskRow.directive),
    )


def task_query(as_of: date, flt: TaskFilter = TaskFilter()) -> sa.Select[tuple[TaskRow, str]]:
    """Tasks with their bucket at `as_of`, filtered, ordered by deadline."""
    stmt = with_relations(sa.select(TaskRow, bucket_expr(as_of).label("bucket")))
    stmt = filtered(stmt, as_of, flt)
    return stmt.order_by(TaskRow.deadline.is_(None), TaskRow.deadline, TaskRow.id)


def list_tasks(
    session: Session, as_of: date, flt: TaskFilter = TaskFilter(), limit: int | None = None
) -> list[tuple[TaskRow, str | None]]:
    stmt = task_query(as_of, flt)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(row, b) for row, b in session.execute(stmt).all()]


def find_agency(session: Session, name_or_code: str) -> AgencyRow | None:
    """An agency by code, exact name or any alias (normalised)."""
    from directives.normalize import key
    from storage.models import AgencyAlias

    row = session.scalar(sa.select(AgencyRow).where(AgencyRow.code == name_or_code))
    if row is not None:
        return row
    return session.scalar(
        sa.select(AgencyRow).join(AgencyAlias).where(AgencyAlias.key == key(name_or_code)).limit(1)
    )
