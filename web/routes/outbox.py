"""Hộp thư đi (the outbox page) for the secretariat: what waits, what is being sent, what failed
and why, filtered by status, recipient and day (in the URL), paged in SQL; retry or cancel a
failed mail. Only the office (secretariat, admin) may see or act."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import QueryParams
from starlette.responses import Response

from directives.models import OutboxStatus as Status
from storage import outbox_admin
from storage.db import utcnow
from storage.outbox_admin import PAGE_SIZE, STATUSES, OutboxFilter, OutboxNotFailed, OutboxNotFound
from web.accounts import CurrentUser
from web.deps import Db, PageUser, csrf_protect, flash, render, require
from web.forms import Form

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

STATUS_LABELS: dict[str, str] = {
    Status.PENDING: "Chờ gửi",
    Status.SENDING: "Đang gửi",
    Status.SENT: "Đã gửi",
    Status.FAILED: "Gửi lỗi",
    Status.CANCELLED: "Đã hủy",
}
KIND_LABELS = {"digest": "Nhắc việc", "leader_weekly": "Báo cáo tuần"}
PARAMS = {"status", "recipient", "day", "page"}


class FilterError(ValueError):
    pass


def _office(user: CurrentUser) -> None:
    require(user, user.is_office, "xem hộp thư đi")


def parse_filter(params: QueryParams) -> tuple[OutboxFilter, int]:
    """The filter and page number from the URL; FilterError (in Vietnamese) for bad values."""
    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise FilterError(f"Tham số không hợp lệ: {', '.join(unknown)}.")
    asked = [s for s in params.getlist("status") if s]
    bad = [s for s in asked if s not in STATUSES]
    if bad:
        raise FilterError(f"Trạng thái không hợp lệ: {', '.join(bad)}.")
    statuses = tuple(Status(s) for s in asked)
    day = None
    if params.get("day"):
        try:
            day = date.fromisoformat(params["day"])
        except ValueError:
            raise FilterError(
                f"Ngày không hợp lệ: {params['day']} (cần dạng NNNN-TT-NN)."
            ) from None
    number = params.get("page") or "1"
    if not number.isdigit() or int(number) < 1:
        raise FilterError(f"Số trang không hợp lệ: {number}.")
    recipient = (params.get("recipient") or "").strip()[:200]
    flt = OutboxFilter(
        statuses=statuses or outbox_admin.OPEN_STATUSES, recipient=recipient, day=day
    )
    return flt, int(number)


def _query(flt: OutboxFilter, page: int = 1) -> str:
    pairs: list[tuple[str, str]] = [("status", s) for s in flt.statuses]
    if flt.recipient:
        pairs.append(("recipient", flt.recipient))
    if flt.day:
        pairs.append(("day", flt.day.isoformat()))
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id, "status": r.status, "kind": KIND_LABELS.get(r.kind, r.kind),
        "recipient": r.recipient, "slot": r.slot, "subject": r.subject, "attempts": r.attempts,
        "next_attempt_at": r.next_attempt_at, "last_error": r.last_error, "sent_at": r.sent_at,
    }  # fmt: skip


@router.get("/secretariat/outbox")
def outbox_page(request: Request, user: PageUser, db: Db) -> Response:
    _office(user)
    try:
        flt, number = parse_filter(request.query_params)
    except FilterError as exc:
        return render(
            request, "error.html", {"status": 422, "message": str(exc), "user": user}, 422
        )
    with db.read() as session:
        found = outbox_admin.page(session, flt, (number - 1) * PAGE_SIZE, PAGE_SIZE)
        counts = outbox_admin.counts(session)
        rows = [_row(r) for r in found.rows]
    pages = max(1, -(-found.total // PAGE_SIZE))
    context = {
        "user": user, "title": "Hộp thư đi", "rows": rows, "total": found.total,
        "counts": counts, "flt": flt, "page": number, "pages": pages, "labels": STATUS_LABELS,
        "statuses": STATUSES, "here": _query(flt, number),
        "prev_url": _query(flt, number - 1) if number > 1 else None,
        "next_url": _query(flt, number + 1) if number < pages else None,
    }  # fmt: skip
    return render(request, "outbox.html", context)


def _back(form: Any) -> str:
    """Back to the list the clerk was on; only a query string of our own filters is accepted."""
    back = form.get("back") if isinstance(form.get("back"), str) else ""
    try:
        flt, number = parse_filter(QueryParams(back))
    except FilterError:
        return "/secretariat/outbox"
    query = _query(flt, number)
    return f"/secretariat/outbox?{query}" if query else "/secretariat/outbox"


def _act(
    request: Request, user: CurrentUser, db: Db, form: Any, outbox_id: int, what: str
) -> Response:
    _office(user)
    act = outbox_admin.retry if what == "retry" else outbox_admin.cancel
    try:
        with db.write() as session:
            act(session, outbox_id, user.username, utcnow())
    except OutboxNotFound:
        message = "Không tìm thấy thư."
        return render(request, "error.html", {"status": 404, "message": message, "user": user}, 404)
    except OutboxNotFailed as exc:
        label = STATUS_LABELS.get(exc.status, exc.status).lower()
        message = f"Thư #{outbox_id} đang ở trạng thái “{label}”, không phải gửi lỗi: không làm gì."
        return render(request, "error.html", {"status": 409, "message": message, "user": user}, 409)
    done = "đưa lại vào hàng chờ gửi" if what == "retry" else "hủy, sẽ không gửi"
    flash(request, f"Thư #{outbox_id} đã được {done}.")
    return RedirectResponse(_back(form), status_code=303)


@router.post("/secretariat/outbox/{outbox_id}/retry")
def retry(request: Request, outbox_id: int, user: PageUser, db: Db, form: Form) -> Response:
    return _act(request, user, db, form, outbox_id, "retry")


@router.post("/secretariat/outbox/{outbox_id}/cancel")
def cancel(request: Request, outbox_id: int, user: PageUser, db: Db, form: Form) -> Response:
    return _act(request, user, db, form, outbox_id, "cancel")
