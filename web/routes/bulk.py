"""Thao tác hàng loạt for the office: POST /secretariat/bulk from the checkbox form of /tasks
(fields `ids` repeated, or `filter`; `action`; and `decision`, `lead` or `deadline`), and the
same as JSON at POST /api/tasks/bulk. A summary page afterwards, or the tasks refused and why
(nothing changed); `export` answers the selection as an XLSX file."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints
from starlette.responses import Response

from storage.bulk import MAX_TASKS, BulkRefused
from web import bulk
from web.accounts import CurrentUser
from web.apidocs import ERROR_RESPONSES
from web.deps import ApiUser, AppSettings, Db, PageUser, csrf_protect, render, require, today
from web.forms import Form

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
api_router = APIRouter(tags=["nhiệm vụ"], responses=ERROR_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _office(user: CurrentUser) -> None:
    require(user, user.is_office, "thực hiện thao tác hàng loạt")


def _xlsx(content: bytes, day: date) -> Response:
    name = f"nhiem-vu-{day.isoformat()}.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/secretariat/bulk")
def bulk_page(request: Request, user: PageUser, db: Db, settings: AppSettings,
              form: Form) -> Response:  # fmt: skip
    _office(user)

    def field(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    context = {"user": user, "title": "Thao tác hàng loạt", "labels": bulk.ACTION_LABELS}
    day = today()
    try:
        ids = bulk.parse_ids([v for v in form.getlist("ids") if isinstance(v, str)])
        req = bulk.build_request(
            db, user, settings, day, action=field("action"), ids=ids,
            filter_query=field("filter"), decision=field("decision"), lead=field("lead"),
            deadline=field("deadline"), note=field("note"),
        )  # fmt: skip
        if req.action == bulk.BulkAction.EXPORT:
            return _xlsx(bulk.export(db, req), day)
        changed = bulk.apply(db, user, settings, req, day)
    except bulk.BulkInputError as exc:
        return render(request, "bulk_result.html", context | {"error": str(exc)}, 422)
    except BulkRefused as exc:
        context |= {"problems": exc.problems, "action": field("action")}
        return render(request, "bulk_result.html", context, 409)
    context |= {"summary": bulk.summary(req, len(changed)), "changed": changed}
    return render(request, "bulk_result.html", context)


# --- API ----------------------------------------------------------------------------------------

Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]


class BulkIn(BaseModel):
    """Thao tác hàng loạt: `decision` for extend, `lead` (agency code) for reassign,
    `deadline` for set_deadline."""

    action: Literal["confirm", "extend", "reassign", "set_deadline"]
    ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=MAX_TASKS)
    decision: Literal["approve", "reject"] | None = None
    lead: Code | None = None
    deadline: date | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""


class BulkOut(BaseModel):
    action: str
    count: int
    task_ids: list[int]
    summary: str


class BulkProblemOut(BaseModel):
    task_id: int
    message: str


class BulkRefusedOut(BaseModel):
    detail: str
    problems: list[BulkProblemOut]


@api_router.post(
    "/tasks/bulk",
    response_model=BulkOut,
    responses={409: {"model": BulkRefusedOut, "description": "Some tasks refused: no change"}},
)
def bulk_api(body: BulkIn, user: ApiUser, db: Db, settings: AppSettings) -> Response | BulkOut:
    """One action on many tasks, all or nothing (the office only)."""
    _office(user)
    day = today()
    try:
        req = bulk.build_request(
            db, user, settings, day, action=body.action, ids=body.ids,
            decision=body.decision or "", lead=body.lead or "",
            deadline=body.deadline.isoformat() if body.deadline else "", note=body.note,
        )  # fmt: skip
        changed = bulk.apply(db, user, settings, req, day)
    except bulk.BulkInputError as exc:
        detail = [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
    except BulkRefused as exc:
        problems = [{"task_id": p.task_id, "message": f"{p.label}: {p.message}"}
                    for p in exc.problems]  # fmt: skip
        refused = "Không thực hiện được: có nhiệm vụ không phù hợp, không thay đổi gì."
        return JSONResponse({"detail": refused, "problems": problems}, status_code=409)
    return BulkOut(action=req.action.value, count=len(changed), task_ids=changed,
                   summary=bulk.summary(req, len(changed)))  # fmt: skip
