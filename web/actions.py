"""The task operations as the pages and the API call them: schema → storage.task_ops."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from directives.models import TaskState
from storage import extension_flow, page_reads, task_ops
from storage.models import ExtensionRow
from storage.task_ops import Actor, Evidence, TaskOpError
from web import access
from web.accounts import CurrentUser
from web.schemas import (
    CompletionIn,
    ConfirmIn,
    DecisionIn,
    ExtensionIn,
    NoteIn,
    ProgressIn,
    ProposalIn,
    ReturnIn,
    TaskEditIn,
)

Ev = Evidence | None
Op = Callable[[Session, int, Any, Actor, Ev, date], object]


@dataclass(frozen=True)
class Action:
    schema: type[BaseModel]
    allowed: Callable[[access.Relation | None], bool]
    op: Op
    done: str  # the flash message after success
    uploads: bool = False


def actor_of(user: CurrentUser) -> Actor:
    return Actor(username=user.username, agency_id=user.agency_id)


def _progress(s: Session, tid: int, b: ProgressIn, a: Actor, ev: Ev, d: date) -> object:
    return task_ops.report_progress(
        s, tid, version=b.version, actor=a, percent=b.percent, note=b.note, evidence=ev, today=d
    )


def _completion(s: Session, tid: int, b: CompletionIn, a: Actor, ev: Ev, d: date) -> object:
    return task_ops.report_completion(
        s,
        tid,
        version=b.version,
        actor=a,
        done_on=b.done_on or d,
        note=b.note,
        evidence=ev,
        today=d,
    )


def _extension(s: Session, tid: int, b: ExtensionIn, a: Actor, _: Ev, d: date) -> object:
    return task_ops.request_extension(
        s, tid, version=b.version, actor=a, proposed=b.proposed_deadline, reason=b.reason
    )


def _note(s: Session, tid: int, b: NoteIn, a: Actor, _: Ev, d: date) -> object:
    return task_ops.add_note(s, tid, actor=a, note=b.note)


def _confirm(s: Session, tid: int, b: ConfirmIn, a: Actor, _: Ev, d: date) -> object:
    return task_ops.confirm_completion(s, tid, version=b.version, actor=a, note=b.note, today=d)


def _return(s: Session, tid: int, b: ReturnIn, a: Actor, _: Ev, d: date) -> object:
    return task_ops.return_completion(s, tid, version=b.version, actor=a, reason=b.reason, today=d)


def _decision(s: Session, tid: int, b: DecisionIn, a: Actor, _: Ev, d: date) -> object:
    ext = task_ops.pending_extension(s, tid)
    if ext is None:
        raise TaskOpError("Không có đề nghị gia hạn nào đang chờ duyệt")
    return decide(s, ext.id, b, a, d)


def decide(s: Session, ext_id: int, b: DecisionIn, a: Actor, d: date) -> ExtensionRow:
    if b.new_deadline is not None and b.new_deadline < d:
        raise TaskOpError("Hạn mới không được trước hôm nay", "new_deadline")
    return task_ops.decide_extension(
        s,
        ext_id,
        version=b.version,
        actor=a,
        approve=b.approve,
        new_deadline=b.new_deadline,
        note=b.note,
        today=d,
    )


def _edit(s: Session, tid: int, b: TaskEditIn, a: Actor, _: Ev, d: date) -> object:
    return task_ops.edit_task(s, tid, version=b.version, actor=a, fields=edit_fields(s, b), today=d)


def edit_fields(s: Session, b: TaskEditIn) -> dict[str, Any]:
    """The edit form's values as task columns; unknown agency codes or states are refused."""
    fields: dict[str, Any] = {}
    if b.content is not None:
        fields["content"] = b.content
    if b.deadline_text is not None:
        fields["deadline_text"] = b.deadline_text
    if b.deadline is not None or b.clear_deadline:
        fields["deadline"] = None if b.clear_deadline else b.deadline
    if b.progress is not None:
        fields["progress"] = b.progress
    if b.recurrence is not None:
        fields["recurrence"] = b.recurrence  # validated by edit_task (Vietnamese message)
    if b.recurrence_until is not None or b.clear_recurrence_until:
        fields["recurrence_until"] = None if b.clear_recurrence_until else b.recurrence_until
    if b.state is not None:
        if b.state not in set(TaskState):
            raise TaskOpError("Trạng thái không hợp lệ", "state")
        fields["state"] = b.state
    if b.lead:
        fields["lead_agency_id"] = _agency_id(s, b.lead, "lead")
    if b.coordinators is not None:
        fields["coordinator_ids"] = [_agency_id(s, c, "coordinators") for c in b.coordinators]
    return fields


def _agency_id(s: Session, code: str, field: str) -> int:
    row = page_reads.agency_by_code(s, code)
    if row is None:
        raise TaskOpError(f"Không có cơ quan mã {code!r}", field)
    return row.id


def _proposal(s: Session, tid: int, b: ProposalIn, a: Actor, _: Ev, d: date) -> object:
    return extension_flow.propose_extension(
        s, tid, actor=a, approve=b.approve, new_deadline=b.new_deadline, note=b.note
    )


def allowed(name: str, rel: access.Relation | None, decider: str) -> bool:
    """May a user in relation `rel` run action `name`? Extension decisions follow the
    `extension_decider` setting; the office proposes when the leader decides."""
    if name == "decision":
        return access.can_decide_extension(rel, decider)
    if name == "proposal":
        return access.can_propose_extension(rel, decider)
    return ACTIONS[name].allowed(rel)


ACTIONS: dict[str, Action] = {
    "progress": Action(ProgressIn, access.can_report, _progress, "Đã ghi nhận tiến độ.", True),
    "completion": Action(
        CompletionIn, access.can_report, _completion, "Đã gửi báo cáo hoàn thành.", True
    ),
    "extension": Action(ExtensionIn, access.can_report, _extension, "Đã gửi đề nghị gia hạn."),
    "note": Action(NoteIn, access.can_note, _note, "Đã thêm ghi chú."),
    "confirm": Action(ConfirmIn, access.can_decide, _confirm, "Đã xác nhận hoàn thành."),
    "return": Action(ReturnIn, access.can_decide, _return, "Đã trả lại báo cáo hoàn thành."),
    "decision": Action(DecisionIn, access.can_decide, _decision, "Đã xử lý đề nghị gia hạn."),
    "edit": Action(TaskEditIn, access.can_decide, _edit, "Đã cập nhật nhiệm vụ."),
    "proposal": Action(
        ProposalIn, access.can_decide, _proposal, "Đã gửi đề xuất gia hạn lên lãnh đạo."
    ),
}
