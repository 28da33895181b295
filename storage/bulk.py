"""Thao tác hàng loạt (bulk actions) of the secretariat on a selection of tasks: confirm
completion, decide pending extensions, reassign the lead, set a deadline.

Each task goes through the single-task operation of storage.task_ops, so every change is in the
history exactly as if the clerk had done it task by task. All or nothing: each task runs in a
savepoint so that every refusal is collected (not just the first), and when any task is refused
BulkRefused carries the list (task, why) and the caller's transaction rolls back: nothing
changes. The caller owns the transaction (`Database.write()`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from directives.models import OPEN_STATES, TaskState
from storage import task_ops
from storage.db import utcnow
from storage.models import AgencyRow, TaskRow
from storage.task_ops import Actor, StaleTaskError, TaskNotFound, TaskOpError

MAX_TASKS = 10_000  # one request, one transaction: larger selections are refused


class BulkAction(StrEnum):
    CONFIRM = "confirm"  # xác nhận hoàn thành
    EXTEND = "extend"  # xử lý đề nghị gia hạn (approve or refuse)
    REASSIGN = "reassign"  # đổi cơ quan chủ trì
    SET_DEADLINE = "set_deadline"  # đặt hạn xử lý
    EXPORT = "export"  # xuất XLSX (no change)


@dataclass(frozen=True)
class Problem:
    """Why one task cannot take the action (Vietnamese)."""

    task_id: int
    label: str  # "#12 (mục 3, Sở Nội vụ)" or "#12" when the task does not exist
    message: str


class BulkRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} tasks refused")
        self.problems = problems


@dataclass(frozen=True)
class BulkParams:
    """The action's own values: `approve` for extend, `lead_agency_id` for reassign,
    `deadline` for set_deadline."""

    approve: bool | None = None
    lead_agency_id: int | None = None
    deadline: date | None = None
    note: str = ""


def load_tasks(session: Session, ids: Sequence[int]) -> dict[int, TaskRow]:
    """The tasks of `ids` that exist, with lead, coordinators and directive loaded."""
    if not ids:
        return {}
    stmt = (
        sa.select(TaskRow)
        .where(TaskRow.id.in_(set(ids)))
        .options(
            selectinload(TaskRow.lead),
            selectinload(TaskRow.coordinators),
            selectinload(TaskRow.directive),
        )
    )
    return {t.id: t for t in session.scalars(stmt)}


def label(task_id: int, task: TaskRow | None) -> str:
    return f"#{task_id} (mục {task.ref}, {task.lead.name})" if task else f"#{task_id}"


def _confirm(s: Session, t: TaskRow, p: BulkParams, a: Actor, d: date, at: datetime) -> None:
    task_ops.confirm_completion(s, t.id, version=None, actor=a, note=p.note, today=d, at=at)


def _extend(s: Session, t: TaskRow, p: BulkParams, a: Actor, d: date, at: datetime) -> None:
    ext = task_ops.pending_extension(s, t.id)
    if ext is None:
        raise TaskOpError("Không có đề nghị gia hạn nào đang chờ duyệt")
    task_ops.decide_extension(s, ext.id, version=None, actor=a, approve=bool(p.approve),
                              note=p.note, today=d, at=at)  # fmt: skip


def _open(t: TaskRow) -> None:
    if TaskState(t.state) not in OPEN_STATES:
        raise TaskOpError("Nhiệm vụ đã kết thúc, không sửa hàng loạt được")


def _reassign(s: Session, t: TaskRow, p: BulkParams, a: Actor, d: date, at: datetime) -> None:
    _open(t)
    if t.lead_agency_id == p.lead_agency_id:
        raise TaskOpError("Nhiệm vụ đã do cơ quan này chủ trì")
    fields = {"lead_agency_id": p.lead_agency_id}
    task_ops.edit_task(s, t.id, version=None, actor=a, fields=fields, today=d, at=at)


def _set_deadline(s: Session, t: TaskRow, p: BulkParams, a: Actor, d: date, at: datetime) -> None:
    _open(t)
    if t.recurrence:
        raise TaskOpError("Nhiệm vụ định kỳ: mỗi kỳ có hạn theo quy tắc, không đặt một hạn chung")
    if t.deadline == p.deadline:
        raise TaskOpError("Nhiệm vụ đã có đúng hạn này")
    fields = {"deadline": p.deadline}
    task_ops.edit_task(s, t.id, version=None, actor=a, fields=fields, today=d, at=at)


OPS: dict[BulkAction, Callable[[Session, TaskRow, BulkParams, Actor, date, datetime], None]] = {
    BulkAction.CONFIRM: _confirm,
    BulkAction.EXTEND: _extend,
    BulkAction.REASSIGN: _reassign,
    BulkAction.SET_DEADLINE: _set_deadline,
}


def check_selection(session: Session, ids: Sequence[int]) -> dict[int, TaskRow]:
    """The selected tasks; BulkRefused naming each id that is no task."""
    if len(set(ids)) > MAX_TASKS:
        raise BulkRefused([Problem(0, "", f"Chọn quá {MAX_TASKS} nhiệm vụ một lần")])
    tasks = load_tasks(session, ids)
    missing = [Problem(i, label(i, None), "Không tìm thấy nhiệm vụ")
               for i in dict.fromkeys(ids) if i not in tasks]  # fmt: skip
    if missing:
        raise BulkRefused(missing)
    return tasks


def run(
    session: Session,
    action: BulkAction,
    ids: Sequence[int],
    params: BulkParams,
    *,
    actor: Actor,
    today: date,
    at: datetime | None = None,
) -> list[int]:
    """Apply `action` to every task of `ids` (in the order given, each id once); the ids
    changed. BulkRefused (nothing kept, once the caller rolls back) when any task is refused."""
    at = at or utcnow()
    op = OPS[action]
    if action == BulkAction.REASSIGN and session.get(AgencyRow, params.lead_agency_id) is None:
        raise BulkRefused([Problem(0, "", "Không có cơ quan chủ trì mới")])
    tasks = check_selection(session, ids)
    problems: list[Problem] = []
    order = list(dict.fromkeys(ids))
    for task_id in order:
        task = tasks[task_id]
        name = label(task_id, task)  # read before the savepoint may expire the task
        try:
            with session.begin_nested():
                op(session, task, params, actor, today, at)
        except (TaskOpError, TaskNotFound) as exc:
            problems.append(Problem(task_id, name, str(exc) or "Không tìm thấy nhiệm vụ"))
        except StaleTaskError:
            problems.append(Problem(task_id, name, task_ops.STALE_MESSAGE))
    if problems:
        raise BulkRefused(problems)
    return order
