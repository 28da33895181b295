"""For the office (secretariat, admin): the append-only history (nhật ký) across every task,
filtered by who, when, the task's lead agency and the kind of change (all in the URL), paged in
SQL; and the reminder policy and send time as they are in force (read-only)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from directives.calendar import TIMEZONE
from directives.collation import name_key
from dondoc import wiring
from storage import admin_reads, page_reads
from storage.admin_reads import HISTORY_PAGE_SIZE, HistoryFilter
from web.accounts import CurrentUser
from web.deps import AppSettings, Db, PageUser, render, require

router = APIRouter(include_in_schema=False)

ACTIONS_VI = {
    "create": "Vào sổ", "handover": "Chuyển giao do sắp xếp tổ chức bộ máy",
    "progress": "Báo cáo tiến độ", "completion": "Báo cáo hoàn thành",
    "confirm": "Xác nhận hoàn thành", "return": "Trả lại báo cáo",
    "extension_request": "Đề nghị gia hạn", "extension_decision": "Xử lý đề nghị gia hạn",
    "extension_proposal": "Văn phòng đề xuất xử lý gia hạn", "edit": "Sửa nhiệm vụ",
    "note": "Ghi chú",
}  # fmt: skip
PARAMS = {"actor", "from", "to", "agency", "action", "page"}


class FilterError(ValueError):
    pass


def _office(user: CurrentUser, what: str) -> None:
    require(user, user.is_office, what)


def _day(params: QueryParams, name: str) -> date | None:
    value = params.get(name) or ""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"Ngày không hợp lệ: {value} (cần dạng NNNN-TT-NN).") from None


def _instant(day: date) -> datetime:
    """The start of a day in Vietnam, as the UTC instant history rows are stamped with."""
    return datetime.combine(day, time(0), TIMEZONE)


def parse_filter(params: QueryParams, agency_ids: dict[str, int]) -> tuple[HistoryFilter, int]:
    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise FilterError(f"Tham số không hợp lệ: {', '.join(unknown)}.")
    since, until = _day(params, "from"), _day(params, "to")
    if since and until and until < since:
        raise FilterError("Ngày “đến” phải sau hoặc bằng ngày “từ”.")
    code = params.get("agency") or ""
    if code and code not in agency_ids:
        raise FilterError(f"Không có cơ quan mã “{code}”.")
    action = params.get("action") or ""
    if action and action not in ACTIONS_VI:
        raise FilterError(f"Loại thay đổi không hợp lệ: {action}.")
    number = params.get("page") or "1"
    if not number.isdigit() or not 1 <= int(number) <= 10**6:
        raise FilterError(f"Số trang không hợp lệ: {number}.")
    flt = HistoryFilter(
        actor=(params.get("actor") or "").strip()[:100],
        since=_instant(since) if since else None,
        until=_instant(until + timedelta(days=1)) if until else None,  # "to" includes the day
        agency_id=agency_ids[code] if code else None,
        action=action,
    )
    return flt, int(number)


def _query(params: QueryParams, page: int) -> str:
    pairs = [(k, v) for k, v in params.multi_items() if k != "page" and v]
    return urlencode(pairs + ([("page", str(page))] if page > 1 else []))


@router.get("/admin/history")
def history_page(request: Request, user: PageUser, db: Db) -> Response:
    _office(user, "xem nhật ký thay đổi")
    params = request.query_params
    with db.read() as session:
        agencies = page_reads.agencies(session, include_groups=False)
        try:
            flt, number = parse_filter(params, {a.code: a.id for a in agencies})
        except FilterError as exc:
            failure = {"status": 422, "message": str(exc), "user": user}
            return render(request, "error.html", failure, 422)
        found = admin_reads.history_page(
            session, flt, (number - 1) * HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE
        )
        usernames = sorted((a.username for a in admin_reads.accounts(session)), key=name_key)
        names = {a.id: a.name for a in agencies}
    pages = max(1, -(-found.total // HISTORY_PAGE_SIZE))
    context: dict[str, Any] = {
        "user": user, "title": "Nhật ký thay đổi", "rows": found.rows, "total": found.total,
        "page": number, "pages": pages, "agencies": agencies, "agency_names": names,
        "actions": sorted(ACTIONS_VI.items(), key=lambda kv: name_key(kv[1])),
        "ACTIONS_VI": ACTIONS_VI, "usernames": usernames, "params": params,
        "prev_url": _query(params, number - 1) if number > 1 else None,
        "next_url": _query(params, number + 1) if number < pages else None,
    }  # fmt: skip
    return render(request, "admin_history.html", context)


def _days(n: int | None) -> str:
    return "không áp dụng" if n is None else f"{n} ngày làm việc"


@router.get("/admin/policy")
def policy_page(request: Request, user: PageUser, settings: AppSettings) -> Response:
    _office(user, "xem chính sách nhắc việc")
    policy = wiring.reminder_policy(settings)  # the sweep's, validated when settings were read
    before = ", ".join(f"{b} ngày làm việc" for b in sorted(policy.before, reverse=True))
    rows = [
        ("Nhắc trước hạn", before or "không nhắc"),
        ("Nhắc đúng ngày đến hạn", "có" if policy.on_day else "không"),
        ("Quá hạn: nhắc lại sau mỗi", _days(policy.overdue_every)),
        ("Báo thủ trưởng cơ quan chủ trì khi quá hạn", _days(policy.head_after)),
        ("Báo lãnh đạo UBND tỉnh khi quá hạn", _days(policy.leader_after)),
        ("Đề nghị báo cáo tiến độ", f"mỗi {policy.progress_every_months} tháng"),
        ("Nhắc khi không có báo cáo sau",
         "không áp dụng" if policy.stale_after_days is None
         else f"{policy.stale_after_days} ngày"),
        ("Bù nhắc bị lỡ trong vòng", _days(policy.catch_up)),
        ("Giờ bắt đầu gửi thư", policy.send_time.strftime("%H:%M")),
        ("Giờ ngừng gửi thư", policy.send_until.strftime("%H:%M")),
        ("Múi giờ", settings.timezone),
        ("Người duyệt gia hạn",
         "Lãnh đạo UBND tỉnh kết luận" if settings.extension_decider == "leader"
         else "Văn phòng UBND tỉnh"),
    ]  # fmt: skip
    context = {"user": user, "title": "Chính sách nhắc việc", "rows": rows}
    return render(request, "admin_policy.html", context)
