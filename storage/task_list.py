"""One page of tasks in SQL (danh sách nhiệm vụ): filtered, sorted, keyset-paged, with a total.

A page is read by a cursor on (sort key, id): the next page starts strictly after the last row
of this one, so the 500th page costs what the first does and no row is lost or repeated while
tasks are added. Filters and visibility are storage.queries.TaskFilter (reused); the text search
is storage.search. Nothing is filtered in Python. One agency's tasks (those it leads or
coordinates, its officer's own list) are read as two halves, each in the order of its index
(storage/coordinator_sort), and merged: a page costs about a page of rows from each.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.models import Bucket, TaskState
from storage import search, task_rows
from storage.models import AgencyRow, TaskCoordinator, TaskRow
from storage.queries import TaskFilter, bucket_expr, filtered
from storage.task_rows import TaskItem

SortKey = Literal["deadline", "registered", "lead", "state", "id"]
SORT_KEYS: tuple[str, ...] = ("deadline", "registered", "lead", "state", "id")
Kind = Literal["recurring", "event"]
NO_DEADLINE = date(9999, 12, 31)  # tasks with no deadline sort after every dated one
# Written as a literal, not a bound parameter, so the planners match the sort indexes' expression.
_NO_DEADLINE_SQL = sa.literal_column("'9999-12-31'", sa.Date())
SORT_INDEXES = {  # made by migration 0010 (SQL the models do not describe)
    "ix_task_sort_deadline": "coalesce(deadline, '9999-12-31'), id",
    "ix_task_sort_created": "created_at, id",
}
MAX_LIMIT = 200
# A list counts its matches up to this: past it the page says "more than 10,000" and its tabs
# show no counts, so a page costs what its rows cost, not a scan of a million (README, Lists).
COUNT_CAP = 10_000


class BadCursor(ValueError):
    """The cursor is not one this list wrote."""


@dataclass(frozen=True)
class TaskQuery:
    """What a list asks for (bộ lọc): the filters, the sort, one page."""

    as_of: date
    agency_id: int | None = None  # tasks it leads or coordinates (lead only: lead_only)
    lead_only: bool = False
    directive_id: int | None = None
    leader: str | None = None
    bucket: Bucket | None = None  # at as_of
    state: TaskState | None = None
    due_from: date | None = None
    due_to: date | None = None
    kind: Kind | None = None
    q: str = ""
    sort: SortKey = "deadline"
    desc: bool = False
    limit: int = 50
    cursor: str | None = None  # from a TaskPage: next_cursor or prev_cursor


@dataclass
class TaskPage:
    rows: list[tuple[TaskItem, str | None]]  # each task and its bucket at as_of
    total: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # per bucket, the other filters kept
    counted: bool = True  # False: more than COUNT_CAP matches, `counts` left empty

    @property
    def capped(self) -> bool:
        """More tasks match than were counted: `total` is COUNT_CAP + 1, a lower bound."""
        return self.total > COUNT_CAP


def _sort_column(sort: str) -> sa.ColumnElement[Any]:
    if sort == "deadline":
        return sa.func.coalesce(TaskRow.deadline, _NO_DEADLINE_SQL, type_=sa.Date())
    columns: dict[str, sa.ColumnElement[Any]] = {
        "registered": TaskRow.created_at.expression,
        "lead": AgencyRow.name.expression,
        "state": TaskRow.state.expression,
    }
    return columns.get(sort, TaskRow.id.expression)


def _matching(stmt: sa.Select[Any], query: TaskQuery, seen: TaskFilter, dialect: str,
              with_bucket: bool = True) -> sa.Select[Any]:  # fmt: skip
    """`stmt` narrowed to what `seen` (the user's visibility) and `query` keep."""
    stmt = filtered(stmt, query.as_of, seen)
    own = TaskFilter(agency_id=query.agency_id, lead_only=query.lead_only,
                     directive_id=query.directive_id, leader=query.leader,
                     bucket=query.bucket if with_bucket else None)  # fmt: skip
    stmt = filtered(stmt, query.as_of, own)
    if query.state is not None:
        stmt = stmt.where(TaskRow.state == query.state)
    if query.due_from is not None:
        stmt = stmt.where(TaskRow.deadline >= query.due_from)
    if query.due_to is not None:
        stmt = stmt.where(TaskRow.deadline <= query.due_to)
    stmt = stmt.where(*_deadline_bounds(query, _sort_column("deadline"), with_bucket))
    if query.kind == "recurring":
        stmt = stmt.where(TaskRow.recurrence.is_not(None))
    elif query.kind == "event":
        stmt = stmt.where(TaskRow.deadline_kind == "event")
    found = search.matches(query.q, dialect) if query.q else None
    return stmt if found is None else stmt.where(found)


def _deadline_bounds(query: TaskQuery, key: sa.ColumnElement[Any],
                    with_bucket: bool = True) -> list[sa.ColumnElement[bool]]:  # fmt: skip
    """What the deadline range and the bucket imply for the sort key `key` (the task's
    coalesce(deadline, no-deadline date)): the same rows, now a range of the sort indexes, so
    "on time, due within a week" reads that week, not every task due before it."""
    bounds = []
    if query.due_from is not None:
        bounds.append(key >= query.due_from)
    if query.due_to is not None:
        bounds.append(key <= query.due_to)
    if with_bucket and query.bucket == Bucket.OPEN_ON_TIME:  # not yet due: deadline >= as-of
        bounds.append(key >= query.as_of)
    elif with_bucket and query.bucket == Bucket.OPEN_OVERDUE:
        bounds.append(key < query.as_of)
    return bounds


def _encode(value: Any, task_id: int, back: bool) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    raw = json.dumps([value, task_id, int(back)], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> tuple[Any, int, bool]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, task_id, back = json.loads(raw)
        if not isinstance(task_id, int) or back not in (0, 1):
            raise ValueError
        if sort == "deadline":
            value = date.fromisoformat(value)
        elif sort == "registered":
            value = datetime.fromisoformat(value)
        elif sort == "id":
            value = int(value)
        elif not isinstance(value, str):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(cursor) from None
    return value, task_id, bool(back)


def _key_of(row: TaskItem, sort: str) -> Any:
    if sort == "deadline":
        return row.deadline or NO_DEADLINE
    if sort == "registered":
        return row.created_at
    if sort == "lead":
        return row.lead.name
    return row.state if sort == "state" else row.id


def _base(query: TaskQuery, seen: TaskFilter, dialect: str,
          key: sa.ColumnElement[Any] | None = None) -> sa.Select:  # type: ignore[type-arg]  # fmt: skip
    """The page's task columns (task_rows), its bucket and sort key `k`, filtered."""
    k = (_sort_column(query.sort) if key is None else key).label("k")
    stmt = sa.select(*task_rows.task_columns(), bucket_expr(query.as_of).label("bucket"), k)
    if query.sort == "lead":
        stmt = stmt.join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
    return _matching(stmt, query, seen, dialect)


After = tuple[Any, int] | None  # the (key, id) a page starts after


def _ordered(stmt: sa.Select[Any], key: sa.ColumnElement[Any], task_id: sa.ColumnElement[int],
             descending: bool, after: After, limit: int) -> sa.Select[Any]:  # fmt: skip
    """`stmt` past the (key, id) `after`, in (key, id) order, `limit` + 1 rows (to tell more)."""
    if after is not None:
        mark = sa.tuple_(key, task_id)
        bound = sa.tuple_(sa.literal(after[0], key.type), sa.literal(after[1]))
        stmt = stmt.where(mark < bound if descending else mark > bound)
    order = (key.desc(), task_id.desc()) if descending else (key, task_id)
    return stmt.order_by(*order).limit(limit + 1)


def _involvement(query: TaskQuery, seen: TaskFilter) -> int | None:
    """The one agency whose tasks (led or coordinated) are read as two halves, each from its
    index (storage/coordinator_sort), else None (one statement, `queries.involving`)."""
    if query.lead_only or seen.lead_only:
        return None
    agencies = {a for a in (query.agency_id, seen.agency_id) if a is not None}
    return agencies.pop() if len(agencies) == 1 else None


def _involved(query: TaskQuery, seen: TaskFilter) -> int | None:
    """The same for a page by deadline, the order both halves' indexes hold."""
    return _involvement(query, seen) if query.sort == "deadline" else None


def _halves(query: TaskQuery, seen: TaskFilter, dialect: str, agency: int, descending: bool,
            after: After, limit: int) -> sa.Subquery:  # fmt: skip
    """A page of the agency's tasks: a page from each half, merged (a task it leads and also
    coordinates is in the lead half only)."""
    mine, others = replace(query, agency_id=None), replace(seen, agency_id=None)
    led = _base(replace(mine, agency_id=agency, lead_only=True), others, dialect)
    led = _ordered(led, _sort_column("deadline"), TaskRow.id.expression, descending, after, limit)
    key = TaskCoordinator.deadline_key.expression
    coordinated = _base(mine, others, dialect, key).join(
        TaskCoordinator, TaskCoordinator.task_id == TaskRow.id
    )
    coordinated = coordinated.where(TaskCoordinator.agency_id == agency, _not_led(agency),
                                    *_deadline_bounds(query, key))  # fmt: skip
    coordinated = _ordered(coordinated, key, TaskCoordinator.task_id.expression, descending,
                           after, limit)  # fmt: skip
    both = sa.union_all(sa.select(led.subquery()), sa.select(coordinated.subquery())).subquery()
    merged = sa.select(*both.c)
    return _ordered(merged, both.c.k, both.c.id, descending, None, limit).subquery("page")


def page(session: Session, query: TaskQuery, seen: TaskFilter = TaskFilter(),
         with_total: bool = True) -> TaskPage:  # fmt: skip
    """One page of the tasks `seen` lets the user see and `query` asks for, with the total
    (`with_total` False: not counted, `total` is this page's rows)."""
    dialect = session.get_bind().dialect.name
    limit = max(1, min(query.limit, MAX_LIMIT))
    after, back = None, False
    if query.cursor:
        value, after_id, back = _decode(query.cursor, query.sort)
        after = (value, after_id)
    descending = query.desc != back  # reading towards smaller keys
    agency = _involved(query, seen)
    if agency is not None:
        found = _halves(query, seen, dialect, agency, descending, after, limit)
    else:
        stmt, key = _base(query, seen, dialect), _sort_column(query.sort)
        stmt = _ordered(stmt, key, TaskRow.id.expression, descending, after, limit)
        found = stmt.subquery("page")
    got = session.execute(task_rows.outer(found, descending)).all()
    more = len(got) > limit
    rows = [(task_rows.item(r), r[-1]) for r in got[:limit]]
    if back:
        rows.reverse()
    task_rows.add_coordinators(session, [t for t, _ in rows])
    result = TaskPage(rows, total(session, query, seen, COUNT_CAP) if with_total else len(rows))
    if rows:
        first, last = rows[0][0], rows[-1][0]
        if more or back:
            result.next_cursor = _encode(_key_of(last, query.sort), last.id, False)
        if query.cursor and (more or not back):
            result.prev_cursor = _encode(_key_of(first, query.sort), first.id, True)
    return result


def _not_led(agency: int) -> sa.ColumnElement[bool]:
    """A coordinated task the agency does not also lead (that one is in the lead half)."""
    return TaskRow.lead_agency_id != agency


def _unfiltered(query: TaskQuery, seen: TaskFilter) -> bool:
    """No filter but the agency's (taken out of both): its coordinations need no task row."""
    paging = replace(query, sort="deadline", desc=False, limit=50, cursor=None)
    return seen == TaskFilter() and paging == TaskQuery(as_of=query.as_of)


def _matching_ids(query: TaskQuery, seen: TaskFilter, dialect: str, *columns: Any,
                  with_bucket: bool = True) -> sa.Select[Any] | sa.CompoundSelect[Any]:  # fmt: skip
    """The matching tasks' ids (and `columns`), unordered: for one agency's involvement the
    union of its two halves, each read from its own index (`_involvement`)."""
    agency = _involvement(query, seen)
    if agency is None:
        return _matching(sa.select(TaskRow.id, *columns), query, seen, dialect, with_bucket)
    mine, others = replace(query, agency_id=None), replace(seen, agency_id=None)
    lead = replace(mine, agency_id=agency, lead_only=True)
    led = _matching(sa.select(TaskRow.id, *columns), lead, others, dialect, with_bucket)
    if not columns and _unfiltered(mine, others):
        coordinated = sa.select(TaskCoordinator.task_id)
    else:
        coordinated = sa.select(TaskRow.id, *columns).join(
            TaskCoordinator, TaskCoordinator.task_id == TaskRow.id
        )
        coordinated = _matching(coordinated, mine, others, dialect, with_bucket)
        coordinated = coordinated.where(_not_led(agency))  # no duplicate: the rows stream
        return sa.union_all(led, coordinated.where(TaskCoordinator.agency_id == agency))
    return sa.union(led, coordinated.where(TaskCoordinator.agency_id == agency))


def total(session: Session, query: TaskQuery, seen: TaskFilter = TaskFilter(),
          cap: int | None = COUNT_CAP) -> int:  # fmt: skip
    """The matching tasks, counted up to `cap` + 1 (more than `cap`: the count stops there)."""
    ids = _matching_ids(query, seen, session.get_bind().dialect.name)
    found = (ids if cap is None else ids.limit(cap + 1)).subquery()
    return int(session.scalar(sa.select(sa.func.count()).select_from(found)) or 0)


def _per_bucket(session: Session, query: TaskQuery, seen: TaskFilter,
                cap: int | None) -> dict[str | None, int]:  # fmt: skip
    """Matching tasks per bucket at as_of (None: cancelled), every filter but the bucket kept,
    reading at most `cap` + 1 rows."""
    dialect = session.get_bind().dialect.name
    bucket = bucket_expr(query.as_of).label("bucket")
    rows = _matching_ids(query, seen, dialect, bucket, with_bucket=False)
    found = (rows if cap is None else rows.limit(cap + 1)).subquery()
    stmt = sa.select(found.c.bucket, sa.func.count()).group_by(found.c.bucket)
    return {b: int(n) for b, n in session.execute(stmt)}


def bucket_counts(session: Session, query: TaskQuery, seen: TaskFilter = TaskFilter(),
                  cap: int | None = None) -> dict[str, int] | None:  # fmt: skip
    """Tasks per bucket at as_of, every other filter kept (the tab bar); None when more than
    `cap` tasks match (the counting stops after `cap` + 1 rows)."""
    return counts_and_total(session, query, seen, cap)[0]


def _many_involving(session: Session, query: TaskQuery, seen: TaskFilter, cap: int) -> bool:
    """Whether one agency, with no other filter, has more than `cap` tasks: told from the ids
    in its two indexes, without reading a task (its tabs would then show no counts anyway)."""
    unbucketed = replace(query, bucket=None)
    agency = _involvement(unbucketed, seen)
    if agency is None or not _unfiltered(replace(unbucketed, agency_id=None),
                                         replace(seen, agency_id=None)):  # fmt: skip
        return False
    return total(session, unbucketed, seen, cap) > cap


Counts = dict[str, int]  # tasks per bucket


def counts_and_total(session: Session, query: TaskQuery, seen: TaskFilter = TaskFilter(),
                     cap: int | None = None) -> tuple[Counts | None, int | None]:  # fmt: skip
    """The tab bar's counts (as bucket_counts) and the list's total as `total` counts it, from
    one reading; the total is None where that reading cannot tell it (more than `cap` tasks,
    one bucket asked for)."""
    if cap is not None and _many_involving(session, query, seen, cap):
        return None, (cap + 1 if query.bucket is None else None)
    raw = _per_bucket(session, query, seen, cap)
    matched = sum(raw.values())
    if cap is not None and matched > cap:
        return None, (cap + 1 if query.bucket is None else None)
    counts = {b: n for b, n in raw.items() if b is not None}
    return counts, matched if query.bucket is None else counts.get(query.bucket.value, 0)


def all_ids(session: Session, query: TaskQuery, seen: TaskFilter, at_most: int) -> list[int]:
    """Every matching id in the list's order, unpaged, at most `at_most` (+1 to tell more)."""
    dialect = session.get_bind().dialect.name
    key = _sort_column(query.sort)
    stmt = sa.select(TaskRow.id)
    if query.sort == "lead":
        stmt = stmt.join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
    stmt = _matching(stmt, replace(query, cursor=None), seen, dialect)
    order = (key.desc(), TaskRow.id.desc()) if query.desc else (key, TaskRow.id)
    return list(session.scalars(stmt.order_by(*order).limit(at_most + 1)))
