"""JSON API for programs (Authorization: Bearer <token>); the same rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from directives.models import Bucket, TaskState
from directives.parsing import NoticeError
from dondoc.settings import Settings
from notifications.assignment import notify_reassignment, notify_registration
from storage import page_reads, periods
from storage.agencies import registry_from_db
from storage.db import utcnow
from storage.models import ExtensionRow
from storage.registration import DuplicateDirective, RegistrationError, register_directive
from storage.task_ops import TaskOpError
from web import access, notices, task_lists
from web.actions import ACTIONS, actor_of, decide
from web.apidocs import ERROR_RESPONSES
from web.deps import ApiUser, AppSettings, Db, require, today
from web.list_params import ListParamsError
from web.periods import fresh_periods
from web.routes.tasks import readable_task
from web.schemas import (
    CompletionIn,
    ConfirmIn,
    DecisionIn,
    ExtensionIn,
    NoteIn,
    NoticeIn,
    PeriodOut,
    ProgressIn,
    RegisterIn,
    ReturnIn,
    TaskEditIn,
    TaskOut,
)
from web.views import task_json

router = APIRouter(tags=["nhiệm vụ"], responses=ERROR_RESPONSES)


def _unprocessable(field: str | None, message: str) -> JSONResponse:
    loc = ["body", field] if field else ["body"]
    detail = [{"loc": loc, "msg": message, "type": "value_error"}]
    return JSONResponse({"detail": detail}, status_code=422)


@router.get("/me")
def me(user: ApiUser) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "agency": user.agency_name}


class TaskPageOut(BaseModel):
    """One page of tasks: `total` counts the matches up to 10,000 (`total_capped` true: more
    than that, `total` is 10,001, a lower bound); pass `next_cursor` as `cursor` for the next
    page (null on the last), `prev_cursor` for the one before."""

    items: list[TaskOut]
    total: int
    total_capped: bool = False
    next_cursor: str | None = None
    prev_cursor: str | None = None


Q = Query


@router.get("/tasks", response_model=TaskPageOut)
def tasks(
    request: Request,
    user: ApiUser,
    db: Db,
    agency: Annotated[str | None, Q(description="agency code: it leads or coordinates")] = None,
    lead_only: Annotated[bool | None, Q(description="with agency: only tasks it leads")] = None,
    directive: Annotated[int | None, Q(description="directive id")] = None,
    leader: Annotated[str | None, Q(description="the leader who concluded the directive")] = None,
    bucket: Annotated[Bucket | None, Q(description="bucket at as_of")] = None,
    state: Annotated[TaskState | None, Q()] = None,
    due_from: Annotated[date | None, Q(description="deadline on or after")] = None,
    due_to: Annotated[date | None, Q(description="deadline on or before")] = None,
    kind: Annotated[Literal["recurring", "event"] | None, Q()] = None,
    q: Annotated[str | None, Q(max_length=200, description="text, diacritics ignored")] = None,
    as_of: Annotated[date | None, Q(description="buckets at this date (default today)")] = None,
    period: Annotated[Literal["month", "quarter", "year"] | None,
                      Q(description="due in this period of as_of")] = None,
    sort: Annotated[Literal["deadline", "registered", "lead", "state", "id"], Q()] = "deadline",
    order: Annotated[Literal["asc", "desc"], Q()] = "asc",
    cursor: Annotated[str | None, Q(description="next_cursor or prev_cursor of a page")] = None,
    limit: Annotated[int, Q(ge=1, le=200)] = 50,
) -> dict[str, Any] | JSONResponse:  # fmt: skip
    """Tasks the caller may see, filtered, sorted and paged (unknown parameters: 422)."""
    try:
        params = task_lists.read_params(db, request.query_params.multi_items(), today())
        found = task_lists.read_page(db, user, params)
    except ListParamsError as exc:
        detail = [{"loc": ["query"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return {
        "items": [task_json(t, b) for t, b in found.rows],
        "total": found.total,
        "total_capped": found.capped,
        "next_cursor": found.next_cursor,
        "prev_cursor": found.prev_cursor,
    }


@router.get("/tasks/{task_id}", response_model=TaskOut)
def task(task_id: int, user: ApiUser, db: Db) -> dict[str, Any]:
    row, rel = readable_task(db, user, task_id)
    found = fresh_periods(db, task_id, today())
    if found is not None:  # a period may have begun: the task row moved on with it
        row, rel = readable_task(db, user, task_id)
    with db.read() as session:
        record = page_reads.task_record(session, row)
    data = task_json(row, periods=found, as_of=today()) | {"relation": rel}
    data["updates"] = [
        {"kind": u.kind, "percent": u.percent, "note": u.note, "author": u.author, "at": u.at}
        for u in record.updates
    ]
    data["extensions"] = [
        {"id": e.id, "proposed": e.proposed_deadline, "decision": e.decision, "reason": e.reason}
        for e in record.extensions
    ]
    return data


@router.get("/tasks/{task_id}/periods", response_model=list[PeriodOut])
def task_periods(task_id: int, user: ApiUser, db: Db) -> list[dict[str, Any]]:
    """Các kỳ of a recurring task begun by today, each with its bucket (empty if not recurring)."""
    readable_task(db, user, task_id)
    return fresh_periods(db, task_id, today()) or []


def _run(
    name: str,
    task_id: int,
    body: BaseModel,
    user: ApiUser,
    db: Db,
    settings: Settings | None = None,
) -> Any:
    """Check, write and answer in one transaction: the task as it is after the change."""
    action = ACTIONS[name]
    try:
        with db.write() as session:
            row = page_reads.load_task_brief(session, task_id)
            if row is None:
                raise HTTPException(404, "Không tìm thấy nhiệm vụ.")
            require(user, action.allowed(access.relation(user, row)))
            action.op(session, task_id, body, actor_of(user), None, today())
            session.refresh(row)
            if name == "edit" and settings is not None:  # a new lead or coordinator is told
                notify_reassignment(session, task_id, settings, utcnow())
            found = periods.load(session, task_id) if row.recurrence else []
            shown = [periods.period_json(p, today()) for p in found] if found else None
            return task_json(row, periods=shown, as_of=today())
    except TaskOpError as exc:
        return _unprocessable(exc.field, str(exc))


@router.post("/tasks/{task_id}/progress", response_model=TaskOut)
def progress(task_id: int, body: ProgressIn, user: ApiUser, db: Db) -> Any:
    return _run("progress", task_id, body, user, db)


@router.post("/tasks/{task_id}/completion", response_model=TaskOut)
def completion(task_id: int, body: CompletionIn, user: ApiUser, db: Db) -> Any:
    return _run("completion", task_id, body, user, db)


@router.post("/tasks/{task_id}/extensions", response_model=TaskOut)
def extension(task_id: int, body: ExtensionIn, user: ApiUser, db: Db) -> Any:
    return _run("extension", task_id, body, user, db)


@router.post("/tasks/{task_id}/notes", response_model=TaskOut)
def note(task_id: int, body: NoteIn, user: ApiUser, db: Db) -> Any:
    return _run("note", task_id, body, user, db)


@router.post("/tasks/{task_id}/confirm", response_model=TaskOut)
def confirm(task_id: int, body: ConfirmIn, user: ApiUser, db: Db) -> Any:
    return _run("confirm", task_id, body, user, db)


@router.post("/tasks/{task_id}/return", response_model=TaskOut)
def return_(task_id: int, body: ReturnIn, user: ApiUser, db: Db) -> Any:
    return _run("return", task_id, body, user, db)


@router.patch("/tasks/{task_id}", response_model=TaskOut)
def edit(task_id: int, body: TaskEditIn, user: ApiUser, db: Db, settings: AppSettings) -> Any:
    return _run("edit", task_id, body, user, db, settings)


@router.post("/extensions/{extension_id}/decision", response_model=TaskOut)
def decision(
    extension_id: int, body: DecisionIn, user: ApiUser, db: Db, settings: AppSettings
) -> Any:
    """Duyệt gia hạn: by the office, or by the leader who concluded the directive when
    `extension_decider` is "leader"."""
    with db.read() as session:
        ext = session.get(ExtensionRow, extension_id)
        row = page_reads.load_task_brief(session, ext.task_id) if ext is not None else None
        rel = access.relation(user, row) if row is not None else None
    require(user, user.is_office or rel is not None)
    if ext is None:
        raise HTTPException(404, "Không tìm thấy đề nghị gia hạn.")
    require(user, access.can_decide_extension(rel, settings.extension_decider))
    try:
        with db.write() as session:
            decide(session, extension_id, body, actor_of(user), today())
    except TaskOpError as exc:
        return _unprocessable(exc.field, str(exc))
    return task(ext.task_id, user, db)


@router.post("/notices/parse")
def parse(body: NoticeIn, user: ApiUser, db: Db) -> Any:
    require(user, user.is_office)
    with db.read() as session:
        registry = registry_from_db(session)
    try:
        return notices.parse(body.text, registry).to_json_dict()
    except NoticeError as exc:
        return _unprocessable("text", str(exc))


@router.post("/notices/parse-file")
def parse_file(file: UploadFile, user: ApiUser, db: Db, settings: AppSettings) -> Any:
    """A notice file (.docx, .pdf, a scan, .html, .txt) → the proposed draft; nothing stored."""
    require(user, user.is_office)
    with db.read() as session:
        registry = registry_from_db(session)
    try:
        extracted = notices.read_upload(file, settings)
        return notices.parse(extracted.text, registry, extracted.source).to_json_dict()
    except (NoticeError, TaskOpError) as exc:
        return _unprocessable("file", str(exc))


@router.post("/directives", status_code=201)
def register(body: RegisterIn, user: ApiUser, db: Db, settings: AppSettings) -> Any:
    require(user, user.is_office)
    with db.read() as session:
        registry = registry_from_db(session)
    try:
        draft, errors = notices.apply(notices.parse(body.text, registry), body, registry)
        if errors:
            field, message = next(iter(errors.items()))
            return _unprocessable(field, message)
        with db.write() as session:
            row = register_directive(
                session, draft, registry, user.username, allow_duplicate=body.allow_duplicate
            )
            session.flush()
            queued = notify_registration(session, row.id, settings, utcnow())
            return {"id": row.id, "number": row.number, "tasks": sorted(t.id for t in row.tasks),
                    "assignment_notices": len(queued)}  # fmt: skip
    except DuplicateDirective as exc:
        detail = {
            "msg": exc.message_vi, "existing_id": exc.existing_id, "label": exc.label,
            "reason": exc.reason, "hint": "send allow_duplicate: true if it is another document",
        }  # fmt: skip
        return JSONResponse({"detail": detail}, status_code=409)
    except (NoticeError, RegistrationError) as exc:
        return _unprocessable("text", str(exc))
