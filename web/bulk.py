"""Bulk actions as the page and the API ask for them: read the request (task ids, or a /tasks
filter meaning "every matching task"), check its values, run storage.bulk in one transaction
(the reassigned lead agencies told, as the single edit does), and word the summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl

from directives.vn_format import vn_date
from dondoc.settings import Settings
from notifications.assignment import notify_reassignment
from storage import bulk, page_reads
from storage.bulk import BulkAction, BulkParams, BulkRefused
from storage.db import Database, utcnow
from web.accounts import CurrentUser
from web.actions import actor_of
from web.deps import today
from web.list_params import ListParamsError
from web.task_lists import matching_ids, read_params

ACTION_LABELS = {
    BulkAction.CONFIRM: "Xác nhận hoàn thành",
    BulkAction.EXTEND: "Xử lý đề nghị gia hạn",
    BulkAction.REASSIGN: "Đổi cơ quan chủ trì",
    BulkAction.SET_DEADLINE: "Đặt hạn xử lý",
    BulkAction.EXPORT: "Xuất XLSX",
}


class BulkInputError(ValueError):
    """The request itself is wrong (no task, unknown action, bad value): 422, nothing done."""


@dataclass(frozen=True)
class BulkRequest:
    action: BulkAction
    ids: list[int]
    params: BulkParams
    lead_name: str = ""


def task_ids_matching_filter(db: Database, user: CurrentUser, query: str) -> list[int]:
    """Every task id the /tasks query string `query` lists for `user`, in its order, unpaged
    (its cursor and limit ignored); refused beyond bulk.MAX_TASKS."""
    try:
        params = read_params(db, parse_qsl(query, keep_blank_values=True), today())
    except ListParamsError as exc:
        raise BulkInputError(f"Bộ lọc không hợp lệ: {exc}") from None
    ids = matching_ids(db, user, params, bulk.MAX_TASKS)
    if len(ids) > bulk.MAX_TASKS:
        raise BulkInputError(f"Bộ lọc chọn quá {bulk.MAX_TASKS:,} nhiệm vụ: hãy lọc hẹp hơn."
                             .replace(",", "."))  # fmt: skip
    return ids


def parse_ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > 18:
            raise BulkInputError(f"Mã nhiệm vụ không hợp lệ: {text[:40]}.")
        ids.append(int(text))
    return ids


def build_request(
    db: Database, user: CurrentUser, settings: Settings, today: date, *, action: str,
    ids: list[int], filter_query: str = "", decision: str = "", lead: str = "",
    deadline: str = "", note: str = "",
) -> BulkRequest:  # fmt: skip
    """The checked request; BulkInputError (Vietnamese) for anything wrong with it."""
    try:
        kind = BulkAction(action)
    except ValueError:
        raise BulkInputError("Thao tác hàng loạt không hợp lệ.") from None
    if filter_query and not ids:
        ids = task_ids_matching_filter(db, user, filter_query)
    if not ids:
        raise BulkInputError("Chưa chọn nhiệm vụ nào.")
    params, lead_name = BulkParams(note=note.strip()[:5000]), ""
    if kind == BulkAction.EXTEND:
        if settings.extension_decider == "leader":
            raise BulkInputError("Gia hạn do lãnh đạo UBND tỉnh quyết định, Văn phòng chỉ đề "
                                 "xuất trên từng nhiệm vụ.")  # fmt: skip
        if decision not in ("approve", "reject"):
            raise BulkInputError("Chọn đồng ý hoặc không đồng ý gia hạn.")
        params = BulkParams(approve=decision == "approve", note=params.note)
    elif kind == BulkAction.REASSIGN:
        with db.read() as session:
            row = page_reads.agency_by_code(session, lead) if lead else None
        if row is None or (row.valid_to is not None and row.valid_to < today):
            raise BulkInputError(f"Không có cơ quan đang hoạt động mã “{lead}”." if lead
                                 else "Chọn cơ quan chủ trì mới.")  # fmt: skip
        params, lead_name = BulkParams(lead_agency_id=row.id, note=params.note), row.name
    elif kind == BulkAction.SET_DEADLINE:
        try:
            day = date.fromisoformat(deadline)
        except ValueError:
            raise BulkInputError("Hạn xử lý không hợp lệ (cần dạng NNNN-TT-NN).") from None
        if day < today:
            raise BulkInputError("Hạn xử lý mới không được trước hôm nay.")
        params = BulkParams(deadline=day, note=params.note)
    return BulkRequest(kind, ids, params, lead_name)


def apply(db: Database, user: CurrentUser, settings: Settings, req: BulkRequest,
          today: date) -> list[int]:  # fmt: skip
    """One transaction; BulkRefused and nothing changed when any task is refused."""
    now = utcnow()
    with db.write() as session:
        changed = bulk.run(session, req.action, req.ids, req.params, actor=actor_of(user),
                           today=today, at=now)  # fmt: skip
        if req.action == BulkAction.REASSIGN:
            for task_id in changed:
                notify_reassignment(session, task_id, settings, now)
    return changed


def summary(req: BulkRequest, count: int) -> str:
    if req.action == BulkAction.CONFIRM:
        return f"Đã xác nhận {count} nhiệm vụ hoàn thành."
    if req.action == BulkAction.EXTEND:
        verb = "đồng ý" if req.params.approve else "không đồng ý"
        return f"Đã {verb} gia hạn {count} nhiệm vụ."
    if req.action == BulkAction.REASSIGN:
        return f"Đã giao {count} nhiệm vụ cho {req.lead_name} chủ trì."
    day = vn_date(req.params.deadline)
    return f"Đã đặt hạn xử lý {day} cho {count} nhiệm vụ."


def export(db: Database, req: BulkRequest) -> bytes:
    """The selection as XLSX; BulkRefused when an id is no task."""
    from reports.task_xlsx import tasks_xlsx

    with db.read() as session:
        tasks = bulk.check_selection(session, req.ids)
        return tasks_xlsx([tasks[i] for i in dict.fromkeys(req.ids)])


__all__ = ["BulkRefused", "BulkInputError", "build_request", "apply", "export", "summary"]
