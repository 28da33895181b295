"""The rows of a task list page (dòng của danh sách nhiệm vụ): plain records, no ORM objects.

A page is read as one column-only statement (the page's task columns, sorted and limited in a
subquery, then joined to their directive and lead agency) and one IN query for the coordinators
of the page's ids: two statements whatever the page size, no
identity map, no per-row loading. The records carry exactly what the list pages, the API's
TaskOut and web.views read (the same attribute names as TaskRow), and nothing else: no notice
text, no warnings, no search key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from storage.models import AgencyRow, DirectiveRow, TaskCoordinator, TaskRow


@dataclass(frozen=True, slots=True)
class AgencyBrief:
    """Cơ quan as a list shows it: code and name."""

    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DirectiveBrief:
    """Văn bản chỉ đạo as a list shows it: what its label and leader need."""

    id: int
    number: str
    issued_on: date | None
    subject: str | None
    kind: str
    leader: str | None


@dataclass(slots=True)
class TaskItem:
    """Nhiệm vụ as one row of a list (the columns a list or the API's TaskOut shows)."""

    id: int
    version: int
    directive_id: int
    ref: str
    content: str
    lead_agency_id: int
    state: str
    progress: int
    deadline_kind: str
    deadline_text: str | None
    recurrence: str | None
    recurrence_until: date | None
    original_deadline: date | None
    deadline: date | None
    completed_on: date | None
    reported_done_on: date | None
    created_at: datetime
    directive: DirectiveBrief
    lead: AgencyBrief
    coordinators: list[AgencyBrief] = field(default_factory=list)


_TASK_COLUMNS = (TaskRow.id, TaskRow.version, TaskRow.directive_id, TaskRow.ref, TaskRow.content,
                 TaskRow.lead_agency_id, TaskRow.state, TaskRow.progress, TaskRow.deadline_kind,
                 TaskRow.deadline_text, TaskRow.recurrence, TaskRow.recurrence_until,
                 TaskRow.original_deadline, TaskRow.deadline, TaskRow.completed_on,
                 TaskRow.reported_done_on, TaskRow.created_at)  # fmt: skip
_DIRECTIVE_COLUMNS = (DirectiveRow.id, DirectiveRow.number, DirectiveRow.issued_on,
                      DirectiveRow.subject, DirectiveRow.kind, DirectiveRow.leader)  # fmt: skip
N_TASK, N_DIRECTIVE = len(_TASK_COLUMNS), len(_DIRECTIVE_COLUMNS)
LEAD = aliased(AgencyRow, name="lead_agency")


def task_columns() -> tuple[Any, ...]:
    """The task's own columns of a page, in the order `item` reads them."""
    return _TASK_COLUMNS


def outer(page: sa.Subquery, descending: bool) -> sa.Select[Any]:
    """The page `page` (task_columns(), its bucket and sort key `k`, already limited) joined to
    its directive and lead agency: the joins read the page's rows only, not every match."""
    stmt = sa.select(*(page.c[c.key] for c in _TASK_COLUMNS), *_DIRECTIVE_COLUMNS,
                     LEAD.id, LEAD.code, LEAD.name, page.c.bucket)  # fmt: skip
    stmt = stmt.join(DirectiveRow, DirectiveRow.id == page.c.directive_id)
    stmt = stmt.join(LEAD, LEAD.id == page.c.lead_agency_id)
    order = (page.c.k.desc(), page.c.id.desc()) if descending else (page.c.k, page.c.id)
    return stmt.order_by(*order)


def item(row: Sequence[Any]) -> TaskItem:
    """One record from a row of `outer`."""
    d = N_TASK + N_DIRECTIVE
    values = [*row[:N_TASK], DirectiveBrief(*row[N_TASK:d]), AgencyBrief(*row[d : d + 3])]
    return TaskItem(*values)


def add_coordinators(session: Session, items: Sequence[TaskItem]) -> None:
    """Each item's coordinators, read for all the items in one IN query."""
    if not items:
        return
    by_id = {i.id: i for i in items}
    stmt = (
        sa.select(TaskCoordinator.task_id, AgencyRow.id, AgencyRow.code, AgencyRow.name)
        .join(AgencyRow, AgencyRow.id == TaskCoordinator.agency_id)
        .where(TaskCoordinator.task_id.in_(list(by_id)))
        .order_by(TaskCoordinator.task_id, TaskCoordinator.agency_id)
    )
    for task_id, *agency in session.execute(stmt):
        by_id[task_id].coordinators.append(AgencyBrief(*agency))
